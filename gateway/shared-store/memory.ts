import {
  assertClaimInput,
  checkPrefix,
  SharedStoreUnavailableError,
  type SharedStore,
  type SharedStorePing,
} from './shared-store.js'

export interface MemorySharedStoreOptions {
  /** Clock in milliseconds, for tests. @default Date.now */
  now?: () => number
  /** Put before every key. @default 'lgsp:' */
  prefix?: string
  /** Most keys held at once; when full (after purging expired ones) claims are refused. @default 1_000_000 */
  maxEntries?: number
  /** How often expired keys are swept; the timer never keeps the process alive. @default 30_000 */
  sweepIntervalMs?: number
}

/**
 * Per-instance store: a Map of key → expiry. It is shared by nothing outside this process, so
 * with several gateway instances a `jti` could be used once per instance: wire Redis there.
 */
export class MemorySharedStore implements SharedStore {
  readonly kind = 'memory'
  readonly #entries = new Map<string, number>()
  readonly #now: () => number
  readonly #prefix: string
  readonly #maxEntries: number
  readonly #timer: ReturnType<typeof setInterval>
  #closed = false

  constructor(options: MemorySharedStoreOptions = {}) {
    this.#now = options.now ?? Date.now
    this.#prefix = checkPrefix(options.prefix)
    this.#maxEntries = positiveInteger('MemorySharedStore', 'maxEntries', options.maxEntries, 1_000_000)
    const sweepIntervalMs = positiveInteger('MemorySharedStore', 'sweepIntervalMs', options.sweepIntervalMs, 30_000)
    this.#timer = setInterval(() => this.sweep(), sweepIntervalMs)
    unrefTimer(this.#timer)
  }

  /** Keys held now, expired ones included until the next purge. */
  get size(): number {
    return this.#entries.size
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    assertClaimInput(key, ttlMs)
    if (this.#closed) throw new SharedStoreUnavailableError('Shared store is closed')
    const now = this.#now()
    const fullKey = this.#prefix + key
    const expiresAt = this.#entries.get(fullKey)
    if (expiresAt !== undefined) {
      if (expiresAt > now) return false
      this.#entries.delete(fullKey)
    }
    if (this.#entries.size >= this.#maxEntries) {
      this.sweep()
      // Refusing is safer than growing without bound: the caller fails closed, memory stays flat.
      if (this.#entries.size >= this.#maxEntries) {
        throw new SharedStoreUnavailableError(`Shared store is full (${this.#maxEntries} live keys)`)
      }
    }
    this.#entries.set(fullKey, now + ttlMs)
    return true
  }

  /** Drops expired keys now; returns how many. Also runs on the periodic sweep. */
  sweep(): number {
    return sweepExpired(this.#entries, this.#now(), (expiresAt) => expiresAt)
  }

  async ping(signal?: AbortSignal): Promise<SharedStorePing> {
    if (signal?.aborted) return { ok: false, latencyMs: 0, detail: 'aborted' }
    return this.#closed ? { ok: false, latencyMs: 0, detail: 'closed' } : { ok: true, latencyMs: 0 }
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    this.#entries.clear()
  }
}

/**
 * The in-memory adapter: for one instance, development and tests.
 *
 * @example
 * const store = createMemorySharedStore()
 * await store.claimOnce('jti:assertion:client-a:0f3c…', 330_000) // true, then false
 */
export function createMemorySharedStore(options?: MemorySharedStoreOptions): MemorySharedStore {
  return new MemorySharedStore(options)
}

/** Checks an adapter option: a positive integer, or the fallback when absent. */
export function positiveInteger(owner: string, name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${owner} ${name} must be a positive integer`)
  return value
}

/** Node timers have `unref`, browser and Workers timers do not: call it only where it exists. */
export function unrefTimer(timer: unknown): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') {
    timer.unref()
  }
}

/** Deletes the entries of `entries` that have expired at `now`; returns how many. */
export function sweepExpired<K, V>(entries: Map<K, V>, now: number, expiresAt: (value: V) => number): number {
  let purged = 0
  for (const [key, value] of entries) {
    if (expiresAt(value) <= now) {
      entries.delete(key)
      purged++
    }
  }
  return purged
}
