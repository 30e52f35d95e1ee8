/**
 * Collects every schema coordinate (`Type.field`) a GraphQL operation can read, so the agency
 * policy can decide before any upstream call.
 *
 * The walk is deliberately conservative: it over-approximates what execution may read, never
 * under-approximates. `@skip`/`@include` are ignored (fields under them are collected whatever
 * the variables say), a field selected on an abstract type counts for every possible type, and a
 * fragment on an abstract type counts for all of that type's possible types, not only those that
 * overlap the enclosing type.
 *
 * Pure and runtime-neutral: no `node:*`, no I/O. Linear in the size of the document: each
 * selection set is walked at most once per parent type, so a fragment spread many times (or
 * spread exponentially through nested fragments) costs the same as one spread.
 *
 * @module
 */
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type NamedTypeNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql'

/** One coordinate, split into its parts. */
export interface CollectedCoordinate {
  /** `Type.field` */
  coordinate: string
  typeName: string
  fieldName: string
}

/** What {@link collectCoordinates} found, or why it could not decide. */
export type CollectResult =
  | {
      ok: true
      /** Every coordinate the operation can read, unique and sorted. */
      coordinates: string[]
      /** The operation selects `__schema` or `__type` on the query root. */
      introspection: boolean
      /** Field names (not response keys) selected on the root type, unique and sorted. */
      rootFields: string[]
    }
  | { ok: false; reason: string }

/** Introspection entry points, served only on the query root (as graphql-js does). */
const ROOT_META_FIELDS = new Set(['__schema', '__type'])

/**
 * Selects the operation as graphql-js execution does (by `operationName`, else the only one) and
 * returns every coordinate it can reach, with `__typename` as `Type.__typename` and root
 * introspection as `Query.__schema` / `Query.__type`. Coordinates inside an introspection subtree
 * (`__Type.fields` …) are not listed: the `introspection` flag is the decision point for those.
 *
 * Fields the schema does not know are skipped (validation reports them). Returns `ok: false` for
 * what execution would refuse or what could make the answer ambiguous: no operation, several
 * without `operationName`, an unknown or duplicated operation name, a subscription anywhere in the
 * document, a mutation where the schema has none, and, among the fragments the chosen
 * operation reaches, an unknown fragment, a duplicated fragment name or a fragment cycle.
 *
 * @example
 * const result = collectCoordinates(schema, parse('{ citizen(pin: "001") { name { full } } }'))
 * // { ok: true, coordinates: ['Citizen.name', 'PersonName.full', 'Query.citizen'],
 * //   introspection: false, rootFields: ['citizen'] }
 */
export function collectCoordinates(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): CollectResult {
  const queryType = schema.getQueryType()
  if (!queryType) return { ok: false, reason: 'the schema has no query type' }

  const operations: OperationDefinitionNode[] = []
  const fragments = new Map<string, FragmentDefinitionNode>()
  const duplicateFragments = new Set<string>()
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      if (definition.operation === 'subscription' || (definition.operation === 'mutation' && !schema.getMutationType())) {
        return {
          ok: false,
          reason: `only queries${schema.getMutationType() ? ' and mutations' : ''} are served (the document contains a ${definition.operation})`,
        }
      }
      operations.push(definition)
    } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const name = definition.name.value
      if (fragments.has(name)) duplicateFragments.add(name)
      fragments.set(name, definition)
    }
  }

  const selected = selectOperation(operations, operationName)
  if (typeof selected === 'string') return { ok: false, reason: selected }

  const problem = checkFragments(selected.selectionSet, fragments, duplicateFragments)
  if (problem) return { ok: false, reason: problem }
  // Checked above: a mutation reaches here only when the schema has a mutation type.
  const rootType = selected.operation === 'mutation' ? schema.getMutationType()! : queryType

  const coordinates = new Set<string>()
  const rootFields = new Set<string>()
  let introspection = false

  // Selection sets already walked, per parent type name. Every (selection set, type) pair is
  // walked once, which keeps the whole walk linear and bounds repeated or nested fragment spreads.
  const visited = new Map<SelectionSetNode, Set<string>>()
  const stack: Array<[SelectionSetNode, GraphQLCompositeType]> = []
  const push = (selectionSet: SelectionSetNode, type: GraphQLCompositeType): void => {
    let types = visited.get(selectionSet)
    if (!types) visited.set(selectionSet, (types = new Set()))
    if (types.has(type.name)) return
    types.add(type.name)
    stack.push([selectionSet, type])
  }
  const typeOfCondition = (condition: NamedTypeNode | undefined, parent: GraphQLCompositeType) => {
    if (!condition) return parent
    const type = schema.getType(condition.name.value)
    return type && isCompositeType(type) ? type : undefined
  }
  const emit = (type: GraphQLCompositeType, fieldName: string): void => {
    coordinates.add(`${type.name}.${fieldName}`)
    if (isAbstractType(type)) {
      for (const possible of schema.getPossibleTypes(type)) coordinates.add(`${possible.name}.${fieldName}`)
    }
  }

  push(selected.selectionSet, rootType)
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [selectionSet, parent] = next
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const fieldName = selection.name.value
        if (fieldName === '__typename') {
          emit(parent, fieldName)
          if (parent === rootType) rootFields.add(fieldName)
          continue
        }
        if (parent === queryType && ROOT_META_FIELDS.has(fieldName)) {
          emit(parent, fieldName)
          rootFields.add(fieldName)
          introspection = true
          continue
        }
        // Unions have no fields of their own besides __typename.
        if (!isObjectType(parent) && !isInterfaceType(parent)) continue
        const field = parent.getFields()[fieldName]
        if (!field) continue
        emit(parent, fieldName)
        if (parent === rootType) rootFields.add(fieldName)
        // The declared type on an interface is a supertype of each implementation's, so walking
        // it once covers what any concrete type's field could read.
        const fieldType = getNamedType(field.type)
        if (selection.selectionSet && isCompositeType(fieldType)) push(selection.selectionSet, fieldType)
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = typeOfCondition(selection.typeCondition, parent)
        if (type) push(selection.selectionSet, type)
      } else {
        const fragment = fragments.get(selection.name.value)
        const type = fragment && typeOfCondition(fragment.typeCondition, parent)
        if (fragment && type) push(fragment.selectionSet, type)
      }
    }
  }

  return {
    ok: true,
    coordinates: [...coordinates].sort(),
    introspection,
    rootFields: [...rootFields].sort(),
  }
}

/** Splits `Type.field` into its parts. */
export function splitCoordinate(coordinate: string): CollectedCoordinate {
  const dot = coordinate.indexOf('.')
  return { coordinate, typeName: coordinate.slice(0, dot), fieldName: coordinate.slice(dot + 1) }
}

/** graphql-js `buildExecutionContext` semantics; a string is the reason for refusing. */
function selectOperation(operations: OperationDefinitionNode[], operationName: string | null | undefined): OperationDefinitionNode | string {
  if (operationName == null) {
    if (operations.length === 0) return 'the document contains no operation'
    if (operations.length > 1) return 'the document contains several operations and no operationName was given'
    return operations[0] as OperationDefinitionNode
  }
  const named = operations.filter((operation) => operation.name?.value === operationName)
  if (named.length === 0) return `unknown operation named "${operationName}"`
  if (named.length > 1) return `several operations are named "${operationName}"`
  return named[0] as OperationDefinitionNode
}

/**
 * Checks the fragments the operation reaches (syntactically, whatever their type conditions):
 * each must exist, be defined once and not spread itself through any chain. Iterative, so a long
 * chain of fragments cannot overflow the stack.
 */
function checkFragments(root: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, duplicates: Set<string>): string | undefined {
  const spreadsCache = new Map<string, string[]>()
  const spreadsOfFragment = (name: string, definition: FragmentDefinitionNode): string[] => {
    let spreads = spreadsCache.get(name)
    if (!spreads) spreadsCache.set(name, (spreads = spreadsIn(definition.selectionSet)))
    return spreads
  }
  const checkName = (name: string): string | undefined => {
    if (!fragments.has(name)) return `unknown fragment "${name}"`
    if (duplicates.has(name)) return `fragment "${name}" is defined more than once`
    return undefined
  }

  // 1 = on the current path, 2 = fully explored.
  const state = new Map<string, 1 | 2>()
  for (const start of spreadsIn(root)) {
    const problem = checkName(start)
    if (problem) return problem
    if (state.has(start)) continue
    const path: Array<{ name: string; spreads: string[]; next: number }> = []
    const enter = (name: string) => {
      state.set(name, 1)
      path.push({ name, spreads: spreadsOfFragment(name, fragments.get(name) as FragmentDefinitionNode), next: 0 })
    }
    enter(start)
    while (path.length > 0) {
      const frame = path[path.length - 1] as (typeof path)[number]
      if (frame.next >= frame.spreads.length) {
        state.set(frame.name, 2)
        path.pop()
        continue
      }
      const child = frame.spreads[frame.next++] as string
      const problem = checkName(child)
      if (problem) return problem
      const seen = state.get(child)
      if (seen === 1) {
        const cycle = path.slice(path.findIndex((f) => f.name === child)).map((f) => f.name)
        return `fragment cycle: ${[...cycle, child].join(' → ')}`
      }
      if (seen === undefined) enter(child)
    }
  }
  return undefined
}

/** Names of the fragments spread directly in a selection set (not through other fragments). */
function spreadsIn(root: SelectionSetNode): string[] {
  const names = new Set<string>()
  const stack = [root]
  for (let set = stack.pop(); set; set = stack.pop()) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) names.add(selection.name.value)
      else if (selection.selectionSet) stack.push(selection.selectionSet)
    }
  }
  return [...names]
}
