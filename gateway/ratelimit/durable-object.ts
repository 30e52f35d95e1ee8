/**
 * Rate limits in Durable Objects (the Workers runtime): one object per partition (an agency, a
 * client address), so every decision for it runs in one place, one at a time, and every instance
 * of the gateway sees the same buckets without Redis. The arithmetic is the memory and Redis
 * adapters' (`decideLimits`, `refundLimit`); the states live in the object's storage, so an
 * object evicted while idle comes back with its buckets and daily counts.
 */
import { alarmNoEarlierThan, liveValue, objectClient, storedObjectClass, type Expiring, type ObjectNamespace, type ObjectStorage } from '../support/index.js'
import {
  assertConsumeRequest,
  decideLimits,
  RateLimiterUnavailableError,
  refundLimit,
  type ConsumeDecision,
  type ConsumeRequest,
  type LimitStateValue,
  type RateLimiter,
} from './rate-limiter.js'

type Stored = Expiring<LimitStateValue>

/** One decision on a partition's stored states; exported for tests with an injected clock. */
export async function consumeInStorage(storage: ObjectStorage, request: ConsumeRequest, now: number): Promise<ConsumeDecision> {
  assertConsumeRequest(request)
  const keys = request.limits.map((limit) => limit.name)
  const stored = await storage.get<Stored>(keys)
  const states = keys.map((key) => liveValue(stored.get(key), now))
  const decision = decideLimits(request, states, now)
  if (decision.allowed) {
    const entries: Record<string, Stored> = {}
    decision.steps.forEach((step, i) => {
      entries[keys[i] as string] = { value: step.next, expiresAt: now + step.ttlMs }
    })
    await storage.put(entries)
    // So a partition nobody uses again leaves no storage behind.
    await alarmNoEarlierThan(storage, Math.max(...Object.values(entries).map((entry) => entry.expiresAt)))
  }
  return { allowed: decision.allowed, retryAfterMs: decision.retryAfterMs, limits: decision.reports, scope: 'shared' }
}

/** Gives back units, as the other adapters do; exported for tests with an injected clock. */
export async function refundInStorage(storage: ObjectStorage, request: ConsumeRequest, now: number): Promise<void> {
  assertConsumeRequest(request)
  const stored = await storage.get<Stored>(request.limits.map((limit) => limit.name))
  const entries: Record<string, Stored> = {}
  for (const limit of request.limits) {
    const step = refundLimit(limit, liveValue(stored.get(limit.name), now), request.cost, now)
    if (step) entries[limit.name] = { value: step.next, expiresAt: now + step.ttlMs }
  }
  if (Object.keys(entries).length > 0) await storage.put(entries)
}

const checkConsumeRequest = (body: unknown): ConsumeRequest => {
  assertConsumeRequest(body as ConsumeRequest)
  return body as ConsumeRequest
}

/** The Durable Object class (exported by a Workers entry under the binding's `class_name`). */
export const RateLimitObject = storedObjectClass({
  consume: (body) => {
    const request = checkConsumeRequest(body)
    return (storage, now) => consumeInStorage(storage, request, now)
  },
  refund: (body) => {
    const request = checkConsumeRequest(body)
    return (storage, now) => refundInStorage(storage, request, now).then(() => null)
  },
})

export interface DurableObjectRateLimiterOptions {
  /** How long a decision may take before the request is refused as undecided. @default 1000 */
  timeoutMs?: number
}

/**
 * The Worker's side: a RateLimiter whose every decision is made by the partition's object.
 * Malformed requests are refused here (TypeError), as by the other adapters; an object that does
 * not answer in time, or answers with an error, is `RateLimiterUnavailableError`.
 */
export function createDurableObjectRateLimiter(namespace: ObjectNamespace, options: DurableObjectRateLimiterOptions = {}): RateLimiter {
  const client = objectClient(namespace, options.timeoutMs ?? 1000, (message, details) => new RateLimiterUnavailableError(`Rate limiter: ${message}`, details))
  const call = (route: 'consume' | 'refund', request: ConsumeRequest) => {
    assertConsumeRequest(request)
    return client.call(request.partition, route, request)
  }
  return {
    kind: 'durable-object',
    consume: async (request) => (await call('consume', request)) as ConsumeDecision,
    refund: async (request) => {
      await call('refund', request)
    },
    ping: (signal) => client.ping(signal),
    close: () => client.close(),
  }
}
