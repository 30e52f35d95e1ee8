/**
 * What only the Durable Object limiter does, under Node with its storage in memory (the shared
 * conformance suite is in rate-limiter.test.ts; the same class on workerd: test/workers-objects.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { consumeInStorage, createDurableObjectRateLimiter, RateLimitObject } from './durable-object.js'
import { sweepExpiredEntries } from '../support/index.js'
import { memoryObjectNamespace, memoryObjectStorage, yieldingStorage } from '../support/durable-object.fixture.js'
import { RateLimiterUnavailableError, type ConsumeRequest } from './index.js'

const T0 = Date.UTC(2026, 0, 15, 3, 0, 0)
const request = (burst: number): ConsumeRequest => ({
  partition: 'agency:thue-ha-noi',
  cost: 1,
  limits: [{ name: 'agency', kind: 'rate', perMinute: 60, burst }],
})

describe('RateLimitObject', () => {
  it('concurrent decisions on one object never pass more than the bucket, even when storage yields between read and write', async () => {
    const storage = memoryObjectStorage()
    // Every storage call waits a random few ms: without the object's chain, reads would interleave
    // with writes and pass more than the burst.
    const object = new RateLimitObject({ storage: yieldingStorage(storage) }, undefined, () => T0)
    // Every name reaches the one object.
    const namespace = memoryObjectNamespace(() => object)
    const limiter = createDurableObjectRateLimiter(namespace)
    const decisions = await Promise.all(Array.from({ length: 120 }, () => limiter.consume(request(50))))
    expect(decisions.filter((d) => d.allowed)).toHaveLength(50)
    expect(decisions.every((d) => d.scope === 'shared')).toBe(true)
  })

  it('one object per partition: another agency has its own bucket', async () => {
    const namespace = memoryObjectNamespace((state) => new RateLimitObject(state, undefined, () => T0))
    const limiter = createDurableObjectRateLimiter(namespace)
    for (let i = 0; i < 3; i++) await limiter.consume(request(3))
    expect((await limiter.consume(request(3))).allowed).toBe(false)
    expect((await limiter.consume({ ...request(3), partition: 'agency:so-tu-phap-ha-noi' })).allowed).toBe(true)
    expect([...namespace.objects.keys()].sort()).toEqual(['agency:so-tu-phap-ha-noi', 'agency:thue-ha-noi'])
  })

  it('an allowed decision sets the alarm at its state’s expiry; the alarm drops expired states and keeps live ones', async () => {
    const storage = memoryObjectStorage()
    await consumeInStorage(storage, { ...request(5), limits: [...request(5).limits, { name: 'quota', kind: 'daily', quota: 100 }] }, T0)
    expect(storage.entries.size).toBe(2)
    expect(storage.alarm).not.toBeNull()
    const rateExpiry = (storage.entries.get('agency') as { expiresAt: number }).expiresAt
    const quotaExpiry = (storage.entries.get('quota') as { expiresAt: number }).expiresAt
    expect(storage.alarm).toBe(Math.max(rateExpiry, quotaExpiry))
    await sweepExpiredEntries(storage, Math.min(rateExpiry, quotaExpiry))
    expect(storage.entries.size).toBe(1)
    await sweepExpiredEntries(storage, Math.max(rateExpiry, quotaExpiry))
    expect(storage.entries.size).toBe(0)
  })

  it.each([
    { case: 'not POST', init: { method: 'GET' }, path: '/consume', status: 404 },
    { case: 'unknown route', init: { method: 'POST', body: '{}' }, path: '/drop', status: 404 },
    { case: 'not JSON', init: { method: 'POST', body: 'x' }, path: '/consume', status: 400 },
    { case: 'malformed request', init: { method: 'POST', body: JSON.stringify({ partition: 'a b', cost: 1, limits: [] }) }, path: '/consume', status: 400 },
  ])('refuses $case with $status and takes nothing', async ({ init, path, status }) => {
    const storage = memoryObjectStorage()
    const object = new RateLimitObject({ storage }, undefined, () => T0)
    const response = await object.fetch(new Request(`https://object.internal${path}`, init))
    expect(response.status).toBe(status)
    expect(storage.entries.size).toBe(0)
  })
})

describe('createDurableObjectRateLimiter', () => {
  it.each([
    { case: 'the object answers an error', fetch: async () => new Response('boom', { status: 500 }), timedOut: false },
    { case: 'the object cannot be reached', fetch: async () => Promise.reject(new TypeError('network')), timedOut: false },
    { case: 'the object answers something other than JSON', fetch: async () => new Response('<html>'), timedOut: false },
    {
      case: 'the object does not answer in time',
      fetch: (_input: string, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
      timedOut: true,
    },
  ])('$case: RateLimiterUnavailableError (timedOut: $timedOut)', async ({ fetch, timedOut }) => {
    const limiter = createDurableObjectRateLimiter({ idFromName: (name) => name, get: () => ({ fetch }) }, { timeoutMs: 20 })
    const error = await limiter.consume(request(5)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimiterUnavailableError)
    expect((error as RateLimiterUnavailableError).timedOut).toBe(timedOut)
  })

  it('refuses a malformed request itself (TypeError), without calling an object', async () => {
    let calls = 0
    const limiter = createDurableObjectRateLimiter({
      idFromName: (name) => name,
      get: () => ({
        fetch: async () => {
          calls++
          return new Response('null')
        },
      }),
    })
    await expect(limiter.consume({ partition: '', cost: 1, limits: [] })).rejects.toBeInstanceOf(TypeError)
    expect(calls).toBe(0)
  })

  it('after close, decisions are refused as unavailable and ping says closed', async () => {
    const limiter = createDurableObjectRateLimiter(memoryObjectNamespace((state) => new RateLimitObject(state, undefined, () => T0)))
    expect((await limiter.ping()).ok).toBe(true)
    await limiter.close()
    await expect(limiter.consume(request(5))).rejects.toBeInstanceOf(RateLimiterUnavailableError)
    expect(await limiter.ping()).toMatchObject({ ok: false, detail: 'closed' })
  })
})
