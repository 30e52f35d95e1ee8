/**
 * The gateway with its console, served on 127.0.0.1 by @hono/node-server so a real browser can
 * drive it: PGlite in memory holds the audit trail, the policy store and the console accounts.
 */
import { stringify } from 'yaml'
import { createAccount } from '../../gateway/admin/console/accounts.js'
import { hashPassword } from '../../gateway/admin/console/password.js'
import { SESSION_COOKIE } from '../../gateway/admin/console/session.js'
import type { GatewayDeps } from '../../gateway/deps.js'
import { openPolicyStore, policySchema, policySetOf, validatePolicyFiles } from '../../gateway/entry/policies.js'
import { createMemoryRateLimiter } from '../../gateway/ratelimit/index.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import type { PolicyFile, PolicySet } from '../../policies/index.js'
import { createReportStore } from '../../gateway/conformance/index.js'
import { createDatabaseBlobStore, createDossierStore, createOutbox } from '../../gateway/exchange/index.js'
import { createTestGateway, type TestGatewayOptions } from '../harness.js'
import { serveOnLoopback } from '../serve-loopback.js'
import { agencyDocument, createTestClient } from '../identity.js'
import { testPolicySet } from '../policies.js'

export const OPERATOR = { name: 'op.lan', password: 'mat-khau-van-hanh-1' }
export const AUDITOR = { name: 'kt.minh', password: 'mat-khau-kiem-toan-1' }

/** A policy set as the YAML documents the store keeps. */
export function policyFiles(set: PolicySet): PolicyFile[] {
  return [
    ...set.agencies.map((agency) => ({ name: `agencies/${agency.agency}.yaml`, text: stringify(agency) })),
    { name: 'purposes.yaml', text: stringify({ purposes: set.purposes }) },
  ]
}

/**
 * The console's dependencies on `db`, for `createTestGateway({ console })`: the policy store
 * holding the gateway's set as its first version, and the real validator, loader and schema.
 */
export function consoleOn(db: Database, secureCookies = false): NonNullable<TestGatewayOptions['console']> {
  return async ({ identity, policySet }) => {
    const policyStore = openPolicyStore(db)
    await policyStore.apply(policyFiles(policySet), { author: 'test' })
    return {
      db,
      policyStore,
      validate: validatePolicyFiles,
      loadSet: policySetOf,
      schema: policySchema(),
      historicJwks: () => identity.keys.historicJwks(),
      secureCookies,
    }
  }
}

/**
 * @param secureCookies as in production (`__Host-` prefix, Secure); the browser tests need false on plain http.
 * @param mode the gateway's mode. @default 'test'
 * @param agencyName the display name of `test-agency` in its policy document. @default 'Test agency test-agency'
 */
export async function startConsoleGateway(options: { secureCookies?: boolean; mode?: GatewayDeps['mode']; agencyName?: string } = {}) {
  const db = await openPglite()
  await migrate(db)
  // The dossier exchange on the same database: its dossier-flow page is part of the console.
  const exchange = { store: createDossierStore(db), blobs: createDatabaseBlobStore(db), outbox: createOutbox(db, { maxAttempts: 2 }) }
  const victim = await createTestClient('victim-client', 'test-agency')
  let created: { db: typeof db } | undefined
  const gw = await createTestGateway({
    ...(options.mode ? { mode: options.mode } : {}),
    auditDb: db,
    rateLimiter: createMemoryRateLimiter(),
    exchange,
    conformance: createReportStore(db),
    policies: (identity) => testPolicySet([agencyDocument('test-agency', [identity.client, victim], options.agencyName ? { name: options.agencyName } : {})]),
    console: async (parts) => {
      created = { db }
      return consoleOn(db, options.secureCookies)(parts)
    },
  })
  if (!created) throw new Error('console not mounted')
  await createAccount(db, { name: OPERATOR.name, role: 'operator', passwordHash: await hashPassword(OPERATOR.password) })
  await createAccount(db, { name: AUDITOR.name, role: 'auditor', passwordHash: await hashPassword(AUDITOR.password) })
  const server = await serveOnLoopback(gw.app.fetch)
  const url = server.origin

  /** A data request as a department system makes it, over HTTP. */
  async function graphql(token: string, query: string) {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'KIEM_THU' },
      body: JSON.stringify({ query }),
    })
    return {
      status: res.status,
      requestId: res.headers.get('x-request-id') ?? '',
      body: (await res.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> },
    }
  }

  const sessionCookie = options.secureCookies ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE

  /** One login as a browser makes it: the form's double-submit token and cookie, then the post (with `cookie`, what the browser already held). */
  async function login(fields: Record<string, string>, cookie = '') {
    const form = await fetch(`${url}/admin/login`)
    const loginCookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!
    const token = /name="_login" value="([^"]+)"/.exec(await form.text())?.[1] ?? ''
    return fetch(`${url}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, cookie: [loginCookie, cookie].filter(Boolean).join('; ') },
      body: new URLSearchParams({ _login: token, ...fields }),
    })
  }

  /** A logged-in session: its cookie as a `Cookie` header value, and the CSRF token its pages carry. */
  async function session(account: { name: string; password: string }) {
    const res = await login(account)
    const cookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith(`${sessionCookie}=`))
      ?.split(';')[0]
    if (res.status !== 303 || !cookie) throw new Error(`login of ${account.name} failed: ${res.status}`)
    const page = await (await fetch(`${url}/admin/login`, { headers: { cookie } })).text()
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1]
    if (!csrf) throw new Error('no CSRF token on the page of a session')
    return { cookie, id: cookie.slice(sessionCookie.length + 1), csrf }
  }

  return {
    gw,
    db,
    exchange,
    url,
    victim,
    graphql,
    sessionCookie,
    login,
    session,
    close: async () => {
      await server.close()
      await gw.close()
      await db.close()
    },
  }
}
