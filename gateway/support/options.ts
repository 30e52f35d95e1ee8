/** Checks an adapter option: a positive integer, or the fallback when absent. `owner` names the adapter in the error. */
export function positiveInteger(owner: string, name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${owner} ${name} must be a positive integer`)
  return value
}
