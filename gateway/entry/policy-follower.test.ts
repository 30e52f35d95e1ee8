/**
 * The request-driven policy follower of the Workers entry: it switches to a new active version,
 * runs one check at a time without making a request wait on another's, takes a check that never
 * finished (its request cancelled) as abandoned, and never lets a late check switch back.
 */
import { describe, expect, it } from 'vitest'
import type { PolicySet } from '../../policies/index.js'
import type { PolicySnapshot } from '../policy/store/index.js'
import { recordingLogger } from '../../test/recording-logger.js'
import { CHECK_ABANDONED_MS, POLICY_FRESHNESS_MS, policyFollower } from './policy-follower.js'

/** A store whose reads are answered by the test, in whatever order it chooses. */
function heldStore() {
  const reads: Array<(version: number | null) => void> = []
  return {
    reads,
    activeVersion: () => new Promise<number | null>((resolve) => reads.push(resolve)),
    active: async (): Promise<PolicySnapshot> => ({ version: 0, files: [], digest: '' }),
  }
}

function world(initialVersion = 1) {
  let clock = 1_000_000
  const switched: number[] = []
  const store = heldStore()
  let snapshotVersion = initialVersion
  store.active = async () => ({ version: snapshotVersion, files: [], digest: '' })
  const { logger, lines } = recordingLogger()
  const follow = policyFollower(
    store,
    { replace: (_set: PolicySet, version: number) => void switched.push(version) },
    { setOf: () => ({}) as PolicySet },
    initialVersion,
    logger,
    () => clock,
  )
  return {
    follow,
    store,
    switched,
    lines,
    advance: (ms: number) => (clock += ms),
    serve: (version: number) => (snapshotVersion = version),
  }
}

describe('policy follower (workerd)', () => {
  it('reads nothing while the version is fresh, then switches to a new active version', async () => {
    const w = world(1)
    await w.follow()
    expect(w.store.reads).toHaveLength(0)
    w.advance(POLICY_FRESHNESS_MS)
    const check = w.follow()
    w.serve(2)
    w.store.reads[0]!(2)
    await check
    expect(w.switched).toEqual([2])
  })

  it('runs one check at a time: a request finding one running goes on without waiting', async () => {
    const w = world(1)
    w.advance(POLICY_FRESHNESS_MS)
    const first = w.follow()
    w.advance(POLICY_FRESHNESS_MS)
    let secondDone = false
    await w.follow().then(() => (secondDone = true))
    expect(secondDone).toBe(true) // did not wait on the first check
    expect(w.store.reads).toHaveLength(1) // and started none of its own
    w.store.reads[0]!(1)
    await first
    w.advance(POLICY_FRESHNESS_MS)
    const third = w.follow()
    expect(w.store.reads).toHaveLength(2) // the finished check let the next one start
    w.store.reads[1]!(1)
    await third
    expect(w.switched).toEqual([])
  })

  it('takes a check that never finishes as abandoned, and a late one cannot switch back', async () => {
    const w = world(1)
    w.advance(POLICY_FRESHNESS_MS)
    const stale = w.follow() // its request is cancelled: it reads version 2 much later
    w.advance(CHECK_ABANDONED_MS)
    const fresh = w.follow()
    expect(w.store.reads).toHaveLength(2)
    w.serve(3)
    w.store.reads[1]!(3)
    await fresh
    expect(w.switched).toEqual([3])
    w.serve(2)
    w.store.reads[0]!(2)
    await stale
    expect(w.switched).toEqual([3]) // the late check read 2 and did not apply it
  })

  it('keeps the version in force when the check fails, and says so', async () => {
    const w = world(4)
    w.store.activeVersion = async () => {
      throw new Error('connection refused')
    }
    w.advance(POLICY_FRESHNESS_MS)
    await w.follow()
    expect(w.switched).toEqual([])
    expect(w.lines).toEqual([expect.objectContaining({ level: 'error', message: 'policy version not switched; keeping the current one' })])
  })
})
