import { filterSchema, pruneSchema } from '@graphql-tools/utils'
import { getNamedType, isObjectType, type GraphQLSchema } from 'graphql'

/**
 * The schema as one agency may see it for one purpose: only the coordinates its grants allow
 * (`Type.*` keeps every field of the type), and no field leading to a type of which nothing is
 * visible; unreachable types pruned. Introspection runs against it, so an agency cannot map what
 * it may not read. Returns null when no root field is visible.
 */
export function viewSchema(schema: GraphQLSchema, visible: ReadonlySet<string>): GraphQLSchema | null {
  const queryType = schema.getQueryType()
  if (!queryType) return null
  const granted = (typeName: string, fieldName: string) => visible.has(`${typeName}.${fieldName}`) || visible.has(`${typeName}.*`)
  // Fixpoint: a field is kept when granted and its type is a leaf or an object with a kept field.
  const kept = new Map<string, Set<string>>()
  const objectTypes = Object.values(schema.getTypeMap()).filter((type) => isObjectType(type) && !type.name.startsWith('__'))
  for (const type of objectTypes) {
    if (!isObjectType(type)) continue
    kept.set(type.name, new Set(Object.keys(type.getFields()).filter((field) => granted(type.name, field))))
  }
  let changed = true
  while (changed) {
    changed = false
    for (const type of objectTypes) {
      if (!isObjectType(type)) continue
      const fields = kept.get(type.name)!
      for (const name of [...fields]) {
        const target = getNamedType(type.getFields()[name]!.type)
        if (isObjectType(target) && (kept.get(target.name)?.size ?? 0) === 0) {
          fields.delete(name)
          changed = true
        }
      }
    }
  }
  if ((kept.get(queryType.name)?.size ?? 0) === 0) return null
  const keep = (typeName: string, fieldName: string) => kept.get(typeName)?.has(fieldName) ?? false
  return pruneSchema(
    filterSchema({
      schema,
      rootFieldFilter: (operation, fieldName) =>
        keep((operation === 'Mutation' ? schema.getMutationType() : operation === 'Query' ? queryType : null)?.name ?? '', fieldName),
      objectFieldFilter: (typeName, fieldName) => keep(typeName, fieldName),
    }),
  )
}
