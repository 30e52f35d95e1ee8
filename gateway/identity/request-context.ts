import { decodeJwt, errors, jwtVerify } from 'jose'
import type { SharedStore } from '../shared-store/index.js'
import type { ClientEntry } from './agency-registry.js'
import { CLIENT_ALGORITHMS } from './client-assertion.js'
import { CLOCK_SKEW_S, lifetimeProblem, replayWindowMs, singleAudience } from './lifetime.js'

/** What the caller says about this request: why, for which case, on behalf of which officer. */
export interface RequestContext {
  purpose: string | null
  caseId: string | null
  endUser: string | null
  /** True when the agency signed these claims with its client key (X-Request-Context). */
  signed: boolean
}

export const MAX_CONTEXT_LIFETIME_S = 60

// Plain, bounded values only: these end up in audit records and must not carry markup, control
// characters or header-splitting sequences.
const patterns = {
  purpose: /^[A-Z][A-Z0-9_]{1,63}$/,
  caseId: /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/,
  endUser: /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/,
}

const headerNames: Record<keyof typeof patterns, string> = { purpose: 'X-Purpose', caseId: 'X-Case-Id', endUser: 'X-End-User' }

export type ContextResult = { ok: true; context: RequestContext } | { ok: false; status: 400 | 401; message: string }

function checkField(name: keyof typeof patterns, value: unknown): string | null | Error {
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string' || !patterns[name].test(value)) return new Error(`${name} is not valid`)
  return value
}

export interface ContextOptions {
  /**
   * The gateway's identity (its issuer URL), which `aud` must name, alone: a context signed for
   * another service, or for the token endpoint, or for several at once, is not one for this gateway.
   */
  audience: string
  /** @default Date.now */
  now?: () => number
}

/**
 * Reads the request context from `X-Purpose`, `X-Case-Id`, `X-End-User`, or from
 * `X-Request-Context`: a compact JWS signed by the calling client's registered key, with the same
 * claims plus aud (this gateway), jti (never accepted twice, across instances), iat (not in the
 * future beyond the clock skew) and exp (at most 60 s after iat and after now). When both forms
 * are sent they must agree, so nobody can sign one purpose and send another. Whatever the client
 * signs, a refusal is a 400 or 401: no claim value reaches a check that could throw.
 */
export async function readRequestContext(
  headers: { purpose?: string; caseId?: string; endUser?: string; signed?: string },
  client: ClientEntry,
  store: SharedStore,
  options: ContextOptions,
): Promise<ContextResult> {
  const nowMs = (options.now ?? Date.now)()
  const plain: Record<keyof typeof patterns, string | null> = { purpose: null, caseId: null, endUser: null }
  for (const name of Object.keys(patterns) as Array<keyof typeof patterns>) {
    const value = checkField(name, headers[name])
    if (value instanceof Error) return { ok: false, status: 400, message: `${headerNames[name]} is not valid` }
    plain[name] = value
  }
  if (!headers.signed) return { ok: true, context: { ...plain, signed: false } }

  const invalid = (message = 'X-Request-Context is not valid'): ContextResult => ({ ok: false, status: 401, message })
  const audienceMessage = `X-Request-Context must name this gateway (${options.audience}), and nothing else, as its audience (aud)`
  if (headers.signed.length > 4096) return invalid()
  try {
    decodeJwt(headers.signed)
  } catch {
    return invalid()
  }
  let payload
  try {
    ;({ payload } = await jwtVerify(headers.signed, client.keys, {
      algorithms: CLIENT_ALGORITHMS,
      issuer: client.clientId,
      audience: options.audience,
      requiredClaims: ['aud', 'jti', 'iat', 'exp'],
      clockTolerance: CLOCK_SKEW_S,
      currentDate: new Date(nowMs),
    }))
  } catch (error) {
    if (error instanceof errors.JWTExpired) return invalid('X-Request-Context has expired')
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') return invalid(audienceMessage)
    if (error instanceof errors.JOSEError) return invalid()
    throw error
  }
  if (!singleAudience(payload.aud, [options.audience])) return invalid(audienceMessage)
  const problem = lifetimeProblem(payload.iat, payload.exp, nowMs, MAX_CONTEXT_LIFETIME_S, payload.nbf)
  if (problem) return invalid(`X-Request-Context ${problem}`)
  // Every data request needs a purpose, and a signed context is where it then comes from; it also
  // tells a context from the client's other signed objects (an assertion has iss, aud, jti too).
  if (payload.purpose === undefined || payload.purpose === null || payload.purpose === '') return invalid('X-Request-Context must carry the purpose')
  const signed: Record<keyof typeof patterns, string | null> = { purpose: null, caseId: null, endUser: null }
  for (const name of Object.keys(patterns) as Array<keyof typeof patterns>) {
    const value = checkField(name, payload[name])
    if (value instanceof Error) return invalid(`X-Request-Context: ${value.message}`)
    if (plain[name] !== null && plain[name] !== value) return { ok: false, status: 400, message: `X-Request-Context and ${headerNames[name]} disagree` }
    signed[name] = value
  }
  const jti = payload.jti
  if (typeof jti !== 'string' || jti.length < 8 || jti.length > 256) return invalid()
  if (!(await store.claimOnce(`jti:context:${client.clientId}:${jti}`, replayWindowMs(payload.exp as number, nowMs))))
    return invalid('X-Request-Context was already used')
  return { ok: true, context: { ...signed, signed: true } }
}
