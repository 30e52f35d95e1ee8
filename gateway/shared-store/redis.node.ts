/**
 * The Redis adapter of the shared store (Node only: ioredis needs node:net). Imported by
 * gateway/entry/* alone, never through ./index.ts, so the core stays free of Node.
 */
import { createHash } from 'node:crypto'
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis'
import { positiveInteger } from '../support/index.js'
import {
  assertClaimInput,
  assertCounters,
  checkPrefix,
  COUNTER_GRACE_MS,
  SharedStoreUnavailableError,
  type CountResult,
  type SharedStore,
  type SharedStorePing,
  type WindowCounter,
} from './shared-store.js'

export interface RedisSharedStoreOptions {
  /**
   * `redis://[user:password@]host:port[/db]` (or `rediss://`). A comma-separated list
   * (`redis://h1:p1,redis://h2:p2`) connects to a Redis Cluster through those seed nodes.
   */
  url: string
  /** Treat a single URL as a Cluster seed node too. @default false (true when `url` lists several) */
  cluster?: boolean
  /** Put before every key. @default 'lgsp:' */
  prefix?: string
  /** A call that Redis has not answered by then rejects with SharedStoreUnavailableError. @default 50 */
  commandTimeoutMs?: number
  /** Longest wait between reconnection attempts (exponential backoff from 50 ms). @default 1000 */
  maxReconnectDelayMs?: number
  /** A TCP connect that takes longer is abandoned and retried. @default 2000 */
  connectTimeoutMs?: number
  /** Shown by `CLIENT LIST`. @default 'lgsp-gateway' */
  connectionName?: string
}

type Client = Redis | Cluster

/**
 * `count` in one atomic step, the same arithmetic as `stepCounter` in shared-store.ts. The clock
 * is Redis's own (TIME), like the rate limiter's, so instances share one timeline.
 *
 * KEYS[i]: counter i, a hash { w: window, v: count } (one hash tag: one Cluster slot).
 * ARGV: grace ms, then per counter: windowMs, offsetMs, amount, limit (-1: none), window (-1: current).
 * Returns { allowed (1|0), then per counter: value, window, resetMs }.
 */
export const COUNT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local grace = tonumber(ARGV[1])
local n = #KEYS
local allowed = 1
local steps = {}
for i = 1, n do
  local b = 1 + (i - 1) * 5
  local size = tonumber(ARGV[b + 1])
  local offset = tonumber(ARGV[b + 2])
  local amount = tonumber(ARGV[b + 3])
  local limit = tonumber(ARGV[b + 4])
  local pinned = tonumber(ARGV[b + 5])
  local current = math.floor((now + offset) / size)
  local w = current
  if pinned >= 0 then w = pinned end
  local value = 0
  local v = redis.call('HMGET', KEYS[i], 'w', 'v')
  if v[1] and tonumber(v[1]) == w then value = tonumber(v[2]) end
  local stale = w ~= current
  if (not stale) and amount > 0 and limit >= 0 and value + amount > limit then allowed = 0 end
  steps[i] = { w = w, value = value, amount = amount, stale = stale, reset = (current + 1) * size - offset - now }
end
local out = { allowed }
for i = 1, n do
  local s = steps[i]
  local value = s.value
  if allowed == 1 and (not s.stale) and s.amount ~= 0 then
    value = value + s.amount
    if value < 0 then value = 0 end
    redis.call('HSET', KEYS[i], 'w', s.w, 'v', value)
    redis.call('PEXPIRE', KEYS[i], s.reset + grace)
  end
  out[#out + 1] = value
  out[#out + 1] = s.w
  out[#out + 1] = s.reset
end
return out
`
const countScript = { name: 'count', source: COUNT_SCRIPT }

/** A Lua script another capability runs on this connection (rate limiting: one per decision). */
export interface SharedStoreScript {
  /** For error messages and logs. */
  name: string
  source: string
}

/**
 * One connection (or Cluster client) per gateway instance. Every call fails fast: a Redis that is
 * down rejects at once (no offline queue), one that hangs rejects after `commandTimeoutMs`, and
 * the client reconnects by itself with a capped backoff when Redis returns.
 */
export class RedisSharedStore implements SharedStore {
  readonly kind = 'redis'
  readonly #client: Client
  readonly #prefix: string
  readonly #commandTimeoutMs: number
  #readyWaiter: Promise<void> | null = null
  #lastError: string | undefined
  #readyOnce = false
  #reconnectedAt: number | undefined
  #closing: Promise<void> | null = null
  /** SHA1 → source of every registered script, loaded (SCRIPT LOAD) on each connection. */
  readonly #scripts = new Map<string, string>()
  readonly #cluster: boolean

  constructor(options: RedisSharedStoreOptions) {
    this.#prefix = checkPrefix(options.prefix)
    this.#commandTimeoutMs = positiveInteger('RedisSharedStore', 'commandTimeoutMs', options.commandTimeoutMs, 50)
    this.#client = connect(options, this.#commandTimeoutMs)
    this.#client.on('error', (error: Error) => {
      this.#lastError = error.message
    })
    this.#client.on('ready', () => {
      this.#lastError = undefined
      if (this.#readyOnce) this.#reconnectedAt = Date.now()
      this.#readyOnce = true
      this.#loadScripts()
    })
    this.#cluster = this.#client instanceof Cluster
  }

  /**
   * When (Date.now()) the connection last came back after it was lost; undefined until it has
   * been. The server may have restarted empty meanwhile: state kept there may be gone.
   */
  get reconnectedAt(): number | undefined {
    return this.#reconnectedAt
  }

  /** The key prefix of this store, shared by every use of the connection. */
  get prefix(): string {
    return this.#prefix
  }

  /**
   * Registers a script and loads it into the server's script cache (SCRIPT LOAD) now and after
   * every reconnection, so calls send only its SHA1. Idempotent; returns the SHA1.
   */
  registerScript(script: SharedStoreScript): string {
    const sha = sha1(script.source)
    if (!this.#scripts.has(sha)) {
      this.#scripts.set(sha, script.source)
      if (this.#client.status === 'ready') this.#loadScripts()
    }
    return sha
  }

  /**
   * Runs a registered script atomically (EVALSHA) within the same deadline as every other call.
   * `keys` get the store's prefix. A server that lost its script cache (restarted, failed over, a
   * Cluster node that never saw SCRIPT LOAD) answers NOSCRIPT: the script is sent once in full
   * (EVAL, which caches it there) within the same deadline. `timeoutMs` replaces the store's
   * deadline for this call (a caller for whom a late answer costs more than a slower one).
   */
  async evalScript(script: SharedStoreScript, keys: string[], args: Array<string | number>, timeoutMs?: number): Promise<unknown> {
    const sha = this.registerScript(script)
    const fullKeys = keys.map((key) => this.#prefix + key)
    return this.#run(
      `script ${script.name}`,
      async () => {
        try {
          return await this.#client.evalsha(sha, fullKeys.length, ...fullKeys, ...args)
        } catch (error) {
          if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
          return this.#client.eval(script.source, fullKeys.length, ...fullKeys, ...args)
        }
      },
      undefined,
      timeoutMs,
    )
  }

  #loadScripts(): void {
    // A Cluster routes SCRIPT LOAD to one node only: there NOSCRIPT → EVAL loads it per node.
    if (this.#cluster) return
    for (const source of this.#scripts.values()) {
      ;(this.#client as Redis).script('LOAD', source).catch((error: unknown) => {
        this.#lastError = error instanceof Error ? error.message : String(error)
      })
    }
  }

  /** `ready` when commands can be sent now; see ioredis `RedisStatus` / `ClusterStatus`. */
  get status(): string {
    return this.#client.status
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    assertClaimInput(key, ttlMs)
    // SET … PX … NX: one round trip, atomic on the server; 'OK' when the key was absent.
    const reply = await this.#run('SET NX', () => this.#client.set(this.#prefix + key, '1', 'PX', ttlMs, 'NX'))
    return reply === 'OK'
  }

  async count(counters: readonly WindowCounter[]): Promise<CountResult> {
    assertCounters(counters)
    const args: number[] = [COUNTER_GRACE_MS]
    for (const c of counters) args.push(c.windowMs, c.offsetMs ?? 0, c.amount, c.limit ?? -1, c.window ?? -1)
    const reply = await this.evalScript(
      countScript,
      counters.map((c) => c.key),
      args,
    )
    if (!Array.isArray(reply) || reply.length !== 1 + counters.length * 3)
      throw new SharedStoreUnavailableError('Redis answered the count script with an unexpected reply')
    const numbers = reply.map(Number)
    return {
      allowed: numbers[0] === 1,
      counters: counters.map((_, i) => ({ value: numbers[1 + i * 3]!, window: numbers[2 + i * 3]!, resetMs: numbers[3 + i * 3]! })),
    }
  }

  async ping(signal?: AbortSignal): Promise<SharedStorePing> {
    const started = performance.now()
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100
    try {
      const reply = await this.#run('PING', () => this.#client.ping(), signal)
      return reply === 'PONG' ? { ok: true, latencyMs: elapsed() } : { ok: false, latencyMs: elapsed(), detail: `PING answered ${String(reply)}` }
    } catch (error) {
      return { ok: false, latencyMs: elapsed(), detail: error instanceof Error ? error.message : String(error) }
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  async #shutdown(): Promise<void> {
    if (this.#client.status === 'ready') {
      let timer: ReturnType<typeof setTimeout> | undefined
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(500, this.#commandTimeoutMs * 4))
      })
      await Promise.race([
        this.#client.quit().then(
          () => undefined,
          () => undefined,
        ),
        gaveUp,
      ])
      clearTimeout(timer)
    }
    // Also stops a pending reconnection; a no-op when QUIT already ended the connection.
    if (this.#client.status !== 'end') this.#client.disconnect()
  }

  /**
   * Runs one command within the deadline. The command is sent only if the deadline has not
   * passed, so a caller told "unavailable" never has a claim recorded later on its behalf by a
   * connection that came up after it gave up.
   */
  async #run<T>(what: string, command: () => Promise<T>, signal?: AbortSignal, timeoutMs = this.#commandTimeoutMs): Promise<T> {
    if (this.#closing) throw new SharedStoreUnavailableError('Shared store is closed')
    if (signal?.aborted) throw new SharedStoreUnavailableError(`Redis ${what} aborted`)
    let expired = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let onAbort: (() => void) | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // A timer that fires late may only mean this process was not running (a busy machine,
        // a GC pause): the answer can already be waiting on the socket, and timers run before
        // I/O is read. Let pending I/O be read first (setImmediate runs after the poll phase);
        // a Redis that really did not answer is still refused within the deadline.
        setImmediate(() => {
          expired = true
          reject(new SharedStoreUnavailableError(`Redis did not answer ${what} within ${timeoutMs} ms`, { timedOut: true }))
        })
      }, timeoutMs)
      onAbort = () => {
        expired = true
        reject(new SharedStoreUnavailableError(`Redis ${what} aborted`))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    const attempt = this.#whenReady().then(() => {
      if (expired) throw new SharedStoreUnavailableError(`Redis did not answer ${what} within ${timeoutMs} ms`, { timedOut: true })
      return command()
    })
    try {
      return await Promise.race([attempt, deadline])
    } catch (error) {
      if (error instanceof SharedStoreUnavailableError) throw error
      const message = error instanceof Error ? error.message : String(error)
      throw new SharedStoreUnavailableError(`Redis ${what} failed: ${message}`, { cause: error })
    } finally {
      clearTimeout(timer)
      if (onAbort) signal?.removeEventListener('abort', onAbort)
    }
  }

  /**
   * Resolves when commands can be sent. While a connection attempt is in flight (start-up, or a
   * reconnection under way) it waits for it; between attempts (Redis down) it rejects at once.
   */
  #whenReady(): Promise<void> {
    const status = this.#client.status
    if (status === 'ready') return Promise.resolve()
    if (status !== 'wait' && status !== 'connecting' && status !== 'connect') {
      const cause = this.#lastError ? ` (${this.#lastError})` : ''
      return Promise.reject(new SharedStoreUnavailableError(`Redis connection is ${status}${cause}`))
    }
    // One set of listeners per connection attempt, however many calls wait on it.
    this.#readyWaiter ??= new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        this.#client.off('ready', onReady)
        this.#client.off('close', onClose)
        this.#client.off('end', onClose)
        this.#readyWaiter = null
        if (error) reject(error)
        else resolve()
      }
      const onReady = () => settle()
      const onClose = () => settle(new SharedStoreUnavailableError(`Redis connection failed${this.#lastError ? ` (${this.#lastError})` : ''}`))
      this.#client.once('ready', onReady)
      this.#client.once('close', onClose)
      this.#client.once('end', onClose)
    })
    return this.#readyWaiter
  }
}

/**
 * The Redis adapter, for several gateway instances. Connects at once, in the background.
 *
 * @example
 * const store = createRedisSharedStore({ url: config.REDIS_URL })  // gateway/entry/node.ts
 * await store.claimOnce('jti:assertion:client-a:0f3c…', 330_000)
 */
export function createRedisSharedStore(options: RedisSharedStoreOptions): RedisSharedStore {
  return new RedisSharedStore(options)
}

function connect(options: RedisSharedStoreOptions, commandTimeoutMs: number): Client {
  const urls = parseUrls(options.url)
  const maxDelay = positiveInteger('RedisSharedStore', 'maxReconnectDelayMs', options.maxReconnectDelayMs, 1000)
  const backoff = (times: number) => Math.min(50 * 2 ** Math.max(0, times - 1), maxDelay) + Math.floor(Math.random() * 50)
  const common = {
    // The deadline is #run's (it lets an answer already on the socket in, see there); ioredis's
    // own timer only reaps commands lost on a hung connection, which would otherwise wait for
    // the socket timeout.
    commandTimeout: Math.max(1000, commandTimeoutMs * 20),
    // One retry budget, not twenty: a command caught by a dropped connection fails at once.
    maxRetriesPerRequest: 1,
    // A command lost with its connection is not replayed later: its caller was already told no.
    autoResendUnfulfilledCommands: false,
    connectTimeout: positiveInteger('RedisSharedStore', 'connectTimeoutMs', options.connectTimeoutMs, 2000),
    // A half-open connection (no reply at all) is dropped and reconnected rather than kept.
    socketTimeout: Math.max(2000, commandTimeoutMs * 20),
    connectionName: options.connectionName ?? 'lgsp-gateway',
  } satisfies RedisOptions
  const first = urls[0] as URL
  if (urls.length === 1 && !options.cluster) {
    return new Redis(options.url.trim(), { ...common, enableOfflineQueue: false, retryStrategy: backoff })
  }
  const nodes: ClusterNode[] = urls.map((url) => ({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379) }))
  return new Cluster(nodes, {
    enableOfflineQueue: false,
    clusterRetryStrategy: backoff,
    slotsRefreshTimeout: 1000,
    redisOptions: {
      ...common,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  })
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex')
}

function parseUrls(value: string): URL[] {
  const parts = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
  if (parts.length === 0) throw new TypeError('RedisSharedStore url is empty')
  return parts.map((part, index) => {
    let url: URL
    try {
      url = new URL(part)
    } catch {
      throw new TypeError(`RedisSharedStore url #${index + 1} is not a URL (expected redis://host:port)`)
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new TypeError(`RedisSharedStore url #${index + 1} must start with redis:// or rediss://`)
    }
    return url
  })
}
