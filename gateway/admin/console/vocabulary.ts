/**
 * One set of words for the trail's decisions, error codes and event kinds: the charts' legends
 * and bars, the explorer's filters and its table all name an outcome through these functions, so
 * an auditor reads "Từ chối" in the legend and finds the same word in the filter and the row.
 */
import { AuditDecision, AuditKind } from '../../audit/event.js'
import { ErrorCode } from '../../errors.js'
import type { PolicyRuntime } from '../../policy/index.js'
import type { Dictionary } from './i18n/index.js'

export const DECISIONS: readonly AuditDecision[] = AuditDecision.options
export const CODES: readonly ErrorCode[] = ErrorCode.options

const isDecision = (value: string): value is AuditDecision => (DECISIONS as readonly string[]).includes(value)
const isCode = (value: string): value is ErrorCode => (CODES as readonly string[]).includes(value)

/** The decision's word; an unknown value stays as it is, so nothing is hidden behind a label. */
export function decisionLabel(t: Dictionary, decision: string): string {
  return isDecision(decision) ? (t.decisions[decision] ?? decision) : decision
}

/** The code's words with the code itself, which is what callers and logs quote: "Không có quyền (FORBIDDEN)". */
export function codeLabel(t: Dictionary, code: string): string {
  const words = isCode(code) ? t.codes[code] : undefined
  return words ? `${words} (${code})` : code
}

/** A refusal is counted under its code, or under its decision when it has none (a 401 before any code). */
export const refusalLabel = (t: Dictionary, codeOrDecision: string): string =>
  isCode(codeOrDecision) ? codeLabel(t, codeOrDecision) : decisionLabel(t, codeOrDecision)

/** How a decision is coloured in tables: served, partly served, or not. */
export const decisionTone = (decision: string): 'ok' | 'warn' | 'bad' =>
  decision === 'granted' || decision === 'ok' ? 'ok' : decision === 'partial' ? 'warn' : 'bad'

/** One colour per decision, the same in every chart. */
export const DECISION_COLOURS: Record<AuditDecision, string> = {
  granted: '#137333',
  partial: '#e37400',
  denied: '#a50e0e',
  rejected: '#8e24aa',
  unauthenticated: '#5f6368',
  rate_limited: '#b08600',
  failed: '#202124',
  ok: '#0b57d0',
}

/**
 * What staff do, through the console or the CLI: reads of the trail, page views and actions,
 * policy and key changes. Everything else is a request from outside (an agency's system, a
 * citizen, an applicant): a kind added later lands there, shown by default rather than hidden.
 */
export const STAFF_KINDS: readonly AuditKind[] = [
  'audit.searched',
  'audit.exported',
  'audit.retention',
  'admin.action',
  'policy.applied',
  'policy.activated',
  'policy.rolled_back',
  'keys.rotated',
  'exchange.redelivered',
  'conformance.recorded',
]
export const REQUEST_KINDS: readonly AuditKind[] = AuditKind.options.filter((kind) => !STAFF_KINDS.includes(kind))

/** Which events the explorer lists: requests from outside (the default), staff's own, or both. */
export const SCOPES = ['requests', 'staff', 'all'] as const
export type Scope = (typeof SCOPES)[number]
export const DEFAULT_SCOPE: Scope = 'requests'
export const isScope = (value: string): value is Scope => (SCOPES as readonly string[]).includes(value)

/** The kinds a scope covers; undefined: every kind. */
export const scopeKinds = (scope: Scope): readonly AuditKind[] | undefined =>
  scope === 'requests' ? REQUEST_KINDS : scope === 'staff' ? STAFF_KINDS : undefined

/** An agency as the public and the staff know it: its name from its policy document, else its id (an agency since removed). */
export function agencyName(policies: PolicyRuntime, id: string): string {
  return policies.current().agencies.get(id)?.name ?? id
}

/** Name and id, for staff who search the log by id. */
export function agencyLabel(policies: PolicyRuntime, id: string): string {
  const name = agencyName(policies, id)
  return name === id ? id : `${name} (${id})`
}
