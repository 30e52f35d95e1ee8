import type { MiddlewareHandler } from 'hono'
import { requestId as honoRequestId } from 'hono/request-id'
import type { GatewayEnv } from '../env.js'

/**
 * Accepts the caller's `X-Request-Id` when it is short and plain (letters, digits, `-`, `_`, `=`),
 * else generates a UUID; sets it on the context and on every response, including responses that
 * a handler built itself (Yoga's), which Hono's own middleware would miss.
 */
export function requestId(): MiddlewareHandler<GatewayEnv> {
  const assign = honoRequestId({ headerName: 'X-Request-Id', limitLength: 128 })
  return async function requestIdHeader(c, next) {
    await assign(c, next)
    c.res.headers.set('X-Request-Id', c.get('requestId'))
  }
}
