/**
 * The Redis adapter of the rate limiter (Node only): one atomic Lua script per decision, on the
 * shared store's connection (same prefix, same fail-fast reconnection; its own deadline).
 * Imported by gateway/entry/* alone, never through ./index.ts, so the core stays free of Node.
 */
import type { RedisSharedStore } from '../shared-store/redis.node.js'
import { SharedStoreUnavailableError } from '../shared-store/index.js'
import {
  assertConsumeRequest,
  DAY_MS,
  DAY_OFFSET_MS,
  quotaOf,
  RateLimiterUnavailableError,
  windowOf,
  type ConsumeDecision,
  type ConsumeRequest,
  type RateLimiter,
  type RateLimiterPing,
} from './rate-limiter.js'

/**
 * GCRA and the daily count, the same arithmetic as `stepLimit` in rate-limiter.ts, all limits of
 * a decision at once: nothing is written unless every limit allows. The clock is Redis's own
 * (TIME), so instances with drifting clocks still share one timeline; since Redis 5 a script
 * replicates its effects, not its text, so reading TIME before writing is allowed.
 *
 * KEYS[i]: the state of limit i (one hash tag: one Cluster slot).
 * ARGV: cost, day offset ms, day ms, drained ago ms ('none', or see `drainedAgoMs`), then per
 *   limit: kind ('rate' | 'daily'), a, b (rate: perMinute, burst; daily: quota, 0).
 * Returns { allowed (1|0), retryAfterMs, then per limit: remaining, resetMs }.
 */
export const CONSUME_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local cost = tonumber(ARGV[1])
local offset = tonumber(ARGV[2])
local dayMs = tonumber(ARGV[3])
local ago = tonumber(ARGV[4])
local eps = 1e-6
local n = #KEYS
local allowed = 1
local retry = 0
local steps = {}
for i = 1, n do
  local kind = ARGV[5 + (i - 1) * 3]
  local a = tonumber(ARGV[6 + (i - 1) * 3])
  local b = tonumber(ARGV[7 + (i - 1) * 3])
  local s = {}
  if kind == 'rate' then
    local interval = 60000 / a
    local cap = b
    if cap < 1 then cap = 1 end
    local tol = cap * interval
    local stored = tonumber(redis.call('GET', KEYS[i]))
    local base = now
    if stored and stored > now then base = stored end
    if ago and now - ago + tol > base then base = now - ago + tol end
    local tat = base + cost * interval
    local debt = tat - now
    s.kind = 'rate'; s.base = base; s.tat = tat; s.interval = interval; s.tol = tol
    if debt <= tol + eps then
      s.ok = true
    else
      s.ok = false
      local wait = math.ceil(debt - tol - eps)
      if wait > retry then retry = wait end
    end
  else
    local day = math.floor((now + offset) / dayMs)
    local used = 0
    local v = redis.call('HMGET', KEYS[i], 'd', 'u')
    if v[1] and tonumber(v[1]) == day then used = tonumber(v[2]) end
    s.kind = 'daily'; s.day = day; s.used = used; s.quota = a
    s.reset = math.ceil((day + 1) * dayMs - offset - now)
    if used + cost <= a then
      s.ok = true
    else
      s.ok = false
      if s.reset > retry then retry = s.reset end
    end
  end
  if not s.ok then allowed = 0 end
  steps[i] = s
end
local out = { allowed, retry }
for i = 1, n do
  local s = steps[i]
  if s.kind == 'rate' then
    local held = s.base - now
    if allowed == 1 then
      held = s.tat - now
      redis.call('SET', KEYS[i], string.format('%.3f', s.tat), 'PX', math.ceil(held) + 1000)
    end
    out[#out + 1] = math.max(0, math.floor((s.tol - held) / s.interval + eps))
    out[#out + 1] = math.ceil(held - eps)
  else
    local used = s.used
    if allowed == 1 then
      used = used + cost
      redis.call('HSET', KEYS[i], 'd', s.day, 'u', used)
      redis.call('PEXPIRE', KEYS[i], s.reset + 60000)
    end
    out[#out + 1] = s.quota - used
    out[#out + 1] = s.reset
  end
end
return out
`

const script = { name: 'rate-limit-consume', source: CONSUME_SCRIPT }

/**
 * Gives back units, the same arithmetic as `refundLimit` in rate-limiter.ts: a bucket's TAT moves
 * back by cost × interval (never before now), a day's count down (never below 0; another day's
 * count is left alone). KEYS and ARGV as CONSUME_SCRIPT. Returns the number of limits changed.
 */
export const REFUND_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local cost = tonumber(ARGV[1])
local offset = tonumber(ARGV[2])
local dayMs = tonumber(ARGV[3])
local changed = 0
for i = 1, #KEYS do
  local kind = ARGV[5 + (i - 1) * 3]
  local a = tonumber(ARGV[6 + (i - 1) * 3])
  if kind == 'rate' then
    local stored = tonumber(redis.call('GET', KEYS[i]))
    if stored and stored > now then
      local tat = stored - cost * (60000 / a)
      if tat < now then tat = now end
      redis.call('SET', KEYS[i], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000)
      changed = changed + 1
    end
  else
    local day = math.floor((now + offset) / dayMs)
    local v = redis.call('HMGET', KEYS[i], 'd', 'u')
    if v[1] and tonumber(v[1]) == day and tonumber(v[2]) > 0 then
      local used = tonumber(v[2]) - cost
      if used < 0 then used = 0 end
      redis.call('HSET', KEYS[i], 'd', day, 'u', used)
      changed = changed + 1
    end
  end
end
return changed
`

const refundScript = { name: 'rate-limit-refund', source: REFUND_SCRIPT }

/**
 * Shared limits for every instance on one Redis (or Cluster): a decision is one EVALSHA of
 * {@link CONSUME_SCRIPT}, answered within the store's command timeout or rejected as unavailable.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly kind = 'redis'
  readonly #store: RedisSharedStore
  readonly #timeoutMs: number | undefined
  #closed = false

  /** @param options.decisionTimeoutMs the deadline of one decision. @default the store's */
  constructor(store: RedisSharedStore, options: { decisionTimeoutMs?: number } = {}) {
    this.#store = store
    this.#timeoutMs = options.decisionTimeoutMs
    store.registerScript(script)
    store.registerScript(refundScript)
  }

  /** One script over the request's limits: `{partition}` hash-tags its keys into one Cluster slot. */
  async #run(which: typeof script, request: ConsumeRequest): Promise<unknown> {
    assertConsumeRequest(request)
    if (this.#closed) throw new RateLimiterUnavailableError('Rate limiter is closed')
    const keys = request.limits.map((limit) => `rl:{${request.partition}}:${limit.name}`)
    const args: Array<string | number> = [request.cost, DAY_OFFSET_MS, DAY_MS, request.drainedAgoMs ?? 'none']
    for (const limit of request.limits) {
      if (limit.kind === 'rate') args.push('rate', limit.perMinute, limit.burst)
      else args.push('daily', limit.quota, 0)
    }
    try {
      return await this.#store.evalScript(which, keys, args, this.#timeoutMs)
    } catch (error) {
      if (error instanceof SharedStoreUnavailableError) throw new RateLimiterUnavailableError(error.message, { cause: error, timedOut: error.timedOut })
      throw error
    }
  }

  /** When the connection last came back (see `RateLimiter.resumedAt`): the failover decides what follows. */
  get resumedAt(): number | undefined {
    return this.#store.reconnectedAt
  }

  async refund(request: ConsumeRequest): Promise<void> {
    await this.#run(refundScript, request)
  }

  async consume(request: ConsumeRequest): Promise<ConsumeDecision> {
    const reply = await this.#run(script, request)
    if (!Array.isArray(reply) || reply.length !== 2 + request.limits.length * 2) {
      throw new RateLimiterUnavailableError('Redis answered the rate-limit script with an unexpected reply')
    }
    const numbers = reply.map(Number)
    return {
      allowed: numbers[0] === 1,
      retryAfterMs: numbers[1] as number,
      limits: request.limits.map((limit, i) => ({
        name: limit.name,
        kind: limit.kind,
        quota: quotaOf(limit),
        windowS: windowOf(limit),
        remaining: numbers[2 + i * 2] as number,
        resetMs: numbers[3 + i * 2] as number,
      })),
      scope: 'shared',
    }
  }

  async ping(signal?: AbortSignal): Promise<RateLimiterPing> {
    if (this.#closed) return { ok: false, latencyMs: 0, detail: 'closed' }
    return this.#store.ping(signal)
  }

  /** The connection belongs to the shared store: it is closed with it, not here. */
  async close(): Promise<void> {
    this.#closed = true
  }
}

/**
 * @example
 * const store = createRedisSharedStore({ url: config.REDIS_URL })   // gateway/entry/node.ts
 * const limiter = createRedisRateLimiter(store)                     // same connection
 */
export function createRedisRateLimiter(store: RedisSharedStore, options?: { decisionTimeoutMs?: number }): RedisRateLimiter {
  return new RedisRateLimiter(store, options)
}
