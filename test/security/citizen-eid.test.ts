/**
 * In production the citizen's own channels (access history, "my dossiers") accept the national
 * e-ID's ID tokens — from a real OpenID Connect provider here — and nothing else: the sandbox
 * citizen token that stands in for it in development is refused.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createDatabaseBlobStore, createDossierStore, createOutbox } from '../../gateway/exchange/index.js'
import { createCitizenOidcVerifier } from '../../gateway/identity/citizen-oidc.js'
import { issueSandboxCitizenToken } from '../../gateway/identity/citizen-token.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { TEST_ISSUER } from '../identity.js'
import { EID_CLIENT_ID, EID_CLIENT_SECRET, EID_LEVEL_1, EID_LEVEL_2, startSandboxEid, type SandboxEid } from '../services/sandbox-eid.js'

const PIN = '001085000101'
let db: Database
let gw: TestGateway
let eid: SandboxEid

beforeAll(async () => {
  eid = await startSandboxEid({ redirectUris: [`${TEST_ISSUER}/v1/citizen/callback`] })
  db = await openPglite()
  await migrate(db)
  const store = createDossierStore(db)
  await store.submit({ code: 'G09.20-20261204-0000042', procedure: '1.004227', channel: 2, applicant: PIN }, { actor: 'test-agency' })
  const verifier = createCitizenOidcVerifier({ issuer: eid.issuer, audience: EID_CLIENT_ID, acceptedAcr: [EID_LEVEL_2] })
  gw = await createTestGateway({
    mode: 'production',
    auditDb: db,
    exchange: { store, blobs: createDatabaseBlobStore(db), outbox: createOutbox(db) },
    citizenEid: { verifier, clientId: EID_CLIENT_ID, clientSecret: EID_CLIENT_SECRET, acr: EID_LEVEL_2 },
  })
}, 60_000)
afterAll(async () => {
  await gw?.close()
  await db?.close()
  await eid?.close()
})

const get = (path: string, token?: string) => gw.app.request(path, token ? { headers: { authorization: `Bearer ${token}` } } : {})

it('an e-ID login at level 2 reads the citizen’s own dossiers and access history', async () => {
  const token = await eid.login(PIN)
  const mine = await get('/v1/my-dossiers', token)
  expect(mine.status).toBe(200)
  expect(((await mine.json()) as { dossiers: Array<{ code: string }> }).dossiers.map((d) => d.code)).toEqual(['G09.20-20261204-0000042'])
  expect((await get('/v1/access-history', token)).status).toBe(200)
})

it.each([
  ['a sandbox citizen token', () => issueSandboxCitizenToken(gw.identity.keys, TEST_ISSUER, PIN)],
  ['an e-ID login at level 1', () => eid.login(PIN, { acr: EID_LEVEL_1 })],
  ['no token', async () => undefined],
])('refuses %s with 401 in production', async (_case, token) => {
  const value = await token()
  for (const path of ['/v1/my-dossiers', '/v1/access-history']) {
    const res = await get(path, value)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
  }
})

it('the citizen’s web page: log in with the e-ID, and see one’s dossiers, rendered once, with no token handed over', async () => {
  const start = await gw.app.request('/v1/citizen/login')
  expect(start.status).toBe(302)
  const flowCookie = start.headers.get('set-cookie')!.split(';')[0]!
  expect(start.headers.get('set-cookie')).toMatch(/HttpOnly/i)
  const authorization = start.headers.get('location')!
  expect(authorization.startsWith(`${eid.issuer}/auth?`)).toBe(true)
  expect(new URL(authorization).searchParams.get('code_challenge_method')).toBe('S256')
  eid.citizen = PIN
  const back = await eid.follow(authorization, `${TEST_ISSUER}/v1/citizen/callback`)
  const path = `/v1/citizen/callback?${back.searchParams}`
  // Without the cookie of the browser that started it, or with another state: refused.
  expect((await gw.app.request(path)).status).toBe(401)
  const forged = new URLSearchParams(back.searchParams)
  forged.set('state', 'another')
  expect((await gw.app.request(`/v1/citizen/callback?${forged}`, { headers: { cookie: flowCookie } })).status).toBe(401)
  // The code is single-use at the provider: the real callback is the first to present it.
  const eid2 = await gw.app.request('/v1/citizen/login')
  const cookie2 = eid2.headers.get('set-cookie')!.split(';')[0]!
  const back2 = await eid.follow(eid2.headers.get('location')!, `${TEST_ISSUER}/v1/citizen/callback`)
  const page = await gw.app.request(`/v1/citizen/callback?${back2.searchParams}`, { headers: { cookie: cookie2 } })
  expect(page.status).toBe(200)
  expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/)
  const html = await page.text()
  expect(html.startsWith('<!doctype html>')).toBe(true)
  expect(html).toContain('G09.20-20261204-0000042')
  expect(html).toContain('Mới đăng ký')
  expect(html).not.toMatch(/eyJ[A-Za-z0-9_-]+\./) // no JWT in the page
  expect(html).not.toContain('<script')
})
