/**
 * Durable Objects in memory for tests under Node: a storage (a Map with an alarm) and a namespace
 * making one object per name, reached through `fetch` as a stub is. Under workerd the real
 * runtime runs the same classes (test/workers/).
 */
import type { ObjectNamespace, ObjectState, ObjectStorage } from './durable-object.js'

export function memoryObjectStorage(): ObjectStorage & { entries: Map<string, unknown>; alarm: number | null } {
  const entries = new Map<string, unknown>()
  const storage = {
    entries,
    alarm: null as number | null,
    async get<T>(keys: string[]) {
      const found = new Map<string, T>()
      for (const key of keys) if (entries.has(key)) found.set(key, structuredClone(entries.get(key)) as T)
      return found
    },
    async put<T>(values: Record<string, T>) {
      for (const [key, value] of Object.entries(values)) entries.set(key, structuredClone(value))
    },
    async list<T>() {
      return new Map([...entries].map(([key, value]) => [key, structuredClone(value) as T]))
    },
    async delete(keys: string[]) {
      let deleted = 0
      for (const key of keys) if (entries.delete(key)) deleted++
      return deleted
    },
    async getAlarm() {
      return storage.alarm
    },
    async setAlarm(at: number) {
      storage.alarm = at
    },
  }
  return storage
}

/**
 * The same storage, waiting a random few ms before each read and write: operations that are not
 * run one at a time then interleave between a read and its write.
 */
export function yieldingStorage(storage: ObjectStorage): ObjectStorage {
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 3))
  return {
    ...storage,
    get: async <T>(keys: string[]) => pause().then(() => storage.get<T>(keys)),
    put: async <T>(entries: Record<string, T>) => pause().then(() => storage.put(entries)),
    getAlarm: async () => pause().then(() => storage.getAlarm()),
    setAlarm: async (at: number) => pause().then(() => storage.setAlarm(at)),
  }
}

interface FetchingObject {
  fetch(request: Request): Promise<Response>
}

/** A namespace of `make`'s objects, one per name, each with its own storage in memory. */
export function memoryObjectNamespace<O extends FetchingObject>(make: (state: ObjectState) => O): ObjectNamespace & { objects: Map<string, O> } {
  const objects = new Map<string, O>()
  return {
    objects,
    idFromName: (name) => name,
    get: (id: never) => {
      const name = id as string
      let object = objects.get(name)
      if (!object) {
        object = make({ storage: memoryObjectStorage() })
        objects.set(name, object)
      }
      const target = object
      // As a stub does: an aborted call rejects with the signal's reason, whatever the object does.
      return {
        fetch: (input: string, init?: RequestInit) => {
          const signal = init?.signal
          const answer = target.fetch(new Request(input, init))
          if (!signal) return answer
          if (signal.aborted) return Promise.reject(signal.reason)
          return Promise.race([answer, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))])
        },
      }
    },
  }
}
