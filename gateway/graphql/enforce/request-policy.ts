import type { Decision } from '../../../policies/index.js'

export type AllowedDecision = Extract<Decision, { allowed: true }>

/** The decision a request runs under, put in the GraphQL context by the policy plugin. */
export interface RequestPolicy {
  decision: AllowedDecision
  version: number
  agencyId: string
}

/** Context key: set only by `usePolicy`, read by the guarded resolvers. */
export const POLICY_KEY = 'policy' as const
