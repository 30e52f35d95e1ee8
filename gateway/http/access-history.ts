import { Hono } from 'hono'
import type { KeyedHash } from '../../policies/index.js'
import { accessHistory, AuditQueryError } from '../audit/search.js'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../errors.js'
import type { PolicyRuntime } from '../policy/index.js'
import type { Queryable } from '../database/index.js'
import { authenticateCitizen, type VerifyCitizen } from './citizen-auth.js'

export interface AccessHistoryOptions {
  reader: Queryable
  hash: KeyedHash
  /** The PIN a citizen token was issued for, or null (sandbox e-ID outside production). */
  verifyCitizen: VerifyCitizen
  policies: PolicyRuntime
  now?: () => Date
}

const LIMIT = /^(?:[1-9]\d?|100)$/

/**
 * `GET /v1/access-history`: with a citizen token, who read that citizen's data, when, which
 * fields and for which purpose (PDPL 91/2025 data-subject rights). Covert access is
 * left out until its grant's date. The read itself is an audit event (`access.history`).
 */
export function accessHistoryRoutes(options: AccessHistoryOptions): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  const now = options.now ?? (() => new Date())
  routes.get('/v1/access-history', async (c) => {
    const pin = await authenticateCitizen(c, options.verifyCitizen)
    if (pin instanceof Response) return pin
    const limitParam = c.req.query('limit') ?? '50'
    if (!LIMIT.test(limitParam)) return errorResponse(c, 'BAD_USER_INPUT', 'limit must be a whole number from 1 to 100')
    const cursor = c.req.query('cursor')
    let page
    try {
      page = await accessHistory(options.reader, options.hash(pin), now(), { limit: Number(limitParam), ...(cursor ? { cursor } : {}) })
    } catch (error) {
      if (error instanceof AuditQueryError) return errorResponse(c, 'BAD_USER_INPUT', error.message)
      throw error
    }
    const active = options.policies.current()
    c.header('cache-control', 'no-store')
    return c.json({
      entries: page.entries.map((entry) => {
        const agency = entry.agency ? active.agencies.get(entry.agency) : undefined
        const purpose = entry.purpose ? active.purposes.get(entry.purpose) : undefined
        return {
          at: entry.at,
          agency: entry.agency ?? null,
          agencyName: agency?.name ?? null,
          purpose: entry.purpose ?? null,
          purposeName: purpose?.name ?? null,
          legalBasis: purpose?.legalBasis ?? null,
          fields: entry.fields,
          requestId: entry.requestId,
        }
      }),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    })
  })
  return routes
}
