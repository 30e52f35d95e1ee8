import { getNamedType, isObjectType, Kind, parse, type GraphQLSchema, type TypeNode } from 'graphql'
import { typeDefs } from './sdl.js'

/**
 * Data classes: the identifiers of the canonical schema, each the same kind of value wherever it
 * appears. One person's PIN is `Citizen.pin`, and also `LegalRepresentative.pin`, `LandHolder.pin`,
 * `HouseholdMember.pin` … of the records that name them: the schema has many coordinates for one
 * value. A policy treats a class as a whole (masked on every path, or plain on every path), so a
 * mask on one coordinate cannot be read around through another.
 *
 * A class is declared by a scalar (every field of that scalar, in every type, now and when new
 * fields are added) or by a list of fields (identifiers typed `ID` or `String`).
 */
interface ClassDefinition {
  description: string
  /** Every field whose named type is one of these scalars. */
  scalars?: readonly string[]
  /** And these fields, `Type.field`. */
  fields?: readonly string[]
}

export const DATA_CLASS_DEFINITIONS = {
  pin: {
    description: 'số định danh cá nhân (PIN); since 1 July 2025 also the personal tax code (TT 86/2024/TT-BTC)',
    scalars: ['PIN'],
  },
  taxCode: {
    description: "mã số doanh nghiệp / mã số thuế: an enterprise's or branch's tax code, a sole proprietor's included",
    scalars: ['TaxCode'],
  },
  householdId: {
    description: "mã hộ gia đình: a household's id in the population registry",
    fields: ['Household.id', 'HouseholdMembership.householdId'],
  },
  legacyIdNumber: {
    description: 'số CMND: the 9-digit (or old 12-digit) identity card number of older records',
    fields: ['Citizen.legacyIdNumber'],
  },
} as const satisfies Record<string, ClassDefinition>

export type DataClass = keyof typeof DATA_CLASS_DEFINITIONS

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type)
}

/** Every `Type.field` of the SDL with the name of its field type (object types and extensions). */
function fieldTypes(sdl: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>()
  for (const text of sdl) {
    for (const definition of parse(text).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue
      for (const field of definition.fields ?? []) fields.set(`${definition.name.value}.${field.name.value}`, namedType(field.type))
    }
  }
  return fields
}

/** class → its coordinates, sorted. */
export type DataClassMap = ReadonlyMap<string, readonly string[]>

/** The classes over a schema's fields (`Type.field` → named type). Throws when a listed field does not exist. */
function classesOver(fields: ReadonlyMap<string, string>, strict: boolean): DataClassMap {
  const classes = new Map<string, readonly string[]>()
  const owner = new Map<string, string>()
  for (const [name, definition] of Object.entries(DATA_CLASS_DEFINITIONS) as Array<[string, ClassDefinition]>) {
    const members = new Set<string>()
    for (const [coordinate, type] of fields) if (definition.scalars?.includes(type)) members.add(coordinate)
    for (const coordinate of definition.fields ?? []) {
      if (fields.has(coordinate)) members.add(coordinate)
      else if (strict) throw new Error(`data class ${name}: the schema has no field ${coordinate}`)
    }
    // One class per field: a field in two classes would have two treatments.
    for (const coordinate of members) {
      const other = owner.get(coordinate)
      if (other) throw new Error(`${coordinate} is in data classes ${other} and ${name}`)
      owner.set(coordinate, name)
    }
    classes.set(name, [...members].sort())
  }
  return classes
}

/**
 * The canonical classes resolved against the SDL: class → its coordinates, sorted. Throws when a
 * listed field does not exist, so a renamed field cannot silently drop out of its class.
 */
export function resolveDataClasses(sdl: readonly string[] = typeDefs): DataClassMap {
  return classesOver(fieldTypes(sdl), true)
}

const bySchema = new WeakMap<GraphQLSchema, DataClassMap>()

/**
 * The classes over a built schema, as it is served: the canonical types and whatever a source
 * connected by description added (a `PIN` field of a new type is in class `pin` like every other).
 * What the gateway decides with, so no path to an identifier is outside its class.
 */
export function dataClassesOf(schema: GraphQLSchema): DataClassMap {
  let classes = bySchema.get(schema)
  if (!classes) {
    const fields = new Map<string, string>()
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue
      for (const field of Object.values(type.getFields())) fields.set(`${type.name}.${field.name}`, getNamedType(field.type).name)
    }
    // A schema with fewer types than the canonical one (a test's, a view) has fewer members; the
    // canonical SDL itself is checked strictly by resolveDataClasses.
    classes = classesOver(fields, false)
    bySchema.set(schema, classes)
  }
  return classes
}

/** class → coordinates, for the canonical schema. */
export const DATA_CLASSES: DataClassMap = resolveDataClasses()

/** coordinate → class, for the canonical schema. */
export const DATA_CLASS_OF: ReadonlyMap<string, string> = new Map(
  [...DATA_CLASSES].flatMap(([name, coordinates]) => coordinates.map((c) => [c, name] as const)),
)
