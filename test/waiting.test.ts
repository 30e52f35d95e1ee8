import { describe, expect, it } from 'vitest'
import { poll, sleep, until } from './waiting.js'

describe('waiting helpers', () => {
  it('until returns the first value that is neither undefined nor false', async () => {
    let calls = 0
    expect(await until(() => (++calls >= 3 ? `after ${calls}` : undefined), { withinMs: 5000, everyMs: 1 })).toBe('after 3')
    expect(await until(() => ++calls >= 5, { withinMs: 5000, everyMs: 1 })).toBe(true)
    expect(await until(() => 0, { withinMs: 5000 })).toBe(0)
  })

  it('until gives up after its bound, naming what it waited for', async () => {
    await expect(until(() => false, { withinMs: 30, everyMs: 5, what: 'the banner' })).rejects.toThrow('the banner not met within 30 ms')
  })

  it('poll returns the accepted value, or the last one seen when time runs out', async () => {
    let n = 0
    expect(
      await poll(
        async () => ++n,
        (v) => v === 4,
        { withinMs: 5000, everyMs: 1 },
      ),
    ).toBe(4)
    const last = await poll(
      async () => ++n,
      () => false,
      { withinMs: 30, everyMs: 5 },
    )
    expect(last).toBeGreaterThan(4)
  })

  it('sleep waits at least as long as asked', async () => {
    const started = performance.now()
    await sleep(20)
    expect(performance.now() - started).toBeGreaterThanOrEqual(19)
  })
})
