/**
 * The rate-limit promise across a Redis outage: two gateway processes on one real redis-server
 * (see ratelimit-pair.ts), vpdk-dat-dai-ha-noi limited to `perMinute: 60, burst: 10`, ten
 * requests a second through both; Redis killed 8 s in and restarted empty 20 s later. No slow
 * request, no 5xx, per-instance shares while degraded, shared limits back by themselves, and no
 * 60-second window above perMinute + burst (70).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { busiestWindow, startRateLimitedPair, type Outcome, type RateLimitedPair } from './ratelimit-pair.js'
import { sleep } from './waiting.js'

let pair: RateLimitedPair
const token = (i: number, agency: string) => pair.token(i, agency)
const call = (i: number, bearer: string) => pair.call(i, bearer)
const readyz = (i: number) => pair.readyz(i)

beforeAll(async () => {
  pair = await startRateLimitedPair({ 'vpdk-dat-dai-ha-noi': 'limits: { rate: { perMinute: 60, burst: 10 }, dailyQuota: 100000 }' })
}, 200_000)

afterAll(async () => {
  await pair?.stop()
})

describe('rate limits across a Redis outage, two gateway processes', () => {
  it('Redis killed mid-load and restarted empty: no slow request, no 5xx, degraded then shared again, and no 60 s window above perMinute + burst', async () => {
    const bearers = await Promise.all([token(0, 'vpdk-dat-dai-ha-noi'), token(1, 'vpdk-dat-dai-ha-noi')])
    let phase: 'before' | 'down' | 'after' = 'before'
    const phases = new Map<Outcome, string>()
    let stopped = false
    const started = performance.now()
    const tagged = async (i: number) => {
      const outcomes: Outcome[] = []
      for (let n = 0; !stopped; n++) {
        const current = phase
        void call(i, bearers[i] as string).then((o) => {
          phases.set(o, current)
          outcomes.push(o)
        })
        await sleep(Math.max(0, started + i * 100 + (n + 1) * 200 - performance.now()))
      }
      await sleep(500)
      return outcomes
    }
    // Five requests a second through each instance, ten in all, against 60 a minute: the bucket
    // is kept empty, so any bucket that starts full after a change shows in the busiest window.
    const load = Promise.all([tagged(0), tagged(1)])
    await sleep(8000)
    phase = 'down'
    const killedAt = performance.now()
    await pair.redis.kill()
    let degradedAfterMs = -1
    for (let t = 0; t < 40; t++) {
      const states = await Promise.all([readyz(0), readyz(1)])
      if (states.every((s) => s.body.rateLimiter?.degraded === true)) {
        degradedAfterMs = performance.now() - killedAt
        expect(states.map((s) => [s.status, s.body.status])).toEqual([
          [200, 'degraded'],
          [200, 'degraded'],
        ])
        break
      }
      await sleep(100)
    }
    expect(degradedAfterMs, 'both instances report degraded').toBeGreaterThanOrEqual(0)
    await sleep(Math.max(0, killedAt + 20_000 - performance.now()))
    phase = 'after'
    await pair.redis.restart()
    const restartedAt = performance.now()
    let recoveredAfterMs = -1
    for (let t = 0; t < 100; t++) {
      const states = await Promise.all([readyz(0), readyz(1)])
      if (states.every((s) => s.body.rateLimiter?.degraded === false)) {
        recoveredAfterMs = performance.now() - restartedAt
        break
      }
      await sleep(100)
    }
    expect(recoveredAfterMs, 'the flag clears by itself').toBeGreaterThanOrEqual(0)
    await sleep(Math.max(0, started + 90_000 - performance.now()))
    stopped = true
    const outcomes = (await load).flat()

    const byPhase = (p: string) => outcomes.filter((o) => phases.get(o) === p)
    const latencies = (list: Outcome[]) => list.map((o) => o.doneAt - o.sentAt).sort((x, y) => x - y)
    const before = latencies(byPhase('before'))
    const down = latencies(byPhase('down'))
    const normal = before.at(-1) as number
    const statuses = [...new Set(outcomes.map((o) => o.status))].sort()
    const allowedOutcomes = outcomes.filter((o) => o.status === 200)
    const { most, from: worstFrom, slowest } = busiestWindow(allowedOutcomes, started)
    const allowed = allowedOutcomes
    console.log(
      `Redis killed mid-load (perMinute 60, burst 10, 2 instances, 10 requests/s, killed at 8 s, restarted empty at 28 s, 90 s): ${outcomes.length} requests, ` +
        `statuses ${statuses.join('/')}, ${allowed.length} allowed; busiest window of 60 s − ${Math.round(slowest)} ms (from ${(worstFrom / 1000).toFixed(1)} s): ${most} units (limit 70); ` +
        `latency before: p50 ${before[before.length >> 1]!.toFixed(1)} max ${normal.toFixed(1)} ms; ` +
        `while down: p50 ${down[down.length >> 1]!.toFixed(1)} max ${(down.at(-1) as number).toFixed(1)} ms (${down.length} requests); ` +
        `degraded reported ${degradedAfterMs.toFixed(0)} ms after the kill, cleared ${recoveredAfterMs.toFixed(0)} ms after the restart`,
    )
    expect(
      statuses.every((s) => s === 200 || s === 429),
      statuses.join(','),
    ).toBe(true)
    expect(most, 'the busiest 60 s holds at most perMinute + burst').toBeLessThanOrEqual(70)
    // Not starved either: 90 s at 60/min plus one burst is 100 units.
    expect(allowed.length).toBeGreaterThanOrEqual(70)
    expect(down.length).toBeGreaterThan(100)
    // The decision deadline is 50 ms; allow the normal latency on top, plus scheduling slack.
    expect(down.at(-1) as number).toBeLessThan(normal + 50 + 100)
    const downHeaders = byPhase('down')
      .filter((o) => o.status === 200)
      .map((o) => o.headers.get('ratelimit-policy'))
    expect(downHeaders.length, 'served while degraded').toBeGreaterThan(0)
    expect(new Set(downHeaders), 'while degraded each instance enforces half: 30/min + burst 5').toEqual(
      new Set(['"agency";q=35;w=60, "daily";q=50000;w=86400']),
    )
    expect(
      byPhase('down').some((o) => o.status === 429),
      'limits still enforced while degraded',
    ).toBe(true)

    // Shared again: the bucket counted empty shortly after the recovery has refilled once the
    // load's last units have come back (10 at 1/s). Through one instance alone, 10 pass:
    // per-instance limits would pass 5.
    await sleep(12_000)
    const results: Outcome[] = []
    for (let i = 0; i < 14; i++) results.push(await call(0, bearers[0]))
    expect(results.filter((o) => o.status === 200).length).toBe(10)
    expect(results[0]?.headers.get('ratelimit-policy')).toBe('"agency";q=70;w=60, "daily";q=100000;w=86400')
    expect((await call(1, bearers[1])).status, 'the other instance shares the empty bucket').toBe(429)
  }, 150_000)
})
