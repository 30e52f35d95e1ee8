export interface BackoffOptions {
  /** The first retry waits up to this long. @default 1000 */
  baseMs?: number
  /** No retry waits longer. @default 300_000 (five minutes) */
  maxMs?: number
  /** A number in [0, 1). @default Math.random */
  random?: () => number
}

/**
 * How long to wait before attempt `attempt + 1` after `attempt` failed: exponential backoff with
 * full jitter, a random wait up to `baseMs × 2^(attempt − 1)`, capped at `maxMs`. The jitter
 * spreads the retries of many messages that failed together (a receiver down) instead of
 * sending them back in one wave when it returns.
 */
export function retryDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1000
  const max = options.maxMs ?? 300_000
  const random = options.random ?? Math.random
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError('attempt counts from 1')
  // 2^(attempt − 1) grows past any cap quickly: stop doubling once it is reached.
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 40))
  return Math.floor(random() * ceiling)
}
