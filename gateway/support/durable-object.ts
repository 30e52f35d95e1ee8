/**
 * What the Workers runtime's Durable Objects offer, typed by the few members the gateway uses,
 * so its objects and their clients stay runtime-neutral (no `cloudflare:workers`, no Workers
 * types) and run under Node in tests with a storage in memory.
 */

/** A Durable Object's storage: the members used. */
export interface ObjectStorage {
  get<T>(keys: string[]): Promise<Map<string, T>>
  put<T>(entries: Record<string, T>): Promise<void>
  list<T>(): Promise<Map<string, T>>
  delete(keys: string[]): Promise<number>
  getAlarm(): Promise<number | null>
  setAlarm(scheduledTime: number): Promise<void>
}

export interface ObjectState {
  readonly storage: ObjectStorage
}

/** A Durable Object namespace binding: the members used. */
export interface ObjectNamespace {
  idFromName(name: string): unknown
  get(id: never): { fetch(input: string, init?: RequestInit): Promise<Response> }
}

/** A stored value and when it stops counting. */
export interface Expiring<V> {
  value: V
  expiresAt: number
}

/** The value while it still counts, else undefined (expired entries wait for the alarm). */
export const liveValue = <V>(entry: Expiring<V> | undefined, now: number): V | undefined => (entry && entry.expiresAt > now ? entry.value : undefined)

/** The object routes' base; the host is never resolved (a stub's fetch goes to the object). */
const OBJECT_URL = 'https://object.internal'

const jsonResponse = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/**
 * Runs an object's operations one after another. The runtime's input gate already keeps a
 * storage read and its write together; the chain makes that hold by construction.
 */
function serialized(): <T>(operation: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve()
  return (operation) => {
    const result = queue.then(operation)
    queue = result.catch(() => undefined)
    return result
  }
}

/** Sets the alarm at `at` unless one is already due later. */
export async function alarmNoEarlierThan(storage: ObjectStorage, at: number): Promise<void> {
  const scheduled = await storage.getAlarm()
  if (scheduled === null || scheduled < at) await storage.setAlarm(at)
}

/** The alarm's work: drops expired entries, and sets the alarm again for the latest that lives on. */
export async function sweepExpiredEntries(storage: ObjectStorage, now: number): Promise<void> {
  const entries = await storage.list<Expiring<unknown>>()
  const expired = [...entries].filter(([, entry]) => entry.expiresAt <= now).map(([key]) => key)
  if (expired.length > 0) await storage.delete(expired)
  const remaining = [...entries.values()].filter((entry) => entry.expiresAt > now).map((entry) => entry.expiresAt)
  if (remaining.length > 0) await storage.setAlarm(Math.max(...remaining))
}

export interface ObjectClient {
  /**
   * POSTs `body` as JSON to `route` of the object named `name`, and reads its JSON answer. Throws
   * the port's own error (`unavailable`) when closed, when the object cannot be reached in time,
   * or when it answers other than 200 with JSON: the caller can tell "refused" from "could not
   * decide", and fails closed on the latter.
   */
  call(name: string, route: string, body: unknown): Promise<unknown>
  /** Probes one object (by default one kept for probes); never throws. */
  ping(signal?: AbortSignal, name?: string): Promise<{ ok: boolean; latencyMs: number; detail?: string }>
  /** Later calls fail as unavailable; ping says closed. */
  close(): Promise<void>
}

/** The Worker's side of a port served by Durable Objects (the rate limiter, the shared store). */
export function objectClient(
  namespace: ObjectNamespace,
  timeoutMs: number,
  unavailable: (message: string, options: { cause?: unknown; timedOut: boolean }) => Error,
): ObjectClient {
  let closed = false
  return {
    async call(name, route, body) {
      if (closed) throw unavailable('closed', { timedOut: false })
      const stub = namespace.get(namespace.idFromName(name) as never)
      let response: Response
      try {
        response = await stub.fetch(`${OBJECT_URL}/${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (error) {
        throw unavailable('the object did not answer', { cause: error, timedOut: error instanceof Error && error.name === 'TimeoutError' })
      }
      if (response.status !== 200) throw unavailable(`the object answered ${response.status}`, { timedOut: false })
      try {
        return await response.json()
      } catch (error) {
        throw unavailable('the object answered something other than JSON', { cause: error, timedOut: false })
      }
    },
    async ping(signal, name = 'ping') {
      if (closed) return { ok: false, latencyMs: 0, detail: 'closed' }
      const started = performance.now()
      try {
        const stub = namespace.get(namespace.idFromName(name) as never)
        const response = await stub.fetch(`${OBJECT_URL}/ping`, { signal: signal ?? AbortSignal.timeout(timeoutMs) })
        if (response.ok) return { ok: true, latencyMs: performance.now() - started }
        // The object says why it is not ready, in words meant for the readiness report.
        const body = (await response.json().catch(() => null)) as { detail?: unknown } | null
        return { ok: false, latencyMs: performance.now() - started, detail: typeof body?.detail === 'string' ? body.detail : `HTTP ${response.status}` }
      } catch (error) {
        return { ok: false, latencyMs: performance.now() - started, detail: error instanceof Error ? error.name : 'unreachable' }
      }
    },
    async close() {
      closed = true
    },
  }
}

/**
 * One route of a stored object: checks the request's JSON body (throwing TypeError for one the
 * object refuses: 400) and returns the operation to run on the object's storage at `now`.
 */
export type ObjectRoute = (body: unknown) => (storage: ObjectStorage, now: number) => Promise<unknown>

/**
 * A Durable Object class from its routes (`POST /<route>`; `GET /ping` answers itself): bodies
 * checked by their route, operations run one at a time on the object's storage, and an alarm
 * that drops expired entries (every stored value is `Expiring`). `now` is for tests; the runtime
 * constructs it with `(state, env)`.
 */
export function storedObjectClass(routes: Readonly<Record<string, ObjectRoute>>) {
  return class StoredObject {
    readonly #storage: ObjectStorage
    readonly #now: () => number
    readonly #inTurn = serialized()

    constructor(state: ObjectState, _env?: unknown, now: () => number = Date.now) {
      this.#storage = state.storage
      this.#now = now
    }

    async fetch(request: Request): Promise<Response> {
      const { pathname } = new URL(request.url)
      if (pathname === '/ping') return jsonResponse({ ok: true })
      const route = pathname.slice(1)
      if (request.method !== 'POST' || !Object.hasOwn(routes, route)) return jsonResponse({ error: 'not found' }, 404)
      let operation: (storage: ObjectStorage, now: number) => Promise<unknown>
      try {
        operation = (routes[route] as ObjectRoute)(await request.json())
      } catch (error) {
        return jsonResponse({ error: error instanceof TypeError ? error.message : 'malformed request' }, 400)
      }
      return jsonResponse(await this.#inTurn(() => operation(this.#storage, this.#now())))
    }

    async alarm(): Promise<void> {
      await sweepExpiredEntries(this.#storage, this.#now())
    }
  }
}
