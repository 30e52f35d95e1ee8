/** Count axes for the console's charts: round steps from zero, so a reader can read a bar off the axis. */

/**
 * Tick values from 0 up to at least `max`, in steps of 1, 2 or 5 × 10^k (never below 1: the axes
 * count requests), at most about `count` steps.
 */
export function countTicks(max: number, count = 5): number[] {
  const top = Math.max(1, Math.ceil(max))
  const raw = top / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude)
  const ticks: number[] = []
  for (let value = 0; ; value += step) {
    ticks.push(value)
    if (value >= top) return ticks
  }
}

/** Thousands grouped as Vietnamese writes them (1.234), the same in both languages. */
export const formatCount = (value: number): string => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, '.')
