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
import { sweepExpired } from '../shared-store/index.js'
import { positiveInteger, unrefTimer } from '../support/index.js'

export interface MemoryRateLimiterOptions {
  /** Clock in milliseconds, for tests. @default Date.now */
  now?: () => number
  /** Most limit states held at once; beyond, expired ones are purged, then the oldest dropped. @default 100_000 */
  maxEntries?: number
  /** How often expired states are swept; the timer never keeps the process alive. @default 30_000 */
  sweepIntervalMs?: number
}

interface Entry {
  value: LimitStateValue
  expiresAt: number
}

/**
 * Per-instance limits: a Map of limit state, decided with the same arithmetic as the Redis
 * script. Shared by nothing outside this process: with several instances, each would allow the
 * whole limit (the failover divides the limits by the instance count when it falls back here).
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly kind = 'memory'
  readonly #entries = new Map<string, Entry>()
  readonly #now: () => number
  readonly #maxEntries: number
  readonly #timer: ReturnType<typeof setInterval>
  #closed = false

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.#now = options.now ?? Date.now
    this.#maxEntries = positiveInteger('MemoryRateLimiter', 'maxEntries', options.maxEntries, 100_000)
    this.#timer = setInterval(() => this.sweep(), positiveInteger('MemoryRateLimiter', 'sweepIntervalMs', options.sweepIntervalMs, 30_000))
    unrefTimer(this.#timer)
  }

  get size(): number {
    return this.#entries.size
  }

  async consume(request: ConsumeRequest): Promise<ConsumeDecision> {
    assertConsumeRequest(request)
    if (this.#closed) throw new RateLimiterUnavailableError('Rate limiter is closed')
    const now = this.#now()
    const keys = request.limits.map((limit) => `${request.partition}\u0000${limit.name}`)
    const states = keys.map((key) => {
      const entry = this.#entries.get(key)
      return entry && entry.expiresAt > now ? entry.value : undefined
    })
    const decision = decideLimits(request, states, now)
    if (decision.allowed) {
      decision.steps.forEach((step, i) => this.#set(keys[i] as string, { value: step.next, expiresAt: now + step.ttlMs }))
    }
    return { allowed: decision.allowed, retryAfterMs: decision.retryAfterMs, limits: decision.reports, scope: 'local' }
  }

  async refund(request: ConsumeRequest): Promise<void> {
    assertConsumeRequest(request)
    if (this.#closed) throw new RateLimiterUnavailableError('Rate limiter is closed')
    const now = this.#now()
    for (const limit of request.limits) {
      const key = `${request.partition}\u0000${limit.name}`
      const entry = this.#entries.get(key)
      const step = refundLimit(limit, entry && entry.expiresAt > now ? entry.value : undefined, request.cost, now)
      if (step) this.#set(key, { value: step.next, expiresAt: now + step.ttlMs })
    }
  }

  /** Drops expired states now; returns how many. */
  sweep(): number {
    return sweepExpired(this.#entries, this.#now(), (entry) => entry.expiresAt)
  }

  async ping(signal?: AbortSignal): Promise<RateLimiterPing> {
    if (signal?.aborted) return { ok: false, latencyMs: 0, detail: 'aborted' }
    return this.#closed ? { ok: false, latencyMs: 0, detail: 'closed' } : { ok: true, latencyMs: 0 }
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    this.#entries.clear()
  }

  #set(key: string, entry: Entry): void {
    this.#entries.delete(key)
    if (this.#entries.size >= this.#maxEntries) {
      this.sweep()
      // Still full: forget the least recently written state (Map keeps insertion order). A
      // forgotten bucket starts full again, which errs towards serving, never towards refusing.
      if (this.#entries.size >= this.#maxEntries) {
        const oldest = this.#entries.keys().next().value
        if (oldest !== undefined) this.#entries.delete(oldest)
      }
    }
    this.#entries.set(key, entry)
  }
}

/**
 * The in-memory adapter: one instance, development, tests, and the fallback while Redis is down.
 *
 * @example
 * const limiter = createMemoryRateLimiter()
 * await limiter.consume({ partition: 'agency:thue-ha-noi', cost: 1,
 *   limits: [{ name: 'agency', kind: 'rate', perMinute: 1200, burst: 200 }] })
 */
export function createMemoryRateLimiter(options?: MemoryRateLimiterOptions): MemoryRateLimiter {
  return new MemoryRateLimiter(options)
}
