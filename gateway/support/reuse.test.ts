import { describe, expect, it } from 'vitest'
import { reuseOnceBuilt } from './reuse.js'

describe('reuseOnceBuilt', () => {
  it('keeps the first value built and builds no more', async () => {
    let builds = 0
    const page = reuseOnceBuilt(async () => `page ${++builds}`)
    expect(await page()).toBe('page 1')
    expect(await page()).toBe('page 1')
    expect(builds).toBe(1)
  })

  it('does not keep a failed build: the next call builds again', async () => {
    let builds = 0
    const page = reuseOnceBuilt(async () => {
      if (++builds === 1) throw new Error('bundle not readable')
      return 'page'
    })
    await expect(page()).rejects.toThrow('bundle not readable')
    expect(await page()).toBe('page')
    expect(builds).toBe(2)
  })

  it('a call never waits on a build another call started: it builds its own, and the first finished is kept', async () => {
    let release = (): void => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    let builds = 0
    const page = reuseOnceBuilt(async () => {
      const n = ++builds
      if (n === 1) await held
      return `page ${n}`
    })
    let firstSettled = false
    const first = page().finally(() => (firstSettled = true))
    expect(await page()).toBe('page 2')
    expect(firstSettled).toBe(false) // answered while the first build still hangs
    release()
    expect(await first).toBe('page 2')
    expect(await page()).toBe('page 2')
  })
})
