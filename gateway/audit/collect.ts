/**
 * What the guarded resolvers note for the audit trail: the coordinates that produced a value,
 * the records root fields returned, and the PINs and tax codes touched (hashed later, never
 * stored raw). Found from the schema's scalar types, so a new field holding a PIN is covered
 * without a list to keep up to date.
 */
import { getNamedType, isObjectType, type GraphQLFieldConfigArgumentMap, type GraphQLSchema } from 'graphql'
import type { AuditDraft } from './draft.js'

const IDENTIFIER_SCALARS = new Set(['PIN', 'TaxCode'])

/** Per object type, the fields whose values are PINs or tax codes. */
export function identifierFields(schema: GraphQLSchema): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue
    const names = Object.values(type.getFields())
      .filter((field) => IDENTIFIER_SCALARS.has(getNamedType(field.type).name))
      .map((field) => field.name)
    if (names.length > 0) out.set(type.name, names)
  }
  return out
}

/** The arguments of a root field that name a subject (`citizen(pin:)`, `enterprise(code:)`). */
export function identifierArguments(args: GraphQLFieldConfigArgumentMap | undefined): string[] {
  if (!args) return []
  return Object.entries(args)
    .filter(([, arg]) => IDENTIFIER_SCALARS.has(getNamedType(arg.type).name))
    .map(([name]) => name)
}

function countRecords(value: unknown): number {
  if (Array.isArray(value)) return value.filter((item) => item !== null && item !== undefined).length
  if (typeof value === 'object' && value !== null) {
    const nodes = (value as { nodes?: unknown; edges?: unknown }).nodes ?? (value as { edges?: unknown }).edges
    return Array.isArray(nodes) ? nodes.length : 1
  }
  return 1
}

export function noteRecords(draft: AuditDraft, coordinate: string, value: unknown, identifierFieldNames: string[] | undefined, isRoot: boolean): void {
  draft.returned.add(coordinate)
  if (isRoot) draft.records += countRecords(value)
  if (!identifierFieldNames) return
  const records = Array.isArray(value) ? value : [value]
  for (const record of records) {
    if (typeof record !== 'object' || record === null) continue
    for (const name of identifierFieldNames) {
      const id = (record as Record<string, unknown>)[name]
      if (typeof id === 'string' && id.length > 0) draft.identifiers.add(id)
    }
  }
}
