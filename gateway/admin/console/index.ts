/**
 * The operator and auditor console under `/admin`, server-rendered with hono/jsx.
 * Order matters: Origin check, then session, then CSRF token, then the role of each area.
 */
import { Hono, type MiddlewareHandler } from 'hono'
import { csrf } from 'hono/csrf'
import { agencyRoutes } from './agencies.js'
import { auditChartRoutes } from './audit-charts.js'
import { auditExplorerRoutes } from './audit-explorer.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { exchangeRoutes } from './exchange.js'
import { healthRoutes } from './health.js'
import { pickLang } from './i18n/index.js'
import { loginRoutes } from './login.js'
import { policyRoutes } from './policies.js'
import { loadSession, requireCsrf, requireRole } from './session.js'
import { simulatorRoutes } from './simulator.js'
import { transparencyRoutes } from './transparency.js'

export type { ConsoleDeps, ConsoleOptions, SimulatedRun } from './env.js'

const OPERATOR_AREAS = ['/admin/agencies', '/admin/policies', '/admin/simulator', '/admin/health', '/admin/exchange']

/**
 * The console's pages hold no script at all: the policy admits none, styles only from the page,
 * forms only to the console, and no framing.
 */
export const CONSOLE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/** Every HTML page leaves with the console's policy and a doctype (JSX cannot write one). */
const strictPages: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  await next()
  if (!c.res.headers.get('content-type')?.startsWith('text/html')) return
  const html = await c.res.text()
  const headers = new Headers(c.res.headers)
  headers.set('content-security-policy', CONSOLE_CSP)
  headers.delete('content-length')
  const status = c.res.status
  // Replaced, not merged: Hono would copy the old response's headers (its length) onto the new one.
  c.res = undefined
  c.res = new Response(/^\s*<!doctype html>/i.test(html) ? html : `<!doctype html>${html}`, { status, headers })
}

export function consoleRoutes(options: ConsoleOptions): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>()
  app.use('/transparency', strictPages)
  // '/admin/*' matches '/admin' itself too: one registration covers every page.
  app.use('/admin/*', async (c, next) => (c.req.path.startsWith('/admin/api/') ? next() : strictPages(c, next)))
  app.use('/transparency', async (c, next) => {
    c.set('t', pickLang(c))
    await next()
  })
  app.route('/', transparencyRoutes(options))
  // A cross-site form post fails here whatever cookies the browser would attach.
  // The JSON API (/admin/api/*) authenticates with bearer staff tokens: none of this applies to it.
  const pages =
    (handler: MiddlewareHandler<ConsoleEnv>): MiddlewareHandler<ConsoleEnv> =>
    async (c, next) =>
      c.req.path.startsWith('/admin/api/') ? next() : handler(c, next)
  for (const audit of options.audit ?? []) app.use('/admin/*', pages(audit))
  app.use('/admin/*', async (c, next) => {
    c.set('exchangeEnabled', options.exchange !== undefined)
    await next()
  })
  app.use('/admin/*', pages(csrf()))
  app.use('/admin/*', pages(loadSession(options)))
  app.use(
    '/admin/*',
    pages(async (c, next) => (c.req.path === '/admin/login' ? next() : requireCsrf(c, next))),
  )
  for (const area of OPERATOR_AREAS) app.use(area, requireRole('operator')).use(`${area}/*`, requireRole('operator'))
  app.use('/admin/audit', requireRole('auditor')).use('/admin/audit/*', requireRole('auditor'))
  app.get('/admin', (c) => {
    const session = c.get('session')
    return c.redirect(!session ? '/admin/login' : session.role === 'operator' ? '/admin/agencies' : '/admin/audit', 303)
  })
  app.route('/', loginRoutes(options))
  app.route('/', agencyRoutes(options))
  app.route('/', policyRoutes(options))
  app.route('/', simulatorRoutes(options))
  app.route('/', healthRoutes(options))
  app.route('/', exchangeRoutes(options))
  app.route('/', auditExplorerRoutes(options))
  app.route('/', auditChartRoutes(options))
  return app
}
