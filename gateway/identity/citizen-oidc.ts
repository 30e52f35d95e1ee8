import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose'
import { fetchWithoutRedirects } from '../../connectors/index.js'
import { CLOCK_SKEW_S } from './client-assertion.js'

/** The national e-ID as an OpenID Connect provider: whose ID tokens name a citizen to the gateway. */
export interface CitizenOidcOptions {
  /** The provider's issuer; its discovery document is `${issuer}/.well-known/openid-configuration`. */
  issuer: string
  /** The gateway's client id at the provider: the ID token's audience. */
  audience: string
  /** The claim holding the citizen's 12-digit PIN. @default 'pin' */
  pinClaim?: string
  /** Assurance levels (`acr`) accepted; empty: any. Level 2 of the national e-ID for full data. */
  acceptedAcr?: readonly string[]
  /** Remote key sets (the entry's SSRF-guarded one in production). @default jose's */
  remoteKeySet?: (url: URL) => JWTVerifyGetKey
  /** @default globalThis.fetch */
  fetch?: typeof fetch
}

const PIN = /^\d{12}$/
const DISCOVERY_TIMEOUT_MS = 3000

/** The discovery document's fields the gateway uses. */
export interface OidcDiscovery {
  issuer: string
  jwks_uri: string
  authorization_endpoint?: string
  token_endpoint?: string
}

/**
 * Verifies citizen ID tokens from the configured e-ID provider and answers the PIN they carry, or
 * null: wrong issuer, audience, signature, expiry, assurance level, or no PIN. The discovery
 * document is read once (and again after a failure), its `issuer` must be the configured one, and
 * the keys come from its `jwks_uri` (rotation follows the provider's key set). Runtime-neutral.
 */
export function createCitizenOidcVerifier(options: CitizenOidcOptions) {
  const doFetch = options.fetch ?? fetch
  const pinClaim = options.pinClaim ?? 'pin'
  const accepted = options.acceptedAcr ?? []
  const remote = options.remoteKeySet ?? ((url: URL) => createRemoteJWKSet(url, { timeoutDuration: 2000, cooldownDuration: 30_000 }))
  let discovered: Promise<{ document: OidcDiscovery; keys: JWTVerifyGetKey }> | null = null

  async function discover(): Promise<{ document: OidcDiscovery; keys: JWTVerifyGetKey }> {
    const url = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
    const response = await fetchWithoutRedirects(doFetch, url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) })
    if (!response.ok) throw new Error(`e-ID discovery answered HTTP ${response.status}`)
    const document = (await response.json()) as Partial<OidcDiscovery>
    // A document naming another issuer is someone else's provider: never trust its keys.
    if (document.issuer !== options.issuer || typeof document.jwks_uri !== 'string') throw new Error('e-ID discovery document does not name this issuer')
    return { document: document as OidcDiscovery, keys: remote(new URL(document.jwks_uri)) }
  }

  const provider = () => {
    discovered ??= discover().catch((error: unknown) => {
      discovered = null
      throw error
    })
    return discovered
  }

  return {
    /** The discovery document (for the login flow's endpoints). */
    discovery: async () => (await provider()).document,

    /** The PIN of a valid ID token, or null. Throws only when the provider cannot be reached (a 503, not a 401). */
    async verify(token: string, expected: { nonce?: string } = {}): Promise<string | null> {
      const { keys } = await provider()
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
          requiredClaims: ['sub', 'exp', 'iat'],
          clockTolerance: CLOCK_SKEW_S,
        })
        if (expected.nonce !== undefined && payload.nonce !== expected.nonce) return null
        if (accepted.length > 0 && !(typeof payload.acr === 'string' && accepted.includes(payload.acr))) return null
        const pin = payload[pinClaim]
        return typeof pin === 'string' && PIN.test(pin) ? pin : null
      } catch (error) {
        if (error instanceof errors.JOSEError) return null
        throw error
      }
    },
  }
}

export type CitizenOidcVerifier = ReturnType<typeof createCitizenOidcVerifier>
