/**
 * What the mapping check needs to know of a JSON Schema (refs already inlined): its kind, whether
 * it may be null, its properties and items. Only the shapes a record source writes are read;
 * `oneOf`/`anyOf` cannot be mapped through (which branch would a field come from?).
 */
import type { JsonSchema } from './description.js'

export type SchemaKind = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'unknown'

function types(schema: JsonSchema): string[] {
  const type = schema.type
  if (typeof type === 'string') return [type]
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string')
  if (schema.properties) return ['object']
  if (schema.items) return ['array']
  return []
}

/** The one kind of value the schema allows, `null` aside; `unknown` when none or several. */
export function kindOf(schema: JsonSchema): SchemaKind {
  const merged = mergeAllOf(schema)
  const kinds = types(merged).filter((t) => t !== 'null')
  if (kinds.length !== 1) return 'unknown'
  const kind = kinds[0]!
  return (['string', 'integer', 'number', 'boolean', 'object', 'array'] as const).find((k) => k === kind) ?? 'unknown'
}

/** Whether the value may be null: OpenAPI 3.0 `nullable`, or 3.1's `null` among the types. */
export function isNullable(schema: JsonSchema): boolean {
  if (schema.nullable === true || types(schema).includes('null')) return true
  // `allOf` admits null only where every part does (a `$ref` wrapped to carry a description).
  return Array.isArray(schema.allOf) && schema.type === undefined && (schema.allOf as JsonSchema[]).every(isNullable)
}

/** `allOf` parts merged into one object schema (properties and required lists joined). */
export function mergeAllOf(schema: JsonSchema): JsonSchema {
  if (!Array.isArray(schema.allOf)) return schema
  const { allOf, ...rest } = schema
  let properties: Record<string, JsonSchema> = { ...((rest.properties as Record<string, JsonSchema>) ?? {}) }
  let required: string[] = [...((rest.required as string[]) ?? [])]
  let type = rest.type
  for (const part of allOf as JsonSchema[]) {
    const merged = mergeAllOf(part)
    properties = { ...properties, ...((merged.properties as Record<string, JsonSchema>) ?? {}) }
    required = [...required, ...((merged.required as string[]) ?? [])]
    type ??= merged.type
  }
  return { ...rest, ...(type === undefined ? {} : { type }), properties, required }
}

export interface PropertyAt {
  schema: JsonSchema
  /** Every step on the way is listed in its object's `required` and none of them may be null. */
  present: boolean
}

/**
 * The schema at a dotted path of object properties, or a message saying which step is missing.
 * `present` tells whether a value is promised there (so a non-null field may read it).
 */
export function propertyAt(schema: JsonSchema, path: readonly string[]): PropertyAt | string {
  let current = mergeAllOf(schema)
  let present = true
  for (const [i, step] of path.entries()) {
    if (current.oneOf || current.anyOf) return `${path.slice(0, i).join('.') || 'the record'} is a oneOf/anyOf: a field cannot be read through it`
    if (kindOf(current) !== 'object') return `${path.slice(0, i).join('.') || 'the record'} is not an object`
    const properties = (current.properties ?? {}) as Record<string, JsonSchema>
    const next = Object.hasOwn(properties, step) ? properties[step] : undefined
    if (!next) return `${path.slice(0, i + 1).join('.')} does not exist`
    const required = Array.isArray(current.required) && current.required.includes(step)
    present = present && required && !isNullable(next)
    current = mergeAllOf(next)
  }
  return { schema: current, present }
}

/** The values an `enum` lists, as text (codes compare as text), or null when it lists none. */
export function enumValues(schema: JsonSchema): string[] | null {
  return Array.isArray(schema.enum) ? schema.enum.filter((v) => v !== null).map(String) : null
}

/** A decimal's canonical form as text: how a WSDL's `decimal` is described, so no digit or scale is lost to a JS number. */
export const DECIMAL_PATTERN = '^-?\\d+(\\.\\d+)?$'

/** Text that is a decimal number by its description: XML Schema's decimal, or OpenAPI's `format: decimal`. */
export const isDecimalText = (schema: JsonSchema) => kindOf(schema) === 'string' && (schema.pattern === DECIMAL_PATTERN || schema.format === 'decimal')
