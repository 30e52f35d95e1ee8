import { Hono, type Context } from 'hono'
import type { KeyedHash } from '../../policies/index.js'
import { AuditQueryError, parseAuditQuery, searchAudit, suspectedProbing } from '../audit/search.js'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../errors.js'
import type { SigningKeys } from '../identity/access-token.js'
import { readBearer } from '../http/bearer.js'
import type { Queryable } from '../database/index.js'
import { verifyStaffToken } from './staff-token.js'

export interface AuditApiOptions {
  reader: Queryable
  hash: KeyedHash
  keys: SigningKeys
  issuer: string
}

/**
 * `GET /admin/api/audit`: the auditors' search. Auditors only: an operator manages
 * the platform but may not browse who read what (separation of duties). Every search is itself
 * an audit event, with its filters, a subject filter as its keyed hash.
 */
/** How far back `GET /admin/api/audit/probing` looks. */
const PROBING_WINDOW_MS = 7 * 86_400_000

export function auditApiRoutes(options: AuditApiOptions): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  /** An auditor's staff token, or the refusal to send (401, or 403 for an operator). */
  async function auditor(c: Context<GatewayEnv>): Promise<Response | null> {
    const token = readBearer(c.req.header('authorization'))
    const staff = token ? await verifyStaffToken(options.keys, options.issuer, token) : null
    if (!staff)
      return errorResponse(c, 'UNAUTHENTICATED', 'A staff token is required (Authorization: Bearer …)', 401, {
        'www-authenticate': 'Bearer realm="lgsp-admin"',
      })
    c.get('audit').actor = `${staff.role}:${staff.name}`
    if (staff.role !== 'auditor') return errorResponse(c, 'FORBIDDEN', 'Only auditors may search the audit trail', 403)
    return null
  }

  // Subjects flagged VERIFICATION_PROBING in the last 7 days, per agency (keyed hashes only).
  routes.get('/admin/api/audit/probing', async (c) => {
    const refused = await auditor(c)
    if (refused) return refused
    const since = new Date(Date.now() - PROBING_WINDOW_MS)
    const suspects = await suspectedProbing(options.reader, since)
    c.get('audit').detail = { view: 'probing', since: since.toISOString(), suspects: suspects.length }
    c.header('cache-control', 'no-store')
    return c.json({ since: since.toISOString(), suspects })
  })

  routes.get('/admin/api/audit', async (c) => {
    const refused = await auditor(c)
    if (refused) return refused
    const draft = c.get('audit')
    let query
    try {
      query = parseAuditQuery(c.req.query())
    } catch (error) {
      if (error instanceof AuditQueryError) return errorResponse(c, 'BAD_USER_INPUT', error.message)
      throw error
    }
    const { subject, cursor: _cursor, ...rest } = query
    draft.detail = Object.fromEntries(
      Object.entries({ ...rest, ...(subject ? { subject: options.hash(subject) } : {}) }).map(([key, value]) => [
        key,
        value instanceof Date ? value.toISOString() : (value as string | number),
      ]),
    )
    try {
      const page = await searchAudit(options.reader, query, options.hash)
      c.header('cache-control', 'no-store')
      return c.json(page)
    } catch (error) {
      if (error instanceof AuditQueryError) return errorResponse(c, 'BAD_USER_INPUT', error.message)
      throw error
    }
  })
  return routes
}
