import { getNamedType, isObjectType, type GraphQLSchema } from 'graphql'
import type { LoadProblem, PolicySet } from '../../policies/index.js'

/**
 * Checks a policy set against the GraphQL schema: every coordinate in `allow`, `mask` and `classes` names
 * an existing type and field (`Type.*` an existing type), every `where` type exists and its paths
 * follow fields of the schema. A typo in a deny-by-default policy is a permission that silently
 * does nothing, or a filter that silently filters nothing: both are errors.
 */
export function checkCoordinates(set: PolicySet, schema: GraphQLSchema, fileOf: (agencyId: string) => string = (id) => `agencies/${id}.yaml`): LoadProblem[] {
  const problems: LoadProblem[] = []
  const check = (file: string, path: string, coordinate: string) => {
    const [typeName, fieldName] = coordinate.split('.') as [string, string]
    const type = schema.getType(typeName)
    if (!type || !isObjectType(type)) problems.push({ file, path, message: `${coordinate}: no object type ${typeName} in the schema` })
    else if (fieldName !== '*' && !type.getFields()[fieldName]) problems.push({ file, path, message: `${coordinate}: ${typeName} has no field ${fieldName}` })
  }
  for (const agency of set.agencies) {
    const file = fileOf(agency.agency)
    for (const [name, coordinates] of Object.entries(agency.classes ?? {}))
      coordinates.forEach((coordinate, i) => check(file, `classes.${name}.${i}`, coordinate))
    for (const [index, grant] of agency.grants.entries()) {
      grant.allow.forEach((coordinate, i) => check(file, `grants.${index}.allow.${i}`, coordinate))
      // A key without a dot names a data class, checked by the policy language (classProblems).
      for (const coordinate of Object.keys(grant.mask ?? {})) if (coordinate.includes('.')) check(file, `grants.${index}.mask.${coordinate}`, coordinate)
      for (const [typeName, condition] of Object.entries(grant.where ?? {})) {
        const type = schema.getType(typeName)
        if (!type || !isObjectType(type)) {
          problems.push({ file, path: `grants.${index}.where.${typeName}`, message: `no object type ${typeName} in the schema` })
          continue
        }
        for (const path of conditionPaths(condition)) {
          let current = type
          for (const segment of path.split('.')) {
            const field = isObjectType(current) ? current.getFields()[segment] : undefined
            if (!field) {
              problems.push({ file, path: `grants.${index}.where.${typeName}`, message: `${path}: ${current.name} has no field ${segment}` })
              break
            }
            current = getNamedType(field.type) as typeof current
          }
        }
      }
    }
  }
  return problems
}

function conditionPaths(condition: unknown): string[] {
  if (!condition || typeof condition !== 'object') return []
  const node = condition as Record<string, unknown>
  if (Array.isArray(node.and)) return node.and.flatMap(conditionPaths)
  if (Array.isArray(node.or)) return node.or.flatMap(conditionPaths)
  if (Object.keys(node).length === 1 && 'not' in node && node.not && typeof node.not === 'object' && !('in' in node.not) && !('eq' in node.not))
    return conditionPaths(node.not)
  return Object.keys(node)
}
