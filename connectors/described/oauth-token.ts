/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) for a source that asks for them: a bearer token
 * from the token endpoint, kept until shortly before it expires and shared by every call (one
 * request for a token at a time, however many calls wait for it; where requests must stand alone,
 * as on workerd, only a token already received is shared), and dropped when the source
 * answers 401 so the next call asks again. The client's secret and the tokens are never put in an
 * error, a log line or a recorded call: those carry the endpoint's path and status only.
 */
import { ConnectorError, createUpstream, type RequestScope, type UpstreamOptions } from '../kit/index.js'

export interface OAuthClient {
  id: string
  secret: string
}

export interface TokenSource {
  /** A token to send now: the one kept, or a new one. Throws ConnectorError. */
  token(scope: RequestScope): Promise<string>
  /** The source refused this token (401): the next call asks for a new one. */
  forget(token: string): void
}

/** RFC 6750's b64token: what may follow `Bearer ` in a header, and nothing else (no CR, LF or space). */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
/** A token is asked for again this long before it expires, and at least at a tenth of its life. */
const EARLY_MS = 30_000

/** RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined for Basic. */
const formEncoded = (value: string) => encodeURIComponent(value).replace(/%20/g, '+')

/** Base64 of UTF-8 text, on every runtime (no Buffer). */
function base64(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

export function createTokenSource(
  options: Pick<UpstreamOptions, 'connector' | 'timeoutMs' | 'fetch' | 'transport'> & {
    tokenUrl: string
    scopes: readonly string[]
    client: OAuthClient
    now?: () => number
    /**
     * Whether a call may wait on the token request another call started. workerd cancels a request
     * that waits on a promise another request settles, so there each call without a kept token
     * asks for its own, and the latest answer is kept for the calls after. @default true
     */
    shareRequests?: boolean
  },
): TokenSource {
  const { connector, client, scopes } = options
  const now = options.now ?? Date.now
  const url = new URL(options.tokenUrl)
  // The registry client's call: deadline, transport, typed errors, the call recorded (path and status only).
  const endpoint = createUpstream({
    connector,
    baseUrl: new URL('.', url).href,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
  })
  const path = url.pathname.slice(url.pathname.lastIndexOf('/') + 1) + url.search
  const authorization = `Basic ${base64(`${formEncoded(client.id)}:${formEncoded(client.secret)}`)}`
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...(scopes.length ? { scope: scopes.join(' ') } : {}) }).toString()

  let kept: { token: string; renewAt: number } | undefined
  let asking: Promise<string> | undefined

  async function ask(scope: RequestScope): Promise<string> {
    const response = await endpoint.send(
      path,
      {
        method: 'POST',
        operation: `${connector}.token`,
        // Asking again for a token changes nothing at the endpoint.
        idempotent: true,
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
      },
      scope,
    )
    const where = { path: url.pathname }
    // 400 (invalid_client, invalid_scope…) is the gateway's configuration, as a 401 is: the source is unavailable to callers.
    if (response.status === 400)
      throw new ConnectorError(connector, 'UPSTREAM_UNAVAILABLE', { ...where, status: 400, detail: 'the token endpoint refused the client' })
    if (response.status !== 200) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { ...where, status: response.status })
    let answer: unknown
    try {
      answer = JSON.parse(response.text)
    } catch (error) {
      throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { ...where, detail: 'not JSON' }, { cause: error })
    }
    const {
      access_token: token,
      token_type: type,
      expires_in: expiresIn,
    } = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>
    if (typeof token !== 'string' || !BEARER_TOKEN.test(token) || typeof type !== 'string' || type.toLowerCase() !== 'bearer')
      throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { ...where, detail: 'not a bearer token' })
    if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0))
      throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { ...where, detail: 'expires_in is not a positive number' })
    // Without expires_in the lifetime is unknown: the token is kept until the source refuses it.
    const lifeMs = expiresIn === undefined ? Number.POSITIVE_INFINITY : expiresIn * 1000
    kept = { token, renewAt: now() + lifeMs - Math.min(EARLY_MS, lifeMs / 10) }
    return token
  }

  return {
    token(scope) {
      if (kept && now() < kept.renewAt) return Promise.resolve(kept.token)
      if (options.shareRequests === false) return ask(scope)
      // Shared by every call waiting: it carries the request id for the endpoint's logs, not one
      // request's cancellation (the deadline still holds) or its record of calls.
      asking ??= ask({ requestId: scope.requestId }).finally(() => {
        asking = undefined
      })
      return asking
    },
    forget(token) {
      if (kept?.token === token) kept = undefined
    },
  }
}
