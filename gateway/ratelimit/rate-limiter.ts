/**
 * The rate limiter port: one decision per request over several limits at once, all
 * or nothing. Adapters: memory (one instance, tests), Redis (one atomic Lua script per decision,
 * shared by every instance; `./redis.node.ts`, Node only) and the failover wrapper that falls back to
 * per-instance limits while Redis cannot answer.
 *
 * Semantics, identical in every adapter (the memory adapter and the Lua script implement the
 * same arithmetic, checked by one conformance suite):
 * - `rate` (GCRA, i.e. a token bucket without a timer): a bucket of `max(burst, 1)` units that
 *   refills at `perMinute` units per minute. Over any 60-second window at most
 *   `perMinute + burst` units pass (for `burst ≥ 1`); a request of cost `n` needs `n` units now.
 * - `daily`: at most `quota` units per calendar day in Vietnam (UTC+7), reset at local midnight.
 *
 * @module
 */

/** Vietnam has one time zone, UTC+7, and no daylight saving: the day a daily quota counts in. */
export const DAY_OFFSET_MS = 7 * 3_600_000
export const DAY_MS = 86_400_000
/** Longest partition or limit name, before the adapter's prefix. */
export const MAX_NAME_LENGTH = 200
/** Most limits one decision may combine. */
export const MAX_LIMITS = 8

/** A token bucket: `perMinute` units per minute, up to `burst` at once. */
export interface RateLimitSpec {
  /** Shown in the headers (`"agency"`, `"grant-x"`) and part of the storage key. */
  name: string
  kind: 'rate'
  perMinute: number
  burst: number
}

/** At most `quota` units per calendar day (UTC+7). */
export interface DailyQuotaSpec {
  name: string
  kind: 'daily'
  quota: number
}

export type LimitSpec = RateLimitSpec | DailyQuotaSpec

export interface ConsumeRequest {
  /**
   * Whose limits these are (`agency:thue-ha-noi`, `ip:203.0.113.7`). Every limit of one decision
   * is stored under this partition, so on a Redis Cluster they share one slot (a hash tag).
   */
  partition: string
  limits: LimitSpec[]
  /** Units this request takes from every limit: a positive integer. */
  cost: number
  /**
   * How long ago (ms) what happened to these limits stopped being known here: the state was lost
   * (a restarted Redis) or spent elsewhere (other instances, while each decides alone). A rate
   * bucket then counts as empty at that instant, never as full: the units taken meanwhile by
   * whoever kept deciding are not seen, and a full bucket would hand out its burst on top of them.
   * Negative: empty at an instant still to come (others may decide alone until then). Absent:
   * the stored state is the whole history.
   */
  drainedAgoMs?: number
}

/** One limit after the decision, for the `RateLimit-Policy` and `RateLimit` headers. */
export interface LimitState {
  name: string
  kind: LimitSpec['kind']
  /** Most units in one window (`perMinute + burst`, or the daily quota). */
  quota: number
  /** The window in seconds (60, or 86 400). */
  windowS: number
  /** Units that could be taken right now. */
  remaining: number
  /** Milliseconds until the limit is back to full (the bucket refilled, the day over). */
  resetMs: number
}

export interface ConsumeDecision {
  /** True: `cost` units were taken from every limit. False: none were taken. */
  allowed: boolean
  /** When refused, how long until the same request would pass (if nobody else takes units). */
  retryAfterMs: number
  limits: LimitState[]
  /** `shared`: decided by the store every instance uses; `local`: this instance alone. */
  scope: 'shared' | 'local'
  /**
   * True when the shared limiter did not answer in time and the request was refused without
   * knowing the count (it may have been counted): a retry in a second, not a limit reached.
   */
  undecided?: boolean
}

export interface RateLimiterPing {
  ok: boolean
  latencyMs: number
  detail?: string
}

export interface RateLimiter {
  /** Which adapter decides, for `/readyz`. */
  readonly kind: 'memory' | 'redis' | 'failover' | 'durable-object'
  /**
   * Decides and, when allowed, takes `cost` units from every limit, atomically (across instances
   * for a shared adapter). Rejects with `TypeError` for a malformed request and with
   * `RateLimiterUnavailableError` when a shared store cannot answer in time.
   */
  consume(request: ConsumeRequest): Promise<ConsumeDecision>
  /**
   * Gives back `cost` units taken by an earlier `consume` of the same partition and limits (a
   * request charged pessimistically that turned out cheaper): a rate limit's bucket refills by
   * that much (never beyond full), a daily quota's count goes down (never below 0, and not at all
   * once its day is over). Rejects as `consume` does; a caller that cannot refund keeps the
   * charge, which errs towards refusing, never towards serving more. Absent: refunds are dropped.
   */
  refund?(request: ConsumeRequest): Promise<void>
  /**
   * When (Date.now()) a shared limiter's connection last came back after it was lost: the server
   * may have restarted empty, and missed what instances decided alone meanwhile. Undefined for
   * a limiter whose state cannot be lost behind its back (memory), or before any reconnection.
   */
  readonly resumedAt?: number
  /** Cheap probe; never throws. */
  ping(signal?: AbortSignal): Promise<RateLimiterPing>
  /** Idempotent; later calls reject as unavailable. */
  close(): Promise<void>
}

/** A shared rate limiter could not decide in time (Redis down, hung, or closed). */
export class RateLimiterUnavailableError extends Error {
  /** True when the store did not answer in time (maybe a blip), false when it failed at once (down). */
  readonly timedOut: boolean
  constructor(message: string, options?: { cause?: unknown; timedOut?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = RateLimiterUnavailableError.name
    this.timedOut = options?.timedOut ?? false
  }
}

/** The bucket size: a bucket of zero could never pass anything. */
export const capacityOf = (limit: RateLimitSpec): number => Math.max(limit.burst, 1)
/** Milliseconds one unit takes to come back. */
export const intervalOf = (limit: RateLimitSpec): number => 60_000 / limit.perMinute
/** What `RateLimit-Policy` advertises as `q` (with `w`). */
export const quotaOf = (limit: LimitSpec): number => (limit.kind === 'rate' ? limit.perMinute + limit.burst : limit.quota)
export const windowOf = (limit: LimitSpec): number => (limit.kind === 'rate' ? 60 : DAY_MS / 1000)

/**
 * How long a bucket takes to refill from empty, the longest among `limits` (ms): past that, an
 * assumption that a bucket was empty at some instant changes nothing.
 */
export function longestTolerance(limits: readonly LimitSpec[]): number {
  return Math.max(0, ...limits.map((limit) => (limit.kind === 'rate' ? capacityOf(limit) * intervalOf(limit) : 0)))
}

/**
 * The request with its buckets counted empty at `emptyAt` (ms, on the caller's clock `now`),
 * unless they already count empty later, or every bucket has refilled since (then nothing
 * changes). Used where a limiter's history stops being known: a recovery, a reconnection.
 */
export function countEmptyFrom(request: ConsumeRequest, emptyAt: number | undefined, now: number): ConsumeRequest {
  if (emptyAt === undefined) return request
  const ago = now - emptyAt
  if (ago > longestTolerance(request.limits)) return request
  return { ...request, drainedAgoMs: request.drainedAgoMs === undefined ? ago : Math.min(ago, request.drainedAgoMs) }
}

/** The most units one request may cost under these limits; a dearer one can never pass. */
export function largestCost(limits: readonly LimitSpec[]): number {
  return Math.min(...limits.map((limit) => (limit.kind === 'rate' ? capacityOf(limit) : limit.quota)))
}

/** Throws `TypeError` unless the request is one every adapter accepts. */
export function assertConsumeRequest(request: ConsumeRequest): void {
  const { partition, limits, cost } = request
  if (typeof partition !== 'string' || partition.length === 0 || partition.length > MAX_NAME_LENGTH || /[{}\s]/.test(partition)) {
    throw new TypeError(`consume: partition must be 1–${MAX_NAME_LENGTH} characters without braces or spaces`)
  }
  if (!Number.isSafeInteger(cost) || cost < 1) throw new TypeError(`consume: cost must be a positive integer (got ${String(cost)})`)
  if (request.drainedAgoMs !== undefined && !Number.isFinite(request.drainedAgoMs)) throw new TypeError('consume: drainedAgoMs must be a finite number')
  if (!Array.isArray(limits) || limits.length === 0 || limits.length > MAX_LIMITS) {
    throw new TypeError(`consume: give 1–${MAX_LIMITS} limits`)
  }
  const names = new Set<string>()
  for (const limit of limits) {
    if (typeof limit.name !== 'string' || !/^[A-Za-z0-9._:-]{1,100}$/.test(limit.name) || names.has(limit.name)) {
      throw new TypeError('consume: limit names must be unique words of letters, digits and . _ : -')
    }
    names.add(limit.name)
    const ok =
      limit.kind === 'rate'
        ? Number.isSafeInteger(limit.perMinute) && limit.perMinute >= 1 && Number.isSafeInteger(limit.burst) && limit.burst >= 0
        : limit.kind === 'daily' && Number.isSafeInteger(limit.quota) && limit.quota >= 1
    if (!ok) throw new TypeError(`consume: limit ${limit.name} is malformed`)
  }
}

/** Stored state of one limit: a rate limit's theoretical arrival time, or a day's count. */
export type LimitStateValue = { tat: number } | { day: number; used: number }

/** What one limit would become if the request passed, and what to report either way. */
export interface LimitStep {
  allowed: boolean
  retryAfterMs: number
  next: LimitStateValue
  /** Milliseconds the stored state must live. */
  ttlMs: number
  report: LimitState
}

/** Floating-point slack, far below a microsecond: the Lua script uses the same. */
const EPSILON = 1e-6

/**
 * One limit's step of GCRA / the daily count, at `now` (ms). Pure: the memory adapter runs it
 * directly, the Redis script runs the same arithmetic inside Redis with the server's clock.
 * `drainedAt`: before this instant the bucket's history is unknown, so it counts as empty then
 * (its theoretical arrival time at least `drainedAt` + the whole tolerance); it refills from there.
 * A daily count has no such floor: see the README on quotas while Redis is down.
 */
export function stepLimit(limit: LimitSpec, state: LimitStateValue | undefined, cost: number, now: number, drainedAt?: number): LimitStep {
  if (limit.kind === 'rate') {
    const interval = intervalOf(limit)
    const tolerance = capacityOf(limit) * interval
    const floor = drainedAt === undefined ? now : drainedAt + tolerance
    const base = Math.max(state && 'tat' in state ? state.tat : now, now, floor)
    const tat = base + cost * interval
    const debt = tat - now
    const report = { name: limit.name, kind: limit.kind, quota: quotaOf(limit), windowS: 60 }
    if (debt <= tolerance + EPSILON) {
      return {
        allowed: true,
        retryAfterMs: 0,
        next: { tat },
        ttlMs: Math.ceil(debt) + 1000,
        report: { ...report, remaining: Math.floor((tolerance - debt) / interval + EPSILON), resetMs: Math.ceil(debt - EPSILON) },
      }
    }
    const held = base - now
    return {
      allowed: false,
      retryAfterMs: Math.ceil(debt - tolerance - EPSILON),
      next: { tat: base },
      ttlMs: Math.ceil(held) + 1000,
      // Held past the tolerance only when counted empty at an instant still to come: nothing left.
      report: { ...report, remaining: Math.max(0, Math.floor((tolerance - held) / interval + EPSILON)), resetMs: Math.ceil(held - EPSILON) },
    }
  }
  const day = Math.floor((now + DAY_OFFSET_MS) / DAY_MS)
  const used = state && 'day' in state && state.day === day ? state.used : 0
  const resetMs = Math.ceil((day + 1) * DAY_MS - DAY_OFFSET_MS - now)
  const report = { name: limit.name, kind: limit.kind, quota: limit.quota, windowS: DAY_MS / 1000, resetMs }
  if (used + cost <= limit.quota) {
    return {
      allowed: true,
      retryAfterMs: 0,
      next: { day, used: used + cost },
      ttlMs: resetMs + 60_000,
      report: { ...report, remaining: limit.quota - used - cost },
    }
  }
  return { allowed: false, retryAfterMs: resetMs, next: { day, used }, ttlMs: resetMs + 60_000, report: { ...report, remaining: limit.quota - used } }
}

/**
 * One limit's refund of `cost` units at `now` (pure; the Redis script mirrors it): the state to
 * store, or null when there is nothing to give back (a full bucket, another day).
 */
export function refundLimit(limit: LimitSpec, state: LimitStateValue | undefined, cost: number, now: number): { next: LimitStateValue; ttlMs: number } | null {
  if (limit.kind === 'rate') {
    if (!state || !('tat' in state) || state.tat <= now) return null
    const tat = Math.max(now, state.tat - cost * intervalOf(limit))
    return { next: { tat }, ttlMs: Math.ceil(tat - now) + 1000 }
  }
  const day = Math.floor((now + DAY_OFFSET_MS) / DAY_MS)
  if (!state || !('day' in state) || state.day !== day || state.used === 0) return null
  return { next: { day, used: Math.max(0, state.used - cost) }, ttlMs: Math.ceil((day + 1) * DAY_MS - DAY_OFFSET_MS - now) + 60_000 }
}

/**
 * The whole decision over a request's limits, all or nothing: the steps to store when allowed,
 * else the longest wait among the refusing limits and every limit's state left as it was.
 */
export function decideLimits(
  request: ConsumeRequest,
  states: ReadonlyArray<LimitStateValue | undefined>,
  now: number,
): { allowed: boolean; retryAfterMs: number; steps: LimitStep[]; reports: LimitState[] } {
  const drainedAt = request.drainedAgoMs === undefined ? undefined : now - request.drainedAgoMs
  const steps = request.limits.map((limit, i) => stepLimit(limit, states[i], request.cost, now, drainedAt))
  const allowed = steps.every((step) => step.allowed)
  if (allowed) return { allowed, retryAfterMs: 0, steps, reports: steps.map((step) => step.report) }
  const retryAfterMs = Math.max(...steps.map((step) => step.retryAfterMs))
  // Nothing is taken: report what is left now (a step of cost 0 changes nothing).
  const reports = request.limits.map((limit, i) => stepLimit(limit, states[i], 0, now, drainedAt).report)
  return { allowed, retryAfterMs, steps, reports }
}
