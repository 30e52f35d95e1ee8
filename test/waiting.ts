/**
 * Waiting in tests, in one place: sleeping, polling until something holds, and polling a probe
 * for the value it settles on. Every wait has a bound, so a test that waits for what never comes
 * fails with a message instead of hanging.
 */

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export interface WaitOptions {
  /** Give up after this long. */
  withinMs: number
  /** Between two tries. @default 25 */
  everyMs?: number
  /** Named in the error when time runs out. @default 'condition' */
  what?: string
}

/**
 * Calls `probe` until it returns something other than `undefined` or `false`, and returns that;
 * throws once `withinMs` has passed without it. A boolean condition returns `true`.
 *
 * @example
 * await until(() => seen.length === 2, { withinMs: 5000 })
 * const banner = await until(() => (out.includes('Gateway:') ? out : undefined), { withinMs: 30_000, what: 'the banner' })
 */
export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.withinMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`${options.what ?? 'condition'} not met within ${options.withinMs} ms`)
    await sleep(options.everyMs ?? 25)
  }
}

/**
 * Calls `probe` until `accept` takes its value, and returns the last value seen, accepted or not
 * once `withinMs` has passed: the caller's assertion on it then shows what the value was.
 */
export async function poll<T>(probe: () => Promise<T>, accept: (value: T) => boolean, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.withinMs
  for (;;) {
    const value = await probe()
    if (accept(value) || Date.now() > deadline) return value
    await sleep(options.everyMs ?? 25)
  }
}
