// The Redis adapter (./redis.node.ts, on the shared store's connection) is Node-only and imported by
// gateway/entry/* alone.
export {
  assertConsumeRequest,
  capacityOf,
  DAY_MS,
  DAY_OFFSET_MS,
  decideLimits,
  largestCost,
  countEmptyFrom,
  longestTolerance,
  quotaOf,
  RateLimiterUnavailableError,
  refundLimit,
  stepLimit,
  windowOf,
  type ConsumeDecision,
  type ConsumeRequest,
  type DailyQuotaSpec,
  type LimitSpec,
  type LimitState,
  type RateLimiter,
  type RateLimiterPing,
  type RateLimitSpec,
} from './rate-limiter.js'
export { createMemoryRateLimiter, MemoryRateLimiter, type MemoryRateLimiterOptions } from './memory.js'
export { createFailoverRateLimiter, divideLimit, type FailoverRateLimiter, type FailoverRateLimiterOptions } from './failover.js'
export { rateLimitHeaders, retryAfterSeconds } from './headers.js'
