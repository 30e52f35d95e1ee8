/**
 * Login and logout. A login always opens a new session with a new random id and ends any session
 * the browser came with (anti-fixation); the form itself is protected by a double-submit token
 * in its own cookie (there is no session yet) and by the Origin check in front of every POST.
 */
import { Hono, type Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { checkAttempt, type AttemptLimits } from '../../http/attempt-limit.js'
import { closeSession, findAccount, openSession } from './accounts.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { hashPassword, verifyPassword } from './password.js'
import { auditAction, sessionCookie } from './session.js'
import { verifyTotp } from './totp.js'
import { Page } from './views/layout.js'

const LOGIN_COOKIE = 'lgsp_login'
/**
 * The double-submit cookie gets the session cookie's protection: with `__Host-` (which needs
 * Path=/) a sibling subdomain cannot plant a token of its own choosing beside its form.
 */
const loginCookie = (secure: boolean) => ({
  prefix: secure ? ('host' as const) : undefined,
  path: '/',
  httpOnly: true,
  secure,
  sameSite: 'Strict' as const,
  maxAge: 1800,
})
/**
 * A person logs in a few times a day: five tries at once per account name, then one a minute
 * (guessing ten passwords takes ten minutes). An address gets more, for a shared office NAT.
 */
export const LOGIN_ATTEMPT_LIMITS: AttemptLimits = {
  perIp: { perMinute: 60, burst: 30 },
  perSubject: { perMinute: 1, burst: 5 },
}
const randomToken = () =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24)))).replace(/[+/=]/g, (ch) => ({ '+': '-', '/': '_', '=': '' })[ch] ?? '')

/** Unknown accounts cost the same KDF run as known ones, so timing does not reveal which exist. */
let dummyHash: Promise<string> | undefined

export function loginRoutes(options: ConsoleOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()
  const cookie = sessionCookie(options)

  const form = (c: Context<ConsoleEnv>, error?: string) => {
    const t = c.get('t')
    const token = randomToken()
    setCookie(c, LOGIN_COOKIE, token, loginCookie(options.secureCookies))
    return c.html(
      <Page c={c} title={t.login.title}>
        <form method="post" action="/admin/login" class="card" style="max-width:420px">
          {error ? (
            <p class="problem" role="alert">
              {error}
            </p>
          ) : null}
          <input type="hidden" name="_login" value={token} />
          <label for="name">{t.login.name}</label>
          <input type="text" id="name" name="name" autocomplete="username" required autofocus />
          <label for="password">{t.login.password}</label>
          <input type="password" id="password" name="password" autocomplete="current-password" required />
          <label for="totp">{t.login.totp}</label>
          <input type="text" id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" />
          <button type="submit">{t.login.submit}</button>
        </form>
      </Page>,
    )
  }

  routes.get('/admin/login', (c) => form(c))

  routes.post('/admin/login', async (c) => {
    const t = c.get('t')
    const body = await c.req.parseBody()
    const name = typeof body.name === 'string' ? body.name.trim() : ''
    const expected = getCookie(c, LOGIN_COOKIE, loginCookie(options.secureCookies).prefix)
    if (!expected || body._login !== expected) {
      auditAction(c, 'login.refused', { reason: 'csrf' })
      c.status(403)
      return form(c, t.csrfFailed)
    }
    if (options.attempts) {
      for (const by of ['ip', 'subject'] as const) {
        const verdict = await checkAttempt({ limits: LOGIN_ATTEMPT_LIMITS, ...options.attempts }, c, 'login', by, name)
        if (!verdict.allowed) {
          auditAction(c, 'login.refused', { reason: 'throttled' })
          c.status(429)
          c.header('retry-after', String(verdict.retryAfterS))
          return form(c, t.login.throttled)
        }
      }
    }
    const account = await findAccount(options.db, name)
    const password = typeof body.password === 'string' ? body.password : ''
    const passwordOk = await verifyPassword(password, account?.passwordHash ?? (await (dummyHash ??= hashPassword('not a password'))))
    const totpOk = !account?.totpSecret || (typeof body.totp === 'string' && (await verifyTotp(account.totpSecret, body.totp.trim())))
    if (!account || account.disabled || !passwordOk || !totpOk) {
      // The name typed is not logged: it may be a password typed in the wrong field.
      auditAction(c, 'login.failed', { known: Boolean(account) })
      c.status(401)
      return form(c, t.login.failed)
    }
    const previous = cookie.read(c)
    if (previous) await closeSession(options.db, previous)
    const session = await openSession(options.db, account.name)
    cookie.write(c, session.id)
    const draft = c.get('audit')
    if (draft) draft.actor = `${account.role}:${account.name}`
    auditAction(c, 'login', { role: account.role, totp: Boolean(account.totpSecret) })
    return c.redirect(account.role === 'operator' ? '/admin/agencies' : '/admin/audit', 303)
  })

  routes.post('/admin/logout', async (c) => {
    const session = c.get('session')
    if (session) await closeSession(options.db, session.id)
    cookie.clear(c)
    auditAction(c, 'logout')
    return c.redirect('/admin/login', 303)
  })
  return routes
}
