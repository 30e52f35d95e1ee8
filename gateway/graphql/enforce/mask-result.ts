import {
  getNamedType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql'
import { operationAndFragments, rootTypeOf } from '../../coordinates/operation.js'
import { applyMask, type KeyedHash, type MaskSpec } from '../../../policies/index.js'

interface Walk {
  schema: GraphQLSchema
  fragments: Map<string, FragmentDefinitionNode>
  masks: ReadonlyMap<string, MaskSpec>
  hash: KeyedHash
  applied: Set<string>
  /**
   * Response keys already masked, per response object: a field selected twice (directly and in a
   * fragment) is one value, masked once (a `hash` of a hash would no longer match the same value
   * hashed elsewhere in the response).
   */
  masked: WeakMap<object, Set<string>>
}

function walkObject(walk: Walk, type: GraphQLObjectType, selectionSet: SelectionSetNode, data: Record<string, unknown>, seen: Set<string>): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value
      if (!(key in data)) continue
      const field = type.getFields()[selection.name.value]
      if (!field) continue
      const coordinate = `${type.name}.${selection.name.value}`
      const mask = walk.masks.get(coordinate)
      const value = data[key]
      if (mask) {
        let done = walk.masked.get(data)
        if (!done) walk.masked.set(data, (done = new Set()))
        if (done.has(key)) continue
        done.add(key)
        if (value !== null && value !== undefined) walk.applied.add(coordinate)
        data[key] = applyMask(mask, value, walk.hash)
        continue
      }
      const named = getNamedType(field.type)
      if (selection.selectionSet && isObjectType(named)) walkValue(walk, named, selection.selectionSet, value)
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      walkObject(walk, type, selection.selectionSet, data, seen)
    } else {
      const name = selection.name.value
      const fragment = walk.fragments.get(name)
      // A fragment spread twice at one level needs masking once; cycles were refused in validation.
      if (!fragment || seen.has(name)) continue
      seen.add(name)
      walkObject(walk, type, fragment.selectionSet, data, seen)
      seen.delete(name)
    }
  }
}

function walkValue(walk: Walk, type: GraphQLObjectType, selectionSet: SelectionSetNode, value: unknown): void {
  if (value === null || value === undefined) return
  if (Array.isArray(value)) {
    for (const item of value) walkValue(walk, type, selectionSet, item)
    return
  }
  if (typeof value === 'object') walkObject(walk, type, selectionSet, value as Record<string, unknown>, new Set())
}

/**
 * Applies the decision's masks to an execution result's data, in place, and returns the
 * coordinates that had a value masked (for the audit trail). Runs on the serialised result: a
 * masked PIN (`********1234`) would not pass the PIN scalar, and nothing after this step reads
 * the value. The canonical schema has no unions or interfaces, so each selection's type is
 * known statically; fragments are followed by name. Masks are per coordinate: the decision has
 * already put the mask of a data class on every coordinate of that class the operation reads.
 */
export function maskResult(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  data: Record<string, unknown> | null | undefined,
  masks: ReadonlyMap<string, MaskSpec>,
  hash: KeyedHash,
): string[] {
  if (!data || masks.size === 0) return []
  const { operation, fragments } = operationAndFragments(document, operationName)
  const rootType = operation && rootTypeOf(schema, operation)
  if (!operation || !rootType) return []
  const walk: Walk = { schema, fragments, masks, hash, applied: new Set(), masked: new WeakMap() }
  walkObject(walk, rootType, operation.selectionSet, data, new Set())
  return [...walk.applied].sort()
}
