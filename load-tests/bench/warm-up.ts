/**
 * How long a target is warmed before it is timed: until its CPU per request stops falling. V8
 * compiles a server's hot code in tiers as it runs, and PGlite's WebAssembly too, so the first
 * tens of thousands of requests cost more than the later ones: on a two-CPU machine, each target
 * took about 30 s of load to settle, the full gateway and the peer longer than bare Yoga (from
 * 3,221 µs per request to 1,041 for the gateway). A fixed five seconds timed all of them while
 * they still warmed, the larger ones the most.
 *
 * The rule: windows of load, at least `minS` seconds in all; warm once `patience` windows in a row
 * have not improved on the best window before them by more than `improvement`; at most `maxS`.
 */
export interface WarmUpRule {
  minS: number
  maxS: number
  windowS: number
  /** A window this much cheaper than the best before it still counts as warming (0.05: 5 %). */
  improvement: number
  patience: number
}

export function warmUpRule(minS: number, maxS: number): WarmUpRule {
  return { minS, maxS: Math.max(minS, maxS), windowS: 5, improvement: 0.05, patience: 2 }
}

/**
 * Whether the target is warm after these windows (CPU µs per request, oldest first; null where
 * /proc could not be read) and `elapsedS` seconds of load.
 */
export function isWarm(windows: ReadonlyArray<number | null>, elapsedS: number, rule: WarmUpRule): boolean {
  if (elapsedS >= rule.maxS) return true
  if (elapsedS < rule.minS) return false
  // Without a CPU reading there is no trend to follow: the minimum is all it gets.
  if (windows.some((w) => w === null)) return true
  const cpu = windows as number[]
  let flat = 0
  for (let i = cpu.length - 1; i >= 1; i--) {
    const best = Math.min(...cpu.slice(0, i))
    if (cpu[i]! < best * (1 - rule.improvement)) break
    flat++
  }
  return flat >= rule.patience
}

/** The next window's length: the rule's, cut so that the maximum is never passed. */
export function nextWindowS(elapsedS: number, rule: WarmUpRule): number {
  return Math.max(1, Math.min(rule.windowS, rule.maxS - elapsedS))
}
