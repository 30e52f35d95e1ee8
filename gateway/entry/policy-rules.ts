/**
 * What a policy set is checked against where it is served: the policy language's own checks,
 * then every coordinate and `where` path against the served schema, with its data classes (a
 * grant reading a described source's PIN must say how it is shown). Runtime-neutral: both entries
 * build it from their served canonical schema.
 */
import type { GraphQLSchema } from 'graphql'
import { parsePolicySet, type LoadProblem, type PolicyFile, type PolicySet, type PolicySetResult } from '../../policies/index.js'
import { checkCoordinates } from '../policy/index.js'
import type { ServedCanonical } from './served-canonical.js'

export interface PolicyRules {
  /** The schema served (no resolvers): what policies and the console's simulator are checked against. */
  schema: GraphQLSchema
  parse(files: PolicyFile[]): PolicySetResult
  /** Every problem of the set, parsed and cross-checked; empty when it may be stored. */
  validate(files: PolicyFile[]): LoadProblem[]
  /** A stored version's files as a policy set; throws listing the problems if it does not load. */
  setOf(files: PolicyFile[]): PolicySet
}

export function policyRulesFor(canonical: Pick<ServedCanonical, 'schema' | 'dataClasses'>): PolicyRules {
  const parse = (files: PolicyFile[]) => parsePolicySet(files, { dataClasses: canonical.dataClasses })
  return {
    schema: canonical.schema,
    parse,
    validate(files) {
      const result = parse(files)
      return result.ok ? checkCoordinates(result.set, canonical.schema) : result.problems
    },
    setOf(files) {
      const result = parse(files)
      const problems = result.ok ? checkCoordinates(result.set, canonical.schema) : result.problems
      if (!result.ok || problems.length > 0) {
        throw new Error(`Invalid policy documents:\n${problems.map((p) => `  - ${p.file} ${p.path}: ${p.message}`).join('\n')}`)
      }
      return result.set
    },
  }
}
