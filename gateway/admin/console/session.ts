/**
 * Session cookie, role guards and the CSRF synchronizer token. The cookie is HttpOnly,
 * SameSite=Strict and (outside local development) Secure with the `__Host-` prefix, so no other
 * site or subdomain can set or read it.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { StaffRole } from '../staff-token.js'
import { readSession, SESSION_TTL_MS } from './accounts.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { pickLang } from './i18n/index.js'
import { MessagePage } from './views/layout.js'

export const SESSION_COOKIE = 'lgsp_admin'

export function sessionCookie(options: Pick<ConsoleOptions, 'secureCookies'>) {
  const secure = options.secureCookies
  return {
    read: (c: Context) => getCookie(c, SESSION_COOKIE, secure ? 'host' : undefined),
    write: (c: Context, id: string) =>
      setCookie(c, SESSION_COOKIE, id, {
        path: '/',
        httpOnly: true,
        secure,
        sameSite: 'Strict',
        maxAge: SESSION_TTL_MS / 1000,
        ...(secure ? { prefix: 'host' as const } : {}),
      }),
    clear: (c: Context) => deleteCookie(c, SESSION_COOKIE, { path: '/', secure, ...(secure ? { prefix: 'host' as const } : {}) }),
  }
}

/** Loads the language and, when the cookie names a live session, the session; names the actor in the audit event. */
export function loadSession(options: ConsoleOptions): MiddlewareHandler<ConsoleEnv> {
  const cookie = sessionCookie(options)
  return async function consoleSession(c, next) {
    c.set('t', pickLang(c))
    const id = cookie.read(c)
    const session = id ? await readSession(options.db, id) : null
    if (session && id) {
      c.set('session', { ...session, id })
      const draft = c.get('audit')
      if (draft) draft.actor = `${session.role}:${session.account}`
    }
    c.header('cache-control', 'no-store')
    await next()
  }
}

/** Only this role: a visitor without a session goes to the login page, the other role gets 403. */
export const requireRole = (role: StaffRole): MiddlewareHandler<ConsoleEnv> =>
  async function roleGuard(c, next) {
    const session = c.get('session')
    if (!session) return c.redirect('/admin/login', 303)
    if (session.role !== role) {
      c.status(403)
      return c.html(MessagePage({ c, title: '403', message: c.get('t').forbidden }))
    }
    await next()
  }

/**
 * Every state-changing request of a session carries the session's token in `_csrf`; with the
 * Origin check (hono/csrf) in front, a forged cross-site form fails twice over.
 */
export const requireCsrf: MiddlewareHandler<ConsoleEnv> = async function csrfToken(c, next) {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
  const session = c.get('session')
  const body = await c.req.parseBody()
  if (!session || typeof body._csrf !== 'string' || !timingSafeEqual(body._csrf, session.csrf)) {
    c.status(403)
    return c.html(MessagePage({ c, title: '403', message: c.get('t').csrfFailed }))
  }
  await next()
}

function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0)
  return diff === 0
}

/** Sets the action's particulars on the request's audit event (never secrets or identifiers). */
export function auditAction(c: Context<ConsoleEnv>, action: string, detail: Record<string, string | number | boolean | null> = {}): void {
  const draft = c.get('audit')
  if (draft) draft.detail = { action, ...detail }
}
