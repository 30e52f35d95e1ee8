/**
 * The gateway as NODE_ENV=production builds it ("in production no GraphiQL and no
 * introspection beyond each agency's own view"): no GraphiQL page; introspection shows each
 * agency its own view and needs a purpose; no error suggests a name; the sandbox citizen token is
 * refused; the console's simulator explains a query but does not run it as the agency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueSandboxCitizenToken } from '../../gateway/identity/index.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { OPERATOR, startConsoleGateway } from '../console/console-gateway.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { agencyDocument, createTestClient, TEST_ISSUER } from '../identity.js'
import { fullAccess, testPurposes } from '../policies.js'

let db: Database
let gw: TestGateway
/** An agency granted only the yes/no identity check, beside the harness's agency that reads everything. */
let narrowToken = ''
beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
  const narrow = await createTestClient('narrow-client', 'narrow-agency')
  const verifyOnly = {
    id: 'xac-minh',
    purposes: ['KIEM_THU'],
    legalBasis: 'NĐ 118/2025 Điều 9',
    allow: ['Query.verifyCitizen', 'CitizenVerification.*'],
    require: { caseId: false, endUser: false, signedContext: false },
  }
  gw = await createTestGateway({
    mode: 'production',
    auditDb: db,
    policies: (identity) => ({
      agencies: [fullAccess(agencyDocument('test-agency', [identity.client])), { ...agencyDocument('narrow-agency', [narrow]), grants: [verifyOnly] }],
      purposes: testPurposes,
    }),
  })
  narrowToken = await gw.identity.token(narrow)
}, 60_000)
afterAll(async () => {
  await gw?.close()
  await db?.close()
})

const asNarrow = () => ({ authorization: `Bearer ${narrowToken}` })

describe('GraphiQL', () => {
  it.each(['text/html', 'text/html,application/xhtml+xml,*/*;q=0.8', '*/*'])(
    'GET /graphql with Accept %s is a 405 in the error shape, not the page',
    async (accept) => {
      const res = await gw.app.request('/graphql', { headers: { accept } })
      const text = await res.text()
      expect(res.status).toBe(405)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(text).not.toMatch(/GraphiQL|<html/i)
    },
  )
})

describe('introspection', () => {
  const INTROSPECT = `{ __schema { queryType { fields { name } } mutationType { name } types { name } } citizen: __type(name: "Citizen") { name } enterprise: __type(name: "Enterprise") { name } }`
  const view = (data: any) => ({
    fields: data.__schema.queryType.fields.map((f: { name: string }) => f.name).sort(),
    types: data.__schema.types
      .map((t: { name: string }) => t.name)
      .filter((name: string) => !name.startsWith('__'))
      .sort(),
  })

  it('shows each agency only its own view: fewer grants, fewer fields and types', async () => {
    const full = await gw.graphql(INTROSPECT)
    const narrow = await gw.graphql(INTROSPECT, undefined, asNarrow())
    expect(full.body.errors).toBeUndefined()
    expect(narrow.body.errors).toBeUndefined()
    expect(view(full.body.data).fields).toEqual([
      'administrativeUnit',
      'citizen',
      'dossier',
      'dossierInbox',
      'enterprise',
      'enterprises',
      'household',
      'landParcel',
      'landParcels',
      'verifyCitizen',
    ])
    expect(view(full.body.data).types).toEqual(expect.arrayContaining(['Citizen', 'Enterprise', 'LandParcel']))
    expect(full.body.data).toMatchObject({ citizen: { name: 'Citizen' }, enterprise: { name: 'Enterprise' } })
    expect(view(narrow.body.data)).toEqual({ fields: ['verifyCitizen'], types: ['Boolean', 'CitizenVerification', 'PIN', 'PartialDate', 'Query', 'String'] })
    expect(narrow.body.data).toMatchObject({ citizen: null, enterprise: null })
    // Mutations are coordinates like fields: an agency granted none sees no mutation type.
    expect(full.body.data?.__schema.mutationType).toEqual({ name: 'Mutation' })
    expect(narrow.body.data?.__schema.mutationType).toBeNull()
  })

  it('is refused without X-Purpose, for either agency', async () => {
    for (const headers of [{ 'x-purpose': '' }, { ...asNarrow(), 'x-purpose': '' }]) {
      const res = await gw.graphql(INTROSPECT, undefined, headers)
      expect(res.status).toBe(403)
      expect(res.body.data ?? null).toBeNull()
      expect(res.body.errors?.[0]?.extensions?.code).toBe('PURPOSE_REQUIRED')
    }
  })
})

describe('errors suggest no names', () => {
  const pin = '001090000001'
  it.each<[string, string, Record<string, unknown>?]>([
    ['a field', `{ citizen(pin: "${pin}") { nam } }`],
    ['a root field', `{ citize(pin: "${pin}") { pin } }`],
    ['an argument', `{ citizen(pn: "${pin}") { pin } }`],
    ['a type in a fragment', '{ ...F } fragment F on Quer { __typename }'],
    ['a variable type', 'query($p: Strin!) { citizen(pin: $p) { pin } }'],
    ['an introspection field', '{ __type(name: "Citizen") { feilds { name } } }'],
    ['an enum value', '{ enterprises(filter: { status: ACTIV }) { totalCount } }'],
    ['an input field', '{ enterprises(filter: { statu: ACTIVE }) { totalCount } }'],
    ['an enum value in a variable', 'query($s: EnterpriseStatus) { enterprises(filter: { status: $s }) { totalCount } }', { s: 'ACTIV' }],
    ['an input field in a variable', 'query($f: EnterpriseFilter) { enterprises(filter: $f) { totalCount } }', { f: { statu: 'ACTIVE' } }],
  ])('near-miss %s: the suggestion is hidden', async (_what, query, variables) => {
    // The agency that may read everything reaches each check that would suggest; the hidden marker shows it did.
    const full = await gw.graphql(query, variables)
    expect(full.status).toBe(400)
    expect(JSON.stringify(full.body)).not.toMatch(/did you mean/i)
    expect(JSON.stringify(full.body)).toContain('[Suggestion hidden]')
    const narrow = await gw.graphql(query, variables, asNarrow())
    expect(narrow.status).toBeGreaterThanOrEqual(400)
    expect(JSON.stringify(narrow.body)).not.toMatch(/did you mean/i)
  })
})

describe('citizen tokens', () => {
  it('refuses the sandbox citizen token, which stands in for VNeID only outside production', async () => {
    const token = await issueSandboxCitizenToken(gw.identity.keys, TEST_ISSUER, gw.world.people[0]!.pin)
    const res = await gw.app.request('/v1/access-history', { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } })
  })
})

describe('console simulator', () => {
  it('explains a query but never runs it as the agency', async () => {
    const env = await startConsoleGateway({ mode: 'production' })
    try {
      const { cookie } = await env.session(OPERATOR)
      const query = `{ citizen(pin: "${env.gw.world.people[0]!.pin}") { pin } }`
      const page = await (
        await fetch(`${env.url}/admin/simulator?agency=test-agency&purpose=KIEM_THU&run=on&query=${encodeURIComponent(query)}`, { headers: { cookie } })
      ).text()
      expect(page).toContain('data-decision="allowed"')
      expect(page).not.toContain('id="masked-result"')
      expect(page).not.toContain('id="run"')
      expect(await env.db.query(`select 1 from audit_events where kind = 'access.graphql'`)).toEqual([])
    } finally {
      await env.close()
    }
  })
})
