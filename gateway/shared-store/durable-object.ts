/**
 * The shared store in Durable Objects (the Workers runtime): single-use claims (`jti`) and window
 * counters decided by one object per owner, one at a time, without Redis. A key's object is named
 * by its hash tag (`gl:{agency}:…` → the agency's) or, without one, by the key less its last
 * segment (`jti:assertion:<client>:<jti>` → the client's), so a call's keys, which must share one
 * object to be decided together, are refused (TypeError) when they do not — as a Redis Cluster
 * refuses keys without a common hash tag. The arithmetic is the other adapters' (`stepCounter`).
 */
import { alarmNoEarlierThan, liveValue, objectClient, storedObjectClass, type Expiring, type ObjectNamespace, type ObjectStorage } from '../support/index.js'
import {
  assertClaimInput,
  assertCounters,
  decideCounters,
  SharedStoreUnavailableError,
  type CountResult,
  type SharedStore,
  type StoredCount,
  type WindowCounter,
} from './shared-store.js'

/** The object that decides `key`: its hash tag's content, else the key without its last segment. */
export function objectNameOf(key: string): string {
  const tag = /\{([^{}]+)\}/.exec(key)
  if (tag) return `{${tag[1]}}`
  const cut = key.lastIndexOf(':')
  return cut > 0 ? key.slice(0, cut) : key
}

/** The one object every counter of a call belongs to; TypeError when they differ. */
export function objectNameOfCounters(counters: readonly WindowCounter[]): string {
  const names = new Set(counters.map((counter) => objectNameOf(counter.key)))
  if (names.size !== 1) throw new TypeError('count: the keys of one call must share a hash tag (or a prefix), so one object decides them together')
  return [...names][0] as string
}

/** A claim on one object's storage; exported for tests with an injected clock. */
export async function claimInStorage(storage: ObjectStorage, key: string, ttlMs: number, now: number): Promise<boolean> {
  assertClaimInput(key, ttlMs)
  const name = `claim:${key}`
  if (liveValue((await storage.get<Expiring<1>>([name])).get(name), now) !== undefined) return false
  await storage.put({ [name]: { value: 1, expiresAt: now + ttlMs } })
  await alarmNoEarlierThan(storage, now + ttlMs)
  return true
}

/** A count on one object's storage; exported for tests with an injected clock. */
export async function countInStorage(storage: ObjectStorage, counters: readonly WindowCounter[], now: number): Promise<CountResult> {
  assertCounters(counters)
  const names = counters.map((counter) => `count:${counter.key}`)
  const found = await storage.get<Expiring<StoredCount>>(names)
  const stored = names.map((name) => liveValue(found.get(name), now))
  const { allowed, steps, result } = decideCounters(counters, stored, now)
  if (allowed) {
    const entries: Record<string, Expiring<StoredCount>> = {}
    steps.forEach((step, i) => {
      if (step.next) entries[names[i] as string] = { value: step.next, expiresAt: now + step.ttlMs }
    })
    if (Object.keys(entries).length > 0) {
      await storage.put(entries)
      await alarmNoEarlierThan(storage, Math.max(...Object.values(entries).map((entry) => entry.expiresAt)))
    }
  }
  return result
}

/** The Durable Object class (exported by a Workers entry under the binding's `class_name`). */
export const SharedStoreObject = storedObjectClass({
  claim: (body) => {
    const { key, ttlMs } = (body ?? {}) as { key?: unknown; ttlMs?: unknown }
    assertClaimInput(key, ttlMs)
    return (storage, now) => claimInStorage(storage, key, ttlMs as number, now)
  },
  count: (body) => {
    const counters = ((body ?? {}) as { counters?: unknown }).counters as WindowCounter[]
    assertCounters(counters)
    return (storage, now) => countInStorage(storage, counters, now)
  },
})

export interface DurableObjectSharedStoreOptions {
  /** How long a claim or count may take before it fails as unavailable. @default 1000 */
  timeoutMs?: number
}

/**
 * The Worker's side of the shared store. Malformed input is refused here (TypeError); an object
 * that does not answer in time, or answers with an error, is `SharedStoreUnavailableError`, and
 * the caller fails closed (a claim then may or may not have been recorded).
 */
export function createDurableObjectSharedStore(namespace: ObjectNamespace, options: DurableObjectSharedStoreOptions = {}): SharedStore {
  const client = objectClient(namespace, options.timeoutMs ?? 1000, (message, details) => new SharedStoreUnavailableError(`Shared store: ${message}`, details))
  return {
    kind: 'durable-object',
    async claimOnce(key, ttlMs) {
      assertClaimInput(key, ttlMs)
      return (await client.call(objectNameOf(key), 'claim', { key, ttlMs })) as boolean
    },
    async count(counters) {
      assertCounters(counters)
      return (await client.call(objectNameOfCounters(counters), 'count', { counters })) as CountResult
    },
    ping: (signal) => client.ping(signal),
    close: () => client.close(),
  }
}
