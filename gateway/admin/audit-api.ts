import { Hono } from 'hono'
import type { KeyedHash } from '../../policies/index.js'
import { AuditQueryError, parseAuditQuery, searchAudit } from '../audit/search.js'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../errors.js'
import type { SigningKeys } from '../identity/access-token.js'
import { readBearer } from '../http/bearer.js'
import type { Queryable } from '../store/index.js'
import { verifyStaffToken } from './staff-token.js'

export interface AuditApiOptions {
  reader: Queryable
  hash: KeyedHash
  keys: SigningKeys
  issuer: string
}

/**
 * `GET /admin/api/audit`: the auditors' search (DESIGN §6). Auditors only: an operator manages
 * the platform but may not browse who read what (separation of duties). Every search is itself
 * an audit event, with its filters, a subject filter as its keyed hash.
 */
export function auditApiRoutes(options: AuditApiOptions): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  routes.get('/admin/api/audit', async (c) => {
    const token = readBearer(c.req.header('authorization'))
    const staff = token ? await verifyStaffToken(options.keys, options.issuer, token) : null
    if (!staff) return errorResponse(c, 'UNAUTHENTICATED', 'A staff token is required (Authorization: Bearer …)', 401, { 'www-authenticate': 'Bearer realm="lgsp-admin"' })
    const draft = c.get('audit')
    draft.actor = `${staff.role}:${staff.name}`
    if (staff.role !== 'auditor') return errorResponse(c, 'FORBIDDEN', 'Only auditors may search the audit trail', 403)
    let query
    try {
      query = parseAuditQuery(c.req.query())
    } catch (error) {
      if (error instanceof AuditQueryError) return errorResponse(c, 'BAD_USER_INPUT', error.message)
      throw error
    }
    const { subject, cursor: _cursor, ...rest } = query
    draft.detail = Object.fromEntries(
      Object.entries({ ...rest, ...(subject ? { subject: options.hash(subject) } : {}) }).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : (value as string | number)]),
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
