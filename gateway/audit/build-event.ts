/**
 * Turns what a request gathered into its audit event: a pure function of the draft, the caller,
 * the declared context and the response, so every outcome is decided in one table-tested place.
 */
import type { KeyedHash } from '../../policies/index.js'
import { ErrorCode, type ErrorCode as Code } from '../errors.js'
import type { Caller, RequestContext } from '../identity/caller.js'
import type { AuditDraft } from './draft.js'
import { auditReason, type AuditDecision, type AuditEvent, type ConnectorCallSummary } from './event.js'

export interface EventInput {
  at: Date
  requestId: string
  instance: string
  draft: AuditDraft
  caller?: Caller | undefined
  context?: RequestContext | undefined
  status: number
  /** The error code of a non-GraphQL error response, when there is one. */
  responseCode?: Code | undefined
  latencyMs: number
  hash: KeyedHash
  /** SHA-256 hex of the operation text, computed by the caller (async WebCrypto, cached). */
  operationHash?: string | undefined
  /** The request's W3C trace id (the caller's, or the one the gateway started), joining the event to its spans. */
  traceId?: string | undefined
}

const DENIAL_CODES = new Set<string>(['FORBIDDEN', 'PURPOSE_REQUIRED', 'PURPOSE_NOT_ALLOWED', 'CASE_REQUIRED'])
const CALLER_CODES = new Set<string>(['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX', 'NOT_FOUND'])
/** Which code names an outcome best when a response carries several: the caller's own first. */
const PRECEDENCE: Code[] = [
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'AUDIT_UNAVAILABLE',
  'FORBIDDEN',
  'PURPOSE_REQUIRED',
  'PURPOSE_NOT_ALLOWED',
  'CASE_REQUIRED',
  'INVALID_TRANSITION',
  'VERSION_CONFLICT',
  'IDEMPOTENCY_CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'SIGNATURE_REQUIRED',
  'QUERY_TOO_COMPLEX',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_BAD_RESPONSE',
  'INTERNAL_SERVER_ERROR',
]

function mainCode(codes: readonly string[], fallback?: Code): Code | undefined {
  const known = codes.filter((code): code is Code => ErrorCode.safeParse(code).success)
  for (const code of PRECEDENCE) if (known.includes(code)) return code
  return fallback
}

/** The outcome, from the status, the codes and whether data came back. */
export function decisionOf(status: number, code: Code | undefined, hasData: boolean, kind: AuditEvent['kind']): AuditDecision {
  if (status === 401 || code === 'UNAUTHENTICATED') return 'unauthenticated'
  if (status === 429 || code === 'RATE_LIMITED') return 'rate_limited'
  if (kind !== 'access.graphql' && status < 400) return 'ok'
  if (kind === 'token.refused') return status === 503 ? 'failed' : 'unauthenticated'
  if (hasData) return code ? 'partial' : 'granted'
  if (code && DENIAL_CODES.has(code)) return 'denied'
  if ((code && CALLER_CODES.has(code)) || (!code && status >= 400 && status < 500)) return 'rejected'
  if (!code && status < 400) return 'granted'
  return 'failed'
}

function summarizeCalls(draft: AuditDraft): ConnectorCallSummary[] | undefined {
  if (draft.calls.length === 0) return undefined
  const by = new Map<string, ConnectorCallSummary>()
  for (const call of draft.calls) {
    const entry = by.get(call.connector) ?? { connector: call.connector, calls: 0, failures: 0, latencyMs: 0 }
    entry.calls += 1
    entry.latencyMs += call.latencyMs
    if (call.error) {
      entry.failures += 1
      entry.code ??= call.error
    }
    by.set(call.connector, entry)
  }
  return [...by.values()].map((entry) => ({ ...entry, latencyMs: Math.round(entry.latencyMs * 10) / 10 }))
}

const limit = (value: string | null | undefined) => (value ? value.slice(0, 200) : undefined)

const REFUSALS = new Set<AuditDecision>(['denied', 'rejected', 'rate_limited', 'unauthenticated'])

/**
 * The reason on a refusal: the refusing step's own word, else the code (a refusal outside
 * GraphQL — a missing token, a malformed header — is named by its code alone). A reason left by a
 * step on a request that was not refused after all says nothing about it and is dropped.
 */
function reasonOf(draft: AuditDraft, decision: AuditDecision, code: Code | undefined): string | undefined {
  if (!REFUSALS.has(decision)) return undefined
  if (draft.reason && auditReason.safeParse(draft.reason).success) return draft.reason
  return code
}

export function buildAuditEvent(input: EventInput): AuditEvent {
  const { draft, caller, context } = input
  const code = mainCode(draft.errorCodes, input.responseCode)
  const kind = draft.kind === 'token.issued' && input.status >= 400 ? 'token.refused' : draft.kind
  const decision = decisionOf(input.status, code, draft.hasData, kind)
  const subjects = [...new Set([...draft.identifiers].map((value) => input.hash(value)))].sort()
  const event: AuditEvent = {
    v: 1,
    id: draft.id,
    at: input.at.toISOString(),
    kind,
    requestId: input.requestId,
    traceId: input.traceId,
    instance: input.instance,
    agency: limit(caller?.agencyId ?? draft.agency),
    client: limit(caller?.clientId ?? draft.client),
    endUser: limit(context?.endUser),
    purpose: limit(context?.purpose),
    caseId: limit(context?.caseId),
    signedContext: context ? context.signed : undefined,
    actor: limit(draft.actor),
    operation: input.operationHash
      ? {
          hash: input.operationHash,
          ...(draft.operation?.name ? { name: draft.operation.name.slice(0, 200) } : {}),
          ...(draft.operation?.type ? { type: draft.operation.type } : {}),
        }
      : undefined,
    coordinates: draft.requested ? { requested: draft.requested, returned: [...draft.returned].sort() } : undefined,
    grants: draft.grants,
    policyVersion: draft.policyVersion,
    decision,
    code,
    reason: reasonOf(draft, decision, code),
    status: input.status,
    masks: draft.masks?.length ? draft.masks : undefined,
    subjects,
    records: draft.kind === 'access.graphql' ? draft.records : undefined,
    connectors: summarizeCalls(draft),
    latencyMs: Math.round(input.latencyMs * 100) / 100,
    // Covert access is withheld only when data was actually read under the covert grant.
    withheldUntil: draft.withheldUntil && (decision === 'granted' || decision === 'partial') ? draft.withheldUntil : undefined,
    signals: draft.signals?.size ? [...draft.signals].sort() : undefined,
    detail: draft.detail,
    receipt: draft.receipt,
  }
  for (const key of Object.keys(event) as Array<keyof AuditEvent>) if (event[key] === undefined) delete event[key]
  return event
}
