import { getArgumentValues } from '@graphql-tools/utils'
import { Kind, type DocumentNode, type GraphQLSchema, type SelectionSetNode } from 'graphql'
import { operationAndFragments } from './operation.js'

/**
 * Checks the grants' `maxRecords` against what the operation asks for, with its variables,
 * before anything executes (a refusal must come before any registry call, also for the other
 * root fields). Per root coordinate, the `first` of every selection of it is added up, so
 * aliases (`a: enterprises(first: 5) b: enterprises(first: 5, after: …)`) share one cap. A
 * `first: null` would fall back to the connector's page size: it is refused where a cap applies.
 * Returns a message naming the coordinate, or null when within the caps.
 */
export function checkRecordCaps(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  caps: ReadonlyMap<string, number>,
): string | null {
  if (caps.size === 0) return null
  const queryType = schema.getQueryType()
  if (!queryType) return null
  const { operation, fragments } = operationAndFragments(document, operationName)
  if (!operation) return null
  const asked = new Map<string, number>()
  const seen = new Set<string>()
  let problem: string | null = null
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (problem) return
      if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet)
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value)
        // cycles are refused earlier; a fragment spread twice at the root counts once per spread
        if (fragment && !seen.has(fragment.name.value)) {
          seen.add(fragment.name.value)
          visit(fragment.selectionSet)
          seen.delete(fragment.name.value)
        }
      } else {
        const coordinate = `${queryType.name}.${selection.name.value}`
        const cap = caps.get(coordinate)
        const field = queryType.getFields()[selection.name.value]
        if (cap === undefined || !field || !field.args.some((arg) => arg.name === 'first')) continue
        let first: unknown
        try {
          first = getArgumentValues(field, selection, variables ?? {}).first
        } catch {
          // A variable that does not coerce: execution refuses it before any resolver runs.
          return
        }
        if (typeof first !== 'number') {
          problem = `${coordinate}: give first (at most ${cap}) for this purpose`
          return
        }
        const total = (asked.get(coordinate) ?? 0) + first
        asked.set(coordinate, total)
        if (total > cap) problem = `${coordinate}: at most ${cap} records per request for this purpose (asked for ${total})`
      }
    }
  }
  visit(operation.selectionSet)
  return problem
}
