import { getArgumentValues } from '@graphql-tools/utils'
import { getNamedType, isInterfaceType, isObjectType, Kind, parse, type DocumentNode, type GraphQLSchema } from 'graphql'
import { registryTypeDefs } from '../../schemas/index.js'
import { collectCoordinates } from '../coordinates/index.js'
import { operationAndFragments, rootFieldSelections, rootTypeOf } from '../coordinates/operation.js'

/** What a list root field returns when the caller gives no `first` (the connectors' page size). */
export const DEFAULT_PAGE_SIZE = 20

export interface CostEstimate {
  /** Records asked for: each list root field's `first`, 1 per other data root field. */
  records: number
  /** Registries whose fields the operation can read (population, land, business). */
  registries: string[]
  /** `max(1, records) × max(1, registries)`: the units the request takes from its limits. */
  cost: number
}

/**
 * Which registry serves what, from the SDL file each is declared in: fields (`extend type`
 * included) and types (a field returning a `Citizen` reads the population registry, whichever
 * file declares the field).
 */
function registryOwners(described: Readonly<Record<string, string>>): { fields: Map<string, string>; types: Map<string, string> } {
  const owners = new Map<string, string>()
  const types = new Map<string, string>()
  for (const [registry, sdl] of Object.entries({ ...registryTypeDefs, ...described })) {
    for (const definition of parse(sdl).definitions) {
      if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value !== 'Query') types.set(definition.name.value, registry)
      if (
        (definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
          definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
          definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
          definition.kind === Kind.INTERFACE_TYPE_EXTENSION) &&
        definition.fields
      ) {
        for (const field of definition.fields) owners.set(`${definition.name.value}.${field.name.value}`, registry)
      }
    }
  }
  return { fields: owners, types }
}

const META_FIELDS = new Set(['__typename', '__schema', '__type'])

/**
 * Estimates a request's cost before it executes: records asked for × registries
 * touched. Records: per root field selected (aliases and fragment spreads each count), its
 * `first` (with the variables; the schema default, else {@link DEFAULT_PAGE_SIZE}) for a list,
 * 1 for a single record; introspection and `__typename` count nothing. Registries: those owning
 * any coordinate the operation can read, nested links included; the administrative-unit
 * catalogue is the gateway's own and touches none. At least 1 × 1.
 *
 * @example
 * estimate(doc('{ enterprises(first: 10) { nodes { legalRepresentatives { citizen { name { full } } } } } }'))
 * // { records: 10, registries: ['business', 'population'], cost: 20 }
 */
export function createCostEstimator(
  schema: GraphQLSchema,
  /** Sources connected by description: registry name → the SDL it adds (its fields and types are its own). */
  described: Readonly<Record<string, string>> = {},
) {
  const owners = registryOwners(described)
  const registriesByDocument = new WeakMap<DocumentNode, Map<string, string[]>>()

  function registriesOf(document: DocumentNode, operationName: string | null | undefined): string[] {
    let byName = registriesByDocument.get(document)
    if (!byName) registriesByDocument.set(document, (byName = new Map()))
    const key = operationName ?? ''
    let registries = byName.get(key)
    if (!registries) {
      const collected = collectCoordinates(schema, document, operationName)
      const found = new Set<string>()
      if (collected.ok)
        for (const coordinate of collected.coordinates) {
          const owner = owners.fields.get(coordinate)
          if (owner) found.add(owner)
          const [typeName, fieldName] = coordinate.split('.') as [string, string]
          const parent = schema.getType(typeName)
          const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[fieldName] : undefined
          const returned = field ? owners.types.get(getNamedType(field.type).name) : undefined
          if (returned) found.add(returned)
        }
      registries = [...found].sort()
      byName.set(key, registries)
    }
    return registries
  }

  function recordsOf(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): number {
    const { operation, fragments } = operationAndFragments(document, operationName)
    const rootType = operation && rootTypeOf(schema, operation)
    if (!operation || !rootType) return 1
    const fields = rootType.getFields()
    let records = 0
    for (const selection of rootFieldSelections(operation.selectionSet, fragments)) {
      if (META_FIELDS.has(selection.name.value)) continue
      const field = fields[selection.name.value]
      if (!field) continue
      if (!field.args.some((arg) => arg.name === 'first')) {
        records += 1
        continue
      }
      let first: unknown
      try {
        first = getArgumentValues(field, selection, variables).first
      } catch {
        first = undefined // a variable that does not coerce: execution refuses it anyway
      }
      records += typeof first === 'number' && Number.isSafeInteger(first) && first >= 0 ? first : DEFAULT_PAGE_SIZE
    }
    return records
  }

  return function estimate(
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): CostEstimate {
    const records = recordsOf(document, operationName, variables ?? {})
    const registries = registriesOf(document, operationName)
    return { records, registries, cost: Math.max(1, records) * Math.max(1, registries.length) }
  }
}
