/**
 * The Durable Object adapters on workerd, started with wrangler on 127.0.0.1 (test/workers/) and
 * loaded from many connections at once. The rate limiter keeps the Redis limiter's guarantee:
 * every 60-second window admits at most perMinute + burst and at least 95 % of what the bucket
 * allows over the run is used; and on a shorter clock under heavier load (10 units a second with a
 * burst of 20: every 6-second window at most 20 + 60). The shared store lets
 * one claim of a `jti` win however many arrive at once, and counts to its limit exactly.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConsumeDecision, ConsumeRequest } from '../gateway/ratelimit/index.js'
import { busiestWindow } from './ratelimit-pair.js'
import { startTestWorker, type StartedWorker } from './workers/start-worker.js'
import { sleep } from './waiting.js'

let worker: StartedWorker

beforeAll(async () => {
  worker = await startTestWorker(fileURLToPath(new URL('./workers/objects.wrangler.toml', import.meta.url)))
}, 120_000)

afterAll(async () => {
  await worker?.stop()
})

async function post<T>(path: string, body: unknown): Promise<{ status: number; value: T }> {
  const res = await fetch(`${worker.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, value: (await res.json()) as T }
}

async function consume(request: ConsumeRequest): Promise<{ status: number; decision: ConsumeDecision }> {
  const res = await fetch(`${worker.url}/consume`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) })
  return { status: res.status, decision: (await res.json()) as ConsumeDecision }
}

describe('Durable Object rate limiter on workerd', () => {
  /**
   * 24 connections on one agency's limit for `durationMs`, each waiting `pause(sentAt)` between its
   * requests (after `offset(i)` at the start). Then the guarantee: every window of `windowMs`
   * admits at most burst + what the rate gives in it, and at least 95 % of what the bucket
   * offered (from the first answer, the object up, to the last request sent; a busy machine that
   * starts the object late costs the run, not the limiter) is used.
   */
  async function holdsUnderLoad(options: {
    partition: string
    perMinute: number
    burst: number
    durationMs: number
    windowMs: number
    offset: (connection: number) => number
    pause: (sentAt: number) => number
  }) {
    const { perMinute, burst, windowMs } = options
    const request: ConsumeRequest = { partition: options.partition, cost: 1, limits: [{ name: 'agency', kind: 'rate', perMinute, burst }] }
    const perSecond = perMinute / 60
    const started = performance.now()
    const outcomes: Array<{ allowed: boolean; status: number; sentAt: number; doneAt: number }> = []
    const connection = async (index: number) => {
      await sleep(options.offset(index))
      while (performance.now() - started < options.durationMs) {
        const sentAt = performance.now()
        const { status, decision } = await consume(request)
        outcomes.push({ allowed: status === 200 && decision.allowed, status, sentAt, doneAt: performance.now() })
        await sleep(options.pause(sentAt))
      }
    }
    await Promise.all(Array.from({ length: 24 }, (_, i) => connection(i)))
    expect(outcomes.every((o) => o.status === 200)).toBe(true)
    const allowed = outcomes.filter((o) => o.allowed)
    expect(outcomes.length, 'the load must exceed the limit').toBeGreaterThan(allowed.length * 2)
    const bound = burst + perSecond * (windowMs / 1000)
    const { most, slowest } = busiestWindow(allowed, started, windowMs)
    expect(most, `busiest ${windowMs / 1000} s window (slowest round trip ${Math.round(slowest)} ms)`).toBeLessThanOrEqual(bound)
    const offeredFrom = Math.min(...outcomes.map((o) => o.doneAt))
    const offeredUntil = Math.max(...outcomes.map((o) => o.sentAt))
    const allowance = burst + perSecond * ((offeredUntil - offeredFrom) / 1000)
    process.stdout.write(
      `Durable Object limiter, ${windowMs / 1000} s windows: ${outcomes.length} requests, ${allowed.length} allowed of an allowance of ${allowance.toFixed(1)}, busiest window ${most} (bound ${bound})\n`,
    )
    expect(allowed.length, `allowance ${allowance.toFixed(1)} over ${Math.round(offeredUntil - offeredFrom)} ms`).toBeGreaterThanOrEqual(
      Math.floor(0.95 * allowance),
    )
    // Decisions span at most the run plus one round trip: the bucket cannot give more than that.
    expect(allowed.length).toBeLessThanOrEqual(burst + perSecond * ((performance.now() - started) / 1000))
  }

  it('24 connections for 12 s on one agency: every 6 s window ≤ burst + 60, ≥ 95 % of the allowance used', async () => {
    await holdsUnderLoad({
      partition: 'agency:thue-ha-noi',
      perMinute: 600,
      burst: 20,
      durationMs: 12_000,
      windowMs: 6000,
      offset: () => 0,
      pause: () => Math.random() * 20,
    })
  }, 60_000)

  it('as the Redis limiter is held to: 24 connections, 10 requests/s for 75 s against perMinute 120, burst 20: every 60 s window ≤ 140, ≥ 95 % used', async () => {
    // Each connection about every 2.4 s: 10 requests a second in all, five times the rate.
    await holdsUnderLoad({
      partition: 'agency:vpdk-dat-dai-ha-noi',
      perMinute: 120,
      burst: 20,
      durationMs: 75_000,
      windowMs: 60_000,
      offset: (connection) => (connection * 2400) / 24,
      pause: (sentAt) => Math.max(0, 2400 - (performance.now() - sentAt)),
    })
  }, 120_000)

  it('agencies are separate objects: one exhausted does not refuse another, and a refusal says when to retry', async () => {
    const limits = [{ name: 'agency', kind: 'rate' as const, perMinute: 60, burst: 3 }]
    for (let i = 0; i < 3; i++) expect((await consume({ partition: 'agency:so-tu-phap-ha-noi', cost: 1, limits })).decision.allowed).toBe(true)
    const refused = (await consume({ partition: 'agency:so-tu-phap-ha-noi', cost: 1, limits })).decision
    expect(refused.allowed).toBe(false)
    expect(refused.retryAfterMs).toBeGreaterThan(0)
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1000)
    expect((await consume({ partition: 'agency:mot-cua-phuong-hong-ha', cost: 1, limits })).decision.allowed).toBe(true)
  })

  it('a malformed request is refused (400) and takes nothing', async () => {
    const res = await fetch(`${worker.url}/consume`, { method: 'POST', body: JSON.stringify({ partition: 'has space', cost: 1, limits: [] }) })
    expect(res.status).toBe(400)
  })
})

describe('Durable Object shared store on workerd', () => {
  it('of 200 claims of one jti sent at once, exactly one wins; a second jti is its own', async () => {
    const key = 'jti:assertion:tms-thue-ha-noi:9b2c'
    const answers = await Promise.all(Array.from({ length: 200 }, () => post<boolean>('/claim', { key, ttlMs: 300_000 })))
    expect(answers.every((a) => a.status === 200)).toBe(true)
    expect(answers.filter((a) => a.value === true)).toHaveLength(1)
    expect((await post<boolean>('/claim', { key: 'jti:assertion:tms-thue-ha-noi:9b2d', ttlMs: 300_000 })).value).toBe(true)
  })

  it('100 parallel counts of 3 against a limit of 20 on one agency: six pass, the count ends at 18', async () => {
    const counter = { key: 'gl:{thue-ha-noi}:s:subject', windowMs: 86_400_000, offsetMs: 25_200_000, amount: 3, limit: 20 }
    const answers = await Promise.all(Array.from({ length: 100 }, () => post<{ allowed: boolean }>('/count', { counters: [counter] })))
    expect(answers.filter((a) => a.value.allowed)).toHaveLength(6)
    const read = await post<{ counters: Array<{ value: number }> }>('/count', { counters: [{ ...counter, amount: 0 }] })
    expect(read.value.counters[0]!.value).toBe(18)
  })
})
