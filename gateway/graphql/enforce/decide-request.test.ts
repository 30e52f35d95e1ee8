/**
 * Deciding one request by table: the refusals before any grant is consulted, the node reads a
 * list read without its nodes implies, the refused total count over a filtered list, and the
 * decision cache (what makes two requests share a decision, and what keeps them apart).
 */
import { buildSchema, GraphQLSchema, parse, type DocumentNode } from 'graphql'
import { describe, expect, it } from 'vitest'
import type { AgencyDocument, Grant, Purpose } from '../../../policies/index.js'
import type { Caller, RequestContext } from '../../identity/caller.js'
import type { ActivePolicies } from '../../policy/index.js'
import { createRequestDecider, type RequestDecision } from './decide-request.js'

const schema = buildSchema(`
  type Query {
    parcels(first: Int): ParcelConnection!
    citizens(first: Int): CitizenConnection!
    citizen(pin: String!): Citizen
  }
  type Mutation { noop: Boolean }
  type ParcelConnection { nodes: [Parcel!]! totalCount: Int! pageInfo: PageInfo! }
  type CitizenConnection { nodes: [Citizen!]! totalCount: Int! pageInfo: PageInfo! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Parcel { id: ID! province: String! }
  type Citizen { pin: String! name: String }
`)

const none = { caseId: false, endUser: false, signedContext: false }
const grant = (over: Partial<Grant> & Pick<Grant, 'id' | 'allow'>): Grant => ({ purposes: ['A'], legalBasis: `law of ${over.id}`, require: none, ...over })
/** Parcels in Hà Nội only (a row filter); citizens everywhere (none). */
const inHanoi = grant({
  id: 'parcels-here',
  allow: ['Query.parcels', 'ParcelConnection.*', 'PageInfo.*', 'Parcel.*'],
  where: { Parcel: { province: { in: '$jurisdiction.provinces' } } },
})
const citizens = grant({ id: 'citizens', allow: ['Query.citizens', 'Query.citizen', 'CitizenConnection.*', 'PageInfo.*', 'Citizen.*'] })

function policies(grants: Grant[], generation = 1): ActivePolicies {
  const agency: AgencyDocument = { agency: 'x', name: 'X', suspended: false, jurisdiction: { provinces: ['01'], communes: ['00097'] }, clients: [], grants }
  const purposes = new Map<string, Purpose>(['A', 'B'].map((code) => [code, { code, name: code, legalBasis: `basis ${code}` }]))
  return {
    version: 3,
    generation,
    agencies: new Map([['x', agency]]),
    purposes,
    procedures: new Map(),
    variables: new Map([['x', { 'jurisdiction.provinces': ['01'], 'jurisdiction.communes': ['00097'] }]]),
  }
}

const caller = (agencyId = 'x') => ({ agencyId, clientId: 'x-app' }) as Caller
const context = (over: Partial<RequestContext> = {}): RequestContext => ({ purpose: 'A', caseId: null, endUser: null, signed: false, ...over })
const NOW = new Date(Date.UTC(2026, 11, 1, 9, 0, 0))

function decideOnce(
  query: string,
  options: { grants?: Grant[]; context?: RequestContext; agency?: string; operationName?: string; on?: GraphQLSchema } = {},
): RequestDecision {
  return createRequestDecider(options.on ?? schema)(
    parse(query),
    options.operationName,
    caller(options.agency),
    options.context ?? context(),
    policies(options.grants ?? [inHanoi, citizens]),
    NOW,
  )
}

const read = (result: RequestDecision) => (result.ok ? result.decision.coordinates.map((c) => c.coordinate).sort() : null)

describe('decideRequest: refusals before any grant', () => {
  it.each<[string, string, Parameters<typeof decideOnce>[1], Partial<RequestDecision>]>([
    [
      'an operation the document does not hold',
      '{ citizen(pin: "1") { name } }',
      { operationName: 'Other' },
      { ok: false, code: 'BAD_USER_INPUT', message: 'unknown operation named "Other"' },
    ],
    [
      'a subscription',
      'subscription { noop }',
      {},
      { ok: false, code: 'BAD_USER_INPUT', message: 'only queries and mutations are served (the document contains a subscription)' },
    ],
    [
      'an agency with no policy',
      '{ citizen(pin: "1") { name } }',
      { agency: 'nobody' },
      { ok: false, code: 'FORBIDDEN', message: 'Agency nobody has no policy' },
    ],
    [
      'introspection without a purpose',
      '{ __schema { queryType { name } } }',
      { context: context({ purpose: null }) },
      { ok: false, code: 'PURPOSE_REQUIRED', message: 'Declare the purpose of this request in X-Purpose: introspection shows what that purpose allows' },
    ],
    ['introspection with a purpose', '{ __schema { queryType { name } } }', {}, { ok: true, introspection: true }],
    ['a plain query is not introspection', '{ citizen(pin: "1") { name } }', {}, { ok: true, introspection: false }],
    ['a field no grant allows', '{ citizen(pin: "1") { name } }', { grants: [inHanoi] }, { ok: false, code: 'FORBIDDEN' }],
  ])('%s', (_case, query, options, expected) => {
    expect(decideOnce(query, options)).toMatchObject(expected)
  })

  it("the root's __typename needs no purpose, whatever the query type is called", () => {
    const renamed = buildSchema('schema { query: Root } type Root { a: String }')
    expect(decideOnce('{ __typename }', { on: renamed, context: context({ purpose: null }) })).toMatchObject({ ok: true })
    // A field of that root is data: it needs one.
    expect(decideOnce('{ a }', { on: renamed, context: context({ purpose: null }) })).toMatchObject({ ok: false, code: 'PURPOSE_REQUIRED' })
  })

  it('a schema without a query type can still be given a decider (it refuses every document)', () => {
    const decider = createRequestDecider(new GraphQLSchema({}))
    expect(decider(parse('{ a }'), undefined, caller(), context(), policies([citizens]), NOW)).toMatchObject({
      ok: false,
      code: 'BAD_USER_INPUT',
      message: 'the schema has no query type',
    })
  })
})

describe('decideRequest: a list read without its nodes', () => {
  it.each<[string, string, Grant[], string[] | null]>([
    [
      'a filtered list read only for its page info is decided as if its nodes were read',
      '{ parcels { pageInfo { hasNextPage } } }',
      [inHanoi],
      ['PageInfo.hasNextPage', 'Parcel.__typename', 'ParcelConnection.pageInfo', 'Query.parcels'],
    ],
    ['its __typename alone too', '{ parcels { __typename } }', [inHanoi], ['Parcel.__typename', 'ParcelConnection.__typename', 'Query.parcels']],
    [
      'with a field of its nodes read, nothing is implied',
      '{ parcels { nodes { id } pageInfo { hasNextPage } } }',
      [inHanoi],
      ['PageInfo.hasNextPage', 'Parcel.id', 'ParcelConnection.nodes', 'ParcelConnection.pageInfo', 'Query.parcels'],
    ],
    [
      'a list nobody filters implies nothing',
      '{ citizens { pageInfo { hasNextPage } } }',
      [citizens],
      ['CitizenConnection.pageInfo', 'PageInfo.hasNextPage', 'Query.citizens'],
    ],
  ])('%s', (_case, query, grants, coordinates) => {
    const result = decideOnce(query, { grants })
    expect(read(result)).toEqual(coordinates)
    if (result.ok && coordinates?.includes('Parcel.__typename')) expect(result.decision.rowFilters.has('Parcel')).toBe(true)
  })

  it('a list nobody filters, whose node type no grant names, is not refused for its page info', () => {
    const pageInfoOnly = grant({ id: 'counts', allow: ['Query.citizens', 'CitizenConnection.pageInfo', 'PageInfo.*'] })
    expect(decideOnce('{ citizens { pageInfo { hasNextPage } } }', { grants: [pageInfoOnly] })).toMatchObject({ ok: true })
  })

  it('the implied read is decided like any other: refused when no grant lets the agency see those records', () => {
    // The grant filters parcels but allows none of their fields: its list may not be paged at all.
    const pagesHere = grant({
      id: 'pages-here',
      allow: ['Query.parcels', 'ParcelConnection.pageInfo', 'PageInfo.*'],
      where: { Parcel: { province: { in: '$jurisdiction.provinces' } } },
    })
    const result = decideOnce('{ parcels { pageInfo { hasNextPage } } }', { grants: [pagesHere] })
    expect(result).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('Parcel.__typename') })
    expect(result.ok === false && result.decision?.allowed === false && result.decision.denied.map((d) => d.coordinate)).toEqual(['Parcel.__typename'])
  })
})

describe('decideRequest: total counts', () => {
  it.each<[string, string, Partial<RequestDecision>]>([
    [
      'over a filtered list, refused with the reason',
      '{ parcels { totalCount } }',
      {
        ok: false,
        code: 'FORBIDDEN',
        message:
          'ParcelConnection.totalCount: not available for this purpose, because the agency sees only part of the Parcel records; page through the nodes instead',
      },
    ],
    ['over a list the agency sees in full, answered', '{ citizens { totalCount } }', { ok: true }],
  ])('%s', (_case, query, expected) => {
    expect(decideOnce(query)).toMatchObject(expected)
  })
})

describe('decideRequest: the decision cache', () => {
  const document = parse('query Mine { citizen(pin: "1") { name } } query Theirs { citizen(pin: "1") { pin } }')
  const decideWith = (
    decider: ReturnType<typeof createRequestDecider>,
    over: { operationName?: string; caller?: Caller; context?: RequestContext; active?: ActivePolicies; now?: Date; doc?: DocumentNode } = {},
  ) => decider(over.doc ?? document, over.operationName ?? 'Mine', over.caller ?? caller(), over.context ?? context(), over.active ?? active, over.now ?? NOW)
  const active = policies([inHanoi, citizens])

  it('the same document, caller, context and policies share one decision within ten seconds', () => {
    const decider = createRequestDecider(schema)
    const first = decideWith(decider)
    expect(decideWith(decider)).toBe(first)
    expect(decideWith(decider, { now: new Date(NOW.getTime() + 9_999) })).toBe(first)
  })

  it.each<[string, Parameters<typeof decideWith>[1]]>([
    ['another operation of the document', { operationName: 'Theirs' }],
    ['another agency', { caller: caller('y') }],
    ['another purpose', { context: context({ purpose: 'B' }) }],
    ['no purpose', { context: context({ purpose: null }) }],
    ['a case id', { context: context({ caseId: 'HS-1' }) }],
    ['an officer', { context: context({ endUser: 'can-bo-1' }) }],
    ['a signed context', { context: context({ signed: true }) }],
    ['another policy set', { active: policies([inHanoi, citizens], 2) }],
    ['the next ten seconds', { now: new Date(NOW.getTime() + 10_000) }],
    ['another parse of the same text', { doc: parse('query Mine { citizen(pin: "1") { name } } query Theirs { citizen(pin: "1") { pin } }') }],
  ])('is decided again for %s', (_case, over) => {
    const decider = createRequestDecider(schema)
    const first = decideWith(decider)
    expect(decideWith(decider, over)).not.toBe(first)
  })

  it('decides each operation of a document by its own fields', () => {
    const decider = createRequestDecider(schema)
    expect(read(decideWith(decider, { operationName: 'Mine' }))).toEqual(['Citizen.name', 'Query.citizen'])
    expect(read(decideWith(decider, { operationName: 'Theirs' }))).toEqual(['Citizen.pin', 'Query.citizen'])
  })

  it('holds at most 64 decisions per document: once full, it starts afresh', () => {
    const decider = createRequestDecider(schema)
    const first = decideWith(decider)
    for (let i = 1; i < 63; i++) decideWith(decider, { caller: caller(`agency-${i}`) })
    expect(decideWith(decider)).toBe(first)
    decideWith(decider, { caller: caller('agency-63') })
    expect(decideWith(decider)).not.toBe(first)
  })
})
