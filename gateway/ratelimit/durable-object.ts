/**
 * Rate limits in Durable Objects (the Workers runtime): one object per partition (an agency, a
 * client address), so every decision for it runs in one place, one at a time, and every instance
 * of the gateway sees the same buckets without Redis. The arithmetic is the memory and Redis
 * adapters' (`decideLimits`, `refundLimit`); the states live in the object's storage, so an
 * object evicted while idle comes back with its buckets and daily counts.
 *
 * Runtime-neutral: the object and its namespace are described by the few members used here, so
 * this file needs neither `cloudflare:workers` nor the Workers types, and runs under Node in tests.
 */
import {
  assertConsumeRequest,
  decideLimits,
  RateLimiterUnavailableError,
  refundLimit,
  type ConsumeDecision,
  type ConsumeRequest,
  type LimitStateValue,
  type RateLimiter,
  type RateLimiterPing,
} from './rate-limiter.js'

/** The members of a Durable Object's storage this limiter uses. */
export interface LimiterStorage {
  get<T>(keys: string[]): Promise<Map<string, T>>
  put<T>(entries: Record<string, T>): Promise<void>
  list<T>(): Promise<Map<string, T>>
  delete(keys: string[]): Promise<number>
  getAlarm(): Promise<number | null>
  setAlarm(scheduledTime: number): Promise<void>
}

export interface LimiterObjectState {
  readonly storage: LimiterStorage
}

/** The members of a Durable Object namespace binding this limiter uses. */
export interface LimiterNamespace {
  idFromName(name: string): unknown
  get(id: never): { fetch(input: string, init?: RequestInit): Promise<Response> }
}

interface Stored {
  value: LimitStateValue
  expiresAt: number
}

/** The object's routes; the host is never resolved (a stub's fetch goes to the object). */
const OBJECT_URL = 'https://rate-limit.object'

/** One decision on a partition's stored states; exported for tests with an injected clock. */
export async function consumeInStorage(storage: LimiterStorage, request: ConsumeRequest, now: number): Promise<ConsumeDecision> {
  assertConsumeRequest(request)
  const keys = request.limits.map((limit) => limit.name)
  const stored = await storage.get<Stored>(keys)
  const states = keys.map((key) => {
    const entry = stored.get(key)
    return entry && entry.expiresAt > now ? entry.value : undefined
  })
  const decision = decideLimits(request, states, now)
  if (decision.allowed) {
    const entries: Record<string, Stored> = {}
    decision.steps.forEach((step, i) => {
      entries[keys[i] as string] = { value: step.next, expiresAt: now + step.ttlMs }
    })
    await storage.put(entries)
    await sweepLater(storage, entries)
  }
  return { allowed: decision.allowed, retryAfterMs: decision.retryAfterMs, limits: decision.reports, scope: 'shared' }
}

/** Gives back units, as the other adapters do; exported for tests with an injected clock. */
export async function refundInStorage(storage: LimiterStorage, request: ConsumeRequest, now: number): Promise<void> {
  assertConsumeRequest(request)
  const stored = await storage.get<Stored>(request.limits.map((limit) => limit.name))
  const entries: Record<string, Stored> = {}
  for (const limit of request.limits) {
    const entry = stored.get(limit.name)
    const step = refundLimit(limit, entry && entry.expiresAt > now ? entry.value : undefined, request.cost, now)
    if (step) entries[limit.name] = { value: step.next, expiresAt: now + step.ttlMs }
  }
  if (Object.keys(entries).length > 0) await storage.put(entries)
}

/** An alarm at the latest expiry written, so a partition nobody uses again leaves no storage behind. */
async function sweepLater(storage: LimiterStorage, entries: Record<string, Stored>): Promise<void> {
  const latest = Math.max(...Object.values(entries).map((entry) => entry.expiresAt))
  const scheduled = await storage.getAlarm()
  if (scheduled === null || scheduled < latest) await storage.setAlarm(latest)
}

/** The alarm: drops expired states; reschedules for those still running. */
export async function sweepStorage(storage: LimiterStorage, now: number): Promise<void> {
  const entries = await storage.list<Stored>()
  const expired = [...entries].filter(([, entry]) => entry.expiresAt <= now).map(([key]) => key)
  if (expired.length > 0) await storage.delete(expired)
  const remaining = [...entries.values()].filter((entry) => entry.expiresAt > now).map((entry) => entry.expiresAt)
  if (remaining.length > 0) await storage.setAlarm(Math.max(...remaining))
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/**
 * The Durable Object class (exported by the Workers entry under the binding's `class_name`).
 * Decisions are chained one after another: the object's input gate already keeps a storage read
 * and its write together, and the chain makes that hold by construction, not by the runtime's rule.
 */
export class RateLimitObject {
  #queue: Promise<unknown> = Promise.resolve()
  readonly #storage: LimiterStorage
  readonly #now: () => number

  constructor(state: LimiterObjectState, _env?: unknown, now: () => number = Date.now) {
    this.#storage = state.storage
    this.#now = now
  }

  async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url)
    if (pathname === '/ping') return json({ ok: true })
    if (request.method !== 'POST' || (pathname !== '/consume' && pathname !== '/refund')) return json({ error: 'not found' }, 404)
    let body: ConsumeRequest
    try {
      body = (await request.json()) as ConsumeRequest
      assertConsumeRequest(body)
    } catch (error) {
      return json({ error: error instanceof TypeError ? error.message : 'malformed request' }, 400)
    }
    const decide = async (): Promise<ConsumeDecision | null> =>
      pathname === '/consume' ? consumeInStorage(this.#storage, body, this.#now()) : refundInStorage(this.#storage, body, this.#now()).then(() => null)
    const result = this.#queue.then(decide)
    this.#queue = result.catch(() => undefined)
    return json(await result)
  }

  async alarm(): Promise<void> {
    await sweepStorage(this.#storage, this.#now())
  }
}

export interface DurableObjectRateLimiterOptions {
  /** How long a decision may take before the request is refused as undecided. @default 1000 */
  timeoutMs?: number
}

/**
 * The Worker's side: a RateLimiter whose every decision is made by the partition's object.
 * Malformed requests are refused here (TypeError), as by the other adapters; an object that does
 * not answer in time, or answers with an error, is `RateLimiterUnavailableError`.
 */
export function createDurableObjectRateLimiter(namespace: LimiterNamespace, options: DurableObjectRateLimiterOptions = {}): RateLimiter {
  const timeoutMs = options.timeoutMs ?? 1000
  let closed = false

  async function call(path: '/consume' | '/refund', request: ConsumeRequest): Promise<unknown> {
    assertConsumeRequest(request)
    if (closed) throw new RateLimiterUnavailableError('Rate limiter is closed')
    const stub = namespace.get(namespace.idFromName(request.partition) as never)
    let response: Response
    try {
      response = await stub.fetch(`${OBJECT_URL}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError'
      throw new RateLimiterUnavailableError('The rate-limit object did not answer', { cause: error, timedOut })
    }
    if (!response.ok) throw new RateLimiterUnavailableError(`The rate-limit object answered ${response.status}`)
    return response.json()
  }

  return {
    kind: 'durable-object',
    consume: async (request) => (await call('/consume', request)) as ConsumeDecision,
    refund: async (request) => {
      await call('/refund', request)
    },
    async ping(signal?: AbortSignal): Promise<RateLimiterPing> {
      if (closed) return { ok: false, latencyMs: 0, detail: 'closed' }
      const started = performance.now()
      try {
        const stub = namespace.get(namespace.idFromName('ping') as never)
        const response = await stub.fetch(`${OBJECT_URL}/ping`, { signal: signal ?? AbortSignal.timeout(timeoutMs) })
        return { ok: response.ok, latencyMs: performance.now() - started }
      } catch (error) {
        return { ok: false, latencyMs: performance.now() - started, detail: error instanceof Error ? error.name : 'unreachable' }
      }
    },
    async close() {
      closed = true
    },
  }
}
