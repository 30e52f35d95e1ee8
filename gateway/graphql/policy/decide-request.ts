import type { DocumentNode, GraphQLSchema } from 'graphql'
import { decide, type Decision } from '../../../policies/index.js'
import type { ActivePolicies } from '../../policy/index.js'
import type { Caller, RequestContext } from '../../identity/caller.js'
import { collectCoordinates } from '../coordinates/index.js'

export type RequestDecision =
  | { ok: true; decision: Extract<Decision, { allowed: true }>; introspection: boolean }
  | { ok: false; code: 'PURPOSE_REQUIRED' | 'PURPOSE_NOT_ALLOWED' | 'CASE_REQUIRED' | 'FORBIDDEN' | 'BAD_USER_INPUT'; message: string; decision?: Decision }

const INTROSPECTION_ROOTS = new Set(['Query.__schema', 'Query.__type'])
/** Decisions depend on the time (grant validity): cached per 10 s, so an expiry lands within 10 s. */
const TIME_BUCKET_MS = 10_000
const MAX_ENTRIES_PER_DOCUMENT = 64

interface Entry {
  bucket: number
  byKey: Map<string, RequestDecision>
}

/**
 * Decides one request: the operation's coordinates (collected once per parsed document) against
 * the caller's agency policy for its declared purpose. Decisions are cached per document object
 * (Yoga's parse cache hands back the same object for the same query text), policy version,
 * agency, purpose, context and operation name: a repeated query costs a Map lookup.
 */
export function createRequestDecider(schema: GraphQLSchema) {
  const cache = new WeakMap<DocumentNode, Entry>()
  const queryType = schema.getQueryType()?.name ?? 'Query'

  function compute(document: DocumentNode, operationName: string | null | undefined, caller: Caller, context: RequestContext, policies: ActivePolicies, now: Date): RequestDecision {
    const collected = collectCoordinates(schema, document, operationName)
    if (!collected.ok) return { ok: false, code: 'BAD_USER_INPUT', message: collected.reason }
    const agency = policies.agencies.get(caller.agencyId)
    if (!agency) return { ok: false, code: 'FORBIDDEN', message: `Agency ${caller.agencyId} has no policy` }
    const coordinates = collected.coordinates.filter((c) => !INTROSPECTION_ROOTS.has(c))
    if (collected.introspection && !context.purpose) {
      return { ok: false, code: 'PURPOSE_REQUIRED', message: 'Declare the purpose of this request in X-Purpose: introspection shows what that purpose allows' }
    }
    const decision = decide({
      agency,
      purposes: policies.purposes,
      context: { purpose: context.purpose, caseId: context.caseId !== null, endUser: context.endUser !== null, signed: context.signed },
      coordinates,
      queryType,
      variables: policies.variables.get(agency.agency) ?? {},
      now,
    })
    if (!decision.allowed) return { ok: false, code: decision.code, message: decision.message, decision }
    // Over a row-filtered list, a total count would count records the caller may not see, and
    // page info (hasNextPage, a cursor holding an offset) would tell that they exist: only the
    // nodes, filtered, may be read. (Paging such lists needs the filter pushed to the registry.)
    for (const coordinate of coordinates) {
      const match = /^(.+)Connection\.(totalCount|pageInfo)$/.exec(coordinate)
      if (match && decision.restrictedTypes.has(match[1]!)) {
        return {
          ok: false,
          code: 'FORBIDDEN',
          message: `${coordinate}: not available for this purpose, because the agency sees only part of the ${match[1]} records; read the nodes (at most the grant's maxRecords) instead`,
        }
      }
    }
    return { ok: true, decision, introspection: collected.introspection }
  }

  return function decideRequest(document: DocumentNode, operationName: string | null | undefined, caller: Caller, context: RequestContext, policies: ActivePolicies, now = new Date()): RequestDecision {
    const bucket = Math.floor(now.getTime() / TIME_BUCKET_MS)
    let entry = cache.get(document)
    if (!entry || entry.bucket !== bucket || entry.byKey.size >= MAX_ENTRIES_PER_DOCUMENT) {
      entry = { bucket, byKey: new Map() }
      cache.set(document, entry)
    }
    const key = `${policies.generation}\u0000${caller.agencyId}\u0000${context.purpose ?? ''}\u0000${context.caseId ? 1 : 0}${context.endUser ? 1 : 0}${context.signed ? 1 : 0}\u0000${operationName ?? ''}`
    let result = entry.byKey.get(key)
    if (!result) {
      result = compute(document, operationName, caller, context, policies, now)
      entry.byKey.set(key, result)
    }
    return result
  }
}
