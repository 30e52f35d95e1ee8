/**
 * What one request gathers for its audit event while it runs. The access-log middleware creates
 * it, the GraphQL plugins and guarded resolvers fill it in, and the middleware's `finally` turns
 * it into the one event. Raw identifiers live here only for the request's lifetime: they are
 * hashed when the event is built and never stored.
 */
import type { UpstreamCall } from '../../connectors/index.js'
import type { AuditKind, AuditSignal } from './event.js'

export interface AuditDraft {
  /**
   * The event's id, fixed when the request starts: a receipt names the event before it is
   * committed, and the event then keeps the receipt's hash.
   */
  readonly id: string
  kind: AuditKind
  operation?: { name?: string; type?: 'query' | 'mutation' | 'subscription'; text?: string }
  /** Coordinates the operation asked for (decided by the policy). */
  requested?: string[]
  /** Coordinates whose resolvers produced a value for a record in scope. */
  returned: Set<string>
  grants?: string[]
  policyVersion?: number
  masks?: string[]
  /** Raw PINs and tax codes touched (arguments and records returned): hashed before storage. */
  identifiers: Set<string>
  /** Records returned by root fields. */
  records: number
  calls: UpstreamCall[]
  withheldUntil?: string
  /** `extensions.code` of every GraphQL error in the response. */
  errorCodes: string[]
  /** Why the request was refused (a machine word: `SUBJECT_DAILY_LIMIT`), by whoever refused it. */
  reason?: string
  /** Patterns flagged for auditors while the request ran. */
  signals?: Set<AuditSignal>
  /** The response carried data (not null). */
  hasData: boolean
  /** Set by routes that know them better than the caller context (the token endpoint). */
  agency?: string
  client?: string
  actor?: string
  detail?: Record<string, string | number | boolean | null>
  /** Rate-limit units the request was charged (its estimated cost), when a limit applied. */
  cost?: number
  /** SHA-256 (hex) of the receipt given with the response, set by the receipt middleware. */
  receipt?: string
  /**
   * Set by the access log when it starts building the event: nothing written after it counts. A
   * handler still running past the deadline must not name in the event a receipt that never left.
   */
  closed?: boolean
}

export function createAuditDraft(kind: AuditKind): AuditDraft {
  return { id: crypto.randomUUID(), kind, returned: new Set(), identifiers: new Set(), records: 0, calls: [], errorCodes: [], hasData: false }
}
