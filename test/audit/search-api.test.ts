/**
 * The audit trail as its readers see it, over the real writer and database: the auditors' search
 * API and the citizen's own access history, covert access withheld until its date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueStaffToken } from '../../gateway/admin/staff-token.js'
import type { AuditEvent } from '../../gateway/audit/index.js'
import { issueSandboxCitizenToken } from '../../gateway/identity/index.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import type { Grant, Purpose } from '../../policies/index.js'
import { createTestGateway, testKeyedHash, type TestGateway } from '../harness.js'
import { agencyDocument, TEST_ISSUER } from '../identity.js'

const noRequirement = { caseId: false, endUser: false, signedContext: false }
const allow = ['Query.citizen', 'Citizen.pin', 'Citizen.name', 'PersonName.*']
const purposes: Purpose[] = [
  { code: 'XAC_MINH', name: 'Xác minh nhân thân', legalBasis: 'NĐ 118/2025 Điều 9' },
  { code: 'DIEU_TRA', name: 'Điều tra', legalBasis: 'BLTTHS 2015' },
  { code: 'DIEU_TRA_CU', name: 'Điều tra (đã kết thúc)', legalBasis: 'BLTTHS 2015' },
]
const grants: Grant[] = [
  { id: 'xac-minh', purposes: ['XAC_MINH'], legalBasis: 'NĐ 118/2025 Điều 9', allow, require: noRequirement },
  { id: 'dieu-tra', purposes: ['DIEU_TRA'], legalBasis: 'BLTTHS 2015', allow, require: noRequirement, withholdFromSubjectUntil: '2099-01-01' },
  { id: 'dieu-tra-cu', purposes: ['DIEU_TRA_CU'], legalBasis: 'BLTTHS 2015', allow, require: noRequirement, withholdFromSubjectUntil: '2020-01-01' },
]

let db: Database
let gw: TestGateway
let pin: string
let otherPin: string
beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
  gw = await createTestGateway({
    auditDb: db,
    policies: (identity) => ({ agencies: [{ ...agencyDocument('test-agency', [identity.client]), grants }], purposes }),
  })
  ;[pin, otherPin] = gw.world.people
    .filter((p) => !p.deceasedOn)
    .slice(0, 2)
    .map((p) => p.pin) as [string, string]
  for (const purpose of ['XAC_MINH', 'DIEU_TRA', 'DIEU_TRA_CU']) {
    const res = await gw.graphql(`{ citizen(pin: "${pin}") { name { full } } }`, {}, { 'x-purpose': purpose, 'x-case-id': `CASE-${purpose}` })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  }
}, 60_000)
afterAll(async () => {
  await gw?.close()
  await db?.close()
})

const citizenToken = (which: string) => issueSandboxCitizenToken(gw.identity.keys, TEST_ISSUER, which)
const history = async (token: string, query = '') => {
  const res = await gw.app.request(`/v1/access-history${query}`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as any }
}
const staff = (role: 'auditor' | 'operator', name = 'kiem-toan-vien') => issueStaffToken(gw.identity.keys, TEST_ISSUER, { role, name })
const search = async (token: string | null, query: string) => {
  const res = await gw.app.request(`/admin/api/audit${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { status: res.status, body: (await res.json()) as any }
}

describe('citizen access history', () => {
  it("lists who read the citizen's data, when, which fields and why, leaving out covert access until its date", async () => {
    const { status, body } = await history(await citizenToken(pin))
    expect(status).toBe(200)
    expect(body.entries.map((e: any) => e.purpose).sort()).toEqual(['DIEU_TRA_CU', 'XAC_MINH'])
    const entry = body.entries.find((e: any) => e.purpose === 'XAC_MINH')
    expect(entry).toMatchObject({
      agency: 'test-agency',
      agencyName: 'Test agency test-agency',
      purposeName: 'Xác minh nhân thân',
      legalBasis: 'NĐ 118/2025 Điều 9',
    })
    expect(entry.fields).toEqual(expect.arrayContaining(['Citizen.name', 'PersonName.full']))
    expect(Date.parse(entry.at)).toBeGreaterThan(Date.now() - 60_000)
    // Nothing hints that something was withheld.
    expect(JSON.stringify(body)).not.toMatch(/DIEU_TRA"|withheld|dieu-tra"/)
  })

  it("shows another citizen nothing of this citizen's reads", async () => {
    const { status, body } = await history(await citizenToken(otherPin))
    expect(status).toBe(200)
    expect(body.entries).toEqual([])
  })

  it('refuses an agency access token, a staff token and no token', async () => {
    expect((await history(await gw.identity.token())).status).toBe(401)
    expect((await history(await staff('auditor'))).status).toBe(401)
    const res = await gw.app.request('/v1/access-history')
    expect(res.status).toBe(401)
  })

  it('pages with a cursor and refuses a bad limit or cursor', async () => {
    const token = await citizenToken(pin)
    const first = await history(token, '?limit=1')
    expect(first.body.entries).toHaveLength(1)
    const second = await history(token, `?limit=1&cursor=${first.body.nextCursor}`)
    expect(second.body.entries).toHaveLength(1)
    expect(second.body.entries[0].requestId).not.toBe(first.body.entries[0].requestId)
    expect(second.body.nextCursor).toBeUndefined()
    expect((await history(token, '?limit=1000')).status).toBe(400)
    expect((await history(token, '?cursor=bm90LWEtY3Vyc29y')).status).toBe(400)
    // A forged cursor whose time Date.parse takes but PostgreSQL does not: a 400, not a failed query.
    expect((await history(token, `?cursor=${btoa(JSON.stringify({ at: '0', writer: 'w', seq: 1 }))}`)).status).toBe(400)
  })
})

describe('auditor search API', () => {
  it('finds every read of a subject by its PIN (hashed before lookup), newest first', async () => {
    const { status, body } = await search(await staff('auditor'), `?subject=${pin}&kind=access.graphql`)
    expect(status, JSON.stringify(body)).toBe(200)
    const events = body.events as AuditEvent[]
    expect(events.map((e) => e.purpose)).toEqual(['DIEU_TRA_CU', 'DIEU_TRA', 'XAC_MINH'])
    expect(events.every((e) => e.subjects.includes(testKeyedHash(pin)))).toBe(true)
    expect(events.find((e) => e.purpose === 'DIEU_TRA')).toMatchObject({ withheldUntil: '2099-01-01', grants: ['dieu-tra'], caseId: 'CASE-DIEU_TRA' })
    expect(JSON.stringify(body)).not.toContain(pin)
  })

  it('combines filters and pages with a cursor', async () => {
    const token = await staff('auditor')
    const one = await search(token, `?subject=${pin}&purpose=XAC_MINH&decision=granted`)
    expect(one.body.events).toHaveLength(1)
    const ids: string[] = []
    let cursor = ''
    for (let i = 0; i < 5; i++) {
      const page = await search(token, `?subject=${pin}&kind=access.graphql&limit=1${cursor}`)
      ids.push(...page.body.events.map((e: AuditEvent) => e.id))
      if (!page.body.nextCursor) break
      cursor = `&cursor=${page.body.nextCursor}`
    }
    expect(new Set(ids).size).toBe(3)
    const none = await search(token, `?caseId=CASE-XAC_MINH&from=2099-01-01`)
    expect(none.body.events).toEqual([])
  })

  it('treats filters as values: an injection attempt matches nothing and harms nothing', async () => {
    const token = await staff('auditor')
    const attack = encodeURIComponent("x' or '1'='1'; drop table audit_events; --")
    const res = await search(token, `?agency=${attack}`)
    expect(res.status).toBe(200)
    expect(res.body.events).toEqual([])
    expect((await db.query<{ n: number }>('select count(*)::int8 as n from audit_events'))[0]!.n).toBeGreaterThan(3)
  })

  it('refuses bad filters with a message naming them', async () => {
    const token = await staff('auditor')
    const cases: Array<[string, RegExp]> = [
      ['?decision=maybe', /decision/],
      ['?subject=12345', /subject/],
      ['?from=yesterday', /from/],
      ['?limit=100000', /limit/],
      ['?colour=blue', /colour|Unrecognized/i],
      ['?cursor=garbage', /cursor/],
    ]
    for (const [query, message] of cases) {
      const res = await search(token, query)
      expect(res.status, query).toBe(400)
      expect(res.body.error.code).toBe('BAD_USER_INPUT')
      expect(res.body.error.message, query).toMatch(message)
    }
  })

  it('is for auditors only: an operator is refused, and so is a missing or agency token', async () => {
    expect((await search(await staff('operator', 'van-hanh'), '')).status).toBe(403)
    expect((await search(null, '')).status).toBe(401)
    expect((await search(await gw.identity.token(), '')).status).toBe(401)
  })

  it('records each search as an audit event, the subject filter hashed', async () => {
    await search(await staff('auditor', 'auditor-7'), `?subject=${pin}`)
    await gw.writer!.flush()
    const rows = await db.query<{ body: string }>("select body from audit_events where kind = 'audit.searched' order by at desc limit 1")
    const event = JSON.parse(rows[0]!.body) as AuditEvent
    expect(event).toMatchObject({ actor: 'auditor:auditor-7', decision: 'ok', detail: { subject: testKeyedHash(pin) } })
    expect(rows[0]!.body).not.toContain(pin)
    const refused = await db.query<{ body: string }>("select body from audit_events where kind = 'audit.searched' and decision = 'denied'")
    expect(refused.length).toBeGreaterThan(0)
  })
})
