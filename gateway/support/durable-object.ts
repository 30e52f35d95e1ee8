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

/** The object routes' base; the host is never resolved (a stub's fetch goes to the object). */
const OBJECT_URL = 'https://object.internal'

export const jsonResponse = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/**
 * Runs an object's operations one after another. The runtime's input gate already keeps a
 * storage read and its write together; the chain makes that hold by construction.
 */
export function serialized(): <T>(operation: () => Promise<T>) => Promise<T> {
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

/**
 * Calls the object named `name` (POST JSON to `path`). `unavailable` makes the port's own error:
 * thrown when the object cannot be reached in `timeoutMs` or answers other than 200, so a caller
 * can tell "refused" from "could not decide" and fail closed on the latter.
 */
export async function callObject(
  namespace: ObjectNamespace,
  name: string,
  path: string,
  body: unknown,
  timeoutMs: number,
  unavailable: (message: string, options: { cause?: unknown; timedOut: boolean }) => Error,
): Promise<unknown> {
  const stub = namespace.get(namespace.idFromName(name) as never)
  let response: Response
  try {
    response = await stub.fetch(`${OBJECT_URL}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    throw unavailable('The object did not answer', { cause: error, timedOut: error instanceof Error && error.name === 'TimeoutError' })
  }
  if (response.status !== 200) throw unavailable(`The object answered ${response.status}`, { timedOut: false })
  try {
    return await response.json()
  } catch (error) {
    throw unavailable('The object answered something other than JSON', { cause: error, timedOut: false })
  }
}

/** Probes one object; never throws. */
export async function pingObject(namespace: ObjectNamespace, timeoutMs: number, signal?: AbortSignal) {
  const started = performance.now()
  try {
    const stub = namespace.get(namespace.idFromName('ping') as never)
    const response = await stub.fetch(`${OBJECT_URL}/ping`, { signal: signal ?? AbortSignal.timeout(timeoutMs) })
    return { ok: response.ok, latencyMs: performance.now() - started }
  } catch (error) {
    return { ok: false, latencyMs: performance.now() - started, detail: error instanceof Error ? error.name : 'unreachable' }
  }
}

/** What a stored object answers: its routes, how a body is checked, and what a route does. */
export interface StoredObjectDefinition<B> {
  routes: readonly string[]
  /** Throws TypeError for a body the object refuses (400). */
  check(body: unknown): B
  run(storage: ObjectStorage, route: string, body: B, now: number): Promise<unknown>
}

/**
 * A Durable Object class from its definition: requests read and checked, operations run one at a
 * time on the object's storage, and an alarm that drops expired entries (every stored value is
 * `Expiring`). `now` is for tests; the runtime constructs it with `(state, env)`.
 */
export function storedObjectClass<B>(definition: StoredObjectDefinition<B>) {
  return class StoredObject {
    readonly #storage: ObjectStorage
    readonly #now: () => number
    readonly #inTurn = serialized()

    constructor(state: ObjectState, _env?: unknown, now: () => number = Date.now) {
      this.#storage = state.storage
      this.#now = now
    }

    async fetch(request: Request): Promise<Response> {
      const read = await readObjectRequest(request, definition.routes, definition.check)
      if (read instanceof Response) return read
      return jsonResponse(await this.#inTurn(() => definition.run(this.#storage, read.route, read.body, this.#now())))
    }

    async alarm(): Promise<void> {
      await sweepExpiredEntries(this.#storage, this.#now())
    }
  }
}

/**
 * An object's request: `POST /<route>` with a JSON body `check` accepts (it throws TypeError
 * otherwise: 400). `GET /ping` answers itself. Returns the route and body, or the response to send.
 */
export async function readObjectRequest<T>(
  request: Request,
  routes: readonly string[],
  check: (body: unknown) => T,
): Promise<{ route: string; body: T } | Response> {
  const { pathname } = new URL(request.url)
  if (pathname === '/ping') return jsonResponse({ ok: true })
  const route = pathname.slice(1)
  if (request.method !== 'POST' || !routes.includes(route)) return jsonResponse({ error: 'not found' }, 404)
  try {
    return { route, body: check(await request.json()) }
  } catch (error) {
    return jsonResponse({ error: error instanceof TypeError ? error.message : 'malformed request' }, 400)
  }
}
