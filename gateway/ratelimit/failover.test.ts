/**
 * The promise of the README, "at most perMinute + burst units in any 60 s, across all instances",
 * through outages of the shared limiter: a property over random limits, loads, outages (with and
 * without losing the shared state), probes that find the limiter back at different moments, and
 * decisions that time out after the shared limiter may or may not have counted them. Each
 * instance's probe runs on its own timer, as in production, so the instances find the shared
 * limiter back at different moments (within one probe interval of each other).
 *
 * Everything runs on one simulated clock: the shared limiter is a memory adapter (the same
 * arithmetic as the Redis script, proved equal by the conformance suite), replaced by an empty
 * one when an outage loses the state; each instance is a failover limiter over it with its own
 * memory fallback, as in production.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createFailoverRateLimiter, type FailoverRateLimiter } from './failover.js'
import { MemoryRateLimiter } from './memory.js'
import { capacityOf, RateLimiterUnavailableError, type ConsumeRequest, type RateLimiter, type RateLimitSpec } from './rate-limiter.js'

interface Outage {
  /** When the shared limiter stops answering (ms of the run). */
  at: number
  /** How long it is gone. */
  lastsMs: number
  /** Whether it comes back empty (a restarted Redis) or with its state (a network blip). */
  loses: boolean
}

interface Scenario {
  limit: RateLimitSpec
  /** Milliseconds between two requests of one instance. */
  everyMs: [number, number]
  outages: Outage[]
  /** Requests whose shared decision times out: the index, and whether the shared limiter counted it first. */
  timeouts: Array<{ index: number; counted: boolean }>
}

const PROBE_MS = 1000
const RUN_MS = 240_000

/**
 * A shared limiter that can be taken down, brought back, lose its state, or time out once. Like
 * the Redis adapter, it tells when its connection came back (`resumedAt`): an instance that sent
 * nothing during an outage never degraded, so only the connection can tell it.
 */
function sharedLimiter(now: () => number) {
  let backend = new MemoryRateLimiter({ now })
  let up = true
  let reconnectedAt: number | undefined
  let timeoutNext: null | { counted: boolean } = null
  const limiter: RateLimiter = {
    kind: 'memory',
    get resumedAt() {
      return reconnectedAt
    },
    async consume(request) {
      if (!up) throw new RateLimiterUnavailableError('down')
      if (timeoutNext) {
        const { counted } = timeoutNext
        timeoutNext = null
        if (counted) await backend.consume(request)
        throw new RateLimiterUnavailableError('no answer within the deadline', { timedOut: true })
      }
      return backend.consume(request)
    },
    async refund(request) {
      if (!up) throw new RateLimiterUnavailableError('down')
      await backend.refund(request)
    },
    async ping() {
      return up ? { ok: true, latencyMs: 0 } : { ok: false, latencyMs: 0, detail: 'down' }
    },
    async close() {},
  }
  return {
    limiter,
    down: () => void (up = false),
    back: (loses: boolean) => {
      up = true
      reconnectedAt = now()
      if (loses) backend = new MemoryRateLimiter({ now })
    },
    timeOutNext: (counted: boolean) => void (timeoutNext = { counted }),
  }
}

/** Runs a scenario; returns the instants of every admitted request. */
async function run(scenario: Scenario): Promise<number[]> {
  let t = 0
  const now = () => t
  const shared = sharedLimiter(now)
  // The probes' timers, on the simulated clock: each fires every interval from when it was set
  // (when its instance degraded), so the two instances find the limiter back at their own moments.
  const timers = new Set<{ probe: () => void; everyMs: number; next: number }>()
  const every = (probe: () => void, everyMs: number) => {
    const timer = { probe, everyMs, next: t + everyMs }
    timers.add(timer)
    return () => void timers.delete(timer)
  }
  const instances: FailoverRateLimiter[] = [0, 1].map(() =>
    createFailoverRateLimiter({ primary: shared.limiter, fallback: new MemoryRateLimiter({ now }), instances: 2, probeIntervalMs: PROBE_MS, now, every }),
  )
  /** Fires every probe due up to `until`, in time order, letting each ping's answer land. */
  const fireProbes = async (until: number) => {
    for (;;) {
      const due = [...timers].filter((timer) => timer.next <= until).sort((a, b) => a.next - b.next)[0]
      if (!due) return
      t = due.next
      due.next += due.everyMs
      due.probe()
      for (let i = 0; i < 5; i++) await Promise.resolve()
    }
  }
  type Event = { at: number; act: () => Promise<void> | void }
  const admitted: number[] = []
  const events: Event[] = []
  const request: ConsumeRequest = { partition: 'agency:sim', cost: 1, limits: [scenario.limit] }
  let index = 0
  for (const i of [0, 1]) {
    for (let at = i * 37; at < RUN_MS; at += scenario.everyMs[i]!) {
      events.push({
        at,
        act: async () => {
          const n = index++
          const timeout = scenario.timeouts.find((x) => x.index === n)
          if (timeout) shared.timeOutNext(timeout.counted)
          if ((await instances[i]!.consume(request)).allowed) admitted.push(t)
        },
      })
    }
  }
  for (const outage of scenario.outages) {
    events.push({ at: outage.at, act: shared.down })
    events.push({ at: outage.at + outage.lastsMs, act: () => shared.back(outage.loses) })
  }
  events.sort((a, b) => a.at - b.at)
  for (const event of events) {
    await fireProbes(event.at)
    t = event.at
    await event.act()
  }
  await Promise.all(instances.map((instance) => instance.close()))
  return admitted
}

/** The most admissions within any closed 60 s interval. */
function busiestMinute(admitted: readonly number[]): { count: number; from: number } {
  let best = { count: 0, from: 0 }
  for (let i = 0, j = 0; j < admitted.length; j++) {
    while (admitted[i]! < admitted[j]! - 60_000) i++
    if (j - i + 1 > best.count) best = { count: j - i + 1, from: admitted[i]! }
  }
  return best
}

const outageArb = fc.record({
  at: fc.integer({ min: 0, max: RUN_MS - 30_000 }),
  lastsMs: fc.integer({ min: 1, max: 40_000 }),
  loses: fc.boolean(),
})

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  limit: fc.record({
    name: fc.constant('agency'),
    kind: fc.constant('rate' as const),
    perMinute: fc.integer({ min: 6, max: 600 }),
    burst: fc.integer({ min: 0, max: 60 }),
  }),
  everyMs: fc.tuple(fc.integer({ min: 20, max: 1500 }), fc.integer({ min: 20, max: 1500 })),
  // Outages apart from each other: each ends before the next begins.
  outages: fc.array(outageArb, { maxLength: 3 }).map((list) => {
    const sorted = [...list].sort((a, b) => a.at - b.at)
    const apart: Outage[] = []
    for (const outage of sorted) {
      const previous = apart.at(-1)
      if (!previous || outage.at > previous.at + previous.lastsMs + PROBE_MS) apart.push(outage)
    }
    return apart
  }),
  timeouts: fc.array(fc.record({ index: fc.nat({ max: 4000 }), counted: fc.boolean() }), { maxLength: 20 }),
})

describe('failover: the 60-second promise holds through outages', () => {
  it('property: two instances never admit more than perMinute + burst in any 60 s', async () => {
    const seen = { runs: 0, outages: 0, lost: 0, admitted: 0, fullest: 0 }
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const admitted = await run(scenario)
        const bound = scenario.limit.perMinute + capacityOf(scenario.limit)
        const busiest = busiestMinute(admitted)
        seen.runs++
        seen.outages += scenario.outages.length
        seen.lost += scenario.outages.filter((o) => o.loses).length
        seen.admitted += admitted.length
        seen.fullest = Math.max(seen.fullest, busiest.count / bound)
        if (busiest.count > bound) {
          const shown = admitted.filter((at) => at >= busiest.from && at <= busiest.from + 60_000)
          throw new Error(`${busiest.count} admitted in the 60 s from ${busiest.from} ms, bound ${bound}: at ${shown.join(', ')}`)
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150), ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    )
    console.info(`failover property: ${JSON.stringify(seen)}`)
    // The property says little unless the load pressed against the bound, through outages.
    expect(seen.fullest).toBeGreaterThan(0.9)
    expect(seen.lost).toBeGreaterThan(20)
  }, 120_000)

  it('the failure it guards against: a share that starts full over-admits (the earlier design)', async () => {
    // perMinute 120, burst 30, two instances at 10 requests/s; the shared limiter goes away
    // after the shared bucket was spent, and comes back empty 20 s later. Starting each share and
    // the restarted bucket full, as before, admitted up to 2 bursts more than the bound; the
    // busiest minute now stays within it, and the limit is still used (no starvation).
    const scenario: Scenario = {
      limit: { name: 'agency', kind: 'rate', perMinute: 120, burst: 30 },
      everyMs: [100, 100],
      outages: [{ at: 8000, lastsMs: 20_000, loses: true }],
      timeouts: [],
    }
    const admitted = await run(scenario)
    const busiest = busiestMinute(admitted)
    console.info(`failover: busiest minute ${busiest.count} (bound 150), ${admitted.length} admitted over ${RUN_MS / 1000} s`)
    expect(busiest.count).toBeLessThanOrEqual(150)
    // 240 s at 120/min plus one burst is 510: at least 90 % of it is used despite the outage.
    expect(admitted.length).toBeGreaterThan(0.9 * (120 * 4 + 30) - 30)
  })
})
