/**
 * The shared store port: state that every gateway instance must see alike (DESIGN §1, §7).
 *
 * First use: refusing a replayed JWT id (`jti`) of an OAuth client assertion or a signed request
 * context, across instances. Rate limiting (one atomic GCRA script per decision) will extend this
 * interface with its own method; adapters keep one connection and one key prefix for all uses.
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

export interface SharedStore {
  /** Which adapter is wired, for `/readyz` and the start-up banner. */
  readonly kind: 'memory' | 'redis'
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

/** Checks an adapter's `prefix` option once, when the adapter is created. */
export function checkPrefix(prefix: unknown): string {
  if (prefix === undefined) return DEFAULT_KEY_PREFIX
  if (typeof prefix !== 'string' || prefix.length > 64) {
    throw new TypeError('SharedStore prefix must be a string of at most 64 characters')
  }
  return prefix
}
