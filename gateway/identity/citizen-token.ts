import { jwtVerify, SignJWT, errors } from 'jose'
import { CLOCK_SKEW_S } from './client-assertion.js'
import type { SigningKeys } from './access-token.js'

/** Citizen tokens are a different type from access tokens: one can never be used as the other. */
export const CITIZEN_TOKEN_TYPE = 'citizen+jwt'
const CITIZEN_TTL_S = 900

/** The sandbox citizen issuer: stands in for the national e-ID (VNeID) in development. */
export const sandboxCitizenIssuer = (issuer: string) => `${issuer}/sandbox-citizen`

export async function issueSandboxCitizenToken(keys: SigningKeys, issuer: string, pin: string, now = Date.now()): Promise<string> {
  if (!/^\d{12}$/.test(pin)) throw new TypeError('A citizen PIN is 12 digits')
  const { kid, privateKey } = keys.signingKey()
  const iat = Math.floor(now / 1000)
  return new SignJWT({ acr: 'sandbox' })
    .setProtectedHeader({ alg: 'ES256', kid, typ: CITIZEN_TOKEN_TYPE })
    .setIssuer(sandboxCitizenIssuer(issuer))
    .setAudience(issuer)
    .setSubject(pin)
    .setIssuedAt(iat)
    .setExpirationTime(iat + CITIZEN_TTL_S)
    .setJti(crypto.randomUUID())
    .sign(privateKey)
}

/** The PIN a sandbox citizen token was issued for, or null when it does not verify. */
export async function verifySandboxCitizenToken(keys: SigningKeys, issuer: string, token: string): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(token, keys.verificationKeySet(), {
      algorithms: ['ES256'],
      issuer: sandboxCitizenIssuer(issuer),
      audience: issuer,
      typ: CITIZEN_TOKEN_TYPE,
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: CLOCK_SKEW_S,
    })
    return typeof payload.sub === 'string' && /^\d{12}$/.test(payload.sub) ? payload.sub : null
  } catch (error) {
    if (error instanceof errors.JOSEError) return null
    throw error
  }
}
