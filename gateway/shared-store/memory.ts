import { positiveInteger, unrefTimer } from '../support/index.js'
import {
  assertClaimInput,
  assertCounters,
  checkPrefix,
  decideCounters,
  SharedStoreUnavailableError,
  type CountResult,
  type SharedStore,
  type SharedStorePing,
  type StoredCount,
  type WindowCounter,
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
 * Per-instance store: a Map of key → expiry for claims, one of key → window count for counters.
 * It is shared by nothing outside this process, so with several gateway instances a `jti` could
 * be used once per instance and every counter would count per instance: wire Redis there.
 */
export class MemorySharedStore implements SharedStore {
  readonly kind = 'memory'
  readonly #entries = new Map<string, number>()
  readonly #counters = new Map<string, StoredCount & { expiresAt: number }>()
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

  /** Keys held now (claims and counters), expired ones included until the next purge. */
  get size(): number {
    return this.#entries.size + this.#counters.size
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
    this.#makeRoom(1)
    this.#entries.set(fullKey, now + ttlMs)
    return true
  }

  async count(counters: readonly WindowCounter[]): Promise<CountResult> {
    assertCounters(counters)
    if (this.#closed) throw new SharedStoreUnavailableError('Shared store is closed')
    const now = this.#now()
    const keys = counters.map((counter) => this.#prefix + counter.key)
    const stored = keys.map((key) => {
      const entry = this.#counters.get(key)
      return entry && entry.expiresAt > now ? entry : undefined
    })
    const { allowed, steps, result } = decideCounters(counters, stored, now)
    if (allowed) {
      const created = keys.filter((key, i) => steps[i]!.next !== null && !this.#counters.has(key)).length
      this.#makeRoom(created)
      steps.forEach((step, i) => {
        if (step.next) this.#counters.set(keys[i]!, { ...step.next, expiresAt: now + step.ttlMs })
      })
    }
    return result
  }

  /** Refusing is safer than growing without bound: the caller fails closed, memory stays flat. */
  #makeRoom(needed: number): void {
    if (needed === 0 || this.size + needed <= this.#maxEntries) return
    this.sweep()
    if (this.size + needed > this.#maxEntries) throw new SharedStoreUnavailableError(`Shared store is full (${this.#maxEntries} live keys)`)
  }

  /** Drops expired keys now; returns how many. Also runs on the periodic sweep. */
  sweep(): number {
    const now = this.#now()
    return sweepExpired(this.#entries, now, (expiresAt) => expiresAt) + sweepExpired(this.#counters, now, (entry) => entry.expiresAt)
  }

  async ping(signal?: AbortSignal): Promise<SharedStorePing> {
    if (signal?.aborted) return { ok: false, latencyMs: 0, detail: 'aborted' }
    return this.#closed ? { ok: false, latencyMs: 0, detail: 'closed' } : { ok: true, latencyMs: 0 }
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    this.#entries.clear()
    this.#counters.clear()
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
