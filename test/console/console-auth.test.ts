/**
 * Console login without a browser: the TOTP second factor, login throttling, and the audit events
 * of console actions (actor and action recorded, the name typed at a failed login not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccount } from '../../gateway/admin/console/accounts.js'
import { hashPassword } from '../../gateway/admin/console/password.js'
import { base32Decode, newTotpSecret, totp } from '../../gateway/admin/console/totp.js'
import { OPERATOR, startConsoleGateway } from './console-gateway.js'

let env: Awaited<ReturnType<typeof startConsoleGateway>>
const secret = newTotpSecret()
const TOTP_USER = { name: 'op.totp', password: 'mat-khau-co-totp-1' }

beforeAll(async () => {
  env = await startConsoleGateway()
  await createAccount(env.db, { name: TOTP_USER.name, role: 'operator', passwordHash: await hashPassword(TOTP_USER.password), totpSecret: secret })
}, 60_000)
afterAll(() => env?.close())

const login = (fields: Record<string, string>) => env.login(fields)

describe('console login', () => {
  it('asks an enrolled account for its TOTP code', async () => {
    expect((await login({ name: TOTP_USER.name, password: TOTP_USER.password })).status).toBe(401)
    const code = await totp(base32Decode(secret), Date.now())
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0')
    expect((await login({ name: TOTP_USER.name, password: TOTP_USER.password, totp: wrong })).status).toBe(401)
    const ok = await login({ name: TOTP_USER.name, password: TOTP_USER.password, totp: code })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('set-cookie')).toMatch(/lgsp_admin=.*HttpOnly.*SameSite=Strict/i)
  })

  it('in production sets a Secure __Host- cookie and reads the session only from it', async () => {
    const prod = await startConsoleGateway({ secureCookies: true })
    try {
      const res = await prod.login({ name: OPERATOR.name, password: OPERATOR.password })
      const setCookie = res.headers.get('set-cookie') ?? ''
      expect(setCookie).toMatch(/^__Host-lgsp_admin=[^;]+; Max-Age=28800; Path=\/; HttpOnly; Secure; SameSite=Strict/)
      const id = /^__Host-lgsp_admin=([^;]+)/.exec(setCookie)![1]
      const page = (cookie: string) => fetch(`${prod.url}/admin/agencies`, { headers: { cookie }, redirect: 'manual' }).then((r) => r.status)
      expect(await page(`__Host-lgsp_admin=${id}`)).toBe(200)
      expect(await page(`lgsp_admin=${id}`)).toBe(303)
    } finally {
      await prod.close()
    }
  })

  it('refuses a login form posted without its double-submit token', async () => {
    const res = await fetch(`${env.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: env.url },
      body: new URLSearchParams({ name: OPERATOR.name, password: OPERATOR.password }),
    })
    expect(res.status).toBe(403)
  })

  it('throttles guessing on one account name (429 with Retry-After)', async () => {
    const responses: Response[] = []
    for (let i = 0; i < 6; i++) responses.push(await login({ name: 'doan.mo', password: `wrong-${i}` }))
    expect(responses.slice(0, 5).map((r) => r.status)).toEqual([401, 401, 401, 401, 401])
    expect(responses[5]!.status).toBe(429)
    expect(Number(responses[5]!.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('records console actions in the audit trail with their actor, never the name typed at a failed login', async () => {
    const rows = await env.db.query<{ body: string }>(`select body from audit_events where kind = 'admin.action'`)
    const events = rows.map((r) => JSON.parse(r.body) as { actor?: string; detail?: Record<string, unknown> })
    expect(events.some((e) => e.actor === `operator:${TOTP_USER.name}` && e.detail?.action === 'login')).toBe(true)
    expect(events.some((e) => e.detail?.action === 'login.failed')).toBe(true)
    expect(JSON.stringify(events)).not.toContain('doan.mo')
  })
})
