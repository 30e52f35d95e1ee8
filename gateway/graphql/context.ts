import type { ConnectorContext } from '../../connectors/index.js'
import type { AuditDraft } from '../audit/draft.js'
import type { Caller, RequestContext } from '../identity/caller.js'
import type { RequestState } from './request-state.js'
import type { TraceScope } from '../telemetry/index.js'

/** What the Hono route hands to Yoga for each request: who calls, and what they declared. */
export interface GatewayServerContext {
  requestId: string
  caller: Caller
  requestContext: RequestContext
  /** What this request's audit event will say, filled in as it runs (absent: not audited). */
  audit?: AuditDraft
  /** What crosses steps of this request (the policy decision, the rate-limit outcome, verifications). */
  state: RequestState
  /** The request's trace: its steps (policy, rate limit, registry calls) are spans under it. Absent: not traced. */
  trace?: TraceScope
  /** The request's `Idempotency-Key` (already parsed and checked by the route); a dossier step needs one. */
  idempotencyKey?: string
}

/** The one GraphQL context type, so every resolver and plugin reads the same fields: connectors' context plus the server's. */
export type GatewayContext = ConnectorContext & GatewayServerContext
