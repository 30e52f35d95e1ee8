/**
 * One conformance suite for every SharedStore adapter: the in-memory one, and the Redis one on a
 * real redis-server (test/services/redis.ts). Then what only one adapter does: the memory bound,
 * and Redis failing fast when the server is down or hung and recovering by itself.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryObjectNamespace } from '../support/durable-object.fixture.js'
import { createDurableObjectSharedStore, SharedStoreObject } from './durable-object.js'
import { findRedisServer, startRedis, type RedisService } from '../../test/services/redis.js'
import { createMemorySharedStore, MAX_CLAIM_TTL_MS, SharedStoreUnavailableError, type SharedStore } from './index.js'
import { createRedisSharedStore, type RedisSharedStore } from './redis.node.js'
import { sleep } from '../../test/waiting.js'

const uniqueKey = (label: string) => `test:${label}:${randomUUID()}`

/** Settles every promise and describes the outcome, for assertion messages. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    return `resolved ${JSON.stringify(await promise)}`
  } catch (error) {
    return `rejected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`
  }
}

/** Polls `claimOnce` on fresh keys until one succeeds; returns ms taken, or throws after `withinMs`. */
async function timeUntilClaimsWork(store: SharedStore, withinMs: number): Promise<number> {
  const started = performance.now()
  const failures: string[] = []
  while (performance.now() - started < withinMs) {
    try {
      if (await store.claimOnce(uniqueKey('recover'), 10_000)) return performance.now() - started
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error))
    }
    await sleep(25)
  }
  throw new Error(`claims did not work again within ${withinMs} ms; last errors: ${failures.slice(-3).join(' | ')}`)
}

interface ConformanceOptions {
  /** Separate instances see each other's claims (true for Redis, false for memory by design). */
  sharedAcrossInstances: boolean
}

function runSharedStoreConformance(name: string, factory: () => SharedStore, options: ConformanceOptions): void {
  describe(`SharedStore conformance: ${name}`, () => {
    const opened: SharedStore[] = []
    const open = () => {
      const store = factory()
      opened.push(store)
      return store
    }
    afterAll(async () => {
      await Promise.all(opened.map((store) => store.close()))
    })

    it('claims a new key once: first true, then false', async () => {
      const store = open()
      const key = uniqueKey('once')
      const results = [await store.claimOnce(key, 10_000), await store.claimOnce(key, 10_000), await store.claimOnce(key, 10_000)]
      expect(results, JSON.stringify(results)).toEqual([true, false, false])
    })

    it('keeps different keys independent', async () => {
      const store = open()
      const base = uniqueKey('independent')
      const results = await Promise.all(['a', 'b', 'c'].map((suffix) => store.claimOnce(`${base}:${suffix}`, 10_000)))
      expect(results).toEqual([true, true, true])
      expect(await store.claimOnce(`${base}:a`, 10_000)).toBe(false)
    })

    it('forgets a key after its TTL (150 ms → claimable again after 250 ms)', async () => {
      const store = open()
      const key = uniqueKey('ttl')
      expect(await store.claimOnce(key, 150)).toBe(true)
      expect(await store.claimOnce(key, 150), 'still within the TTL').toBe(false)
      await sleep(250)
      expect(await store.claimOnce(key, 150), 'after the TTL').toBe(true)
    })

    it('lets exactly one of 100 parallel claims of the same key win', async () => {
      const store = open()
      const key = uniqueKey('race')
      const results = await Promise.all(Array.from({ length: 100 }, () => store.claimOnce(key, 10_000)))
      const winners = results.filter(Boolean).length
      expect(winners, `true count among 100: ${winners}`).toBe(1)
    })

    it(
      options.sharedAcrossInstances
        ? 'two store instances (two gateways) on the same backend: exactly one wins'
        : 'two store instances do not share claims (per-instance by design)',
      async () => {
        const [first, second] = [open(), open()]
        const key = uniqueKey('instances')
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? first : second).claimOnce(key, 10_000)))
        const winners = results.filter(Boolean).length
        expect(winners, JSON.stringify(results)).toBe(options.sharedAcrossInstances ? 1 : 2)
      },
    )

    it.each([
      ['an empty key', '', 1000],
      ['a key over 512 characters', 'k'.repeat(513), 1000],
      ['a non-string key', 42 as unknown as string, 1000],
      ['a zero TTL', 'key', 0],
      ['a negative TTL', 'key', -5],
      ['a fractional TTL', 'key', 1.5],
      ['a NaN TTL', 'key', Number.NaN],
      ['a TTL over one day', 'key', MAX_CLAIM_TTL_MS + 1],
    ])('rejects %s with TypeError', async (_label, key, ttlMs) => {
      const store = open()
      await expect(store.claimOnce(key, ttlMs)).rejects.toThrow(TypeError)
    })

    it('accepts the limits themselves (512-character key, one-day TTL)', async () => {
      const store = open()
      const key = `${uniqueKey('limits')}:`.padEnd(512, 'x')
      expect(await store.claimOnce(key, MAX_CLAIM_TTL_MS)).toBe(true)
    })

    describe('window counters', () => {
      // A window of one day, shifted so the test never straddles a boundary: the store's clock is
      // real (Redis TIME), so the window is chosen to end far from now.
      const day = 86_400_000
      const offset = (() => {
        const t = Date.now()
        return (day - ((t + 0) % day) + day / 2) % day // now sits in the middle of a window
      })()
      const counter = (key: string, amount: number, limit?: number, window?: number) => ({
        key,
        windowMs: day,
        offsetMs: offset,
        amount,
        ...(limit === undefined ? {} : { limit }),
        ...(window === undefined ? {} : { window }),
      })

      it('adds within the limit, refuses past it, and a refusal changes nothing', async () => {
        const store = open()
        const key = uniqueKey('count')
        const answers = []
        for (const amount of [3, 3, 3, 3]) answers.push(await store.count([counter(key, amount, 10)]))
        expect(
          answers.map((a) => [a.allowed, a.counters[0]!.value]),
          JSON.stringify(answers),
        ).toEqual([
          [true, 3],
          [true, 6],
          [true, 9],
          [false, 9],
        ])
        expect((await store.count([counter(key, 1, 10)])).counters[0]!.value, 'one unit still fits').toBe(10)
        const read = await store.count([counter(key, 0)])
        expect(read.counters[0]!.value).toBe(10)
        expect(read.counters[0]!.resetMs).toBeGreaterThan(day / 2 - 120_000)
        expect(read.counters[0]!.resetMs).toBeLessThanOrEqual(day / 2 + 120_000)
      })

      it('is all or nothing over several counters', async () => {
        const store = open()
        const tag = uniqueKey('all')
        const [a, b] = [`{${tag}}:a`, `{${tag}}:b`]
        expect((await store.count([counter(a, 2, 5), counter(b, 2, 2)])).allowed).toBe(true)
        const refused = await store.count([counter(a, 2, 5), counter(b, 1, 2)])
        expect(refused.allowed).toBe(false)
        expect(
          refused.counters.map((c) => c.value),
          'the counts as they stand',
        ).toEqual([2, 2])
        expect(
          (await store.count([counter(a, 0), counter(b, 0)])).counters.map((c) => c.value),
          'a was not taken either',
        ).toEqual([2, 2])
      })

      it('gives back with a negative amount, never below 0, and only in the window it names', async () => {
        const store = open()
        const key = uniqueKey('refund')
        const taken = await store.count([counter(key, 4, 10)])
        const window = taken.counters[0]!.window
        expect((await store.count([counter(key, -3, undefined, window)])).counters[0]!.value).toBe(1)
        expect((await store.count([counter(key, -5, undefined, window)])).counters[0]!.value).toBe(0)
        await store.count([counter(key, 2, 10)])
        const ended = await store.count([counter(key, -2, undefined, window - 1)])
        expect(ended.allowed).toBe(true)
        expect((await store.count([counter(key, 0)])).counters[0]!.value, 'a refund for an ended window changes nothing').toBe(2)
      })

      it('lets exactly as many of 50 parallel takes through as the limit holds', async () => {
        const store = open()
        const key = uniqueKey('count-race')
        const results = await Promise.all(Array.from({ length: 50 }, () => store.count([counter(key, 3, 20)])))
        expect(results.filter((r) => r.allowed).length).toBe(6)
      })

      it(
        options.sharedAcrossInstances ? 'two store instances on the same backend share the counts' : 'two store instances count apart (per-instance by design)',
        async () => {
          const [first, second] = [open(), open()]
          const key = uniqueKey('count-instances')
          await first.count([counter(key, 4, 10)])
          expect((await second.count([counter(key, 0)])).counters[0]!.value).toBe(options.sharedAcrossInstances ? 4 : 0)
        },
      )

      it.each([
        ['no counters', []],
        ['a duplicate key', [counter('k', 1), counter('k', 1)]],
        ['a fractional amount', [counter('k', 1.5)]],
        ['a negative limit', [counter('k', 1, -1)]],
        ['a window under a second', [{ key: 'k', windowMs: 10, amount: 1 }]],
        ['an offset past the window', [{ key: 'k', windowMs: 60_000, offsetMs: 60_001, amount: 1 }]],
        ['a key with a space', [counter('a b', 1)]],
      ])('rejects %s with TypeError', async (_label, counters) => {
        await expect(open().count(counters as never)).rejects.toThrow(TypeError)
      })
    })

    it('answers ping with ok and a latency', async () => {
      const store = open()
      const result = await store.ping()
      expect(result.ok, JSON.stringify(result)).toBe(true)
      expect(result.latencyMs).toBeGreaterThanOrEqual(0)
    })

    it('closes idempotently; afterwards claims reject as unavailable and ping is not ok', async () => {
      const store = factory()
      await store.close()
      await store.close()
      await Promise.all([store.close(), store.close()])
      await expect(store.claimOnce(uniqueKey('closed'), 1000)).rejects.toBeInstanceOf(SharedStoreUnavailableError)
      await expect(store.count([{ key: uniqueKey('closed'), windowMs: 60_000, amount: 1 }])).rejects.toBeInstanceOf(SharedStoreUnavailableError)
      expect((await store.ping()).ok).toBe(false)
    })
  })
}

runSharedStoreConformance('memory', () => createMemorySharedStore(), { sharedAcrossInstances: false })

// Durable Objects with their storage in memory, on the real clock: every store opened here shares
// one namespace, as every instance of a Worker shares its binding.
const objects = memoryObjectNamespace((state) => new SharedStoreObject(state))
runSharedStoreConformance('durable-object (storage in memory)', () => createDurableObjectSharedStore(objects), { sharedAcrossInstances: true })

describe('memory adapter', () => {
  it('refuses new keys when full (after purging expired ones) instead of growing', async () => {
    let now = 1_000_000
    const store = createMemorySharedStore({ now: () => now, maxEntries: 3 })
    try {
      expect(await Promise.all(['a', 'b', 'c'].map((key) => store.claimOnce(key, 1000)))).toEqual([true, true, true])
      const refused = await outcome(store.claimOnce('d', 1000))
      expect(refused).toMatch(/^rejected SharedStoreUnavailableError: .*full/)
      expect(await store.claimOnce('a', 1000), 'a seen key is still answered when full').toBe(false)
      now += 1000
      expect(await store.claimOnce('d', 1000), 'expired keys make room').toBe(true)
      expect(store.size).toBe(1)
    } finally {
      await store.close()
    }
  })

  it('prefixes keys and sweeps expired ones', async () => {
    let now = 0
    const store = createMemorySharedStore({ now: () => now, prefix: 'other:' })
    try {
      await store.claimOnce('x', 100)
      await store.claimOnce('y', 300)
      now = 200
      expect(store.sweep()).toBe(1)
      expect(store.size).toBe(1)
    } finally {
      await store.close()
    }
  })

  it('counts per window on its clock: a new window starts at 0, an old one is swept', async () => {
    let now = 10 * 3_600_000 + 5 // 10:00:00.005 UTC
    const store = createMemorySharedStore({ now: () => now })
    try {
      const hour = { key: 'c', windowMs: 3_600_000, limit: 2 }
      expect((await store.count([{ ...hour, amount: 2 }])).counters[0]).toEqual({ value: 2, window: 10, resetMs: 3_600_000 - 5 })
      expect((await store.count([{ ...hour, amount: 1 }])).allowed).toBe(false)
      now = 11 * 3_600_000
      expect((await store.count([{ ...hour, amount: 1 }])).counters[0]).toEqual({ value: 1, window: 11, resetMs: 3_600_000 })
      now += 2 * 3_600_000
      expect(store.sweep()).toBe(1)
    } finally {
      await store.close()
    }
  })

  it('refuses new counters when full, like claims', async () => {
    const store = createMemorySharedStore({ maxEntries: 2 })
    try {
      await store.claimOnce('a', 1000)
      await store.count([{ key: 'b', windowMs: 60_000, amount: 1 }])
      expect(await outcome(store.count([{ key: 'c', windowMs: 60_000, amount: 1 }]))).toMatch(/^rejected SharedStoreUnavailableError: .*full/)
      expect((await store.count([{ key: 'b', windowMs: 60_000, amount: 1 }])).counters[0]!.value, 'a known counter still counts').toBe(2)
    } finally {
      await store.close()
    }
  })

  it('rejects bad options when created', () => {
    expect(() => createMemorySharedStore({ maxEntries: 0 })).toThrow(TypeError)
    expect(() => createMemorySharedStore({ prefix: 'p'.repeat(65) })).toThrow(TypeError)
  })
})

const redisInstalled = findRedisServer() !== null
if (!redisInstalled) {
  if (process.env.CI === 'true') {
    it('redis-server is installed (required on CI)', async () => {
      await expect(startRedis(), 'CI must install redis-server').resolves.toBeDefined()
    })
  } else {
    console.warn('\n⚠ redis-server not found: Redis shared-store tests SKIPPED (apt-get install redis-server)\n')
  }
}

describe.runIf(redisInstalled)('redis adapter (real redis-server)', () => {
  let redis: RedisService
  const stores: RedisSharedStore[] = []
  // Generous for the shared suite so a busy CI machine does not flake; the fail-fast tests below
  // use the 50 ms default.
  const openStore = (options: { commandTimeoutMs?: number; prefix?: string } = { commandTimeoutMs: 1000 }) => {
    const store = createRedisSharedStore({ url: redis.url, ...options })
    stores.push(store)
    return store
  }

  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()))
    await redis?.stop()
  })

  describe('conformance', () => {
    runSharedStoreConformance('redis', () => openStore(), { sharedAcrossInstances: true })
  })

  it('writes SET <prefix><key> with a PX TTL (checked with a second client)', async () => {
    const store = openStore()
    const other = openStore({ commandTimeoutMs: 1000, prefix: 'other:' })
    const key = uniqueKey('prefix')
    expect(await store.claimOnce(key, 5000)).toBe(true)
    expect(await other.claimOnce(key, 5000), 'another prefix is another namespace').toBe(true)
    const { Redis } = await import('ioredis')
    const raw = new Redis(redis.url)
    try {
      const [value, ttl] = await Promise.all([raw.get(`lgsp:${key}`), raw.pttl(`lgsp:${key}`)])
      expect(value).toBe('1')
      expect(ttl).toBeGreaterThan(4000)
      expect(ttl).toBeLessThanOrEqual(5000)
    } finally {
      raw.disconnect()
    }
  })

  it('measures claim latency on a live connection', async () => {
    const store = openStore({})
    await timeUntilClaimsWork(store, 5000)
    const samples: number[] = []
    const results: boolean[] = []
    for (let i = 0; i < 200; i++) {
      const started = performance.now()
      results.push(await store.claimOnce(uniqueKey('latency'), 10_000))
      samples.push(performance.now() - started)
    }
    samples.sort((a, b) => a - b)
    const p50 = samples[100] as number
    const p99 = samples[198] as number
    console.info(`redis claimOnce latency: p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms`)
    // Measured, not asserted; only the answers are checked.
    expect(results.every(Boolean), 'every fresh key is a first use').toBe(true)
  })

  it('rejects bad URLs when created', () => {
    expect(() => createRedisSharedStore({ url: 'http://127.0.0.1:6379' })).toThrow(TypeError)
    expect(() => createRedisSharedStore({ url: ' , ' })).toThrow(TypeError)
    expect(() => createRedisSharedStore({ url: redis.url, commandTimeoutMs: 0 })).toThrow(TypeError)
  })

  describe('Redis Cluster (a one-node cluster; URL list whose first seed is down)', () => {
    let cluster: RedisService
    let url = ''
    beforeAll(async () => {
      cluster = await startRedis({ cluster: true })
      // Port 1 on loopback refuses connections: the client must fall through to the next seed.
      url = `redis://127.0.0.1:1,${cluster.url}`
    })
    afterAll(async () => {
      await cluster?.stop()
    })

    runSharedStoreConformance('redis cluster', () => openClusterStore(), { sharedAcrossInstances: true })

    function openClusterStore(): RedisSharedStore {
      const store = createRedisSharedStore({ url, commandTimeoutMs: 1000 })
      stores.push(store)
      return store
    }
  })

  describe('when Redis fails (separate server; default 50 ms timeout)', () => {
    let failing: RedisService
    let store: RedisSharedStore
    const commandTimeoutMs = 50

    beforeAll(async () => {
      failing = await startRedis()
      store = createRedisSharedStore({ url: failing.url })
      await timeUntilClaimsWork(store, 5000)
    })
    afterAll(async () => {
      await store?.close()
      await failing?.stop()
    })

    it('a hung Redis (SIGSTOP): claims reject within commandTimeoutMs + 100 ms, ping is not ok, then it recovers', async () => {
      await failing.pause()
      try {
        const started = performance.now()
        const result = await outcome(store.claimOnce(uniqueKey('hung'), 10_000))
        const elapsed = performance.now() - started
        console.info(`hung Redis: claimOnce rejected after ${elapsed.toFixed(1)} ms (${result})`)
        expect(result).toMatch(/^rejected SharedStoreUnavailableError/)
        expect(elapsed, result).toBeLessThan(commandTimeoutMs + 100)
        expect(elapsed, 'it waited for the deadline').toBeGreaterThanOrEqual(commandTimeoutMs - 5)
        const ping = await store.ping()
        expect(ping.ok, JSON.stringify(ping)).toBe(false)
      } finally {
        await failing.resume()
      }
      const recoveredMs = await timeUntilClaimsWork(store, 5000)
      console.info(`hung Redis: claims work again ${recoveredMs.toFixed(1)} ms after SIGCONT`)
    })

    it('a killed Redis: claims reject fast, ping is not ok; restarted on the same port, claims work again by themselves', async () => {
      const key = uniqueKey('crash')
      expect(await store.claimOnce(key, 60_000)).toBe(true)
      await failing.kill()
      const timings: number[] = []
      for (let i = 0; i < 5; i++) {
        const started = performance.now()
        const result = await outcome(store.claimOnce(uniqueKey('down'), 10_000))
        const elapsed = performance.now() - started
        timings.push(elapsed)
        expect(result).toMatch(/^rejected SharedStoreUnavailableError/)
        expect(elapsed, `${result} after ${elapsed.toFixed(1)} ms`).toBeLessThan(commandTimeoutMs + 100)
        await sleep(20)
      }
      console.info(`killed Redis: claimOnce rejected after ${timings.map((t) => t.toFixed(1)).join(', ')} ms`)
      const ping = await store.ping()
      expect(ping.ok, JSON.stringify(ping)).toBe(false)
      expect(ping.detail, JSON.stringify(ping)).toBeTruthy()

      await sleep(1500) // let the backoff grow to its cap, as after a real outage
      const restartedAt = performance.now()
      await failing.restart()
      const recoveredMs = await timeUntilClaimsWork(store, 5000)
      console.info(
        `killed Redis: claims work again ${recoveredMs.toFixed(1)} ms after the server answered ` +
          `(${(performance.now() - restartedAt).toFixed(1)} ms after restart began)`,
      )
      expect((await store.ping()).ok).toBe(true)
      // The restarted server is empty (no persistence): the old claim is gone, as DESIGN accepts.
      expect(await store.claimOnce(key, 60_000)).toBe(true)
    })
  })
})
