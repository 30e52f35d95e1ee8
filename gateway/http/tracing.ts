import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { GatewayEnv } from '../env.js'
import { endSpan, SpanKind, type Telemetry } from '../telemetry/index.js'

/** Probed every few seconds by orchestrators: traces of them would bury the requests. */
const PROBES = new Set(['/healthz', '/readyz'])

/**
 * The request's trace, set on the context for what runs after: a server span continuing the
 * caller's `traceparent` (a new trace without one), named by the route once it is known (never
 * the raw path or query, which may hold identifiers). Tracing off, the caller's trace is only
 * carried through (see Telemetry.start): one header read, nothing allocated without one.
 */
export function requestTracing(telemetry: Telemetry): MiddlewareHandler<GatewayEnv> {
  if (!telemetry.enabled) {
    return async function passTraceOn(c, next) {
      c.set('trace', telemetry.start('', c.req.header('traceparent')))
      await next()
    }
  }
  return async function traceRequest(c, next) {
    if (PROBES.has(c.req.path)) return next()
    const method = c.req.method
    const scope = telemetry.start(method, c.req.header('traceparent'), {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': method, 'lgsp.request_id': c.get('requestId') },
    })
    c.set('trace', scope)
    const { span } = scope
    try {
      await next()
    } finally {
      const route = routePath(c, -1)
      if (route && route !== '*' && !route.endsWith('/*')) {
        span.updateName(`${method} ${route}`)
        span.setAttribute('http.route', route)
      }
      const status = c.res?.status ?? 500
      span.setAttribute('http.response.status_code', status)
      // A 4xx is the caller's doing: the server span fails only on the gateway's own errors.
      endSpan(span, status >= 500 ? String(status) : undefined)
    }
  }
}

/**
 * Caller authentication as a span of its own under the request's, ending when it hands on (the
 * work after it is not authentication); on success the request's span names the agency, client
 * and purpose (never the end user).
 */
export function tracedAuth(authenticate: MiddlewareHandler<GatewayEnv>): MiddlewareHandler<GatewayEnv> {
  return async function authenticateTraced(c, next) {
    const scope = c.get('trace')
    if (!scope?.recording) return authenticate(c, next)
    const span = scope.child('caller.auth')
    let open = true
    const close = (outcome: 'authenticated' | 'refused') => {
      if (!open) return
      open = false
      span.setAttribute('lgsp.outcome', outcome)
      span.end()
    }
    try {
      return await authenticate(c, async () => {
        const caller = c.get('caller')
        const purpose = c.get('requestContext')?.purpose
        scope.span.setAttributes({ 'lgsp.agency': caller.agencyId, 'lgsp.client': caller.clientId, ...(purpose ? { 'lgsp.purpose': purpose } : {}) })
        close('authenticated')
        await next()
      })
    } finally {
      close('refused')
    }
  }
}
