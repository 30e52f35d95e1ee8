/**
 * One conformance suite (`describe.each`) for both RateLimiter adapters: memory with an injected
 * clock (exact figures), Redis on a real redis-server with real time (the clock is Redis's own,
 * so "advance" sleeps and reported waits are bracketed by a stopwatch). Then what only one does: the memory
 * adapter's 60-second-window property, the Redis script cache and Cluster, and the failover.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findRedisServer, startRedis, type RedisService } from '../../test/services/redis.js'
import { createRedisSharedStore, type RedisSharedStore } from '../shared-store/redis.node.js'
import {
  createFailoverRateLimiter,
  createMemoryRateLimiter,
  DAY_MS,
  DAY_OFFSET_MS,
  RateLimiterUnavailableError,
  type ConsumeDecision,
  type ConsumeRequest,
  type LimitSpec,
  type RateLimiter,
} from './index.js'
import { createRedisRateLimiter } from './redis.node.js'
import { createDurableObjectRateLimiter, RateLimitObject } from './durable-object.js'
import { memoryObjectNamespace } from '../support/durable-object.fixture.js'
import { sleep } from '../../test/waiting.js'

const partition = (label: string) => `test:${label}:${randomUUID().slice(0, 8)}`
const rate = (perMinute: number, burst: number, name = 'agency'): LimitSpec => ({ name, kind: 'rate', perMinute, burst })

interface Harness {
  /** Two limiters on the same backend (two gateway instances). */
  open(): RateLimiter
  /** Lets time pass: the injected clock for memory, a real sleep for Redis. */
  advance(ms: number): Promise<void>
  /**
   * Starts a stopwatch on the backend's clock: how far it has moved since (0 with an injected
   * clock that nobody advanced). A reported wait may be shorter by that much, however long a
   * busy machine took between the calls; a fixed allowance would flake on one.
   */
  stopwatch(): () => number
  /** Current time as the backend sees it (to check the daily reset). */
  now(): number
  shared: boolean
}

const redisInstalled = findRedisServer() !== null
let redis: RedisService | undefined
const stores: RedisSharedStore[] = []
const limiters: RateLimiter[] = []

beforeAll(async () => {
  if (redisInstalled) redis = await startRedis()
})
afterAll(async () => {
  await Promise.all(limiters.map((limiter) => limiter.close()))
  await Promise.all(stores.map((store) => store.close()))
  await redis?.stop()
})

/**
 * A harness on an injected clock (exact figures). `backend` is given the clock once and returns
 * how to open a limiter on it; `shared`: do two limiters opened there share their limits?
 */
function injectedClockHarness(backend: (now: () => number) => () => RateLimiter, shared: boolean): Harness {
  let now = Date.UTC(2026, 0, 15, 3, 0, 0)
  const open = backend(() => now)
  return {
    open: () => {
      const limiter = open()
      limiters.push(limiter)
      return limiter
    },
    advance: async (ms) => {
      now += ms
    },
    stopwatch: () => {
      const start = now
      return () => now - start
    },
    now: () => now,
    shared,
  }
}

const memoryHarness = () => injectedClockHarness((now) => () => createMemoryRateLimiter({ now }), false)

/** Durable Objects with their storage in memory: the object's protocol and storage, one namespace for both limiters. */
const durableObjectHarness = () =>
  injectedClockHarness((now) => {
    const namespace = memoryObjectNamespace((state) => new RateLimitObject(state, undefined, now))
    return () => createDurableObjectRateLimiter(namespace)
  }, true)

function redisHarness(): Harness {
  return {
    open: () => {
      // Generous deadline for the shared suite, so a busy CI machine does not flake.
      const store = createRedisSharedStore({ url: (redis as RedisService).url, commandTimeoutMs: 1000 })
      stores.push(store)
      const limiter = createRedisRateLimiter(store)
      limiters.push(limiter)
      return limiter
    },
    advance: async (ms) => {
      await sleep(ms)
    },
    stopwatch: () => {
      const start = performance.now()
      // Redis's clock and ours tick at the same rate; 1 ms for the rounding of either.
      return () => performance.now() - start + 1
    },
    now: () => Date.now(),
    shared: true,
  }
}

const adapters: Array<[string, () => Harness]> = [
  ['memory', memoryHarness],
  ['durable-object (storage in memory)', durableObjectHarness],
  ...(redisInstalled ? ([['redis', redisHarness]] as Array<[string, () => Harness]>) : []),
]
if (!redisInstalled) {
  if (process.env.CI === 'true') it('redis-server is installed (required on CI)', () => expect(findRedisServer()).not.toBeNull())
  else console.warn('\n⚠ redis-server not found: Redis rate-limiter tests SKIPPED (apt-get install redis-server)\n')
}

describe.each(adapters)('RateLimiter conformance: %s', (_name, makeHarness) => {
  let h: Harness
  beforeAll(() => {
    h = makeHarness()
  })

  it('passes a burst of `burst` units at once, then refuses with the wait for one unit', async () => {
    const limiter = h.open()
    const request: ConsumeRequest = { partition: partition('burst'), cost: 1, limits: [rate(60, 5)] }
    const elapsed = h.stopwatch()
    const remaining: number[] = []
    for (let i = 0; i < 5; i++) {
      const decision = await limiter.consume(request)
      expect(decision.allowed, JSON.stringify(decision)).toBe(true)
      remaining.push(decision.limits[0]!.remaining)
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0])
    const refused = await limiter.consume(request)
    expect(refused.allowed).toBe(false)
    // One unit per second; a few ms may have passed on a real clock.
    const took = elapsed()
    expect(refused.retryAfterMs).toBeGreaterThanOrEqual(1000 - took)
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1000)
    expect(refused.limits[0]).toMatchObject({ name: 'agency', kind: 'rate', quota: 65, windowS: 60, remaining: 0 })
    expect(refused.limits[0]!.resetMs).toBeGreaterThanOrEqual(5000 - took)
    expect(refused.limits[0]!.resetMs).toBeLessThanOrEqual(5000)
  })

  it('a refusal takes nothing: after retryAfterMs the same request passes, and only one', async () => {
    const limiter = h.open()
    const request: ConsumeRequest = { partition: partition('retry'), cost: 1, limits: [rate(600, 2)] }
    await limiter.consume(request)
    await limiter.consume(request)
    const refused = await limiter.consume(request)
    expect(refused.allowed).toBe(false)
    await limiter.consume(request) // refused again, still takes nothing
    await h.advance(refused.retryAfterMs)
    expect((await limiter.consume(request)).allowed).toBe(true)
    expect((await limiter.consume(request)).allowed).toBe(false)
  })

  it.each<[string, number, boolean[], number]>([
    // [case, drainedAgoMs, five decisions in a row, the first refusal's wait (ms, on a fresh clock)]
    ['empty now: the first unit one interval (1 s) later', 0, [false, false, false, false, false], 1000],
    ['empty 2.5 s ago: two units have come back', 2500, [true, true, false, false, false], 500],
    ['empty a whole refill (5 s) ago: as full as a fresh bucket', 5000, [true, true, true, true, true], 0],
    ['empty 0.5 s from now: nothing until 1.5 s', -500, [false, false, false, false, false], 1500],
  ])('drainedAgoMs — %s', async (_case, drainedAgoMs, expected, firstWait) => {
    const limiter = h.open()
    const request: ConsumeRequest = { partition: partition(`drained-${drainedAgoMs}`), cost: 1, limits: [rate(60, 5)], drainedAgoMs }
    const elapsed = h.stopwatch()
    const decisions = []
    for (let i = 0; i < 5; i++) decisions.push(await limiter.consume(request))
    expect(decisions.map((d) => d.allowed)).toEqual(expected)
    const refused = decisions.find((d) => !d.allowed)
    if (refused) {
      expect(refused.retryAfterMs).toBeGreaterThanOrEqual(firstWait - elapsed())
      expect(refused.retryAfterMs).toBeLessThanOrEqual(firstWait)
      expect(refused.limits[0]!.remaining).toBe(0)
    }
  })

  it('drainedAgoMs never makes a bucket fuller than it is: one emptied by use stays so', async () => {
    const limiter = h.open()
    const request: ConsumeRequest = { partition: partition('drained-used'), cost: 1, limits: [rate(60, 5)] }
    for (let i = 0; i < 5; i++) expect((await limiter.consume(request)).allowed).toBe(true)
    // Counted empty 4 s ago would leave 4 units; the bucket itself holds none.
    expect((await limiter.consume({ ...request, drainedAgoMs: 4000 })).allowed).toBe(false)
  })

  it('charges the cost: 3 of 5 units, then 3 more are refused until one interval per missing unit', async () => {
    const limiter = h.open()
    const base = { partition: partition('cost'), limits: [rate(60, 5)] }
    const elapsed = h.stopwatch()
    const first = await limiter.consume({ ...base, cost: 3 })
    expect(first.allowed).toBe(true)
    expect(first.limits[0]!.remaining).toBe(2)
    const second = await limiter.consume({ ...base, cost: 3 })
    expect(second.allowed).toBe(false)
    expect(second.retryAfterMs).toBeGreaterThanOrEqual(1000 - elapsed())
    expect(second.retryAfterMs).toBeLessThanOrEqual(1000)
    expect((await limiter.consume({ ...base, cost: 2 })).allowed, 'the refusal took nothing').toBe(true)
  })

  it('all or nothing: when one limit refuses, no limit is charged', async () => {
    const limiter = h.open()
    const p = partition('atomic')
    const wide = rate(60, 10, 'agency')
    const narrow = rate(60, 1, 'grant-x')
    expect((await limiter.consume({ partition: p, cost: 1, limits: [wide, narrow] })).allowed).toBe(true)
    const refused = await limiter.consume({ partition: p, cost: 1, limits: [wide, narrow] })
    expect(refused.allowed).toBe(false)
    expect(refused.limits.map((l) => [l.name, l.remaining])).toEqual([
      ['agency', 9],
      ['grant-x', 0],
    ])
    const wideOnly = await limiter.consume({ partition: p, cost: 1, limits: [wide] })
    expect(wideOnly.limits[0]!.remaining, 'the refused decision did not take from the wide limit').toBe(8)
  })

  it('a daily quota counts units until local midnight (UTC+7) and reports the wait until then', async () => {
    const limiter = h.open()
    const request: ConsumeRequest = { partition: partition('daily'), cost: 2, limits: [{ name: 'day', kind: 'daily', quota: 5 }] }
    expect((await limiter.consume(request)).limits[0]!.remaining).toBe(3)
    expect((await limiter.consume(request)).limits[0]!.remaining).toBe(1)
    // The wait until midnight is read on the backend's clock somewhere between these two readings.
    const before = h.now()
    const refused = await limiter.consume(request)
    const after = h.now()
    expect(refused.allowed).toBe(false)
    expect(refused.limits[0]).toMatchObject({ quota: 5, windowS: 86_400, remaining: 1 })
    const midnight = (Math.floor((before + DAY_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - DAY_OFFSET_MS
    expect(refused.retryAfterMs).toBeGreaterThanOrEqual(midnight - after - 1)
    expect(refused.retryAfterMs).toBeLessThanOrEqual(midnight - before + 1)
    expect((await limiter.consume({ ...request, cost: 1 })).allowed).toBe(true)
  })

  it('a refund gives back units: the bucket refills by that much, never beyond full', async () => {
    const limiter = h.open()
    const request: ConsumeRequest = { partition: partition('refund'), cost: 3, limits: [rate(6, 5)] }
    expect((await limiter.consume(request)).limits[0]!.remaining).toBe(2)
    await limiter.refund!({ ...request, cost: 2 })
    expect((await limiter.consume({ ...request, cost: 4 })).allowed, '1 of 5 still taken: 4 fit').toBe(true)
    expect((await limiter.consume({ ...request, cost: 1 })).allowed, 'and no more').toBe(false)
    await limiter.refund!({ ...request, cost: 50 })
    const full = await limiter.consume({ ...request, cost: 5 })
    expect(full.allowed, 'a refund beyond what was taken only fills the bucket').toBe(true)
    expect((await limiter.consume({ ...request, cost: 1 })).allowed).toBe(false)
  })

  it("a refund lowers today's count of a daily quota, never below 0", async () => {
    const limiter = h.open()
    const request: ConsumeRequest = { partition: partition('refund-day'), cost: 4, limits: [{ name: 'day', kind: 'daily', quota: 5 }] }
    expect((await limiter.consume(request)).allowed).toBe(true)
    expect((await limiter.consume(request)).allowed).toBe(false)
    await limiter.refund!({ ...request, cost: 3 })
    expect((await limiter.consume(request)).limits[0]!.remaining).toBe(0)
    await limiter.refund!({ ...request, cost: 100 })
    expect((await limiter.consume({ ...request, cost: 5 })).allowed, 'back to 0 used, not below').toBe(true)
    expect((await limiter.consume({ ...request, cost: 1 })).allowed).toBe(false)
  })

  it('100 concurrent decisions on a bucket of 10 pass exactly 10', async () => {
    const limiter = h.open()
    const request: ConsumeRequest = { partition: partition('race'), cost: 1, limits: [rate(1, 10)] }
    const decisions = await Promise.all(Array.from({ length: 100 }, () => limiter.consume(request)))
    expect(decisions.filter((d) => d.allowed).length).toBe(10)
  })

  it('two limiters on one backend share limits only when the backend is shared', async () => {
    const [a, b] = [h.open(), h.open()]
    const request: ConsumeRequest = { partition: partition('instances'), cost: 1, limits: [rate(1, 10)] }
    const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).consume(request)))
    expect(decisions.filter((d) => d.allowed).length).toBe(h.shared ? 10 : 20)
  })

  it.each([
    ['an empty partition', { partition: '', cost: 1, limits: [rate(1, 1)] }],
    ['a partition with a brace (it would break the Cluster hash tag)', { partition: 'a{b}', cost: 1, limits: [rate(1, 1)] }],
    ['a zero cost', { partition: 'p', cost: 0, limits: [rate(1, 1)] }],
    ['a fractional cost', { partition: 'p', cost: 1.5, limits: [rate(1, 1)] }],
    ['no limits', { partition: 'p', cost: 1, limits: [] }],
    ['two limits of one name', { partition: 'p', cost: 1, limits: [rate(1, 1), rate(2, 2)] }],
    ['a perMinute of 0', { partition: 'p', cost: 1, limits: [rate(0, 1)] }],
    ['a quoted name', { partition: 'p', cost: 1, limits: [rate(1, 1, 'a"b')] }],
  ] as Array<[string, ConsumeRequest]>)('rejects %s with TypeError', async (_label, request) => {
    await expect(h.open().refund!(request)).rejects.toThrow(TypeError)
    await expect(h.open().consume(request)).rejects.toThrow(TypeError)
  })

  it('answers ping; after close, decisions reject as unavailable', async () => {
    const limiter = h.open()
    expect((await limiter.ping()).ok).toBe(true)
    await limiter.close()
    await expect(limiter.consume({ partition: 'p', cost: 1, limits: [rate(1, 1)] })).rejects.toBeInstanceOf(RateLimiterUnavailableError)
  })
})

describe('memory adapter: GCRA exactness', () => {
  it.each([
    [120, 20],
    [600, 60],
    [60, 0],
    [7, 3],
  ])('perMinute %i, burst %i: every closed 60 s window holds at most perMinute + max(burst, 1); all of it is used', async (perMinute, burst) => {
    let now = 1_000_000
    const limiter = createMemoryRateLimiter({ now: () => now })
    const allowed: number[] = []
    const request: ConsumeRequest = { partition: 'window', cost: 1, limits: [rate(perMinute, burst)] }
    // Demand far above the limit for three minutes, in 5 ms steps.
    for (let t = 0; t <= 180_000; t += 5) {
      now = 1_000_000 + t
      if ((await limiter.consume(request)).allowed) allowed.push(t)
    }
    let most = 0
    for (let i = 0, j = 0; i < allowed.length; i++) {
      while ((allowed[j] as number) < (allowed[i] as number) - 60_000) j++
      most = Math.max(most, i - j + 1)
    }
    expect(most).toBe(perMinute + Math.max(burst, 1))
    // Bucket full at the start, then one unit per interval: burst + perMinute × 3 minutes.
    expect(allowed.length).toBe(Math.max(burst, 1) + perMinute * 3)
    await limiter.close()
  })

  it('forgets the oldest state when full instead of growing', async () => {
    const limiter = createMemoryRateLimiter({ maxEntries: 3 })
    for (const p of ['a', 'b', 'c', 'd']) await limiter.consume({ partition: p, cost: 1, limits: [rate(1, 1)] })
    expect(limiter.size).toBe(3)
    expect((await limiter.consume({ partition: 'a', cost: 1, limits: [rate(1, 1)] })).allowed, 'a was forgotten: full again').toBe(true)
    await limiter.close()
  })
})

describe.runIf(redisInstalled)('redis adapter', () => {
  const open = (url: string, commandTimeoutMs = 1000) => {
    const store = createRedisSharedStore({ url, commandTimeoutMs })
    stores.push(store)
    return { store, limiter: createRedisRateLimiter(store) }
  }

  it('failover: a Redis that restarted empty while this instance sent nothing does not hand out its buckets full', async () => {
    const restarting = await startRedis()
    try {
      const { store, limiter: primary } = open(restarting.url)
      const limiter = createFailoverRateLimiter({ primary, fallback: createMemoryRateLimiter(), instances: 2 })
      limiters.push(limiter)
      const request: ConsumeRequest = { partition: partition('restart'), cost: 1, limits: [rate(600, 5)] }
      for (let i = 0; i < 50 && !(await limiter.ping()).ok; i++) await sleep(20)
      expect((await limiter.consume(request)).limits[0]!.remaining).toBe(4)
      await restarting.kill()
      await restarting.restart()
      for (let i = 0; i < 250 && store.reconnectedAt === undefined; i++) await sleep(20)
      expect(store.reconnectedAt, 'the store saw its connection come back').toBeDefined()
      expect(limiter.degraded, 'nothing was asked meanwhile: never degraded').toBe(false)
      // Only the connection tells: the bucket counts as empty at the reconnection and refills at
      // 10 units a second from there. Four decisions at once get at most what has refilled.
      const sinceReconnection = Date.now() - store.reconnectedAt!
      const decisions = []
      for (let i = 0; i < 4; i++) decisions.push(await limiter.consume(request))
      const refilled = Math.floor((Date.now() - store.reconnectedAt! + 1) / 100)
      expect(
        decisions.filter((d) => d.allowed).length,
        `the burst of 5 is not handed out (${sinceReconnection} ms after the reconnection)`,
      ).toBeLessThanOrEqual(Math.min(4, refilled))
      expect(decisions.every((d) => d.scope === 'shared')).toBe(true)
    } finally {
      await restarting.stop()
    }
  })

  it('survives a flushed script cache (NOSCRIPT → the script is sent again) and keeps state in hash-tagged keys', async () => {
    const { limiter } = open((redis as RedisService).url)
    const p = partition('noscript')
    const request: ConsumeRequest = { partition: p, cost: 1, limits: [rate(60, 3), { name: 'day', kind: 'daily', quota: 100 }] }
    expect((await limiter.consume(request)).allowed).toBe(true)
    const { Redis } = await import('ioredis')
    const raw = new Redis((redis as RedisService).url)
    try {
      expect(await raw.script('FLUSH')).toBe('OK')
      const after = await limiter.consume(request)
      expect(after.allowed).toBe(true)
      expect(after.limits.map((l) => l.remaining)).toEqual([1, 98])
      const keys = (await raw.keys(`lgsp:rl:{${p}}:*`)).sort()
      expect(keys).toEqual([`lgsp:rl:{${p}}:agency`, `lgsp:rl:{${p}}:day`])
      expect(await raw.pttl(keys[0] as string)).toBeGreaterThan(0)
    } finally {
      raw.disconnect()
    }
  })

  it('works on a Redis Cluster (one node; every key of a decision in one slot)', async () => {
    const cluster = await startRedis({ cluster: true })
    try {
      const { limiter, store } = open(`redis://127.0.0.1:1,${cluster.url}`)
      const request: ConsumeRequest = { partition: partition('cluster'), cost: 1, limits: [rate(60, 2), rate(60, 5, 'grant-a')] }
      const results = []
      for (let i = 0; i < 3; i++) results.push((await limiter.consume(request)).allowed)
      expect(results).toEqual([true, true, false])
      await store.close()
    } finally {
      await cluster.stop()
    }
  })

  it('measures decision latency on a live connection', async () => {
    const { limiter } = open((redis as RedisService).url, 50)
    const request: ConsumeRequest = {
      partition: partition('latency'),
      cost: 1,
      limits: [rate(100_000, 100_000), { name: 'day', kind: 'daily', quota: 1_000_000 }],
    }
    await limiter.consume(request)
    const samples: number[] = []
    for (let i = 0; i < 200; i++) {
      const started = performance.now()
      await limiter.consume(request)
      samples.push(performance.now() - started)
    }
    samples.sort((a, b) => a - b)
    console.info(`redis rate-limit decision latency: p50 ${samples[100]!.toFixed(3)} ms, p99 ${samples[198]!.toFixed(3)} ms`)
    expect(samples.length).toBe(200)
  })

  it('a stalled event loop is not a Redis timeout: an answer already on the socket when the late timer fires is taken', async () => {
    // What a busy machine does to a gateway: the process does not run for longer than the
    // deadline while Redis answers. Timers run before I/O is read; the deadline must not win.
    const { limiter } = open((redis as RedisService).url, 50)
    const request: ConsumeRequest = { partition: partition('stall'), cost: 1, limits: [rate(100_000, 100_000)] }
    await limiter.consume(request)
    const outcomes: string[] = []
    for (let i = 0; i < 20; i++) {
      const pending = limiter.consume(request).then(
        () => 'ok',
        (error: Error) => error.message,
      )
      await new Promise((resolve) => setImmediate(resolve)) // the command is on its way
      const until = Date.now() + 120
      while (Date.now() < until) {
        // the stall: no timer, no I/O for 120 ms
      }
      outcomes.push(await pending)
    }
    expect(
      outcomes.filter((o) => o !== 'ok'),
      outcomes.join(' | '),
    ).toEqual([])
  })

  it('failover: a refund goes to the primary while it answers, to the fallback (per-instance share) while degraded', async () => {
    const now = 1_000_000
    const primary = createMemoryRateLimiter({ now: () => now })
    const fallback = createMemoryRateLimiter({ now: () => now })
    let down = false
    const flaky: RateLimiter = {
      kind: 'redis',
      consume: (r) => (down ? Promise.reject(new RateLimiterUnavailableError('down')) : primary.consume(r)),
      refund: (r) => (down ? Promise.reject(new RateLimiterUnavailableError('down')) : primary.refund(r)),
      ping: async () => ({ ok: !down, latencyMs: 0 }),
      close: () => primary.close(),
    }
    const limiter = createFailoverRateLimiter({ primary: flaky, fallback, instances: 2 })
    limiters.push(limiter, fallback)
    const request: ConsumeRequest = { partition: 'p', cost: 4, limits: [rate(6, 8)] }
    expect((await limiter.consume(request)).limits[0]!.remaining).toBe(4)
    await limiter.refund!({ ...request, cost: 3 })
    expect((await primary.consume({ ...request, cost: 1 })).limits[0]!.remaining, 'given back on the primary').toBe(6)
    down = true
    expect((await limiter.consume(request)).scope, 'degraded: decided locally on a share of 4').toBe('local')
    await limiter.refund!({ ...request, cost: 4 })
    expect((await fallback.consume({ ...request, limits: [rate(3, 4)] })).allowed, 'the local share is full again').toBe(true)
  })

  it('failover: a hung Redis (SIGSTOP) is decided locally within the deadline; degraded after 3 timeouts in a row; back after SIGCONT', async () => {
    const hung = await startRedis()
    try {
      // Other commands keep the store's 50 ms; a rate decision gets its own, longer deadline.
      const { store } = open(hung.url, 50)
      const primary = createRedisRateLimiter(store, { decisionTimeoutMs: 250 })
      const limiter = createFailoverRateLimiter({ primary, fallback: createMemoryRateLimiter(), instances: 2, probeIntervalMs: 200 })
      limiters.push(limiter)
      const request: ConsumeRequest = { partition: partition('hung'), cost: 1, limits: [rate(60, 10)] }
      for (let i = 0; i < 50 && !(await limiter.ping()).ok; i++) await sleep(20)
      expect((await limiter.consume(request)).scope).toBe('shared')
      await hung.pause()
      const timings: number[] = []
      const scopes: string[] = []
      const allowed: boolean[] = []
      const lone: ConsumeDecision[] = []
      const degraded: boolean[] = []
      for (let i = 0; i < 4; i++) {
        const started = performance.now()
        const decision = await limiter.consume(request)
        if (i < 2) lone.push(decision)
        scopes.push(decision.scope)
        allowed.push(decision.allowed)
        timings.push(performance.now() - started)
        degraded.push(limiter.degraded)
      }
      console.info(`failover: decisions with Redis hung took ${timings.map((t) => t.toFixed(1)).join(', ')} ms`)
      expect(scopes).toEqual(['local', 'local', 'local', 'local'])
      expect(degraded, 'one slow answer is not an outage; three in a row are').toEqual([false, false, true, true])
      // Redis may have counted a decision it did not answer in time: none is admitted on top of
      // the shared bucket, and the share that serves once degraded starts empty.
      expect(allowed).toEqual([false, false, false, false])
      expect(
        lone.map((d) => [d.undecided, d.retryAfterMs]),
        'a lone miss: retry in a second, not a limit reached',
      ).toEqual([
        [true, 1000],
        [true, 1000],
      ])
      expect(Math.min(...timings.slice(0, 3)), 'the decision deadline, not the store deadline').toBeGreaterThanOrEqual(249)
      expect(Math.max(...timings.slice(0, 3))).toBeLessThan(250 + 100)
      expect(timings[3], 'once degraded, no request waits for Redis').toBeLessThan(20)
      await hung.resume()
      const started = Date.now()
      while (limiter.degraded && Date.now() - started < 5000) await sleep(50)
      expect(limiter.degraded).toBe(false)
      expect((await limiter.consume(request)).scope).toBe('shared')
    } finally {
      await hung.stop()
    }
  })

  it('failover: Redis killed → per-instance limits within the deadline, degraded; restarted → shared again by itself', async () => {
    const failing = await startRedis()
    try {
      const { limiter: primary } = open(failing.url, 50)
      const changes: boolean[] = []
      const limiter = createFailoverRateLimiter({
        primary,
        fallback: createMemoryRateLimiter(),
        instances: 2,
        probeIntervalMs: 200,
        onStateChange: (d) => changes.push(d),
      })
      limiters.push(limiter)
      const request: ConsumeRequest = { partition: partition('failover'), cost: 1, limits: [rate(60, 10)] }
      for (let i = 0; i < 50 && !(await limiter.ping()).ok; i++) await sleep(20)
      const shared = await limiter.consume(request)
      expect(shared).toMatchObject({ allowed: true, scope: 'shared' })
      expect(shared.limits[0]!.remaining).toBe(9)

      await failing.kill()
      const timings: number[] = []
      const decisions = []
      for (let i = 0; i < 8; i++) {
        const started = performance.now()
        decisions.push(await limiter.consume(request))
        timings.push(performance.now() - started)
      }
      console.info(`failover: decisions with Redis killed took ${timings.map((t) => t.toFixed(1)).join(', ')} ms`)
      expect(Math.max(...timings)).toBeLessThan(50 + 100)
      expect(limiter.degraded).toBe(true)
      expect(decisions.every((d) => d.scope === 'local')).toBe(true)
      // Half of the limit per instance (30/min + burst 5), and that share starts empty: the shared
      // bucket may have just handed out its burst. The first unit comes one local interval (2 s)
      // after the fall-back.
      expect(decisions.map((d) => d.allowed)).toEqual(Array(8).fill(false))
      expect(decisions[0]!.limits[0]).toMatchObject({ quota: 35, remaining: 0 })
      expect(decisions[0]!.retryAfterMs).toBeGreaterThan(0)
      expect(decisions[0]!.retryAfterMs).toBeLessThanOrEqual(2000)

      await failing.restart()
      const started = Date.now()
      while (limiter.degraded && Date.now() - started < 5000) await sleep(50)
      expect(limiter.degraded, 'the probe brought shared limits back').toBe(false)
      console.info(`failover: shared limits back ${Date.now() - started} ms after the restart`)
      const back = await limiter.consume(request)
      expect(back.scope).toBe('shared')
      // The restarted Redis is empty, and the units handed out alone were never counted there:
      // the shared bucket counts as empty at the recovery, and for one probe interval each unit
      // costs two (the other instance may still decide alone): two seconds at most.
      expect(back).toMatchObject({ allowed: false, limits: [{ remaining: 0 }] })
      expect(back.retryAfterMs).toBeLessThanOrEqual(2000)
      expect(changes).toEqual([true, false])
    } finally {
      await failing.stop()
    }
  })
})
