import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose'
import { CLOCK_SKEW_S } from './client-assertion.js'

/** The gateway's signing key as the keys module provides it. */
export interface SigningKeys {
  signingKey(): { kid: string; privateKey: CryptoKey }
  verificationKeySet(): JWTVerifyGetKey
}

/**
 * An external issuer trusted to identify callers (a provincial SSO, the national e-ID): its tokens
 * are accepted when they verify against its JWKS and name a registered agency and client.
 */
export interface TrustedIssuer {
  issuer: string
  jwksUri: string
  audience: string
  /** Claim holding the agency id. @default "agency" */
  agencyClaim?: string
  /** Claim holding the client id. @default "client_id" */
  clientClaim?: string
}

/** Who a verified token says is calling. Suspension is checked by the caller, on every request. */
export interface TokenIdentity {
  issuer: string
  clientId: string
  agencyId: string
  tokenId: string
  /** Expiry in ms since epoch. */
  expiresAt: number
}

export type TokenVerification = { ok: true; identity: TokenIdentity } | { ok: false; description: string }

/** Access tokens are typed (RFC 9068), so no other JWT signed by the same key passes as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt'
export const ACCESS_TOKEN_TTL_S = 300
/** Gateway tokens: ES256 only. External issuers: asymmetric algorithms only, never HS* or none. */
const GATEWAY_ALGORITHMS = ['ES256']
const EXTERNAL_ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256']
const CACHE_LIMIT = 50_000

/**
 * A claim naming a client or an agency: a non-empty string, or '' (refused as naming none). Never
 * `String(x)`, which turns an absent claim into the name "undefined" and an object into
 * "[object Object]".
 */
function claimText(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

export interface AccessTokensOptions {
  keys: SigningKeys
  /** The gateway's issuer URL; also the audience of its access tokens. */
  issuer: string
  trustedIssuers?: TrustedIssuer[]
  /** Fetches an issuer's JWKS (timeouts and host allow-lists are added by hardening). */
  remoteKeySet?: (url: URL) => JWTVerifyGetKey
  now?: () => number
  /** Most verified tokens remembered at once. @default 50_000 */
  cacheLimit?: number
}

/**
 * Issues and verifies access tokens. Verified tokens are cached until they expire, so the hot
 * path does one Map lookup instead of a signature check; the cache is bounded and holds only
 * tokens that verified.
 */
export function createAccessTokens(options: AccessTokensOptions) {
  const now = options.now ?? Date.now
  const cache = new Map<string, TokenIdentity>()
  const cacheLimit = options.cacheLimit ?? CACHE_LIMIT
  const remote = options.remoteKeySet ?? ((url: URL) => createRemoteJWKSet(url, { timeoutDuration: 2000, cooldownDuration: 30_000 }))
  const external = new Map((options.trustedIssuers ?? []).map((trusted) => [trusted.issuer, { trusted, keys: remote(new URL(trusted.jwksUri)) }]))

  async function issue(client: { clientId: string; agencyId: string }): Promise<{ token: string; expiresIn: number }> {
    const { kid, privateKey } = options.keys.signingKey()
    const iat = Math.floor(now() / 1000)
    const token = await new SignJWT({ agency: client.agencyId, client_id: client.clientId })
      .setProtectedHeader({ alg: 'ES256', kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(options.issuer)
      .setAudience(options.issuer)
      .setSubject(client.clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ACCESS_TOKEN_TTL_S)
      .setJti(crypto.randomUUID())
      .sign(privateKey)
    return { token, expiresIn: ACCESS_TOKEN_TTL_S }
  }

  function remember(token: string, identity: TokenIdentity): void {
    if (cache.size >= cacheLimit) {
      const nowMs = now()
      for (const [key, value] of cache) if (value.expiresAt <= nowMs) cache.delete(key)
      // Still full of live tokens: drop the oldest entries rather than grow without bound.
      for (const key of cache.keys()) {
        if (cache.size < cacheLimit) break
        cache.delete(key)
      }
    }
    cache.set(token, identity)
  }

  async function verify(token: string): Promise<TokenVerification> {
    const cached = cache.get(token)
    if (cached) {
      if (now() < cached.expiresAt + CLOCK_SKEW_S * 1000) return { ok: true, identity: cached }
      cache.delete(token)
    }
    let unverified: JWTPayload
    try {
      unverified = decodeJwt(token)
    } catch {
      return { ok: false, description: 'The access token is malformed' }
    }
    let payload: JWTPayload
    let identity: Pick<TokenIdentity, 'clientId' | 'agencyId'>
    try {
      if (unverified.iss === options.issuer) {
        ;({ payload } = await jwtVerify(token, options.keys.verificationKeySet(), {
          algorithms: GATEWAY_ALGORITHMS,
          issuer: options.issuer,
          audience: options.issuer,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ['exp', 'iat', 'jti', 'sub'],
          clockTolerance: CLOCK_SKEW_S,
          currentDate: new Date(now()),
        }))
        identity = { clientId: claimText(payload.sub), agencyId: claimText(payload.agency) }
      } else {
        const trusted = typeof unverified.iss === 'string' ? external.get(unverified.iss) : undefined
        if (!trusted) return { ok: false, description: 'The access token was not issued by a trusted issuer' }
        ;({ payload } = await jwtVerify(token, trusted.keys, {
          algorithms: EXTERNAL_ALGORITHMS,
          issuer: trusted.trusted.issuer,
          audience: trusted.trusted.audience,
          requiredClaims: ['exp', 'iat'],
          clockTolerance: CLOCK_SKEW_S,
          currentDate: new Date(now()),
        }))
        identity = {
          clientId: claimText(payload[trusted.trusted.clientClaim ?? 'client_id']),
          agencyId: claimText(payload[trusted.trusted.agencyClaim ?? 'agency']),
        }
      }
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, description: 'The access token expired' }
      if (error instanceof errors.JOSEError) return { ok: false, description: 'The access token is invalid' }
      throw error
    }
    // jose checks exp (and nbf) but not iat: a token dated in the future comes from a clock that is
    // wrong or a key that is misused, and would be valid for longer than its issuer meant.
    if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat) || payload.iat > now() / 1000 + CLOCK_SKEW_S)
      return { ok: false, description: 'The access token is issued in the future' }
    // JSON reads 1e999 as Infinity, which jose accepts: such a token would stay in the cache for ever.
    if (!Number.isFinite(payload.exp) || (payload.nbf !== undefined && !Number.isFinite(payload.nbf)))
      return { ok: false, description: 'The access token is invalid' }
    if (!identity.clientId || !identity.agencyId) return { ok: false, description: 'The access token names no client or agency' }
    const verified: TokenIdentity = {
      ...identity,
      issuer: String(payload.iss),
      tokenId: typeof payload.jti === 'string' ? payload.jti : '',
      expiresAt: (payload.exp as number) * 1000,
    }
    remember(token, verified)
    return { ok: true, identity: verified }
  }

  return { issue, verify }
}

export type AccessTokens = ReturnType<typeof createAccessTokens>
