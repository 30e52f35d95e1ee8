import type { AuditDraft } from './audit/draft.js'
import type { Caller, RequestContext } from './identity/caller.js'
import type { TraceScope } from './telemetry/index.js'

/** The one Hono environment type of the gateway: every middleware reads the same typed variables. */
export interface GatewayEnv {
  Variables: {
    requestId: string
    /** Set by `callerAuth` on authenticated routes. */
    caller: Caller
    /** Set by `callerAuth` from X-Purpose / X-Case-Id / X-End-User or X-Request-Context. */
    requestContext: RequestContext
    /** Set by `accessLog` on audited routes; filled in by what runs after it. */
    audit: AuditDraft
    /** The request's JSON body as parsed (GraphQL), set by its route for the receipt. */
    requestJson: unknown
    /** Set by `requestTracing` on every request: its server span (or the caller's trace passed through). */
    trace: TraceScope
  }
}
