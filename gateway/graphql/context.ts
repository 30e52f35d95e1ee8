import type { ConnectorContext } from '../../connectors/index.js'
import type { AuditDraft } from '../audit/draft.js'
import type { Caller, RequestContext } from '../identity/caller.js'
import type { ConsumeDecision } from '../ratelimit/index.js'

/** Filled by `useRateLimit`, read by the route that copies its headers onto the response. */
export interface RateLimitOutcome {
  decision?: ConsumeDecision
  /** Set by a refusal that is not the rate limiter's (a grant's per-subject limit): the route sends it as `Retry-After`. */
  retryAfterMs?: number
}

/** What the Hono route hands to Yoga for each request: who calls, and what they declared. */
export interface GatewayServerContext {
  requestId: string
  caller: Caller
  requestContext: RequestContext
  /** What this request's audit event will say, filled in as it runs (absent: not audited). */
  audit?: AuditDraft
  /** A holder the route creates per request (Yoga copies the server context, not the holder). */
  rateLimit?: RateLimitOutcome
}

/** The one GraphQL context type, so every resolver and plugin reads the same fields: connectors' context plus the server's. */
export type GatewayContext = ConnectorContext & GatewayServerContext
