import { decodeJwt, errors, jwtVerify } from 'jose'
import type { SharedStore } from '../shared-store/index.js'
import type { AgencyRegistry, ClientEntry } from './agency-registry.js'
import { CLOCK_SKEW_S, lifetimeProblem, replayWindowMs, singleAudience } from './lifetime.js'

export { CLOCK_SKEW_S }

/** Algorithms a client may sign with: asymmetric only, so a public key can never act as an HMAC secret. */
export const CLIENT_ALGORITHMS = ['ES256', 'EdDSA']
/** RFC 7523 assertions are short-lived: `exp` at most this long after `iat` and after now. */
export const MAX_ASSERTION_LIFETIME_S = 300

export type AssertionResult = { ok: true; client: ClientEntry } | { ok: false; error: 'invalid_client' | 'invalid_request'; description: string }

/**
 * Verifies a `private_key_jwt` client assertion (RFC 7523 §3): signed by a key registered for the
 * client, iss = sub = client_id, aud = the token endpoint URL or the issuer, iat not in the future
 * (beyond the clock skew), exp at most five minutes after iat and after now, and a jti never seen
 * before by any instance (claimed in the shared store until the assertion expires). The description never says which check failed beyond what
 * RFC 6749 allows, so it cannot be used as an oracle.
 */
export async function verifyClientAssertion(
  assertion: string,
  deps: { registry: AgencyRegistry; store: SharedStore; audiences: string[]; clientIdParam?: string; now?: () => number },
): Promise<AssertionResult> {
  const denied = (description = 'client authentication failed'): AssertionResult => ({ ok: false, error: 'invalid_client', description })
  let claimedClient: string | undefined
  try {
    claimedClient = decodeJwt(assertion).iss
  } catch {
    return { ok: false, error: 'invalid_request', description: 'client_assertion is not a JWT' }
  }
  if (typeof claimedClient !== 'string' || (deps.clientIdParam !== undefined && deps.clientIdParam !== claimedClient)) return denied()
  const client = deps.registry.activeClient(claimedClient)
  if (!client) return denied()
  const nowMs = (deps.now ?? Date.now)()
  let payload
  try {
    ;({ payload } = await jwtVerify(assertion, client.keys, {
      algorithms: CLIENT_ALGORITHMS,
      issuer: client.clientId,
      subject: client.clientId,
      audience: deps.audiences,
      requiredClaims: ['exp', 'iat', 'jti'],
      clockTolerance: CLOCK_SKEW_S,
      currentDate: new Date(nowMs),
    }))
  } catch (error) {
    if (error instanceof errors.JOSEError) return denied()
    throw error
  }
  // One audience: an assertion naming several services is valid at each, so whoever receives it
  // at one of them could replay it here (the "audience injection" of private_key_jwt).
  if (!singleAudience(payload.aud, deps.audiences)) return denied()
  // A request context signed with the same key (and a sub) must not buy a five-minute token.
  if ('purpose' in payload) return denied()
  const problem = lifetimeProblem(payload.iat, payload.exp, nowMs, MAX_ASSERTION_LIFETIME_S, payload.nbf)
  if (problem) return denied(`client_assertion ${problem}`)
  if (typeof payload.jti !== 'string' || payload.jti.length < 8 || payload.jti.length > 256) return denied()
  const first = await deps.store.claimOnce(`jti:assertion:${client.clientId}:${payload.jti}`, replayWindowMs(payload.exp as number, nowMs))
  if (!first) return denied('client_assertion was already used')
  return { ok: true, client }
}
