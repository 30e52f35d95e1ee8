import {
  countEmptyFrom,
  RateLimiterUnavailableError,
  type ConsumeDecision,
  type ConsumeRequest,
  type LimitSpec,
  type RateLimiter,
  type RateLimiterPing,
} from './rate-limiter.js'
import { unrefTimer } from '../support/index.js'

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
  /** The clock (ms) for the instants of degradation and recovery. @default Date.now */
  now?: () => number
  /**
   * Runs `probe` every `everyMs` until the returned function is called. A simulation passes its
   * own and pings when it chooses. @default an unref'd setInterval
   */
  every?: (probe: () => void, everyMs: number) => () => void
}

export interface FailoverRateLimiter extends RateLimiter {
  /** True while decisions are per instance because the shared limiter could not answer. */
  readonly degraded: boolean
}

/** Each instance's share of a limit: rounded down (never more than the whole), at least 1. */
export function divideLimit(limit: LimitSpec, instances: number): LimitSpec {
  if (instances <= 1) return limit
  const share = (value: number, min: number) => Math.max(min, Math.floor(value / instances))
  return limit.kind === 'rate' ? { ...limit, perMinute: share(limit.perMinute, 1), burst: share(limit.burst, 0) } : { ...limit, quota: share(limit.quota, 1) }
}

/** When to retry a request refused because the shared limiter did not answer in time. */
const UNDECIDED_RETRY_MS = 1000

/**
 * Shared limits while the shared limiter answers, per-instance limits while it cannot: a decision
 * that fails (down, or no answer within its deadline) is taken by the fallback, with every limit
 * divided by the instance count, and the limiter turns degraded (at once when the primary is
 * down, after a few timeouts in a row when it is slow). While degraded no request waits on the
 * primary; a probe every `probeIntervalMs` brings shared limits back as soon as it answers.
 *
 * "At most perMinute + burst units in any 60 s, across all instances" holds through both changes,
 * because no bucket ever starts full after one:
 * - on degrading, each instance's share starts empty at that instant (the shared bucket may just
 *   have handed out its burst) and refills at 1/N of the rate: together, the shared rate;
 * - a lone decision that missed its deadline is refused (`undecided`, retry in a second): the
 *   shared limiter may have counted it, or may not have, and a local admission on top of a
 *   shared bucket the others may have emptied is how two instances would over-admit;
 * - on recovery, and whenever the primary's connection came back (`resumedAt`), the shared
 *   buckets count as empty at that instant: the units handed out locally were never counted
 *   there, and a restarted Redis lost every bucket. The instances find the primary back at
 *   their own probes, up to one interval apart: for that interval, each unit costs N.
 * The cost is fewer admissions for one bucket's refill time after each change, never more.
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
  let stopProbe: (() => void) | undefined
  let probing = false
  let closed = false
  let timeouts = 0
  const degradeAfterTimeouts = options.degradeAfterTimeouts ?? 3
  const now = options.now ?? Date.now
  const every = options.every ?? everyInterval
  /** When the limiter last turned degraded, and last came back: the instants buckets count as empty. */
  let degradedAt = 0
  let recoveredAt: number | undefined

  const recover = () => {
    timeouts = 0
    stopProbe?.()
    stopProbe = undefined
    degraded = false
    recoveredAt = now()
    options.onStateChange?.(false)
  }
  const degrade = (reason: string) => {
    if (degraded || closed) return
    degraded = true
    degradedAt = now()
    options.onStateChange?.(true, reason)
    stopProbe = every(() => {
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
  }
  const share = (request: ConsumeRequest): ConsumeRequest =>
    instances === 1 ? request : { ...request, limits: request.limits.map((limit) => divideLimit(limit, instances)) }
  /** Decided by this instance alone, its share counted as empty at `drainedAt`. */
  const local = (request: ConsumeRequest, drainedAt: number) => fallback.consume({ ...share(request), drainedAgoMs: now() - drainedAt })
  /**
   * For the shared limiter, after this instance recovered or its connection came back: the
   * buckets count as empty at that instant (see above).
   */
  const shared = (request: ConsumeRequest): ConsumeRequest => {
    const resumed = Math.max(recoveredAt ?? -Infinity, primary.resumedAt ?? -Infinity)
    if (resumed === -Infinity) return request
    const at = now()
    const empty = countEmptyFrom(request, resumed, at)
    // The others find the shared limiter back by their own probes, up to one interval later, and
    // decide alone on their shares until then: meanwhile this instance takes only its share of
    // the shared bucket too (each unit costs N), so together they stay within the limit.
    return at < resumed + probeIntervalMs && instances > 1 ? { ...empty, cost: empty.cost * instances } : empty
  }

  return {
    kind: 'failover',
    get degraded() {
      return degraded
    },
    async consume(request: ConsumeRequest): Promise<ConsumeDecision> {
      if (closed) throw new RateLimiterUnavailableError('Rate limiter is closed')
      if (degraded) return local(request, degradedAt)
      try {
        const decision = await primary.consume(shared(request))
        timeouts = 0
        return decision
      } catch (error) {
        if (!(error instanceof RateLimiterUnavailableError)) throw error
        timeouts = error.timedOut ? timeouts + 1 : degradeAfterTimeouts
        if (timeouts >= degradeAfterTimeouts) degrade(error.message)
        if (degraded) return local(request, degradedAt)
        // Refused, as by an empty share: the shared limiter may have counted it, and admitting it
        // here would be on top of a shared bucket the others may have emptied.
        const refused = await local(request, now())
        return { ...refused, allowed: false, retryAfterMs: UNDECIDED_RETRY_MS, undecided: true }
      }
    },
    async refund(request: ConsumeRequest): Promise<void> {
      if (closed) throw new RateLimiterUnavailableError('Rate limiter is closed')
      // Given back where it was most likely taken. A refund the primary cannot take is dropped:
      // the pessimistic charge stands, and a failed refund must not degrade the limiter.
      if (degraded) await fallback.refund?.(share(request))
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
      stopProbe?.()
      await Promise.all([primary.close(), fallback.close()])
    },
  }
}

/** A timer that never keeps the process alive by itself. */
function everyInterval(probe: () => void, everyMs: number): () => void {
  const timer = setInterval(probe, everyMs)
  unrefTimer(timer)
  return () => clearInterval(timer)
}
