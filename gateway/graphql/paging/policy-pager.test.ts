import { buildSchema, graphql, GraphQLError } from 'graphql'
import { describe, expect, it } from 'vitest'
import type { PageSource } from '../../../connectors/index.js'
import type { BoundCondition } from '../../../policies/index.js'
import type { AllowedDecision, RequestPolicy } from '../enforce/request-policy.js'
import type { CursorBinding, CursorCodec } from './cursor-codec.js'
import { createPolicyPager, undecidedPager } from './policy-pager.js'

const schema = buildSchema(`
  type Query {
    parcels(owner: String, kind: String, first: Int, after: String): ParcelConnection!
    maybeParcels(owner: String, first: Int, after: String): ParcelConnection
    parcel: Parcel
  }
  type ParcelConnection { nodes: [Parcel!]! totalCount: Int! pageInfo: PageInfo! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Parcel { id: ID! province: String! }
`)

interface Parcel {
  id: string
  province: string
}
/** Registry order: parcels outside Hà Nội (province 01) before, between and after the visible ones. */
const registry: Parcel[] = [
  { id: 'p0', province: '79' },
  { id: 'p1', province: '01' },
  { id: 'p2', province: '79' },
  { id: 'p3', province: '79' },
  { id: 'p4', province: '01' },
  { id: 'p5', province: '01' },
  { id: 'p6', province: '48' },
]
const inHanoi: BoundCondition = { kind: 'eq', path: ['province'], value: '01' }

/**
 * A codec that shows what it was given: the cursor is the position and the binding in clear, and
 * it opens only under an equal binding (the real one's sealing is tested in cursor-codec.test.ts).
 */
const clearCodec: CursorCodec = {
  async seal(position, binding) {
    return JSON.stringify({ position, binding })
  },
  async open(cursor, binding) {
    const { position, binding: sealedFor } = JSON.parse(cursor) as { position: number; binding: CursorBinding }
    const { first: _f, after: _a, ...args } = binding.args
    const { first: _sf, after: _sa, ...sealedArgs } = sealedFor.args
    if (JSON.stringify({ ...sealedFor, args: sealedArgs }) !== JSON.stringify({ ...binding, args })) {
      throw new GraphQLError('The cursor is not valid for this query', { extensions: { code: 'BAD_USER_INPUT' } })
    }
    return position
  },
}

function decision(options: { filter?: BoundCondition; restricted?: boolean; coordinates?: string[] } = {}): AllowedDecision {
  return {
    allowed: true,
    purpose: null,
    coordinates: (options.coordinates ?? ['Query.parcels', 'ParcelConnection.nodes', 'Parcel.id']).map((coordinate) => ({
      coordinate,
      allowed: true as const,
      grants: ['land'],
    })),
    grantsUsed: ['land'],
    rowFilters: new Map(options.filter ? [['Parcel', options.filter]] : []),
    restrictedTypes: new Set(options.restricted || options.filter ? ['Parcel'] : []),
    masks: new Map(),
    maxRecords: new Map(),
    withholdFromSubjectUntil: null,
  }
}

const policyOf = (d: AllowedDecision): RequestPolicy => ({ decision: d, version: 7, agencyId: 'thue-ha-noi' })

interface Run {
  data: any
  errors: readonly GraphQLError[] | undefined
  /** The windows the registry was asked for, as [offset, limit]. */
  reads: Array<[number, number]>
}

async function run(
  query: string,
  options: { decision?: AllowedDecision; purpose?: string | null; codec?: CursorCodec; variables?: Record<string, unknown>; list?: Parcel[] } = {},
): Promise<Run> {
  const list = options.list ?? registry
  const reads: Array<[number, number]> = []
  const source: PageSource<Parcel> = {
    async read(offset, limit) {
      reads.push([offset, limit])
      return { items: list.slice(offset, offset + limit), totalCount: list.length }
    },
  }
  const pager = createPolicyPager({
    codec: options.codec ?? clearCodec,
    policy: policyOf(options.decision ?? decision()),
    purpose: options.purpose === undefined ? 'QUAN_LY_THUE' : options.purpose,
  })
  const page = (args: { first?: number | null; after?: string | null }, _context: unknown, info: any) =>
    pager.page(source, { first: args.first ?? 2, after: args.after }, info)
  const result = await graphql({
    schema,
    source: query,
    rootValue: { parcels: page, maybeParcels: page, parcel: (_args: unknown, _context: unknown, info: any) => pager.page(source, { first: 1 }, info) },
    variableValues: options.variables ?? {},
  })
  return { data: result.data, errors: result.errors, reads }
}

const ids = (data: any, field = 'parcels') => data[field].nodes.map((n: Parcel) => n.id)

describe('policy pager: a list the caller sees in full', () => {
  it('answers the registry page, its count and a cursor to the next position', async () => {
    const { data, errors, reads } = await run('{ parcels(owner: "a", first: 3) { nodes { id } totalCount pageInfo { hasNextPage endCursor } } }')
    expect(errors).toBeUndefined()
    expect(ids(data)).toEqual(['p0', 'p1', 'p2'])
    expect(data.parcels.totalCount).toBe(7)
    expect(data.parcels.pageInfo.hasNextPage).toBe(true)
    expect(reads).toEqual([[0, 3]])
    expect(JSON.parse(data.parcels.pageInfo.endCursor)).toEqual({
      position: 3,
      binding: { agency: 'thue-ha-noi', purpose: 'QUAN_LY_THUE', policyVersion: 7, field: 'Query.parcels', args: { owner: 'a', first: 3 } },
    })
  })

  it('starts the next page at the cursor, and ends with no cursor when nothing follows', async () => {
    const first = await run('{ parcels(owner: "a", first: 4) { pageInfo { endCursor } } }')
    const cursor = first.data.parcels.pageInfo.endCursor
    const second = await run('query($after: String) { parcels(owner: "a", first: 4, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }', {
      variables: { after: cursor },
    })
    expect(second.errors).toBeUndefined()
    expect(second.reads).toEqual([[4, 4]])
    expect(ids(second.data)).toEqual(['p4', 'p5', 'p6'])
    expect(second.data.parcels.pageInfo.hasNextPage).toBe(false)
    expect(JSON.parse(second.data.parcels.pageInfo.endCursor).position).toBe(7)
    const past = await run('query($after: String) { parcels(owner: "a", first: 4, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }', {
      variables: { after: second.data.parcels.pageInfo.endCursor },
    })
    expect(past.data.parcels).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } })
  })

  it('an explicit null cursor starts at the beginning', async () => {
    const { data, reads } = await run('{ parcels(owner: "a", first: 1, after: null) { nodes { id } } }')
    expect(ids(data)).toEqual(['p0'])
    expect(reads).toEqual([[0, 1]])
  })

  it('an empty list has no end cursor', async () => {
    const { data } = await run('{ parcels(first: 2) { nodes { id } totalCount pageInfo { hasNextPage endCursor } } }', { list: [] })
    expect(data.parcels).toEqual({ nodes: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } })
  })

  it('a restricted type whose read fields every grant allows in full pages unfiltered', async () => {
    const { data, errors } = await run('{ parcels(first: 3) { nodes { id } totalCount } }', {
      decision: decision({ restricted: true, coordinates: ['Query.parcels', 'Parcel.id'] }),
    })
    expect(errors).toBeUndefined()
    expect(ids(data)).toEqual(['p0', 'p1', 'p2'])
    expect(data.parcels.totalCount).toBe(7)
  })
})

describe('policy pager: a row-filtered list', () => {
  const filtered = decision({ filter: inHanoi })

  it('pages over the visible records only, and the next page starts after the last one shown', async () => {
    const one = await run('{ parcels(owner: "a", first: 1) { nodes { id } pageInfo { hasNextPage endCursor } } }', { decision: filtered })
    expect(one.errors).toBeUndefined()
    expect(ids(one.data)).toEqual(['p1'])
    expect(one.data.parcels.pageInfo.hasNextPage).toBe(true)
    // Just after p1, not after the hidden p2 and p3 the read also saw.
    expect(JSON.parse(one.data.parcels.pageInfo.endCursor).position).toBe(2)
    const two = await run('query($after: String) { parcels(owner: "a", first: 5, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }', {
      decision: filtered,
      variables: { after: one.data.parcels.pageInfo.endCursor },
    })
    expect(ids(two.data)).toEqual(['p4', 'p5'])
    expect(two.data.parcels.pageInfo.hasNextPage).toBe(false)
    expect(JSON.parse(two.data.parcels.pageInfo.endCursor).position).toBe(6)
  })

  it.each([
    ['a non-null connection', '{ parcels(first: 1) { nodes { id } totalCount } }', 'parcels'],
    ['a nullable connection', '{ maybeParcels(first: 1) { nodes { id } totalCount } }', 'maybeParcels'],
  ])('refuses its total count (%s), naming the connection type', async (_case, query, field) => {
    const { data, errors } = await run(query, { decision: filtered })
    expect(errors).toHaveLength(1)
    expect(errors![0]!.message).toBe('ParcelConnection.totalCount: not available for this purpose, because the agency sees only part of these records')
    expect(errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', origin: 'caller' })
    expect(errors![0]!.path).toEqual([field, 'totalCount'])
    expect(data === null || data[field] === null || data === undefined).toBe(true)
  })

  it('a copy of its page leaves the count out rather than fail', async () => {
    const seen: unknown[] = []
    const source: PageSource<Parcel> = { read: async (offset, limit) => ({ items: registry.slice(offset, offset + limit), totalCount: registry.length }) }
    const pager = createPolicyPager({ codec: clearCodec, policy: policyOf(filtered), purpose: null })
    await graphql({
      schema,
      source: '{ parcels(first: 1) { nodes { id } } }',
      rootValue: {
        parcels: async (_args: unknown, _context: unknown, info: any) => {
          const page = await pager.page(source, { first: 1 }, info)
          seen.push(JSON.parse(JSON.stringify(page)), Object.keys(page))
          return page
        },
      },
    })
    expect(seen[0]).toEqual({ nodes: [{ id: 'p1', province: '01' }], pageInfo: { hasNextPage: true, endCursor: expect.any(String) } })
    expect(seen[1]).toEqual(['nodes', 'pageInfo'])
  })
})

describe('policy pager: cursors', () => {
  const cursorFor = async (query: string, options: Parameters<typeof run>[1] = {}) => (await run(query, options)).data.parcels.pageInfo.endCursor as string

  it.each<[string, Parameters<typeof run>[1], string]>([
    ['another agency', { decision: decision() }, 'agency'],
    ['another purpose', { purpose: 'DANG_KY_DAT_DAI' }, 'purpose'],
    ['no purpose', { purpose: null }, 'purpose'],
  ])('a cursor sealed for the caller is refused under %s, before any registry call', async (_case, options) => {
    const cursor = await cursorFor('{ parcels(owner: "a", first: 1) { pageInfo { endCursor } } }')
    const tampered =
      _case === 'another agency' ? JSON.stringify({ ...JSON.parse(cursor), binding: { ...JSON.parse(cursor).binding, agency: 'ubnd-phuong' } }) : cursor
    const { errors, reads } = await run('query($after: String) { parcels(owner: "a", first: 1, after: $after) { nodes { id } } }', {
      ...options,
      variables: { after: tampered },
    })
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(reads).toEqual([])
  })

  it.each([
    ['another owner', 'parcels(owner: "b", first: 1, after: $after)'],
    ['an added argument', 'parcels(owner: "a", kind: "x", first: 1, after: $after)'],
    ['another field', 'maybeParcels(owner: "a", first: 1, after: $after)'],
  ])('is bound to the field and the arguments that choose the list: %s is refused', async (_case, field) => {
    const cursor = await cursorFor('{ parcels(owner: "a", first: 1) { pageInfo { endCursor } } }')
    const { errors, reads } = await run(`query($after: String) { ${field} { nodes { id } } }`, { variables: { after: cursor } })
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(reads).toEqual([])
  })

  it('is bound to the arguments as the caller wrote them, variables included, and to the policy version', async () => {
    const cursor = await cursorFor('query($owner: String) { parcels(owner: $owner, first: 1) { pageInfo { endCursor } } }', { variables: { owner: 'a' } })
    expect(JSON.parse(cursor).binding).toEqual({
      agency: 'thue-ha-noi',
      purpose: 'QUAN_LY_THUE',
      policyVersion: 7,
      field: 'Query.parcels',
      args: { owner: 'a', first: 1 },
    })
    const same = await run('query($after: String) { parcels(owner: "a", first: 3, after: $after) { nodes { id } } }', { variables: { after: cursor } })
    expect(same.errors).toBeUndefined()
    expect(ids(same.data)).toEqual(['p1', 'p2', 'p3'])
  })
})

describe('policy pager: fails closed on wiring faults', () => {
  const wiringFault = { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', origin: 'gateway' } }

  it.each<[string, AllowedDecision]>([
    ['no field of the node type read', decision({ restricted: true, coordinates: ['Query.parcels', 'ParcelConnection.pageInfo'] })],
    [
      'only a field of a type whose name starts the same',
      decision({ restricted: true, coordinates: ['Query.parcels', 'ParcelHolder.pin', 'ParcelConnection.nodes'] }),
    ],
  ])('never pages a restricted type without its row filter: %s', async (_case, d) => {
    const { errors, reads } = await run('{ parcels(first: 2) { pageInfo { hasNextPage } } }', { decision: d })
    expect(errors?.[0]).toMatchObject(wiringFault)
    expect(reads).toEqual([])
  })

  it.each<[string, AllowedDecision]>([
    [
      'a row filter, with no field of the node type read (the filter cuts)',
      decision({ filter: inHanoi, coordinates: ['Query.parcels', 'ParcelConnection.pageInfo'] }),
    ],
    ['an unrestricted type, with no field of it read', decision({ coordinates: ['Query.parcels', 'ParcelConnection.pageInfo'] })],
  ])('pages a list read without its nodes under %s', async (_case, d) => {
    const { data, errors } = await run('{ parcels(first: 2) { pageInfo { hasNextPage } } }', { decision: d })
    expect(errors).toBeUndefined()
    expect(data.parcels.pageInfo.hasNextPage).toBe(true)
  })

  it.each<[string, (info: any) => any]>([
    ['a field its parent type does not have', (info) => ({ ...info, fieldName: 'missing' })],
    ['no field node', (info) => ({ ...info, fieldNodes: [] })],
  ])('fails closed on resolve info with %s', async (_case, alter) => {
    const source: PageSource<Parcel> = { read: () => Promise.reject(new Error('must not be read')) }
    const pager = createPolicyPager({ codec: clearCodec, policy: policyOf(decision()), purpose: null })
    const result = await graphql({
      schema,
      source: '{ parcels(first: 1) { nodes { id } } }',
      rootValue: { parcels: (_a: unknown, _c: unknown, info: any) => pager.page(source, { first: 1 }, alter(info)) },
    })
    expect(result.errors?.[0]).toMatchObject(wiringFault)
  })

  it('pages only connections', async () => {
    const { errors, reads } = await run('{ parcel { id } }')
    expect(errors?.[0]).toMatchObject(wiringFault)
    expect(reads).toEqual([])
  })

  it('before the policy has decided, paging fails closed', async () => {
    const source: PageSource<Parcel> = { read: () => Promise.reject(new Error('must not be read')) }
    await expect(undecidedPager.page(source, { first: 1 }, {} as never)).rejects.toMatchObject(wiringFault)
  })
})
