/**
 * A partner connected only after it has shown it keeps the contract: an agency whose policy sets
 * `exchange.requireConformance` gets tokens once a green report, under the contract in force and
 * signed by this gateway, is recorded for it; not with none, a red one, one for an older contract,
 * or one edited in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildReport, createReportStore, signReport, type CaseResult, type ReportStore } from '../../gateway/conformance/index.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { agencyDocument, createTestClient, signAssertion, type TestClient } from '../identity.js'
import { fullAccess, testPurposes } from '../policies.js'

let db: Database
let gw: TestGateway
let reports: ReportStore
let vendor: TestClient
let other: TestClient

const CASES: CaseResult[] = [
  { id: 'acknowledges-every-step', title: 't', titleVi: 't', verdict: 'pass', message: 'ok', evidence: [] },
  { id: 'refuses-unsigned', title: 't', titleVi: 't', verdict: 'pass', message: 'ok', evidence: [] },
]
const reportFor = (cases: CaseResult[], contractVersion?: string, agency = 'so-moi') =>
  signReport(
    {
      ...buildReport({
        agency,
        role: 'department',
        wire: 'canonical',
        target: 'http://127.0.0.1:9/lien-thong',
        startedAt: '',
        finishedAt: new Date().toISOString(),
        deadlineMs: 3000,
        cases,
      }),
      ...(contractVersion ? { contractVersion } : {}),
    },
    gw.identity.keys.signingKey(),
  )

async function token(client: TestClient) {
  const res = await gw.app.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await signAssertion(client),
    }).toString(),
  })
  return { status: res.status, body: (await res.json()) as { access_token?: string; error?: string; error_description?: string } }
}

beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
  reports = createReportStore(db)
  vendor = await createTestClient('so-moi-client', 'so-moi')
  other = await createTestClient('so-cu-client', 'so-cu')
  gw = await createTestGateway({
    auditDb: db,
    conformance: reports,
    policies: (identity) => ({
      agencies: [
        fullAccess(agencyDocument('test-agency', [identity.client])),
        { ...agencyDocument('so-moi', [vendor]), grants: [], exchange: { delivery: 'inbox', wire: 'canonical', requireConformance: true } },
        { ...agencyDocument('so-cu', [other]), grants: [], exchange: { delivery: 'inbox', wire: 'canonical' } },
      ],
      purposes: testPurposes,
    }),
  })
}, 60_000)
afterAll(async () => {
  await gw?.close()
  await db?.close()
})

describe('a partner whose policy requires a conformance report', () => {
  it('gets no token without one, and is told why', async () => {
    const res = await token(vendor)
    expect(res.status).toBe(401)
    expect(res.body.error).toBe('invalid_client')
    expect(res.body.error_description).toMatch(/not yet activated: agency so-moi has no green conformance report under contract .*lgsp conformance run/)
    // An agency that does not require one is not held back.
    expect((await token(other)).status).toBe(200)
  })

  it('gets none with a red report, or a green one for an older contract', async () => {
    await reports.record('so-moi', await reportFor([...CASES.slice(0, 1), { ...CASES[1]!, verdict: 'fail' }]), 'cli:test')
    expect((await token(vendor)).status).toBe(401)
    await reports.record('so-moi', await reportFor(CASES, '2026-11-20'), 'cli:test')
    expect((await token(vendor)).status).toBe(401)
  })

  it('gets none with a green report made for another agency, even recorded under its name', async () => {
    await reports.record('so-moi', await reportFor(CASES, undefined, 'so-cu'), 'cli:test')
    const held = await token(vendor)
    expect(held.status).toBe(401)
    expect(held.body.error_description).toMatch(/was made for so-cu/)
  })

  it('gets tokens once a green report under the contract in force is recorded; not when that report is edited in the database', async () => {
    await reports.record('so-moi', await reportFor(CASES), 'cli:test')
    const granted = await token(vendor)
    expect(granted.status).toBe(200)
    expect(granted.body.access_token).toBeTypeOf('string')
    await db.query(
      `update conformance_reports set report = replace(report, 'http://127.0.0.1:9/lien-thong', 'http://127.0.0.1:9/khac') where agency = 'so-moi' and green`,
    )
    const held = await token(vendor)
    expect(held.status).toBe(401)
    expect(held.body.error_description).toMatch(/does not verify/)
  })

  it('takes nothing from the columns: a red report whose row is edited to green for this agency clears nobody', async () => {
    await reports.record('so-cu', await reportFor([...CASES.slice(0, 1), { ...CASES[1]!, verdict: 'fail' }], undefined, 'so-cu'), 'cli:test')
    await db.query(
      `update conformance_reports set green = true, failed = 0, agency = 'so-moi', recorded_at = now() + interval '1 minute' where agency = 'so-cu'`,
    )
    const held = await token(vendor)
    expect(held.status).toBe(401)
    expect(held.body.error_description).toMatch(/was made for so-cu/)
  })

  it('a red run recorded after a green one revokes the clearance', async () => {
    await reports.record('so-moi', await reportFor(CASES), 'cli:test', new Date(Date.now() + 120_000))
    expect((await token(vendor)).status).toBe(200)
    await reports.record('so-moi', await reportFor([...CASES.slice(0, 1), { ...CASES[1]!, verdict: 'fail' }]), 'cli:test', new Date(Date.now() + 180_000))
    const held = await token(vendor)
    expect(held.status).toBe(401)
    expect(held.body.error_description).toMatch(/is not green \(1 case\(s\) failed\)/)
  })

  it('lists each partner’s latest report', async () => {
    const latest = await reports.latest()
    expect(latest.find((r) => r.agency === 'so-moi')).toMatchObject({ green: false, passed: 1, failed: 1, recordedBy: 'cli:test' })
  })
})
