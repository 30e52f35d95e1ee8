/**
 * The registry client's fault tolerance, on a scripted fetch: breaker, half-open probe, retries
 * for idempotent reads only, and the bulkhead.
 */
import { describe, expect, it } from 'vitest'
import { createUpstream, type UpstreamCall, type UpstreamOptions } from './index.js'
import { sleep } from '../../test/waiting.js'

type Script = (call: number) => 'ok' | 'down' | 'hang' | 'error500'

function scriptedFetch(script: Script) {
  let calls = 0
  const fetch = (async (_url: unknown, init?: RequestInit) => {
    const outcome = script(++calls)
    if (outcome === 'down') throw new TypeError('fetch failed: ECONNREFUSED')
    if (outcome === 'hang') {
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true }))
    }
    if (outcome === 'error500') return new Response('oops', { status: 500 })
    return new Response(JSON.stringify({ ok: true }), { status: 200, headers: { 'content-type': 'application/json' } })
  }) as typeof globalThis.fetch
  return { fetch, calls: () => calls }
}

/** A timer that only records whether it fired: whatever settles before it did not wait on time. */
function timerFlag(ms: number) {
  let fired = false
  const timer = setTimeout(() => {
    fired = true
  }, ms)
  return { fired: () => fired, clear: () => clearTimeout(timer) }
}

/** A registry client at an address nobody serves, its calls answered by `fetch`. */
const upstreamOver = (connector: string, fetch: typeof globalThis.fetch, options: Omit<UpstreamOptions, 'connector' | 'baseUrl' | 'fetch'>) =>
  createUpstream({ connector, baseUrl: 'http://127.0.0.1:9', fetch, ...options })

const scope = (calls: UpstreamCall[] = []) => ({ requestId: 'r', recordCall: (call: UpstreamCall) => calls.push(call) })

describe('upstream resilience', () => {
  it('retries an idempotent read when the registry is unavailable, and succeeds', async () => {
    const fake = scriptedFetch((n) => (n < 3 ? 'down' : 'ok'))
    const upstream = upstreamOver('business', fake.fetch, { resilience: { retryDelayMs: 1 } })
    const calls: UpstreamCall[] = []
    const response = await upstream.send('/x', {}, scope(calls))
    expect(response.status).toBe(200)
    expect(fake.calls()).toBe(3)
    expect(calls.map((c) => c.error ?? 'ok')).toEqual(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'ok'])
  })

  it('does not retry a write, a timeout, or a malformed answer', async () => {
    const down = scriptedFetch(() => 'down')
    const writes = upstreamOver('business', down.fetch, { resilience: { retryDelayMs: 1 } })
    await expect(writes.send('/x', { method: 'POST', body: '{}' }, scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
    expect(down.calls()).toBe(1)

    const hang = scriptedFetch(() => 'hang')
    const slow = upstreamOver('business', hang.fetch, { timeoutMs: 30, resilience: { retryDelayMs: 1 } })
    await expect(slow.send('/x', {}, scope())).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    expect(hang.calls()).toBe(1)
  })

  it('a POST marked idempotent (a SOAP query) is retried', async () => {
    const fake = scriptedFetch((n) => (n === 1 ? 'error500' : 'ok'))
    const upstream = upstreamOver('land', fake.fetch, { resilience: { retryDelayMs: 1 } })
    expect((await upstream.send('/ws', { method: 'POST', body: '<x/>', idempotent: true }, scope())).status).toBe(200)
    expect(fake.calls()).toBe(2)
  })

  it('opens the circuit after consecutive failures: calls then fail at once without reaching the registry; a half-open probe closes it', async () => {
    let healthy = false
    const fake = scriptedFetch(() => (healthy ? 'ok' : 'hang'))
    const upstream = upstreamOver('population', fake.fetch, {
      timeoutMs: 20,
      resilience: { failureThreshold: 3, halfOpenAfterMs: 150, retries: 0 },
    })
    for (let i = 0; i < 3; i++) await expect(upstream.send('/x', {}, scope())).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    expect(upstream.circuit()).toBe('open')
    const calls: UpstreamCall[] = []
    // "At once" as an order, not a wall-clock bound (a busy machine stretches any bound): the
    // refusal settles before a timer as long as the call's own deadline could fire.
    const deadline = timerFlag(20)
    await expect(upstream.send('/x', {}, scope(calls))).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', context: { detail: 'circuit open' } })
    expect(deadline.fired()).toBe(false)
    deadline.clear()
    expect(fake.calls()).toBe(3) // refused without a call
    expect(calls).toEqual([expect.objectContaining({ connector: 'population', error: 'UPSTREAM_UNAVAILABLE', latencyMs: 0 })])
    healthy = true
    await sleep(170)
    expect((await upstream.send('/x', {}, scope())).status).toBe(200) // the probe
    expect(upstream.circuit()).toBe('closed')
  })

  it('the bulkhead refuses calls beyond its capacity and queue at once', async () => {
    const fake = scriptedFetch(() => 'hang')
    const upstream = upstreamOver('land', fake.fetch, {
      timeoutMs: 200,
      resilience: { maxConcurrent: 2, maxQueued: 1, failureThreshold: 100, retries: 0 },
    })
    const inFlight = [upstream.send('/a', {}, scope()), upstream.send('/b', {}, scope()), upstream.send('/c', {}, scope())]
    let inFlightSettled = 0
    inFlight.forEach((p) => p.catch(() => undefined).finally(() => inFlightSettled++))
    // Refused without waiting for a slot: it settles while every call ahead of it still hangs.
    await expect(upstream.send('/d', {}, scope())).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      context: { detail: 'circuit: too many calls in flight' },
    })
    expect(inFlightSettled).toBe(0)
    await Promise.allSettled(inFlight)
  })

  it('while the half-open probe is in flight, other calls are refused at once rather than waiting on it', async () => {
    let probeMayAnswer = (): void => undefined
    const probeGate = new Promise<void>((resolve) => (probeMayAnswer = resolve))
    let phase: 'down' | 'probe' = 'down'
    const fake = scriptedFetch(() => (phase === 'down' ? 'down' : 'ok'))
    const slowProbe: typeof globalThis.fetch = async (url, init) => {
      if (phase === 'probe') await probeGate
      return fake.fetch(url, init)
    }
    const upstream = upstreamOver('population', slowProbe, {
      resilience: { failureThreshold: 2, halfOpenAfterMs: 50, retries: 0 },
    })
    for (let i = 0; i < 2; i++) await expect(upstream.send('/x', {}, scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
    expect(upstream.circuit()).toBe('open')
    await sleep(70)
    phase = 'probe'
    let probeSettled = false
    const probe = upstream.send('/probe', {}, scope()).finally(() => (probeSettled = true))
    expect(upstream.circuit()).toBe('half-open')
    const calls: UpstreamCall[] = []
    await expect(upstream.send('/other', {}, scope(calls))).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      context: { detail: 'circuit half-open: a probe is in flight' },
    })
    expect(probeSettled).toBe(false) // refused while the probe still hangs: it did not wait on it
    expect(calls).toEqual([expect.objectContaining({ error: 'UPSTREAM_UNAVAILABLE', latencyMs: 0 })])
    probeMayAnswer()
    expect((await probe).status).toBe(200)
    expect(upstream.circuit()).toBe('closed')
    expect((await upstream.send('/after', {}, scope())).status).toBe(200)
  }, 10_000) // a call that waits on the probe never settles: fail by this test's timeout, not the suite's

  it("a caller that has gone away gets a connector error, not cockatiel's, and the registry is not called", async () => {
    const fake = scriptedFetch(() => 'hang')
    const upstream = upstreamOver('land', fake.fetch, {
      timeoutMs: 200,
      resilience: { maxConcurrent: 1, maxQueued: 1, failureThreshold: 100, retries: 0 },
    })
    await expect(upstream.send('/gone', {}, { ...scope(), signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'ConnectorError',
      code: 'UPSTREAM_UNAVAILABLE',
      context: { detail: 'circuit: cancelled by the caller' },
    })
    // Queued behind a hanging call, then abandoned: refused when it reaches the front, never sent.
    const ahead = upstream.send('/ahead', {}, scope())
    const leaving = new AbortController()
    const queued = upstream.send('/queued', {}, { ...scope(), signal: leaving.signal })
    leaving.abort()
    await expect(queued).rejects.toMatchObject({ name: 'ConnectorError', context: { detail: 'circuit: cancelled by the caller' } })
    await expect(ahead).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    expect(fake.calls()).toBe(1)
  })

  describe('where a cancelled request never resumes (abandonedAfterMs, workerd)', () => {
    /** A fetch whose calls never settle, as when workerd cancels the request that made them. */
    const neverSettles = (() => new Promise<Response>(() => undefined)) as typeof globalThis.fetch

    it('a call that never settled frees its bulkhead slot once taken as abandoned', async () => {
      let stuck = true
      const fake = scriptedFetch(() => 'ok')
      const upstream = upstreamOver('land', (url, init) => (stuck ? neverSettles(url, init) : fake.fetch(url, init)), {
        // No deadline of its own would fire here: the call's code never resumes after cancellation.
        timeoutMs: 60_000,
        resilience: { maxConcurrent: 2, failureThreshold: 100, retries: 0, abandonedAfterMs: 150 },
      })
      void upstream.send('/a', {}, scope())
      void upstream.send('/b', {}, scope())
      stuck = false
      await expect(upstream.send('/c', {}, scope())).rejects.toMatchObject({ context: { detail: 'circuit: too many calls in flight' } })
      await sleep(200)
      expect((await upstream.send('/d', {}, scope())).status).toBe(200)
    })

    it('a half-open probe that never settled gives way to a new probe', async () => {
      let phase: 'down' | 'stuck' | 'up' = 'down'
      const fake = scriptedFetch(() => (phase === 'down' ? 'down' : 'ok'))
      const upstream = upstreamOver('population', (url, init) => (phase === 'stuck' ? neverSettles(url, init) : fake.fetch(url, init)), {
        timeoutMs: 60_000,
        resilience: { failureThreshold: 2, halfOpenAfterMs: 50, retries: 0, abandonedAfterMs: 150 },
      })
      for (let i = 0; i < 2; i++) await expect(upstream.send('/x', {}, scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
      await sleep(70)
      phase = 'stuck'
      void upstream.send('/probe', {}, scope()) // its request is cancelled: it never settles
      expect(upstream.circuit()).toBe('half-open')
      phase = 'up'
      await expect(upstream.send('/y', {}, scope())).rejects.toMatchObject({ context: { detail: 'circuit half-open: a probe is in flight' } })
      await sleep(200)
      expect((await upstream.send('/z', {}, scope())).status).toBe(200) // a new probe, and it closes the circuit
      expect(upstream.circuit()).toBe('closed')
    })
  })
})
