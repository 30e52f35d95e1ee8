/**
 * Found by review: record caps and the paging of row-filtered lists. Each case was a bypass
 * (`first: null` took the registry's page of 20 past a cap of 5; aliases multiplied a cap; a
 * refusal came after a sibling root field had called the registry; pageInfo over a filtered
 * list told whether hidden records exist, and its cursor how many). All are refused now.
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
            id: 'dn-tinh', purposes: ['XAC_MINH'], legalBasis: 'review',
            allow: ['Query.enterprises', 'Enterprise.code', 'EnterpriseConnection.nodes', 'EnterpriseConnection.pageInfo', 'PageInfo.*'],
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
  it.each<[string, () => string]>([
    ['pageInfo beside the nodes', () => `{ enterprises(filter: { province: "${outside().address.provinceCode}" }, first: 5) { nodes { code } pageInfo { hasNextPage endCursor } } }`],
    ['pageInfo alone (an existence oracle)', () => `{ enterprises(filter: { name: ${JSON.stringify(outside().name)} }, first: 1) { pageInfo { endCursor } } }`],
  ])('%s is refused', async (_name, query) => {
    const error = await refusedBeforeAnyCall(query(), { 'x-purpose': 'XAC_MINH' })
    expect(error.message).toContain('EnterpriseConnection.pageInfo')
  })

  it('the nodes are read, filtered to the jurisdiction', async () => {
    const res = await gw.graphql(`{ enterprises(first: 20) { nodes { code } } }`, undefined, { 'x-purpose': 'XAC_MINH' })
    expect(res.body.errors).toBeUndefined()
    const inProvince = new Set(gw.world.enterprises.filter((e) => e.address.provinceCode === '01').map((e) => e.code))
    for (const node of res.body.data!.enterprises.nodes) expect(inProvince.has(node.code)).toBe(true)
  })
})
