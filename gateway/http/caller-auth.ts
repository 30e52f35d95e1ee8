import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../errors.js'
import type { AccessTokens } from '../identity/access-token.js'
import type { AgencyRegistry } from '../identity/agency-registry.js'
import { readRequestContext } from '../identity/request-context.js'
import { readBearer } from './bearer.js'
import { SharedStoreUnavailableError, type SharedStore } from '../shared-store/index.js'

const REALM = 'lgsp-gateway'

/** RFC 6750 §3: no error attribute when no credentials were sent; quotes never come from input. */
function challenge(error?: 'invalid_token' | 'invalid_request', description?: string): string {
  if (!error) return `Bearer realm="${REALM}"`
  return `Bearer realm="${REALM}", error="${error}", error_description="${(description ?? '').replace(/["\\]/g, '')}"`
}

export interface CallerAuthDeps {
  tokens: AccessTokens
  registry: AgencyRegistry
  store: SharedStore
  /** The gateway's issuer URL: the audience a signed request context must name. */
  issuer: string
  /** @default Date.now */
  now?: () => number
}

/**
 * Authenticates the caller before anything else runs: a bearer token that verifies (gateway key
 * or a trusted issuer), naming a client and agency that are registered and not suspended right
 * now, and a well-formed request context. Anything else is a 401 (or 400 for a malformed context
 * header) in the error contract's shape, and no connector is ever called.
 */
export function callerAuth(deps: CallerAuthDeps): MiddlewareHandler<GatewayEnv> {
  return async function authenticateCaller(c, next) {
    const header = c.req.header('authorization')
    if (!header) {
      return errorResponse(c, 'UNAUTHENTICATED', 'An access token is required (Authorization: Bearer …)', 401, { 'www-authenticate': challenge() })
    }
    const token = readBearer(header)
    if (!token) {
      return errorResponse(c, 'UNAUTHENTICATED', 'The Authorization header is not a bearer token', 401, {
        'www-authenticate': challenge('invalid_request', 'Malformed Authorization header'),
      })
    }
    const verification = await deps.tokens.verify(token)
    if (!verification.ok) {
      return errorResponse(c, 'UNAUTHENTICATED', verification.description, 401, { 'www-authenticate': challenge('invalid_token', verification.description) })
    }
    const { identity } = verification
    const client = deps.registry.activeClient(identity.clientId)
    if (!client || client.agencyId !== identity.agencyId) {
      const description = 'The client or its agency is unknown or suspended'
      return errorResponse(c, 'UNAUTHENTICATED', description, 401, { 'www-authenticate': challenge('invalid_token', description) })
    }
    let context
    try {
      context = await readRequestContext(
        {
          purpose: c.req.header('x-purpose'),
          caseId: c.req.header('x-case-id'),
          endUser: c.req.header('x-end-user'),
          signed: c.req.header('x-request-context'),
        },
        client,
        deps.store,
        { audience: deps.issuer, ...(deps.now ? { now: deps.now } : {}) },
      )
    } catch (error) {
      if (error instanceof SharedStoreUnavailableError) {
        return errorResponse(c, 'INTERNAL_SERVER_ERROR', 'The gateway cannot check the signed request context right now', 503, { 'retry-after': '1' })
      }
      throw error
    }
    if (!context.ok) {
      const headers: Record<string, string> = context.status === 401 ? { 'www-authenticate': challenge('invalid_request', context.message) } : {}
      return errorResponse(c, context.status === 401 ? 'UNAUTHENTICATED' : 'BAD_USER_INPUT', context.message, context.status, headers)
    }
    c.set('caller', {
      clientId: client.clientId,
      agencyId: client.agencyId,
      agencyName: client.agencyName,
      jurisdiction: client.jurisdiction,
      tokenId: identity.tokenId,
      issuer: identity.issuer,
      client,
    })
    c.set('requestContext', context.context)
    await next()
  }
}
