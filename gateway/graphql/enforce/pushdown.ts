import type { BoundCondition } from '../../../policies/index.js'

/**
 * Row filters a registry can apply itself, so a filtered agency gets full pages instead of
 * pages thinned by the re-check: the root field, the filtered type, the path of the condition,
 * and how to put the value into the field's arguments. The re-check on results stays: a
 * pushed filter saves work, it never replaces the check.
 */
interface Pushdown {
  type: string
  path: string
  apply(args: Record<string, unknown>, value: string): Record<string, unknown> | null
}

const pushdowns: Record<string, Pushdown> = {
  'Query.enterprises': {
    type: 'Enterprise',
    path: 'headOffice.province.code',
    apply(args, value) {
      const filter = (args.filter ?? {}) as Record<string, unknown>
      // A province the caller chose stays: outside the jurisdiction, the re-check empties it.
      if (filter.province != null) return null
      return { ...args, filter: { ...filter, province: value } }
    },
  },
}

/** The single value a condition pins `path` to, when it is exactly `path in [v]` or `path = v`. */
function pinnedValue(condition: BoundCondition, path: string): string | null {
  if (condition.kind === 'in' && condition.path.join('.') === path && condition.values.size === 1) {
    const [value] = condition.values
    return typeof value === 'string' ? value : null
  }
  if (condition.kind === 'eq' && condition.path.join('.') === path && typeof condition.value === 'string') return condition.value
  return null
}

/** The arguments to call the root field's connector with, with the row filter pushed in when it can be. */
export function pushDownRowFilter(coordinate: string, args: Record<string, unknown>, rowFilters: ReadonlyMap<string, BoundCondition>): Record<string, unknown> {
  const pushdown = pushdowns[coordinate]
  if (!pushdown) return args
  const filter = rowFilters.get(pushdown.type)
  if (!filter) return args
  const value = pinnedValue(filter, pushdown.path)
  return value === null ? args : (pushdown.apply(args, value) ?? args)
}
