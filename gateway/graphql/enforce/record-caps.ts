import { getArgumentValues } from '@graphql-tools/utils'
import type { DocumentNode, GraphQLSchema } from 'graphql'
import { operationAndFragments, rootFieldSelections } from '../../coordinates/operation.js'

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
  for (const selection of rootFieldSelections(operation.selectionSet, fragments)) {
    const coordinate = `${queryType.name}.${selection.name.value}`
    const cap = caps.get(coordinate)
    const field = queryType.getFields()[selection.name.value]
    if (cap === undefined || !field || !field.args.some((arg) => arg.name === 'first')) continue
    let first: unknown
    try {
      first = getArgumentValues(field, selection, variables ?? {}).first
    } catch {
      // A variable that does not coerce: execution refuses it before any resolver runs.
      return null
    }
    if (typeof first !== 'number') return `${coordinate}: give first (at most ${cap}) for this purpose`
    const total = (asked.get(coordinate) ?? 0) + first
    asked.set(coordinate, total)
    if (total > cap) return `${coordinate}: at most ${cap} records per request for this purpose (asked for ${total})`
  }
  return null
}
