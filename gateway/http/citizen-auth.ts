import type { Context } from 'hono'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../errors.js'
import { readBearer } from './bearer.js'

/** The PIN a citizen token names (the national e-ID's, or the sandbox's outside production), or null. */
export type VerifyCitizen = (token: string) => Promise<string | null>

/**
 * The citizen calling one of their own channels (access history, "my dossiers"): the PIN of the
 * bearer token, noted on the request's audit event as its subject with the actor `citizen`; or
 * the 401 to answer, with its `WWW-Authenticate` challenge.
 */
export async function authenticateCitizen(c: Context<GatewayEnv>, verify: VerifyCitizen): Promise<string | Response> {
  const token = readBearer(c.req.header('authorization'))
  const pin = token ? await verify(token) : null
  if (!pin) {
    return errorResponse(c, 'UNAUTHENTICATED', 'A citizen token is required (Authorization: Bearer …)', 401, {
      'www-authenticate': 'Bearer realm="lgsp-gateway"',
    })
  }
  const draft = c.get('audit')
  draft.actor = 'citizen'
  draft.identifiers.add(pin)
  return pin
}
