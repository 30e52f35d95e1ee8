import {
  Kind,
  type DocumentNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql'

/**
 * The operation execution will run (by name, else the only one) and the document's fragments by
 * name: what the walks over a document after validation (masks, record caps) start from.
 */
export function operationAndFragments(
  document: DocumentNode,
  operationName: string | null | undefined,
): { operation: OperationDefinitionNode | undefined; fragments: Map<string, FragmentDefinitionNode> } {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]))
  return { operation, fragments }
}

/**
 * Every field selected at the root of `selectionSet`, through inline fragments and fragment
 * spreads (each spread counts, so aliases and repeated spreads are all seen; a cycle is not
 * followed twice). What record caps and cost estimates add up.
 */
export function* rootFieldSelections(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  active = new Set<string>(),
): Generator<FieldNode> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) yield* rootFieldSelections(selection.selectionSet, fragments, active)
    else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments.get(selection.name.value)
      if (fragment && !active.has(fragment.name.value)) {
        active.add(fragment.name.value)
        yield* rootFieldSelections(fragment.selectionSet, fragments, active)
        active.delete(fragment.name.value)
      }
    } else yield selection
  }
}

/** The root type an operation starts from: the query or the mutation type (subscriptions are refused earlier). */
export function rootTypeOf(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLObjectType | undefined {
  return (operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'query' ? schema.getQueryType() : undefined) ?? undefined
}
