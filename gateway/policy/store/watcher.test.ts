import { describe, expect, it } from 'vitest'
import { createPolicyWatcher, type PolicySnapshot } from './index.js'

/** A store whose active version the test moves by hand; the database-backed one is tested in policy-store.test.ts. */
function fakeStore(initial: number | null) {
  let version = initial
  let failing: Error | null = null
  return {
    set: (next: number | null) => void (version = next),
    fail: (error: Error | null) => void (failing = error),
    activeVersion: async () => {
      if (failing) throw failing
      return version
    },
    active: async (): Promise<PolicySnapshot | null> => (version === null ? null : { version, files: [], digest: String(version) }),
  }
}

const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms))

describe('createPolicyWatcher', () => {
  it('calls onChange only when the version moves, never for the initial or an empty store', async () => {
    const store = fakeStore(null)
    const seen: number[] = []
    const watcher = createPolicyWatcher({ store, intervalMs: 5, initialVersion: null, onChange: (s) => void seen.push(s.version), onError: () => undefined })
    await tick()
    expect(seen).toEqual([])
    store.set(3)
    await tick()
    store.set(4)
    await tick()
    watcher.stop()
    expect(seen).toEqual([3, 4])
  })

  it('reports a failing poll and carries on', async () => {
    const store = fakeStore(1)
    const errors: unknown[] = []
    const seen: number[] = []
    const watcher = createPolicyWatcher({ store, intervalMs: 5, initialVersion: 1, onChange: (s) => void seen.push(s.version), onError: (e) => errors.push(e) })
    store.fail(new Error('database down'))
    await tick()
    store.fail(null)
    store.set(2)
    await tick()
    watcher.stop()
    expect(errors.length).toBeGreaterThan(0)
    expect((errors[0] as Error).message).toBe('database down')
    expect(seen).toEqual([2])
  })

  it('never overlaps polls while onChange is slow, and stops scheduling after stop()', async () => {
    const store = fakeStore(1)
    let running = 0
    let maxRunning = 0
    let calls = 0
    const watcher = createPolicyWatcher({
      store,
      intervalMs: 1,
      initialVersion: 0,
      async onChange() {
        calls++
        running++
        maxRunning = Math.max(maxRunning, running)
        await tick(20)
        running--
        throw new Error('refused')
      },
      onError: () => undefined,
    })
    await tick(80)
    watcher.stop()
    const after = calls
    await tick(40)
    expect(maxRunning).toBe(1)
    expect(after).toBeGreaterThan(1)
    expect(calls).toBeLessThanOrEqual(after + 1)
  })
})
