import { Hono, type Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { decodeJwt } from 'jose'
import { checkAttempt, type AttemptLimiter, type AttemptVerdict } from '../http/attempt-limit.js'
import type { GatewayEnv } from '../env.js'
import { SharedStoreUnavailableError, type SharedStore } from '../shared-store/index.js'
import type { AccessTokens } from './access-token.js'
import type { AgencyRegistry } from './agency-registry.js'
import { decodeUtf8, percentEncodingIsUtf8 } from '../http/utf8.js'
import { CLIENT_ALGORITHMS, verifyClientAssertion } from './client-assertion.js'

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

export interface TokenEndpointDeps {
  registry: AgencyRegistry
  store: SharedStore
  tokens: AccessTokens
  /** The gateway's issuer URL; assertions may name it or the token endpoint as audience. */
  issuer: string
  /** Public keys for `/.well-known/jwks.json`. */
  jwks: () => { keys: object[] }
  /** Every key ever used, with its signing period, for `/.well-known/lgsp-key-history.json`. */
  keyHistory: () => { keys: object[] }
  /** Limits attempts per address and per client (brute force, floods); absent: unlimited. */
  attempts?: AttemptLimiter
  /** @default Date.now */
  now?: () => number
  /**
   * A last word on a client whose assertion verified: null lets it have a token, a reason refuses
   * it (`invalid_client`). The exchange uses it to hold back partners without a green conformance
   * report. @default every verified client
   */
  clientGate?: (agencyId: string) => Promise<string | null>
}

type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'temporarily_unavailable'

/** RFC 6749 §5.2 error response, with our request id so an operator can find the attempt. */
function oauthError(c: Context<GatewayEnv>, error: OAuthError, description: string, status: ContentfulStatusCode) {
  c.header('cache-control', 'no-store')
  c.header('pragma', 'no-cache')
  if (error === 'invalid_client') c.header('www-authenticate', 'Bearer realm="lgsp-gateway"')
  return c.json({ error, error_description: description, request_id: c.get('requestId') }, status)
}

/** 429 in the RFC 6749 shape clients of this endpoint parse, with `Retry-After` and the limit headers. */
function tooMany(c: Context<GatewayEnv>, verdict: Extract<AttemptVerdict, { allowed: false }>) {
  for (const [name, value] of Object.entries(verdict.headers)) c.header(name, value)
  return oauthError(c, 'temporarily_unavailable', `Too many token requests: retry after ${verdict.retryAfterS} s`, 429)
}

/** The client an assertion claims to be (not yet verified): only used to count its attempts. */
function claimedClient(form: URLSearchParams, assertion: string): string | undefined {
  const param = form.get('client_id')
  if (param) return param
  try {
    const iss = decodeJwt(assertion).iss
    return typeof iss === 'string' ? iss : undefined
  } catch {
    return undefined
  }
}

/**
 * The gateway's authorization-server metadata (RFC 8414): how a client finds the token endpoint,
 * the keys and the one way in (client credentials, `private_key_jwt`). There is no authorization
 * endpoint, so no response type is supported.
 */
export function authorizationServerMetadata(issuer: string) {
  const base = issuer.replace(/\/$/, '')
  return {
    issuer: base,
    token_endpoint: `${base}/oauth/token`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ALGORITHMS],
    response_types_supported: [] as string[],
    scopes_supported: [] as string[],
    service_documentation: `${base}/v1/contract`,
  }
}

/**
 * `POST /oauth/token` (client credentials with `private_key_jwt`, RFC 7523) and
 * `GET /.well-known/jwks.json`. No client secret exists anywhere: a client proves itself with a
 * short-lived assertion signed by its own private key.
 */
export function tokenRoutes(deps: TokenEndpointDeps): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  const tokenEndpoint = `${deps.issuer.replace(/\/$/, '')}/oauth/token`

  const metadata = authorizationServerMetadata(deps.issuer)
  routes.get('/.well-known/oauth-authorization-server', (c) => {
    c.header('cache-control', 'public, max-age=300')
    return c.json(metadata)
  })

  routes.get('/.well-known/jwks.json', (c) => {
    c.header('cache-control', 'public, max-age=60')
    return c.json(deps.jwks())
  })

  // Retired keys too, each with the period it signed in: a receipt or a checkpoint signed years
  // ago is checked against this, not against the JWKS, which drops keys once tokens have expired.
  routes.get('/.well-known/lgsp-key-history.json', (c) => {
    c.header('cache-control', 'public, max-age=60')
    return c.json(deps.keyHistory())
  })

  routes.post('/oauth/token', async (c) => {
    if (deps.attempts) {
      const byIp = await checkAttempt(deps.attempts, c, 'token', 'ip')
      if (!byIp.allowed) return tooMany(c, byIp)
    }
    const type = c.req.header('content-type') ?? ''
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return oauthError(c, 'invalid_request', 'Send the request as application/x-www-form-urlencoded', 400)
    }
    // URLSearchParams and text() would turn bytes that are not UTF-8 into U+FFFD: refuse them instead.
    const body = decodeUtf8(await c.req.arrayBuffer())
    if (body === null || !percentEncodingIsUtf8(body)) return oauthError(c, 'invalid_request', 'The form body is not UTF-8', 400)
    const form = new URLSearchParams(body)
    for (const name of ['grant_type', 'client_assertion_type', 'client_assertion', 'client_id']) {
      if (form.getAll(name).length > 1) return oauthError(c, 'invalid_request', `${name} is repeated`, 400)
    }
    const grantType = form.get('grant_type')
    if (!grantType) return oauthError(c, 'invalid_request', 'grant_type is required', 400)
    if (grantType !== 'client_credentials') return oauthError(c, 'unsupported_grant_type', 'Only client_credentials is supported', 400)
    if (form.get('client_secret')) return oauthError(c, 'invalid_client', 'Client secrets are not accepted: use private_key_jwt', 401)
    const assertionType = form.get('client_assertion_type')
    const assertion = form.get('client_assertion')
    if (assertionType !== JWT_BEARER || !assertion) {
      return oauthError(c, 'invalid_request', `client_assertion_type must be ${JWT_BEARER} with a client_assertion`, 400)
    }
    if (assertion.length > 8192) return oauthError(c, 'invalid_request', 'client_assertion is too large', 400)
    const claimed = claimedClient(form, assertion)
    // Counted per registered client only: made-up ids would fill the limiter, and the address limit covers them.
    if (deps.attempts && claimed && deps.registry.activeClient(claimed)) {
      const byClient = await checkAttempt(deps.attempts, c, 'token', 'subject', claimed)
      if (!byClient.allowed) return tooMany(c, byClient)
    }
    let result
    try {
      result = await verifyClientAssertion(assertion, {
        registry: deps.registry,
        store: deps.store,
        audiences: [tokenEndpoint, deps.issuer],
        ...(deps.now ? { now: deps.now } : {}),
        ...(form.get('client_id') ? { clientIdParam: form.get('client_id') as string } : {}),
      })
    } catch (error) {
      // Without the shared store the gateway cannot tell a replay from a first use: refuse.
      if (error instanceof SharedStoreUnavailableError) return oauthError(c, 'temporarily_unavailable', 'Try again shortly', 503)
      throw error
    }
    if (!result.ok) return oauthError(c, result.error, result.description, result.error === 'invalid_client' ? 401 : 400)
    const held = await deps.clientGate?.(result.client.agencyId)
    if (held) return oauthError(c, 'invalid_client', `Client ${result.client.clientId} is not yet activated: ${held}`, 401)
    const { token, expiresIn } = await deps.tokens.issue(result.client)
    const draft = c.get('audit') as GatewayEnv['Variables']['audit'] | undefined
    if (draft) {
      draft.client = result.client.clientId
      draft.agency = result.client.agencyId
    }
    c.header('cache-control', 'no-store')
    c.header('pragma', 'no-cache')
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn })
  })
  return routes
}
