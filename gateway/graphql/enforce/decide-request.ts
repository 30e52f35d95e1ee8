import type { DocumentNode, GraphQLSchema } from 'graphql'
import { decide, type Decision } from '../../../policies/index.js'
import type { ActivePolicies } from '../../policy/index.js'
import type { Caller, RequestContext } from '../../identity/caller.js'
import { collectCoordinates } from '../../coordinates/index.js'
import { dataClassesOf } from '../../../schemas/index.js'

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
 * `X.__typename` for each list of a restricted X (`XConnection`) read without any field of X: its
 * `__typename`, its page info, anything of it. A row filter is made of the grants that allow the
 * fields read on X, so with none read there would be no filter to cut its pages, and the pager
 * refuses to page without one.
 */
function impliedNodeReads(coordinates: readonly string[], restricted: ReadonlySet<string>): string[] {
  const implied = new Set<string>()
  for (const coordinate of coordinates) {
    const type = /^(.+)Connection\.[^.]+$/.exec(coordinate)?.[1]
    if (type && restricted.has(type) && !coordinates.some((c) => c.startsWith(`${type}.`))) implied.add(`${type}.__typename`)
  }
  return [...implied]
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
  // The classes of the schema served, described sources' fields included: an identifier is
  // treated as its class on every path to it, whatever the policy set was checked against.
  const dataClasses = dataClassesOf(schema)

  function compute(
    document: DocumentNode,
    operationName: string | null | undefined,
    caller: Caller,
    context: RequestContext,
    policies: ActivePolicies,
    now: Date,
  ): RequestDecision {
    const collected = collectCoordinates(schema, document, operationName)
    if (!collected.ok) return { ok: false, code: 'BAD_USER_INPUT', message: collected.reason }
    const agency = policies.agencies.get(caller.agencyId)
    if (!agency) return { ok: false, code: 'FORBIDDEN', message: `Agency ${caller.agencyId} has no policy` }
    const coordinates = collected.coordinates.filter((c) => !INTROSPECTION_ROOTS.has(c))
    if (collected.introspection && !context.purpose) {
      return { ok: false, code: 'PURPOSE_REQUIRED', message: 'Declare the purpose of this request in X-Purpose: introspection shows what that purpose allows' }
    }
    const decideFor = (read: string[]) =>
      decide({
        agency,
        purposes: policies.purposes,
        context: { purpose: context.purpose, caseId: context.caseId !== null, endUser: context.endUser !== null, signed: context.signed },
        coordinates: read,
        queryType,
        variables: policies.variables.get(agency.agency) ?? {},
        now,
        dataClasses,
      })
    let decision = decideFor(coordinates)
    if (!decision.allowed) return { ok: false, code: decision.code, message: decision.message, decision }
    // A row filter is made of the grants that allow the fields read on its type. A list read
    // without its nodes (page info, even its __typename alone) reads no field of them, so no
    // filter would cut its pages and hasNextPage would tell whether records the caller may not
    // see exist: decide it as if the nodes' __typename were read too (the records any grant lets
    // the caller see).
    const implied = impliedNodeReads(coordinates, decision.restrictedTypes)
    if (implied.length > 0) {
      decision = decideFor([...coordinates, ...implied])
      if (!decision.allowed) return { ok: false, code: decision.code, message: decision.message, decision }
    }
    // Over a row-filtered list, a total count would count records the caller may not see. Page
    // info may be read: pages are cut after the row filter and cursors are sealed (see
    // paging/policy-pager.ts), so hasNextPage and endCursor depend on visible records only.
    for (const coordinate of coordinates) {
      const match = /^(.+)Connection\.totalCount$/.exec(coordinate)
      if (match && decision.restrictedTypes.has(match[1]!)) {
        return {
          ok: false,
          code: 'FORBIDDEN',
          message: `${coordinate}: not available for this purpose, because the agency sees only part of the ${match[1]} records; page through the nodes instead`,
        }
      }
    }
    return { ok: true, decision, introspection: collected.introspection }
  }

  return function decideRequest(
    document: DocumentNode,
    operationName: string | null | undefined,
    caller: Caller,
    context: RequestContext,
    policies: ActivePolicies,
    now = new Date(),
  ): RequestDecision {
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
