import { LRUCache } from 'lru-cache'
import type { MiddlewareHandler } from 'hono'
import type { KeyedHash } from '../../policies/index.js'
import { createAuditDraft } from '../audit/draft.js'
import { buildAuditEvent } from '../audit/build-event.js'
import { sha256Hex } from '../support/index.js'
import type { AuditKind } from '../audit/event.js'
import type { AuditSink } from '../audit/sink.js'
import { AuditUnavailableError } from '../audit/unavailable.js'
import type { Logger } from '../logger.js'
import { noopMetrics, type Metrics } from '../metrics/index.js'
import type { GatewayEnv } from '../env.js'
import { ErrorCode, errorResponse } from '../errors.js'
import { endSpan, traceIdOf, type Span } from '../telemetry/index.js'

export interface AccessLogOptions {
  sink: AuditSink
  /** This process's name in the trail. */
  instance: string
  /** Keyed hash of subjects (PINs, tax codes): the trail never holds them raw. */
  hash: KeyedHash
  logger: Logger
  /** Request and audit-commit metrics. @default none */
  metrics?: Metrics
  now?: () => Date
}

const OPERATION_HASH_CACHE = 1024

export { traceIdOf }

/** The audit commit as a span of the request: failed when the event could not be committed. */
async function traced(span: Span, commit: () => Promise<void>): Promise<void> {
  try {
    await commit()
  } catch (error) {
    endSpan(span, 'AUDIT_UNAVAILABLE')
    throw error
  }
  span.end()
}

/**
 * Writes the one audit event of a request, whatever happened:
 * granted, denied, 401, 429, failed. In `finally`, after the handler has produced its response
 * and before that response is released. The event must be committed first: if it cannot be, the
 * response is replaced by 503 `AUDIT_UNAVAILABLE` and whatever data it held is discarded.
 * @example
 * app.post('/graphql', accessLog({ sink, instance, hash, logger })('access.graphql'), callerAuth(identity), handler)
 */
export function accessLog(options: AccessLogOptions) {
  const now = options.now ?? (() => new Date())
  const metrics = options.metrics ?? noopMetrics
  // Least recently used out when full: an agency's steady operations stay hashed once.
  const operationHashes = new LRUCache<string, string>({ max: OPERATION_HASH_CACHE })
  async function operationHash(text: string | undefined): Promise<string | undefined> {
    if (text === undefined) return undefined
    let hash = operationHashes.get(text)
    if (!hash) {
      hash = await sha256Hex(text)
      operationHashes.set(text, hash)
    }
    return hash
  }

  return (kind: AuditKind): MiddlewareHandler<GatewayEnv> =>
    async function writeAuditEvent(c, next) {
      const started = performance.now()
      const at = now()
      // The request's trace (requestTracing): the span's when tracing is on, else the caller's.
      const trace = c.get('trace')
      const traceId = trace ? trace.traceId : traceIdOf(c.req.header('traceparent'))
      // One line per request for log tools: who, why, how it ended, how long, what it cost;
      // never an identifier (those are only in the event, hashed).
      const logLine = (fields: Record<string, unknown>) =>
        options.logger.info({ ...fields, ...(traceId ? { traceId } : {}), kind, ms: Math.round((performance.now() - started) * 10) / 10 }, 'request')
      const draft = createAuditDraft(kind)
      c.set('audit', draft)
      try {
        await next()
      } finally {
        draft.closed = true
        const status = c.res?.status ?? 500
        let responseCode: ErrorCode | undefined
        if (status >= 400 && !draft.errorCodes.length && c.res?.headers.get('content-type')?.includes('json')) {
          // A non-GraphQL error body ({ error: { code } }): read from a clone, the original stays intact.
          const body = (await c.res
            .clone()
            .json()
            .catch(() => null)) as { error?: { code?: unknown } } | null
          const parsed = ErrorCode.safeParse(body?.error?.code)
          if (parsed.success) responseCode = parsed.data
        }
        try {
          const event = buildAuditEvent({
            at,
            requestId: c.get('requestId'),
            instance: options.instance,
            draft,
            caller: c.get('caller'),
            context: c.get('requestContext'),
            status,
            responseCode,
            latencyMs: performance.now() - started,
            hash: options.hash,
            operationHash: await operationHash(draft.operation?.text),
            traceId,
          })
          const recording = performance.now()
          await (trace?.recording ? traced(trace.child('audit.commit'), () => options.sink.record(event)) : options.sink.record(event))
          metrics.auditCommit((performance.now() - recording) / 1000, true)
          logLine({
            requestId: event.requestId,
            agency: event.agency,
            client: event.client,
            purpose: event.purpose,
            decision: event.decision,
            code: event.code,
            status,
            ...(draft.cost === undefined ? {} : { cost: draft.cost }),
          })
          metrics.request({
            kind,
            agency: event.agency ?? 'none',
            decision: event.decision,
            code: event.code ?? 'none',
            status,
            seconds: (performance.now() - started) / 1000,
          })
        } catch (error) {
          metrics.auditCommit(0, false)
          metrics.request({
            kind,
            agency: c.get('caller')?.agencyId ?? 'none',
            decision: 'failed',
            code: 'AUDIT_UNAVAILABLE',
            status: 503,
            seconds: (performance.now() - started) / 1000,
          })
          // An unavailable store is told by the audit writer, once per outage with a summary: a
          // line per refused request would bury the log at load. Anything else is told here.
          logLine({ requestId: c.get('requestId'), agency: c.get('caller')?.agencyId, status: 503, code: 'AUDIT_UNAVAILABLE' })
          if (!(error instanceof AuditUnavailableError)) {
            options.logger.error({ err: error, requestId: c.get('requestId') }, 'audit event not recorded: the response is withheld (AUDIT_UNAVAILABLE)')
          }
          await c.res?.body?.cancel().catch(() => undefined)
          c.res = undefined
          c.res = errorResponse(c, 'AUDIT_UNAVAILABLE', 'The access could not be recorded in the audit trail, so no data is released; retry shortly', 503, {
            'retry-after': '1',
          })
        }
      }
    }
}
