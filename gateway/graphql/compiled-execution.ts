import { useGraphQlJit } from '@envelop/graphql-jit'
import { getOperationAST, getVariableValues, type GraphQLSchema } from 'graphql'

/**
 * Compiled execution (graphql-jit) for the one schema data requests run on, where it behaves as
 * graphql-js does; everything else runs on graphql-js:
 * - another schema (an agency's introspection view): the plugin caches plans by document alone,
 *   so a plan compiled for one schema would be reused for another;
 * - variables that do not coerce: graphql-js answers them as the caller's error (400, the
 *   error contract's wording, suggestions hidden); graphql-jit as an execution error (200) with
 *   its own words. Checking them first costs one coercion, and keeps one answer for one mistake.
 * Put it before any plugin that replaces execution (the policy's), so that one wins.
 */
export function useCompiledExecution(schema: GraphQLSchema): ReturnType<typeof useGraphQlJit> {
  return useGraphQlJit({}, { enableIf: (args) => args.schema === schema && variablesCoerce(args) })
}

function variablesCoerce(args: {
  schema: GraphQLSchema
  document: Parameters<typeof getOperationAST>[0]
  operationName?: string | null | undefined
  variableValues?: unknown
}): boolean {
  const operation = getOperationAST(args.document, args.operationName)
  if (!operation) return false
  const definitions = operation.variableDefinitions ?? []
  if (definitions.length === 0) return true
  const inputs = (args.variableValues ?? {}) as Record<string, unknown>
  return getVariableValues(args.schema, definitions, inputs, { maxErrors: 1 }).errors === undefined
}
