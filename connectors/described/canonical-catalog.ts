/**
 * What a mapping may name of the canonical schema: its scalars (values checked by the same scalar
 * code as every other field), its enums with their values, and the names it already uses (a
 * described source may add types and root fields, never redefine one).
 */
import { Kind, parse } from 'graphql'

export interface CanonicalCatalog {
  scalars: ReadonlySet<string>
  enums: ReadonlyMap<string, ReadonlySet<string>>
  /** Every type name in use, scalars and enums included. */
  typeNames: ReadonlySet<string>
  queryFields: ReadonlySet<string>
}

const BUILT_IN_SCALARS = ['String', 'Int', 'Float', 'Boolean', 'ID']

export function canonicalCatalog(sdl: readonly string[]): CanonicalCatalog {
  const scalars = new Set(BUILT_IN_SCALARS)
  const enums = new Map<string, Set<string>>()
  const typeNames = new Set(BUILT_IN_SCALARS)
  const queryFields = new Set<string>()
  for (const text of sdl) {
    for (const definition of parse(text).definitions) {
      if (!('name' in definition) || !definition.name || definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) continue
      const name = definition.name.value
      if (definition.kind === Kind.SCALAR_TYPE_DEFINITION) scalars.add(name)
      if (definition.kind === Kind.ENUM_TYPE_DEFINITION || definition.kind === Kind.ENUM_TYPE_EXTENSION) {
        const values = enums.get(name) ?? new Set<string>()
        for (const value of definition.values ?? []) values.add(value.name.value)
        enums.set(name, values)
      }
      if ((definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) && name === 'Query') {
        for (const field of definition.fields ?? []) queryFields.add(field.name.value)
      }
      if (definition.kind !== Kind.DIRECTIVE_DEFINITION && definition.kind !== Kind.DIRECTIVE_EXTENSION) typeNames.add(name)
    }
  }
  return { scalars, enums, typeNames, queryFields }
}
