import { adminUnits, type AdminUnitRecord } from './data.js'

const versionsByCode = new Map<string, AdminUnitRecord[]>()
for (const unit of adminUnits) {
  const versions = versionsByCode.get(unit.code) ?? []
  versions.push(unit)
  versionsByCode.set(unit.code, versions)
}
for (const versions of versionsByCode.values()) versions.sort((a, b) => a.validFrom.localeCompare(b.validFrom))

const today = () => new Date().toISOString().slice(0, 10)

const validAt = (unit: AdminUnitRecord, date: string) => unit.validFrom <= date && (unit.validTo === null || unit.validTo >= date)

/**
 * The version of a unit in force on `asOf` (default today). A code reassigned by the 2025 reform
 * has two versions; asking for a date before the reform gives the old one. When no version was in
 * force on that date (a commune that ceased to exist), `fallBack` gives the latest one before it,
 * so a map sheet numbered per a pre-merger commune still names that commune.
 */
export function findUnit(code: string, asOf: string = today(), options: { fallBack?: boolean } = {}): AdminUnitRecord | null {
  const versions = versionsByCode.get(code)
  if (!versions) return null
  const current = versions.find((unit) => validAt(unit, asOf))
  if (current) return current
  if (!options.fallBack) return null
  const earlier = versions.filter((unit) => unit.validFrom <= asOf)
  return earlier.at(-1) ?? null
}

/** Units whose successors include this one, i.e. what it was formed from. */
export function predecessorsOf(unit: AdminUnitRecord): AdminUnitRecord[] {
  if (unit.validTo !== null) return []
  return adminUnits.filter(
    (other) => other.validTo !== null && other.validTo < unit.validFrom && other.successorCodes.includes(unit.code) && other.level === unit.level,
  )
}

/** Units that took over this one, as in force the day after it ended. */
export function successorsOf(unit: AdminUnitRecord): AdminUnitRecord[] {
  if (unit.validTo === null) return []
  const dayAfter = new Date(Date.parse(unit.validTo) + 86_400_000).toISOString().slice(0, 10)
  return unit.successorCodes.map((code) => findUnit(code, dayAfter)).filter((found): found is AdminUnitRecord => found !== null)
}

export const fullNameOf = (unit: AdminUnitRecord): string => `${unit.kind} ${unit.name}`

/**
 * An address written out: the detail, then each unit's kind and name (`Số 12, Phường Hồng Hà,
 * Thành phố Hà Nội`). A unit is named as it last was (a commune merged away keeps its name); one
 * not in the catalogue is left out; null when nothing is known.
 */
export function addressTextOf(detail: string | null, unitCodes: readonly string[]): string | null {
  const parts = detail === null ? [] : [detail]
  for (const code of unitCodes) {
    const unit = findUnit(code, undefined, { fallBack: true })
    if (unit) parts.push(fullNameOf(unit))
  }
  return parts.length > 0 ? parts.join(', ') : null
}

/**
 * The codes plus every code they were formed from, transitively (a commune merged in 2025 covers
 * the records still addressed to its pre-merger communes). Codes
 * that never existed are kept as given, so a jurisdiction is never silently emptied.
 */
export function withPredecessorCodes(codes: readonly string[], asOf?: string): string[] {
  const result = new Set<string>(codes)
  const queue = [...codes]
  while (queue.length > 0) {
    const unit = findUnit(queue.pop()!, asOf)
    if (!unit) continue
    for (const predecessor of predecessorsOf(unit)) {
      if (!result.has(predecessor.code)) {
        result.add(predecessor.code)
        // a predecessor is an ended unit: its own predecessors are found from its version
        for (const older of adminUnits.filter((u) => u.validTo !== null && u.successorCodes.includes(predecessor.code) && u.level === predecessor.level)) {
          if (!result.has(older.code)) {
            result.add(older.code)
            queue.push(older.code)
          }
        }
      }
    }
  }
  return [...result].sort()
}
