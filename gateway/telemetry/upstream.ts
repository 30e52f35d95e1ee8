import { SpanKind } from '@opentelemetry/api'
import type { RequestScope, UpstreamSpan } from '../../connectors/index.js'
import { endSpan, type TraceScope } from './telemetry.js'
import { formatTraceparent } from './traceparent.js'

const noop = () => undefined

/**
 * The hook a request's connectors report each registry attempt to: a client span under the
 * request's span, whose id the registry receives in `traceparent`. Tracing off, the caller's
 * `traceparent` goes on as it came (one object for the whole request), and with none, no hook.
 * Spans carry the connector, the operation, the method, the host and the status: never the path
 * or query, which may hold the identifiers asked about.
 */
export function upstreamTracing(scope: TraceScope): RequestScope['traceAttempt'] {
  if (!scope.recording) {
    if (scope.traceparent === undefined) return undefined
    const passed: UpstreamSpan = { headers: { traceparent: scope.traceparent }, end: noop }
    return () => passed
  }
  return ({ connector, operation, method, url }) => {
    const span = scope.child(`${connector} ${operation}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        'server.address': url.hostname,
        'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
        'lgsp.connector': connector,
        'lgsp.operation': operation,
      },
    })
    const traceparent = formatTraceparent(span.spanContext())
    return {
      ...(traceparent ? { headers: { traceparent } } : {}),
      end({ status, error }) {
        if (status !== null) span.setAttribute('http.response.status_code', status)
        if (error) span.setAttribute('error.type', error)
        endSpan(span, error)
      },
    }
  }
}
