/**
 * How long a target is warmed before it is timed: until its CPU per request stops falling. V8
 * compiles a server's hot code in tiers as it runs, and PGlite's WebAssembly too, so the first
 * tens of thousands of requests cost more than the later ones: on a two-CPU machine, each target
 * took about 30 s of load to settle, the full gateway and the peer longer than bare Yoga (from
 * 3,221 µs per request to 1,041 for the gateway). A fixed five seconds timed all of them while
 * they still warmed, the larger ones the most.
 *
 * The rule: windows of load, at least `minS` seconds in all; steady once each of the last
 * `patience` windows is no more than `improvement` cheaper than the best window before them; at
 * most `maxS`.
 */
import type { Measure } from './measure.js'

export interface WarmUpRule {
  minS: number
  maxS: number
  windowS: number
  /** A window more than this much cheaper than the best before it is still warming (0.05: 5 %). */
  improvement: number
  patience: number
}

export function warmUpRule(minS: number, maxS: number): WarmUpRule {
  return { minS, maxS: Math.max(minS, maxS), windowS: 5, improvement: 0.05, patience: 2 }
}

/**
 * Where a warm-up stands after these windows (CPU µs per request, oldest first; null where /proc
 * could not be read) and `elapsedS` seconds of load: `warming`, `steady`, `cut` (the maximum
 * reached while still falling), `fixed` (a rule whose least is its most, as a quick run's: no
 * trend is followed) or `unread` (no CPU reading: the minimum is all it gets).
 */
export type WarmUpState = 'warming' | 'steady' | 'cut' | 'fixed' | 'unread'

export function warmUpState(windows: ReadonlyArray<number | null>, elapsedS: number, rule: WarmUpRule): WarmUpState {
  if (elapsedS < rule.minS) return 'warming'
  if (rule.minS === rule.maxS) return 'fixed'
  if (windows.some((w) => w === null)) return 'unread'
  const cpu = windows as number[]
  const before = cpu.slice(0, cpu.length - rule.patience)
  const steady = before.length > 0 && cpu.slice(-rule.patience).every((w) => w >= Math.min(...before) * (1 - rule.improvement))
  if (steady) return 'steady'
  return elapsedS >= rule.maxS ? 'cut' : 'warming'
}

/** The next window's length: the rule's, cut at the maximum, and never under a second. */
export function nextWindowS(elapsedS: number, rule: WarmUpRule): number {
  return Math.max(1, Math.min(rule.windowS, rule.maxS - elapsedS))
}

export interface WarmUp {
  seconds: number
  /** Each window's CPU µs per request, oldest first. */
  cpuUs: Array<number | null>
  state: Exclude<WarmUpState, 'warming'>
  /** Requests of the warm-up that failed or answered non-2xx. */
  failed: number
}

/** Loads a target window by window (`load(seconds)`) until the rule says it is warm. */
export async function warmUp(load: (seconds: number) => Promise<Measure>, rule: WarmUpRule): Promise<WarmUp> {
  const result: WarmUp = { seconds: 0, cpuUs: [], state: 'steady', failed: 0 }
  for (;;) {
    const seconds = nextWindowS(result.seconds, rule)
    const window = await load(seconds)
    result.cpuUs.push(window.cpuUs)
    result.failed += window.non2xx + window.errors
    result.seconds += seconds
    const state = warmUpState(result.cpuUs, result.seconds, rule)
    if (state !== 'warming') return { ...result, state }
  }
}
