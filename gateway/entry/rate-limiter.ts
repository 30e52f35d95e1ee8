/**
 * Picks the rate limiter for a Node process: with REDIS_URL, shared limits on the shared store's
 * connection, falling back to per-instance limits (÷ RATE_LIMIT_INSTANCES) while Redis cannot
 * answer; without it, the memory adapter.
 */
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import type { GatewayEnv } from '../env.js'
import { createFailoverRateLimiter, createMemoryRateLimiter, type FailoverRateLimiter, type MemoryRateLimiter } from '../ratelimit/index.js'
import { createRedisRateLimiter } from '../ratelimit/redis.node.js'
import type { SharedStore } from '../shared-store/index.js'
import { RedisSharedStore } from '../shared-store/redis.node.js'

export function createNodeRateLimiter(config: Config, store: SharedStore, logger: Logger): FailoverRateLimiter | MemoryRateLimiter {
  if (!(store instanceof RedisSharedStore)) return createMemoryRateLimiter()
  return createFailoverRateLimiter({
    primary: createRedisRateLimiter(store, { decisionTimeoutMs: config.RATE_DECISION_TIMEOUT_MS }),
    fallback: createMemoryRateLimiter(),
    instances: config.RATE_LIMIT_INSTANCES,
    onStateChange: (degraded, reason) => {
      if (degraded) logger.warn({ reason, instances: config.RATE_LIMIT_INSTANCES }, 'rate limits: Redis unavailable, enforcing per-instance shares (degraded)')
      else logger.info({}, 'rate limits: Redis answers again, limits are shared')
    },
  })
}

/** The peer address of the TCP connection. Behind a reverse proxy this is the proxy's address. */
export function nodeClientIp(c: Context<GatewayEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address
  } catch {
    return undefined
  }
}
