/**
 * What a mapping may name of the canonical schema: its scalars (values checked by the same scalar
 * code as every other field), its enums with their values, its object and input types with their
 * fields, and its root fields. A described source may add types and root fields, or answer the
 * canonical ones it is the registry of; it never redefines one.
 */
import { Kind, parse, print, type FieldDefinitionNode, type InputValueDefinitionNode } from 'graphql'

export interface CanonicalField {
  /** As SDL writes it: `TaxCode!`, `[BusinessLine!]!`. */
  type: string
  /** Arguments, name → type as SDL writes it. */
  args: ReadonlyMap<string, string>
}

export interface CanonicalCatalog {
  scalars: ReadonlySet<string>
  enums: ReadonlyMap<string, ReadonlySet<string>>
  /** Every type name in use, scalars and enums included. */
  typeNames: ReadonlySet<string>
  /**
   * Object types with the fields of their own definition. Fields another module adds with
   * `extend type` are that module's to answer (`Enterprise.landParcels` is the land registry's),
   * so a source that answers the type answers only these.
   */
  objects: ReadonlyMap<string, ReadonlyMap<string, CanonicalField>>
  /** The fields modules add to object types with `extend type`: a source answers those of its own registry (`Citizen.landParcels`). */
  extensions: ReadonlyMap<string, ReadonlyMap<string, CanonicalField>>
  inputs: ReadonlyMap<string, ReadonlyMap<string, string>>
  /** Root fields of `Query`, with their types and arguments. */
  query: ReadonlyMap<string, CanonicalField>
  /** Fields a record carries for the kit's resolvers, by type: see CARRIED_FIELDS. */
  carried: ReadonlyMap<string, ReadonlyMap<string, CarriedField>>
  /** Canonical types a mapping may not answer: see OWN_RECORD_TYPES. */
  ownRecords: ReadonlySet<string>
}

export interface CarriedField {
  /** The value's type, as SDL writes it. */
  type: string
  /** The schema's field the kit's resolvers answer from it. */
  answers: string
}

/**
 * Fields of the schema the kit's resolvers answer from a code the record carries, not from the
 * record itself: `Address.province` is the admin-unit catalogue's unit for the record's
 * `provinceCode` (connectors/kit/admin-units). A source answers such a field by giving the code.
 */
export const CARRIED_FIELDS: ReadonlyMap<string, ReadonlyMap<string, CarriedField>> = new Map([
  [
    'Address',
    new Map([
      ['provinceCode', { type: 'AdminCode', answers: 'province' }],
      ['communeCode', { type: 'AdminCode', answers: 'commune' }],
    ]),
  ],
  // The commune the map sheet was numbered in, possibly one merged away in 2025.
  ['LandParcel', new Map([['communeCode', { type: 'AdminCode', answers: 'commune' }]])],
])

const BUILT_IN_SCALARS = ['String', 'Int', 'Float', 'Boolean', 'ID']

const argsOf = (args: readonly InputValueDefinitionNode[] | undefined) => new Map((args ?? []).map((arg) => [arg.name.value, print(arg.type)]))
const fieldOf = (field: FieldDefinitionNode): CanonicalField => ({ type: print(field.type), args: argsOf(field.arguments) })

/**
 * Canonical types whose fields hand-written resolvers answer from values only their own records
 * carry (`Household.head` from the record's `headPin`): a source that answered them would leave
 * those resolvers reading nothing. A mapping may not answer them until the values are declared as
 * carried fields.
 */
export const OWN_RECORD_TYPES: ReadonlySet<string> = new Set(['Citizen', 'Household', 'HouseholdMembership', 'HouseholdMember', 'RelatedPerson'])

export function canonicalCatalog(sdl: readonly string[]): CanonicalCatalog {
  const scalars = new Set(BUILT_IN_SCALARS)
  const enums = new Map<string, Set<string>>()
  const typeNames = new Set(BUILT_IN_SCALARS)
  const objects = new Map<string, Map<string, CanonicalField>>()
  const extensions = new Map<string, Map<string, CanonicalField>>()
  const inputs = new Map<string, Map<string, string>>()
  const query = new Map<string, CanonicalField>()
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
        for (const field of definition.fields ?? []) {
          query.set(field.name.value, fieldOf(field))
        }
      } else if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) {
        objects.set(name, new Map((definition.fields ?? []).map((field) => [field.name.value, fieldOf(field)])))
      } else if (definition.kind === Kind.OBJECT_TYPE_EXTENSION) {
        const added = extensions.get(name) ?? new Map<string, CanonicalField>()
        for (const field of definition.fields ?? []) added.set(field.name.value, fieldOf(field))
        extensions.set(name, added)
      }
      if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
        inputs.set(name, argsOf(definition.fields))
      }
      if (definition.kind !== Kind.DIRECTIVE_DEFINITION && definition.kind !== Kind.DIRECTIVE_EXTENSION) typeNames.add(name)
    }
  }
  return { scalars, enums, typeNames, objects, extensions, inputs, query, carried: CARRIED_FIELDS, ownRecords: OWN_RECORD_TYPES }
}
