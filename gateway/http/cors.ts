import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'

/**
 * CORS for the origins in `CORS_ORIGINS` only (hono/cors decides). A request without an `Origin`
 * header does not come from a web page (department systems call server to server), so there is
 * nothing to allow or refuse: it only gets `Vary: Origin`. Skipping hono/cors there is also a
 * measured saving: it touches the response before the handler runs and sets a header
 * after it, which makes the Node adapter rebuild every answer as a stream-bodied undici Response.
 */
export function corsAllowList(origins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(origins)
  const browserCors = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    // A page asks for proofs like any client, and the verification module reads them off the answer.
    allowHeaders: [
      'authorization',
      'content-type',
      'x-purpose',
      'x-case-id',
      'x-end-user',
      'x-request-id',
      'x-request-context',
      'prefer',
      'accept-signature',
      'idempotency-key',
    ],
    exposeHeaders: [
      'x-request-id',
      'ratelimit',
      'ratelimit-policy',
      'retry-after',
      'lgsp-receipt',
      'lgsp-receipt-salt',
      'signature',
      'signature-input',
      'content-digest',
    ],
    maxAge: 600,
  })
  return async function corsForBrowsers(c, next) {
    if (c.req.header('origin') !== undefined) return browserCors(c, next)
    await next()
    c.res.headers.append('Vary', 'Origin')
  }
}
