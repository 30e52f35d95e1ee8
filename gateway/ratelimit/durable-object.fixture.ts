/**
 * A Durable Object namespace in memory for the limiter's tests under Node: one RateLimitObject
 * per name, its storage a Map with an alarm, reached through `fetch` as a stub is. The clock is
 * the caller's. Under workerd the real namespace runs the same class (test/workers/).
 */
import { RateLimitObject, type LimiterNamespace, type LimiterStorage } from './durable-object.js'

export function memoryLimiterStorage(): LimiterStorage & { entries: Map<string, unknown>; alarm: number | null } {
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

export function memoryLimiterNamespace(now: () => number): LimiterNamespace & { objects: Map<string, RateLimitObject> } {
  const objects = new Map<string, RateLimitObject>()
  return {
    objects,
    idFromName: (name) => name,
    get: (id: never) => {
      const name = id as string
      let object = objects.get(name)
      if (!object) {
        object = new RateLimitObject({ storage: memoryLimiterStorage() }, undefined, now)
        objects.set(name, object)
      }
      const target = object
      return { fetch: (input: string, init?: RequestInit) => target.fetch(new Request(input, init)) }
    },
  }
}
