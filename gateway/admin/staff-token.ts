/**
 * Tokens for the gateway's own staff: operators and auditors (separation of duties).
 * Signed with the gateway key, of their own type, so an agency's access token or a citizen
 * token can never be used as one. Issued by `lgsp token --auditor|--operator NAME` until the
 * console's accounts arrive.
 */
import { errors, jwtVerify, SignJWT } from 'jose'
import type { SigningKeys } from '../identity/access-token.js'
import { CLOCK_SKEW_S } from '../identity/client-assertion.js'

export const STAFF_TOKEN_TYPE = 'staff+jwt'
export type StaffRole = 'operator' | 'auditor'
const STAFF_TTL_S = 3600
const NAME = /^[A-Za-z0-9._@-]{1,64}$/

export const staffAudience = (issuer: string) => `${issuer}/admin`

export interface Staff {
  role: StaffRole
  name: string
}

export async function issueStaffToken(keys: SigningKeys, issuer: string, staff: Staff, now = Date.now()): Promise<string> {
  if (!NAME.test(staff.name)) throw new TypeError('A staff name is 1–64 letters, digits, . _ @ -')
  const { kid, privateKey } = keys.signingKey()
  const iat = Math.floor(now / 1000)
  return new SignJWT({ role: staff.role })
    .setProtectedHeader({ alg: 'ES256', kid, typ: STAFF_TOKEN_TYPE })
    .setIssuer(issuer)
    .setAudience(staffAudience(issuer))
    .setSubject(staff.name)
    .setIssuedAt(iat)
    .setExpirationTime(iat + STAFF_TTL_S)
    .setJti(crypto.randomUUID())
    .sign(privateKey)
}

export async function verifyStaffToken(keys: SigningKeys, issuer: string, token: string): Promise<Staff | null> {
  try {
    const { payload } = await jwtVerify(token, keys.verificationKeySet(), {
      algorithms: ['ES256'],
      issuer,
      audience: staffAudience(issuer),
      typ: STAFF_TOKEN_TYPE,
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: CLOCK_SKEW_S,
    })
    const role = payload.role
    if ((role !== 'operator' && role !== 'auditor') || typeof payload.sub !== 'string' || !NAME.test(payload.sub)) return null
    return { role, name: payload.sub }
  } catch (error) {
    if (error instanceof errors.JOSEError) return null
    throw error
  }
}
