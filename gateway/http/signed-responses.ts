import type { MiddlewareHandler } from 'hono'
import { signResponse, type PushSigningKey } from '../../connectors/index.js'
import type { GatewayEnv } from '../env.js'

export interface SignedResponsesOptions {
  /** The gateway's current signing key (its kid is in /.well-known/jwks.json). */
  key: () => PushSigningKey
  /** Whether the caller's agency asks for every answer signed (its policy document's `signResponses`). */
  agencyRequires: (agencyId: string) => boolean
}

/**
 * Signs a response when the request asks for it (`Accept-Signature`, RFC 9421) or the calling
 * agency's policy does: `Content-Digest` (RFC 9530) of the body and an HTTP Message Signature over
 * the status, the digest and the request id, with its creation time, under the gateway's key. A
 * department that acted on an answer can later prove what the gateway said, to anyone holding the
 * gateway's public keys (`verifyResponse`). Runs outside every other layer, so it signs what leaves.
 */
export function signedResponses(options: SignedResponsesOptions): MiddlewareHandler<GatewayEnv> {
  return async function signAnswer(c, next) {
    await next()
    const agency = c.get('caller')?.agencyId
    if (c.req.header('accept-signature') === undefined && !(agency && options.agencyRequires(agency))) return
    const body = new Uint8Array(await c.res.clone().arrayBuffer())
    const signed = await signResponse({ status: c.res.status, body, requestId: c.get('requestId'), key: options.key() })
    const headers = new Headers(c.res.headers)
    for (const [name, value] of Object.entries(signed)) headers.set(name, value)
    c.res = new Response(body, { status: c.res.status, statusText: c.res.statusText, headers })
  }
}
