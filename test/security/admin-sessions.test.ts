/**
 * Console sessions under attack, over real HTTP with production cookies: forged,
 * tampered, logged-out, expired and disabled sessions; fixation with a valid planted session;
 * each role on the other's routes; CSRF; the cookies' attributes; account enumeration at login.
 * console-auth.test.ts (TOTP, throttling, the session cookie's attributes, the unprefixed name)
 * and the browser test (a planted unknown id, re-login) are not repeated here.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256Hex } from '../../gateway/support/index.js'
import { AUDITOR, OPERATOR } from '../console/console-gateway.js'
import { startAttackedConsole, type AttackedConsole, type Session } from './attacked-console.js'
import { rawRequest, type RawResponse } from './raw-http.js'

let env: AttackedConsole
beforeAll(async () => void (env = await startAttackedConsole()), 60_000)
afterAll(() => env?.close())

const agencies = (cookie: string) => env.get('/admin/agencies', cookie)
const cookieOf = (id: string) => `${env.sessionCookie}=${id}`
const hashOf = async (session: Session) => [await sha256Hex(session.id)]

function expectLoggedOut(res: RawResponse, what: string) {
  expect(res.status, what).toBe(303)
  expect(res.headers.location, what).toBe('/admin/login')
}

describe('session ids', () => {
  it('a forged, malformed or tampered id, or a token that is not a session id, is no session', async () => {
    expect((await agencies(env.op.cookie)).status).toBe(200)
    const last = env.op.id.at(-1) === 'A' ? 'B' : 'A'
    const loginToken = (await fetch(`${env.url}/admin/login`)).headers.getSetCookie()[0]!.split(';')[0]!.split('=')[1]!
    const ids = {
      random: randomBytes(32).toString('base64url'),
      'one character changed': `${env.op.id.slice(0, -1)}${last}`,
      'one character added': `${env.op.id}A`,
      'one character removed': env.op.id.slice(0, -1),
      'SQL in the cookie': "' OR '1'='1' --",
      'too long': 'A'.repeat(5000),
      empty: '',
      "the session's CSRF token": env.op.csrf,
      "the login form's token": loginToken,
    }
    for (const [what, id] of Object.entries(ids)) expectLoggedOut(await agencies(cookieOf(id)), what)
    expect((await agencies(env.op.cookie)).status).toBe(200)
  })

  it('is dead after logout: its pages and its CSRF token are refused, its row is gone', async () => {
    const session = await env.session(await env.newAccount('operator'))
    expect((await env.post('/admin/logout', session, {})).status).toBe(303)
    expectLoggedOut(await agencies(session.cookie), 'after logout')
    const before = await env.policyState()
    expect((await env.post('/admin/agencies/suspend', session, { agency: 'test-agency', client: 'victim-client', suspended: 'true' })).status).toBe(403)
    expect(await env.policyState()).toEqual(before)
    expect(await env.db.query('select 1 from admin_sessions where id_hash = $1', await hashOf(session))).toEqual([])
  })

  it("fixation: a valid session planted before login (the attacker's own) is closed, and the login gets a fresh id", async () => {
    const planted = await env.session(await env.newAccount('auditor'))
    const res = await env.login(await env.newAccount('operator'), planted.cookie)
    expect(res.status).toBe(303)
    const fresh = res.headers
      .getSetCookie()
      .find((c) => c.startsWith(`${env.sessionCookie}=`))!
      .split(';')[0]!
    expect(fresh).not.toBe(planted.cookie)
    expect((await agencies(fresh)).status).toBe(200)
    expectLoggedOut(await agencies(planted.cookie), 'planted id, operator page')
    expectLoggedOut(await env.get('/admin/audit', planted.cookie), 'planted id, its own role')
  })

  it('is refused once expired, though the browser still sends the cookie', async () => {
    const session = await env.session(await env.newAccount('operator'))
    expect((await agencies(session.cookie)).status).toBe(200)
    await env.db.query(`update admin_sessions set expires_at = now() - interval '1 second' where id_hash = $1`, await hashOf(session))
    expectLoggedOut(await agencies(session.cookie), 'expired')
  })

  it('ends at once when its account is disabled', async () => {
    const account = await env.newAccount('operator')
    const session = await env.session(account)
    await env.db.query('update admin_accounts set disabled = true where name = $1', [account.name])
    expectLoggedOut(await agencies(session.cookie), 'disabled account')
  })
})

describe('separation of duties', () => {
  const OPERATOR_PAGES = [
    '/admin/agencies',
    '/admin/agencies/suspend?agency=test-agency&client=victim-client',
    '/admin/policies',
    '/admin/policies/edit',
    '/admin/policies/diff?a=1&b=1',
    '/admin/simulator',
    '/admin/health',
  ]
  const AUDITOR_PAGES = [
    '/admin/audit',
    '/admin/audit/probing',
    '/admin/audit/charts',
    '/admin/audit/verify',
    '/admin/audit/export?format=csv',
    `/admin/audit/events/${crypto.randomUUID()}`,
  ]
  /** Other spellings of an auditor page: none may slip past the guard to a 200. */
  const AUDITOR_SPELLINGS = [
    '/admin/audit/',
    '/admin/./audit',
    '/admin/%61udit',
    '/admin/agencies/../audit',
    '/admin/agencies/%2e%2e/audit',
    '/admin/api/../audit',
    '/admin/aud%69t/export?format=csv',
    '/admin/AUDIT',
    '//admin/audit',
  ]
  const OPERATOR_ACTIONS: Array<[string, Record<string, string>]> = [
    ['/admin/policies/edit', { file: 'agencies/test-agency.yaml', text: 'agency: test-agency' }],
    ['/admin/policies/apply', { file: 'agencies/test-agency.yaml', text: 'agency: test-agency', base: '1', digest: '0'.repeat(64) }],
    ['/admin/policies/activate', { version: '1' }],
    ['/admin/policies/rollback', {}],
    ['/admin/agencies/suspend', { agency: 'test-agency', client: 'victim-client', suspended: 'true', confirm: 'test-agency/victim-client' }],
    ['/admin/agencies/keys/revoke', { agency: 'test-agency', client: 'victim-client', kid: 'victim-client-1' }],
    ['/admin/agencies/keys/add', { agency: 'test-agency', client: 'victim-client', jwk: '{"kty":"EC"}' }],
  ]

  /** The refused request's own audit event: who tried, and that it was refused. */
  async function expectRecordedRefusal(res: RawResponse, actor: string, what: string) {
    expect(res.status, what).toBe(403)
    const [row] = await env.db.query<{ body: string }>('select body from audit_events where request_id = $1', [res.headers['x-request-id']])
    expect(JSON.parse(row!.body), what).toMatchObject({ kind: 'admin.action', actor, status: 403, decision: 'rejected' })
  }

  it('an operator is refused every auditor page, however spelt, and each attempt is recorded', async () => {
    for (const path of AUDITOR_PAGES) await expectRecordedRefusal(await env.get(path, env.op.cookie), `operator:${OPERATOR.name}`, path)
    for (const path of AUDITOR_SPELLINGS) {
      const res = await env.get(path, env.op.cookie)
      expect([403, 404], path).toContain(res.status)
    }
  })

  it('an auditor is refused every operator page and action, even with its valid CSRF token; nothing changes', async () => {
    const before = await env.policyState()
    for (const path of OPERATOR_PAGES) await expectRecordedRefusal(await env.get(path, env.au.cookie), `auditor:${AUDITOR.name}`, path)
    for (const [path, fields] of OPERATOR_ACTIONS) await expectRecordedRefusal(await env.post(path, env.au, fields), `auditor:${AUDITOR.name}`, path)
    expect(await env.policyState()).toEqual(before)
  })
})

describe('CSRF', () => {
  it("refuses a state change without the token, with another session's, from another origin or with no Origin at all", async () => {
    const other = await env.session(await env.newAccount('operator'))
    // As the confirmation page posts it: the confirmation names the client.
    const suspend = { agency: 'test-agency', client: 'victim-client', suspended: 'true', confirm: 'test-agency/victim-client' }
    const form = (fields: Record<string, string>) => new URLSearchParams({ ...suspend, ...fields }).toString()
    const send = (headers: Record<string, string>, body: string) =>
      rawRequest(env.url, 'POST', '/admin/agencies/suspend', { cookie: env.op.cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body)
    const before = await env.policyState()
    const attempts: Array<[string, Promise<RawResponse>]> = [
      ['no token', send({ origin: env.url }, form({}))],
      ['an empty token', send({ origin: env.url }, form({ _csrf: '' }))],
      ["another session's token", send({ origin: env.url }, form({ _csrf: other.csrf }))],
      ['a foreign Origin', send({ origin: 'https://evil.example' }, form({ _csrf: env.op.csrf }))],
      ['a look-alike Origin', send({ origin: `${env.url}.evil.example` }, form({ _csrf: env.op.csrf }))],
      ['Origin: null', send({ origin: 'null' }, form({ _csrf: env.op.csrf }))],
      ['no Origin and no Referer', send({}, form({ _csrf: env.op.csrf }))],
      ['a JSON body (no Origin check applies to it)', send({ 'content-type': 'application/json' }, JSON.stringify({ ...suspend, _csrf: env.op.csrf }))],
    ]
    for (const [what, attempt] of attempts) expect((await attempt).status, what).toBe(403)
    expect(await env.policyState()).toEqual(before)
    // The same request as the console's own page sends it goes through: the refusals were the attacks'.
    expect((await send({ origin: env.url }, form({ _csrf: env.op.csrf }))).status).toBe(303)
    expect((await env.policyState()).versions).toBe(before.versions + 1)
  })
})

describe('cookies and login answers', () => {
  it('every cookie set is __Host-, Secure, HttpOnly, SameSite=Strict; logout clears it as a browser will accept', async () => {
    const account = await env.newAccount('operator')
    const form = (await fetch(`${env.url}/admin/login`)).headers.getSetCookie()
    const login = await env.login(account)
    const set = [...form, ...login.headers.getSetCookie()]
    expect(set.length).toBeGreaterThanOrEqual(2)
    for (const cookie of set) {
      expect(cookie).toMatch(/^__Host-[\w-]+=[^;]+;/)
      for (const attribute of ['Path=/', 'HttpOnly', 'Secure', 'SameSite=Strict']) expect(cookie.split('; ')).toContain(attribute)
      expect(cookie).not.toMatch(/Domain=/i)
    }
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await env.get('/admin/agencies', cookie)).body)![1]!
    const out = await env.post('/admin/logout', { cookie, id: '', csrf }, {})
    expect(out.headers['set-cookie']).toEqual([expect.stringMatching(/^__Host-lgsp_admin=; Max-Age=0; Path=\/; Secure/)])
  })

  it('answers an unknown account exactly as a wrong password or a disabled account', async () => {
    const disabled = await env.newAccount('operator')
    await env.db.query('update admin_accounts set disabled = true where name = $1', [disabled.name])
    const wrong = await env.newAccount('auditor')
    const answers = []
    for (const fields of [{ name: 'khong.ton.tai', password: 'mat-khau-bat-ky' }, { name: wrong.name, password: 'sai-mat-khau' }, disabled]) {
      const res = await env.login(fields)
      // The form's one-time token differs by design; everything else must be the same.
      answers.push({ status: res.status, body: (await res.text()).replace(/name="_login" value="[^"]+"/, '') })
    }
    expect(answers[0]!.status).toBe(401)
    expect(answers[1]).toEqual(answers[0])
    expect(answers[2]).toEqual(answers[0])
  })
})
