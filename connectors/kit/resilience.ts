/**
 * Fault tolerance of one registry, with cockatiel rather than by hand:
 * - a bulkhead: at most `maxConcurrent` calls in flight to this registry and `maxQueued`
 *   waiting; beyond, a call is refused at once, so a hanging registry cannot take every socket,
 *   timer and request of the gateway with it;
 * - a circuit breaker: after `failureThreshold` consecutive timeouts or unavailabilities the
 *   circuit opens and calls fail at once (`UPSTREAM_UNAVAILABLE`) instead of waiting out their
 *   deadline; after `halfOpenAfterMs` one call probes, and its success closes the circuit. While
 *   the probe is in flight every other call is refused at once too: cockatiel would have them
 *   wait on the probe's promise, which makes one request wait on another (workerd cancels such a
 *   request) and then runs them without their caller's signal;
 * - retries with jittered exponential backoff, for idempotent reads only, and only when the
 *   registry was unavailable (a refused connection, a 5xx): never after a timeout, which would
 *   multiply the caller's wait, and never for a malformed answer, which would come back the same.
 * The per-call deadline stays in upstream-fetch.ts.
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  BulkheadRejectedError,
  CircuitState,
  TaskCancelledError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  bulkhead,
} from 'cockatiel'
import { ConnectorError, type ConnectorName } from './connector-error.js'

/** Attempts after the first for an idempotent read that was not served, unless told otherwise. */
export const DEFAULT_RETRIES = 2

export interface ResilienceOptions {
  /** @default 32 */
  maxConcurrent?: number
  /** @default 64 */
  maxQueued?: number
  /** @default 5 */
  failureThreshold?: number
  /** @default 5000 */
  halfOpenAfterMs?: number
  /** Attempts after the first, for idempotent reads. @default DEFAULT_RETRIES (2) */
  retries?: number
  /** First backoff delay; later ones grow exponentially with decorrelated jitter. @default 50 */
  retryDelayMs?: number
  /**
   * Where a cancelled request's code never resumes (workerd), a call may never settle: its
   * bulkhead slot would stay taken, and a half-open probe would hold the circuit half-open, for
   * the isolate's life. With this set, a call unsettled after it is taken as abandoned: its slot
   * is freed, a probe that old gives way to a new one, and the bulkhead has no queue (maxQueued is
   * ignored). Longer than any call's own deadline. @default off
   */
  abandonedAfterMs?: number
}

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated'

export interface Resilience {
  /**
   * Runs `call` under the bulkhead and breaker, retried when `idempotent`. `signal` is the
   * caller's: once it aborts, no retry starts and a call still waiting in the queue is refused
   * when it reaches the front, without running.
   */
  run<T>(idempotent: boolean, call: () => Promise<T>, context: { path: string; signal?: AbortSignal }): Promise<T>
  circuit(): CircuitStateName
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
}

/** A call refused while the half-open circuit's single probe is in flight. */
class ProbeInFlightError extends Error {
  override readonly name = 'ProbeInFlightError'
}

/** What the attempt needs of a bulkhead: cockatiel's, or the expiring one. */
interface SlotLimiter {
  execute<T>(fn: (context: { signal: AbortSignal }) => Promise<T>, signal?: AbortSignal): Promise<T>
}

/**
 * A bulkhead without a queue whose slots expire: a call holding one longer than `expireAfterMs`
 * is taken as abandoned (its request cancelled, its `finally` never run) and no longer counted.
 */
function expiringSlots(capacity: number, expireAfterMs: number): SlotLimiter {
  const taken = new Map<symbol, number>()
  return {
    async execute(fn, signal = new AbortController().signal) {
      if (signal.aborted) throw new TaskCancelledError()
      const now = Date.now()
      for (const [slot, since] of taken) if (now - since >= expireAfterMs) taken.delete(slot)
      if (taken.size >= capacity) throw new BulkheadRejectedError(capacity, 0)
      const slot = Symbol('slot')
      taken.set(slot, now)
      try {
        return await fn({ signal })
      } finally {
        taken.delete(slot)
      }
    },
  }
}

const isOutage = (error: unknown) => error instanceof ConnectorError && (error.code === 'UPSTREAM_TIMEOUT' || error.code === 'UPSTREAM_UNAVAILABLE')
const isUnavailable = (error: unknown) => error instanceof ConnectorError && error.code === 'UPSTREAM_UNAVAILABLE'

/**
 * @example
 * const resilience = createResilience('land', { maxConcurrent: 16 })
 * await resilience.run(true, () => fetchOnce(), { path: '/ws/DatDai.asmx' })
 */
export function createResilience(connector: ConnectorName, options: ResilienceOptions = {}): Resilience {
  const { abandonedAfterMs } = options
  const newBreaker = (initialState?: ReturnType<CircuitBreakerPolicy['toJSON']>) => {
    const policy = circuitBreaker(handleWhen(isOutage), {
      halfOpenAfter: options.halfOpenAfterMs ?? 5000,
      breaker: new ConsecutiveBreaker(options.failureThreshold ?? 5),
      ...(initialState ? { initialState } : {}),
    })
    policy.onHalfOpen(() => (halfOpenSince = Date.now()))
    return policy
  }
  let halfOpenSince = 0
  let breaker = newBreaker()
  const limiter: SlotLimiter = abandonedAfterMs
    ? expiringSlots(options.maxConcurrent ?? 32, abandonedAfterMs)
    : bulkhead(options.maxConcurrent ?? 32, options.maxQueued ?? 64)
  const retries = options.retries ?? DEFAULT_RETRIES
  const retrying = retry(handleWhen(isUnavailable), {
    maxAttempts: retries,
    backoff: new ExponentialBackoff({ initialDelay: options.retryDelayMs ?? 50, maxDelay: 1000 }),
  })
  /** The breaker, refusing at once while its probe is in flight rather than awaiting it. */
  const throughBreaker = <T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> => {
    if (breaker.state === CircuitState.HalfOpen) {
      if (!abandonedAfterMs || Date.now() - halfOpenSince < abandonedAfterMs) return Promise.reject(new ProbeInFlightError())
      // The probe's request was cancelled: a breaker from the same state, open and due, probes anew.
      breaker = newBreaker(breaker.toJSON())
    }
    return breaker.execute(() => call(), signal)
  }
  /** One attempt: a slot at the bulkhead, then the breaker. */
  const once = <T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> =>
    limiter.execute(({ signal: slotSignal }) => throughBreaker(call, slotSignal), signal)

  return {
    async run(idempotent, call, context) {
      // Always a signal of this call's own: cockatiel's default is one signal made when its module
      // loads, which workerd binds to the request that loaded it and refuses to every other.
      const signal = context.signal ?? new AbortController().signal
      try {
        // Retry outermost: each attempt queues at the bulkhead and is counted by the breaker.
        if (idempotent && retries > 0) return await retrying.execute(({ signal: attemptSignal }) => once(call, attemptSignal), signal)
        return await once(call, signal)
      } catch (error) {
        if (error instanceof BrokenCircuitError)
          throw new ConnectorError(connector, 'UPSTREAM_UNAVAILABLE', { path: context.path, detail: 'circuit open' }, { cause: error })
        if (error instanceof ProbeInFlightError)
          throw new ConnectorError(
            connector,
            'UPSTREAM_UNAVAILABLE',
            { path: context.path, detail: 'circuit half-open: a probe is in flight' },
            { cause: error },
          )
        if (error instanceof TaskCancelledError)
          throw new ConnectorError(connector, 'UPSTREAM_UNAVAILABLE', { path: context.path, detail: 'circuit: cancelled by the caller' }, { cause: error })
        if (error instanceof BulkheadRejectedError)
          throw new ConnectorError(connector, 'UPSTREAM_UNAVAILABLE', { path: context.path, detail: 'circuit: too many calls in flight' }, { cause: error })
        throw error
      }
    },
    circuit: () => STATE_NAMES[breaker.state],
  }
}
