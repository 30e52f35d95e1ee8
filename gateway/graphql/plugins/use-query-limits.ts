import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor'

/**
 * Limits on the shape of an operation (graphql-armor): the canonical schema's deepest honest
 * query (enterprise → representative → citizen → residence → address → unit → successors) is
 * about 8 levels, a one-stop desk sends a handful of aliases, and no client needs thousands of
 * tokens. Beyond, the request is `QUERY_TOO_COMPLEX` (see use-error-contract.ts), before any
 * policy or registry work. Field suggestions ("did you mean …") are off: they would describe
 * the schema to a caller whose agency may not see it.
 */
export const QUERY_LIMITS = {
  maxDepth: 12,
  maxAliases: 20,
  maxTokens: 3000,
  maxDirectives: 30,
  /** graphql-armor's cost: 2 per object, 1 per scalar, × 1.5 per level of depth. */
  maxCost: 20_000,
} as const

/** An Envelop plugin, which Yoga runs as it is. */
export function useQueryLimits(): ReturnType<typeof EnvelopArmorPlugin> {
  return EnvelopArmorPlugin({
    maxDepth: { n: QUERY_LIMITS.maxDepth, exposeLimits: true, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases, exposeLimits: true },
    maxTokens: { n: QUERY_LIMITS.maxTokens, exposeLimits: true },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, exposeLimits: true },
    costLimit: { maxCost: QUERY_LIMITS.maxCost, exposeLimits: true, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: true },
  })
}

/** graphql-armor's refusals carry no code, only this wording (stable across its plugins). */
export const isQueryLimitError = (message: string) => /limit of \d+ exceeded/i.test(message)
