/**
 * The console as the adversarial tests meet it: production cookies (`__Host-`, Secure), raw HTTP
 * requests, and the policy store's state to show that a refused request wrote nothing.
 */
import { createAccount } from '../../gateway/admin/console/accounts.js'
import { hashPassword } from '../../gateway/admin/console/password.js'
import type { StaffRole } from '../../gateway/admin/staff-token.js'
import { AUDITOR, OPERATOR, startConsoleGateway } from '../console/console-gateway.js'
import { rawRequest } from './raw-http.js'

export type Session = Awaited<ReturnType<Awaited<ReturnType<typeof startConsoleGateway>>['session']>>
export type AttackedConsole = Awaited<ReturnType<typeof startAttackedConsole>>

/** With a session of the seeded operator (`op`) and of the seeded auditor (`au`). */
export async function startAttackedConsole() {
  const env = await startConsoleGateway({ secureCookies: true })
  // A failed login here leaves the caller's afterAll nothing to close: close it now.
  const [op, au] = await Promise.all([env.session(OPERATOR), env.session(AUDITOR)]).catch(async (error: unknown) => {
    await env.close()
    throw error
  })
  let accounts = 0
  return {
    ...env,
    op,
    au,
    get: (path: string, cookie: string, headers: Record<string, string> = {}) => rawRequest(env.url, 'GET', path, cookie ? { cookie, ...headers } : headers),
    /** A form posted as the console's own page posts it: same origin, the session's CSRF token. */
    post: (path: string, session: Session, fields: Record<string, string>) =>
      rawRequest(
        env.url,
        'POST',
        path,
        { cookie: session.cookie, origin: env.url, 'content-type': 'application/x-www-form-urlencoded' },
        new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
      ),
    /** Versions stored, the active one and its file names: equal before and after a refused request. */
    policyState: async () => {
      const active = (await env.db.query<{ version: number }>('select version from policy_activation order by id desc limit 1'))[0]?.version
      const [{ n }] = (await env.db.query<{ n: number }>('select count(*)::int as n from policy_versions')) as [{ n: number }]
      const files = (
        await env.db.query<{ name: string }>(
          `select f->>'name' as name from policy_versions v, jsonb_array_elements(v.files::jsonb) f where v.version = $1 order by 1`,
          [active],
        )
      ).map((r) => r.name)
      return { versions: n, active, files }
    },
    /** A further account, so tests that log in often stay under the per-account login limit (5 at once). */
    newAccount: async (role: StaffRole) => {
      const account = { name: `${role}.${++accounts}`, password: `mat-khau-${role}-${accounts}` }
      // Few PBKDF2 rounds: the count is stored with the hash, and the login path is the same.
      await createAccount(env.db, { name: account.name, role, passwordHash: await hashPassword(account.password, 1000) })
      return account
    },
  }
}
