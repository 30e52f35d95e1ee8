/**
 * Suspected probing as an auditor sees it: the one-stop desk (shipped policy) verifies one
 * applicant with wrong birth dates until its limit refuses; the audit trail (PGlite, the real
 * writer) flags those events `VERIFICATION_PROBING`; the search API finds them by signal; the
 * probing list (JSON API and console page) names the agency and the subject's keyed hash, never
 * the PIN; the explorer shows the banner and the badge. Operators see none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccount } from '../../gateway/admin/console/accounts.js'
import { hashPassword } from '../../gateway/admin/console/password.js'
import { SESSION_COOKIE } from '../../gateway/admin/console/session.js'
import { issueStaffToken } from '../../gateway/admin/staff-token.js'
import type { AuditEvent } from '../../gateway/audit/index.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { createTestGateway, testKeyedHash, type TestGateway } from '../harness.js'
import { TEST_ISSUER } from '../identity.js'
import { loadSandboxPolicies, sandboxAgencies, tokenFor } from '../policy/sandbox-agencies.js'
import { AUDITOR, consoleOn, OPERATOR } from './console-gateway.js'

const DESK = 'mot-cua-phuong-hong-ha'
const ORIGIN = 'http://localhost'
let db: Database
let gw: TestGateway
let target: { pin: string; name: string; birthDate: string }
let bystander: { pin: string; name: string; birthDate: string }

beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
  const agencies = await sandboxAgencies(await loadSandboxPolicies())
  gw = await createTestGateway({
    world: { citizens: 100, parcels: 10, enterprises: 10 },
    auditDb: db,
    policies: () => agencies.set,
    console: consoleOn(db),
  })
  await createAccount(db, { name: OPERATOR.name, role: 'operator', passwordHash: await hashPassword(OPERATOR.password) })
  await createAccount(db, { name: AUDITOR.name, role: 'auditor', passwordHash: await hashPassword(AUDITOR.password) })
  const people = gw.world.people
    .filter((p) => p.birthDate.length === 10 && !p.deceasedOn)
    .map((p) => ({ pin: p.pin, name: [p.family, p.middle, p.given].filter(Boolean).join(' '), birthDate: p.birthDate }))
  ;[target, bystander] = people as [typeof target, typeof bystander]
  // The probe: wrong dates for one applicant until the grant refuses; one honest mistake elsewhere.
  const token = await tokenFor(gw.identity, agencies, DESK)
  const verify = (who: typeof target, birthDate: string, officer: string) =>
    gw.graphql(
      'query V($pin: PIN!, $name: String!, $b: PartialDate!) { verifyCitizen(pin: $pin, name: $name, birthDate: $b) { match } }',
      { pin: who.pin, name: who.name, b: birthDate },
      {
        authorization: `Bearer ${token}`,
        'x-purpose': 'XAC_MINH_NHAN_THAN',
        'x-case-id': 'HS-000123.2026',
        'x-end-user': officer,
      },
    )
  const statuses: number[] = []
  const wrongMonth = target.birthDate.slice(5, 7) === '12' ? '11' : '12'
  for (const [i, day] of ['01', '02', '03', '04'].entries()) {
    statuses.push((await verify(target, `${target.birthDate.slice(0, 4)}-${wrongMonth}-${day}`, `can-bo.${i % 2 ? 'binh' : 'an'}`)).status)
  }
  expect(statuses).toEqual([200, 200, 200, 429])
  expect((await verify(bystander, `${bystander.birthDate.slice(0, 4)}-${bystander.birthDate.slice(5, 7) === '06' ? '07' : '06'}-15`, 'can-bo.an')).status).toBe(
    200,
  )
}, 60_000)
afterAll(async () => {
  await gw?.close()
  await db?.close()
})

const staff = (role: 'auditor' | 'operator') =>
  issueStaffToken(gw.identity.keys, TEST_ISSUER, { role, name: role === 'auditor' ? AUDITOR.name : OPERATOR.name })
async function api(path: string, role: 'auditor' | 'operator' | null) {
  const res = await gw.app.request(path, { headers: role ? { authorization: `Bearer ${await staff(role)}` } : {} })
  return { status: res.status, body: (await res.json()) as any }
}

/** A console session as a browser gets one: the login form's double-submit token, then the post. */
async function session(account: { name: string; password: string }): Promise<string> {
  const form = await gw.app.request(`${ORIGIN}/admin/login`)
  const loginCookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!
  const token = /name="_login" value="([^"]+)"/.exec(await form.text())?.[1] ?? ''
  const res = await gw.app.request(`${ORIGIN}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, cookie: loginCookie },
    body: new URLSearchParams({ _login: token, ...account }),
  })
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.split(';')[0]
  if (res.status !== 303 || !cookie) throw new Error(`login of ${account.name} failed: ${res.status}`)
  return cookie
}
const page = async (path: string, cookie: string) => {
  const res = await gw.app.request(`${ORIGIN}${path}`, { headers: { cookie } })
  return { status: res.status, html: await res.text() }
}

describe('suspected probing in the audit trail and the console', () => {
  it('the search API finds the flagged events by signal: the second and third non-match and the refusal, not the others', async () => {
    const { status, body } = await api('/admin/api/audit?signal=VERIFICATION_PROBING', 'auditor')
    expect(status).toBe(200)
    const events = body.events as AuditEvent[]
    expect(events.map((e) => [e.decision, e.reason ?? null]).sort()).toEqual([
      ['granted', null],
      ['granted', null],
      ['rate_limited', 'SUBJECT_DAILY_LIMIT'],
    ])
    expect(events.every((e) => e.agency === DESK && e.signals?.includes('VERIFICATION_PROBING') && e.subjects.includes(testKeyedHash(target.pin)))).toBe(true)
    const all = (await api(`/admin/api/audit?agency=${DESK}`, 'auditor')).body.events as AuditEvent[]
    expect(all.length, 'the first non-match and the bystander are not flagged').toBe(events.length + 2)
    const bad = await api('/admin/api/audit?signal=GUESSING', 'auditor')
    expect(bad.status).toBe(400)
  })

  it('GET /admin/api/audit/probing lists the subject per agency, as its keyed hash, for auditors only', async () => {
    const { status, body } = await api('/admin/api/audit/probing', 'auditor')
    expect(status).toBe(200)
    expect(body.suspects).toEqual([
      {
        agency: DESK,
        subject: testKeyedHash(target.pin),
        events: 3,
        first: expect.any(String),
        last: expect.any(String),
        endUsers: ['can-bo.an', 'can-bo.binh'],
      },
    ])
    expect(JSON.stringify(body)).not.toContain(target.pin)
    expect((await api('/admin/api/audit/probing', 'operator')).status).toBe(403)
    expect((await api('/admin/api/audit/probing', null)).status).toBe(401)
  })

  it("the auditor's console lists it, with a banner and a badge on the explorer", async () => {
    const cookie = await session(AUDITOR)
    const list = await page('/admin/audit/probing', cookie)
    expect(list.status).toBe(200)
    const row = /<tr data-agency="mot-cua-phuong-hong-ha">([\s\S]*?)<\/tr>/.exec(list.html)?.[1] ?? ''
    expect(row).toContain(testKeyedHash(target.pin))
    expect(row).toContain('<td class="bad">3</td>')
    expect(row).toContain('can-bo.an, can-bo.binh')
    expect(list.html).not.toContain(target.pin)
    expect(list.html).not.toContain(testKeyedHash(bystander.pin))

    const explorer = await page('/admin/audit', cookie)
    expect(explorer.html).toMatch(/id="probing-banner"[\s\S]*?href="\/admin\/audit\/probing">1 /)
    expect((explorer.html.match(/data-signal="VERIFICATION_PROBING"/g) ?? []).length).toBe(3)
    const filtered = await page(`/admin/audit?signal=VERIFICATION_PROBING&agency=${DESK}`, cookie)
    expect((filtered.html.match(/<tr>\s*<td><a href="\/admin\/audit\/events\//g) ?? []).length).toBe(3)
  })

  it('an operator is refused the probing page', async () => {
    const cookie = await session(OPERATOR)
    expect((await page('/admin/audit/probing', cookie)).status).toBe(403)
  })
})
