/**
 * The shared store port: state that every gateway instance must see alike.
 *
 * Uses: refusing a replayed JWT id (`jti`) of an OAuth client assertion or a signed request
 * context, across instances (`claimOnce`); the counters of grant limits such as "per subject per
 * day" (`count`). Rate limiting runs its own GCRA script on the Redis adapter's connection;
 * adapters keep one connection and one key prefix for all uses.
 */

/** Longest TTL a claim may ask for. @default 86_400_000 (one day) */
export const MAX_CLAIM_TTL_MS = 86_400_000
/** Longest caller key, before the adapter's prefix. */
export const MAX_KEY_LENGTH = 512
/** Prefix every adapter puts before each key, so several systems can share one Redis. */
export const DEFAULT_KEY_PREFIX = 'lgsp:'

export interface SharedStorePing {
  ok: boolean
  latencyMs: number
  detail?: string
}

/** Most counters one `count` call may touch. */
export const MAX_COUNTERS = 64
/** Longest counter window: 31 days. */
export const MAX_WINDOW_MS = 31 * 86_400_000
/** How long a counter outlives its window, so a late refund still finds it. */
export const COUNTER_GRACE_MS = 60_000

/**
 * One counter of a `count` call: a number per fixed window of time (the Vietnamese calendar day,
 * the clock hour), kept under `key` and starting again at 0 in each new window.
 */
export interface WindowCounter {
  /**
   * Namespaced by the caller (`gl:{agency}:…`); the adapter adds its prefix. On a Redis Cluster
   * every key of one call must share one hash tag (`{…}`).
   */
  key: string
  /** Window length in ms: window number = floor((now + offsetMs) / windowMs). */
  windowMs: number
  /** Shifts the windows' boundaries: 25_200_000 (7 h) starts a 1-day window at midnight in Vietnam. @default 0 */
  offsetMs?: number
  /** Added to the count; negative gives units back (the count never goes below 0). */
  amount: number
  /** The most the count may reach: a call that would take any counter past its limit changes none. */
  limit?: number
  /**
   * Count only if this is still the current window (a number an earlier answer gave): a refund
   * for a window that has ended changes nothing, rather than the new window's count.
   */
  window?: number
}

/** One counter after a `count` call. */
export interface CounterState {
  /** The count in `window`, after the call (as it stands when the call was refused). */
  value: number
  window: number
  /** Milliseconds until the current window ends. */
  resetMs: number
}

export interface CountResult {
  /** False: some counter would have passed its limit, and no counter was changed. */
  allowed: boolean
  counters: CounterState[]
}

export interface SharedStore {
  /** Which adapter is wired, for `/readyz` and the start-up banner. */
  readonly kind: 'memory' | 'redis' | 'durable-object'
  /**
   * Records `key` if absent, for `ttlMs`. `true` = it was new (first use), `false` = already seen.
   * Atomic across instances for a shared adapter. Keys are namespaced by the caller
   * (`jti:assertion:<client>:<jti>`); the adapter adds its prefix.
   *
   * Rejects with `TypeError` for a bad key or TTL, and with `SharedStoreUnavailableError` when the
   * store cannot answer in time. After that error the claim may or may not have been recorded:
   * treat it as "cannot tell", never as "first use".
   *
   * @example
   * if (!(await store.claimOnce(`jti:assertion:${clientId}:${jti}`, 330_000))) return denied()
   */
  claimOnce(key: string, ttlMs: number): Promise<boolean>
  /**
   * Adds to several window counters at once, all or nothing, atomically across instances for a
   * shared adapter: refused (nothing changed) when a positive amount would take a counter past
   * its `limit`. The window is decided by the store's clock (Redis: its TIME), so instances with
   * drifting clocks share one timeline. `amount: 0` reads.
   *
   * Rejects with `TypeError` for malformed counters and `SharedStoreUnavailableError` when the
   * store cannot answer: the caller then cannot tell, and fails closed.
   *
   * @example
   * const { allowed } = await store.count([{ key: 'gl:{a}:s:h1', windowMs: 86_400_000, offsetMs: 25_200_000, amount: 3, limit: 10 }])
   */
  count(counters: readonly WindowCounter[]): Promise<CountResult>
  /** Cheap liveness probe for `/readyz`; never throws. */
  ping(signal?: AbortSignal): Promise<SharedStorePing>
  /** Releases connections and timers. Idempotent; later claims reject as unavailable. */
  close(): Promise<void>
}

/** The store could not answer in time (down, hung, full or closed). Callers fail closed. */
export class SharedStoreUnavailableError extends Error {
  /** True when the store did not answer within its deadline (slow or hung), false when it failed at once (down, closed). */
  readonly timedOut: boolean
  constructor(message: string, options?: { cause?: unknown; timedOut?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = SharedStoreUnavailableError.name
    this.timedOut = options?.timedOut ?? false
  }
}

/** Throws `TypeError` unless `key` and `ttlMs` are what `claimOnce` accepts. */
export function assertClaimInput(key: unknown, ttlMs: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new TypeError(`claimOnce: key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`)
  }
  if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_CLAIM_TTL_MS) {
    throw new TypeError(`claimOnce: ttlMs must be a positive integer of at most ${MAX_CLAIM_TTL_MS} (got ${String(ttlMs)})`)
  }
}

/** Throws `TypeError` unless `counters` is what `count` accepts. */
export function assertCounters(counters: readonly WindowCounter[]): void {
  if (!Array.isArray(counters) || counters.length === 0 || counters.length > MAX_COUNTERS) {
    throw new TypeError(`count: give 1–${MAX_COUNTERS} counters`)
  }
  const keys = new Set<string>()
  const integer = (value: unknown, min: number, max: number) => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
  for (const counter of counters) {
    if (typeof counter.key !== 'string' || counter.key.length === 0 || counter.key.length > MAX_KEY_LENGTH || /\s/.test(counter.key) || keys.has(counter.key)) {
      throw new TypeError(`count: keys must be unique strings of 1–${MAX_KEY_LENGTH} characters without spaces`)
    }
    keys.add(counter.key)
    if (!integer(counter.windowMs, 1000, MAX_WINDOW_MS)) throw new TypeError(`count: windowMs must be an integer from 1000 to ${MAX_WINDOW_MS}`)
    if (counter.offsetMs !== undefined && !integer(counter.offsetMs, 0, counter.windowMs))
      throw new TypeError('count: offsetMs must be an integer from 0 to windowMs')
    if (!integer(counter.amount, -1_000_000_000, 1_000_000_000)) throw new TypeError('count: amount must be an integer')
    if (counter.limit !== undefined && !integer(counter.limit, 0, 1_000_000_000)) throw new TypeError('count: limit must be a non-negative integer')
    if (counter.window !== undefined && !integer(counter.window, 0, Number.MAX_SAFE_INTEGER))
      throw new TypeError('count: window must be a non-negative integer')
  }
}

/** A counter's stored state: its window and the count in it. */
export interface StoredCount {
  window: number
  value: number
}

/** What one counter would become, decided at `now` (ms): the same arithmetic as the Redis script. */
export interface CounterStep {
  /** The counter is refused: the amount would take it past its limit. */
  over: boolean
  /** The state to store if the whole call is allowed, or null to leave it as it is. */
  next: StoredCount | null
  /** Milliseconds the stored state must live. */
  ttlMs: number
  report: CounterState
}

/** One counter's step (pure): the memory adapter runs it, the Redis script mirrors it. */
export function stepCounter(counter: WindowCounter, stored: StoredCount | undefined, now: number): CounterStep {
  const offset = counter.offsetMs ?? 0
  const current = Math.floor((now + offset) / counter.windowMs)
  const window = counter.window ?? current
  const resetMs = (current + 1) * counter.windowMs - offset - now
  const value = stored && stored.window === window ? stored.value : 0
  // A refund for a window that has ended: nothing to give back (its count is gone or going).
  const stale = window !== current
  const over = !stale && counter.amount > 0 && counter.limit !== undefined && value + counter.amount > counter.limit
  const changes = !stale && counter.amount !== 0
  const after = changes ? Math.max(0, value + counter.amount) : value
  return { over, next: changes ? { window, value: after } : null, ttlMs: resetMs + COUNTER_GRACE_MS, report: { value: after, window, resetMs } }
}

/** A whole `count` call: allowed unless some counter is over; when refused, nothing changes. */
export function decideCounters(
  counters: readonly WindowCounter[],
  stored: ReadonlyArray<StoredCount | undefined>,
  now: number,
): { allowed: boolean; steps: CounterStep[]; result: CountResult } {
  const steps = counters.map((counter, i) => stepCounter(counter, stored[i], now))
  const allowed = steps.every((step) => !step.over)
  const reports = steps.map((step, i) =>
    allowed ? step.report : { ...step.report, value: stored[i] && stored[i].window === step.report.window ? stored[i].value : 0 },
  )
  return { allowed, steps, result: { allowed, counters: reports } }
}

/** Checks an adapter's `prefix` option once, when the adapter is created. */
export function checkPrefix(prefix: unknown): string {
  if (prefix === undefined) return DEFAULT_KEY_PREFIX
  if (typeof prefix !== 'string' || prefix.length > 64) {
    throw new TypeError('SharedStore prefix must be a string of at most 64 characters')
  }
  return prefix
}
