import {
  RateLimiterUnavailableError,
  type ConsumeDecision,
  type ConsumeRequest,
  type LimitSpec,
  type RateLimiter,
  type RateLimiterPing,
} from './rate-limiter.js'

export interface FailoverRateLimiterOptions {
  /** The shared limiter (Redis). Its calls must fail fast: they are awaited on the request path. */
  primary: RateLimiter
  /** Decides while the primary cannot: per instance, with every limit divided by `instances`. */
  fallback: RateLimiter
  /** How many gateway instances share the limits (`RATE_LIMIT_INSTANCES`). @default 1 */
  instances?: number
  /** How often the primary is probed while degraded. @default 1000 */
  probeIntervalMs?: number
  /**
   * Consecutive timed-out decisions that turn the limiter degraded. A failure at once (connection
   * down) degrades at the first; a lone slow answer is decided locally without giving up on
   * the shared limits, whose per-instance shares would otherwise serve for a whole probe
   * interval. @default 3
   */
  degradeAfterTimeouts?: number
  /** Told when the state changes (for the log): true = degraded, on per-instance limits. */
  onStateChange?: (degraded: boolean, reason?: string) => void
}

export interface FailoverRateLimiter extends RateLimiter {
  /** True while decisions are per instance because the shared limiter could not answer. */
  readonly degraded: boolean
}

/** Each instance's share of a limit: rounded down (never more than the whole), at least 1. */
export function divideLimit(limit: LimitSpec, instances: number): LimitSpec {
  if (instances <= 1) return limit
  const share = (value: number, min: number) => Math.max(min, Math.floor(value / instances))
  return limit.kind === 'rate'
    ? { ...limit, perMinute: share(limit.perMinute, 1), burst: share(limit.burst, 0) }
    : { ...limit, quota: share(limit.quota, 1) }
}

/**
 * Shared limits while the shared limiter answers, per-instance limits while it cannot (DESIGN
 * §7): a decision that fails (down, or no answer within its deadline) is taken again at once by
 * the fallback, with every limit divided by the instance count, and the limiter turns degraded
 * (at once when the primary is down, after a few timeouts in a row when it is slow).
 * While degraded no request waits on the primary; a probe every `probeIntervalMs` brings shared
 * limits back as soon as it answers. Units taken locally meanwhile are not carried over.
 *
 * @example
 * const limiter = createFailoverRateLimiter({ primary: createRedisRateLimiter(store),
 *   fallback: createMemoryRateLimiter(), instances: config.RATE_LIMIT_INSTANCES })
 */
export function createFailoverRateLimiter(options: FailoverRateLimiterOptions): FailoverRateLimiter {
  const instances = options.instances ?? 1
  if (!Number.isSafeInteger(instances) || instances < 1) throw new TypeError('createFailoverRateLimiter: instances must be a positive integer')
  const probeIntervalMs = options.probeIntervalMs ?? 1000
  const { primary, fallback } = options
  let degraded = false
  let probe: ReturnType<typeof setInterval> | undefined
  let probing = false
  let closed = false
  let timeouts = 0
  const degradeAfterTimeouts = options.degradeAfterTimeouts ?? 3

  const recover = () => {
    timeouts = 0
    clearInterval(probe)
    probe = undefined
    degraded = false
    options.onStateChange?.(false)
  }
  const degrade = (reason: string) => {
    if (degraded || closed) return
    degraded = true
    options.onStateChange?.(true, reason)
    probe = setInterval(() => {
      if (probing) return
      probing = true
      primary
        .ping()
        .then((result) => {
          if (result.ok && degraded && !closed) recover()
        })
        .finally(() => {
          probing = false
        })
    }, probeIntervalMs)
    unrefTimer(probe)
  }
  const local = (request: ConsumeRequest) =>
    fallback.consume(instances === 1 ? request : { ...request, limits: request.limits.map((limit) => divideLimit(limit, instances)) })

  return {
    kind: 'failover',
    get degraded() {
      return degraded
    },
    async consume(request: ConsumeRequest): Promise<ConsumeDecision> {
      if (closed) throw new RateLimiterUnavailableError('Rate limiter is closed')
      if (degraded) return local(request)
      try {
        const decision = await primary.consume(request)
        timeouts = 0
        return decision
      } catch (error) {
        if (!(error instanceof RateLimiterUnavailableError)) throw error
        timeouts = error.timedOut ? timeouts + 1 : degradeAfterTimeouts
        if (timeouts >= degradeAfterTimeouts) degrade(error.message)
        return local(request)
      }
    },
    async refund(request: ConsumeRequest): Promise<void> {
      if (closed) throw new RateLimiterUnavailableError('Rate limiter is closed')
      // Given back where it was most likely taken. A refund the primary cannot take is dropped:
      // the pessimistic charge stands, and a failed refund must not degrade the limiter.
      if (degraded) await fallback.refund?.(instances === 1 ? request : { ...request, limits: request.limits.map((limit) => divideLimit(limit, instances)) })
      else await primary.refund?.(request)
    },
    async ping(signal?: AbortSignal): Promise<RateLimiterPing> {
      const result = await primary.ping(signal)
      // A probe that answers while degraded ends the degradation at once.
      if (result.ok && degraded && !closed) recover()
      return result
    },
    async close(): Promise<void> {
      closed = true
      clearInterval(probe)
      await Promise.all([primary.close(), fallback.close()])
    },
  }
}

function unrefTimer(timer: unknown): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref()
}
