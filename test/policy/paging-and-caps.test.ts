/**
 * Found by review: record caps and the paging of row-filtered lists. Each case was a bypass
 * (`first: null` took the registry's page of 20 past a cap of 5; aliases multiplied a cap; a
 * refusal came after a sibling root field had called the registry; pageInfo over a filtered
 * list told whether hidden records exist, and its cursor how many). The caps are refused now;
 * over a filtered list, totalCount is refused, and pageInfo is computed on the visible records
 * only, with sealed cursors (test/policy/cursors.test.ts), so it answers as for a list without
 * the hidden records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from '../harness.js'
import { fixtureGrants, fixturePolicySet } from './fixture.js'

let gw: TestGateway
beforeAll(async () => {
  gw = await createTestGateway({
    policies: (identity) =>
      fixturePolicySet(identity, {
        grants: [
          ...fixtureGrants,
          {
            id: 'dn-tinh',
            purposes: ['XAC_MINH'],
            legalBasis: 'review',
            allow: ['Query.enterprises', 'Enterprise.code', 'EnterpriseConnection.*', 'PageInfo.*'],
            where: { Enterprise: { 'headOffice.province.code': { in: '$jurisdiction.provinces' } } },
            require: { caseId: false, endUser: false, signedContext: false },
          },
        ],
      }),
  })
})
afterAll(() => gw?.close())

async function refusedBeforeAnyCall(query: string, headers: Record<string, string>, variables?: Record<string, unknown>) {
  gw.resetHits()
  const res = await gw.graphql(query, variables, headers)
  expect(res.body.data ?? null, JSON.stringify(res.body)).toBeNull()
  expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  expect(gw.sandboxes.business.hits() + gw.sandboxes.population.hits() + gw.sandboxes.land.hits()).toBe(0)
  return res.body.errors![0]!
}

describe('record caps (maxRecords 5 for THUE)', () => {
  const thue = { 'x-purpose': 'THUE' }
  it.each<[string, string, Record<string, unknown>?]>([
    ['first: null', `{ enterprises(first: null) { nodes { code } } }`],
    ['first: null through a variable', `query($n: Int) { enterprises(first: $n) { nodes { code } } }`, { n: null }],
    ['first over the cap through a variable', `query($n: Int) { enterprises(first: $n) { nodes { code } } }`, { n: 6 }],
    ['no first: the schema default (20) is over the cap', `{ enterprises { nodes { code } } }`],
    ['aliases share one cap', `{ a: enterprises(first: 3) { nodes { code } } b: enterprises(first: 3, after: "bzoz") { nodes { code } } }`],
    ['a root fragment', `query { ...R } fragment R on Query { enterprises(first: 9) { nodes { code } } }`],
  ])('%s is refused before any registry call', async (_name, query, variables) => {
    const error = await refusedBeforeAnyCall(query, thue, variables)
    expect(error.message).toContain('Query.enterprises')
  })

  it('a sibling root field is not fetched when another is over its cap', async () => {
    await refusedBeforeAnyCall(`{ enterprise(code: "${gw.world.enterprises[0]!.code}") { code } enterprises(first: 50) { nodes { code } } }`, thue)
  })

  it('within the cap, including aliases that add up to it', async () => {
    const res = await gw.graphql(`{ a: enterprises(first: 2) { nodes { code } } b: enterprises(first: 3) { nodes { code } } }`, undefined, thue)
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data!.a.nodes.length + res.body.data!.b.nodes.length).toBe(5)
  })
})

describe('paging over a row-filtered list', () => {
  const outside = () => gw.world.enterprises.find((e) => e.address.provinceCode !== '01')!
  const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase()
  const xacMinh = { 'x-purpose': 'XAC_MINH' }

  it('totalCount (it would count the hidden records) is refused', async () => {
    const error = await refusedBeforeAnyCall(`{ enterprises(first: 5) { nodes { code } totalCount } }`, xacMinh)
    expect(error.message).toContain('EnterpriseConnection.totalCount')
  })

  it('pageInfo beside the nodes, over a province outside the jurisdiction, answers as for a province with no enterprise at all', async () => {
    const used = new Set(gw.world.enterprises.map((e) => e.address.provinceCode))
    const empty = ['01', '04', '08', '79', '92', '96'].find((code) => !used.has(code))
    expect(empty, 'a province without enterprises in this world').toBeDefined()
    const query = (province: string) => `{ enterprises(filter: { province: "${province}" }, first: 5) { nodes { code } pageInfo { hasNextPage endCursor } } }`
    const hidden = await gw.graphql(query(outside().address.provinceCode), undefined, xacMinh)
    const none = await gw.graphql(query(empty!), undefined, xacMinh)
    expect(hidden.body).toEqual(none.body)
    expect(hidden.body.data).toEqual({ enterprises: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } })
  })

  it('pageInfo alone is no existence oracle: the name of an enterprise outside the jurisdiction answers as a name nobody has', async () => {
    const inside = gw.world.enterprises.filter((e) => e.address.provinceCode === '01').map((e) => fold(e.name))
    const target = gw.world.enterprises.find((e) => e.address.provinceCode !== '01' && !inside.some((name) => name.includes(fold(e.name))))
    expect(target, 'an outside enterprise whose name no inside one contains').toBeDefined()
    const query = (name: string) => `{ enterprises(filter: { name: ${JSON.stringify(name)} }, first: 1) { pageInfo { hasNextPage endCursor } } }`
    const hidden = await gw.graphql(query(target!.name), undefined, xacMinh)
    const none = await gw.graphql(query('không có doanh nghiệp nào tên này'), undefined, xacMinh)
    expect(hidden.body).toEqual(none.body)
    expect(hidden.body.data).toEqual({ enterprises: { pageInfo: { hasNextPage: false, endCursor: null } } })
  })

  it('the nodes are read, filtered to the jurisdiction', async () => {
    const res = await gw.graphql(`{ enterprises(first: 20) { nodes { code } } }`, undefined, xacMinh)
    expect(res.body.errors).toBeUndefined()
    const inProvince = new Set(gw.world.enterprises.filter((e) => e.address.provinceCode === '01').map((e) => e.code))
    for (const node of res.body.data!.enterprises.nodes) expect(inProvince.has(node.code)).toBe(true)
  })
})

describe('any part of a row-filtered list, read without its nodes, is cut by the filter', () => {
  const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase()
  const xacMinh = { 'x-purpose': 'XAC_MINH' }
  const hiddenName = () => {
    const inside = gw.world.enterprises.filter((e) => e.address.provinceCode === '01').map((e) => fold(e.name))
    return gw.world.enterprises.find((e) => e.address.provinceCode !== '01' && !inside.some((name) => name.includes(fold(e.name))))!.name
  }
  // Each selection reads the connection without a field of Enterprise: the filter must still cut.
  it.each([
    ['__typename only', '__typename'],
    ['pageInfo only', 'pageInfo { hasNextPage endCursor }'],
    ['node __typename only', 'nodes { __typename }'],
    ['pageInfo __typename', 'pageInfo { __typename }'],
  ])('%s: a name outside the jurisdiction answers as a name nobody has, never a 5xx', async (_name, selection) => {
    const query = (name: string) => `{ enterprises(filter: { name: ${JSON.stringify(name)} }, first: 3) { ${selection} } }`
    const hidden = await gw.graphql(query(hiddenName()), undefined, xacMinh)
    const none = await gw.graphql(query('không có doanh nghiệp nào tên này'), undefined, xacMinh)
    expect(hidden.status, JSON.stringify(hidden.body)).toBeLessThan(500)
    expect(none.status, JSON.stringify(none.body)).toBeLessThan(500)
    // A failure of ours inside the result (a 200 whose error is INTERNAL_SERVER_ERROR) counts too.
    for (const body of [hidden.body, none.body])
      expect(body.errors?.map((error) => error.extensions?.code) ?? [], JSON.stringify(body)).not.toContain('INTERNAL_SERVER_ERROR')
    // Every answer carries its own request id; the rest must not differ.
    const same = (body: unknown) => JSON.parse(JSON.stringify(body, (key, value) => (key === 'requestId' ? undefined : value)))
    expect(same(hidden.body)).toEqual(same(none.body))
  })
})
