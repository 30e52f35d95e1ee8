/**
 * Export formats for `lgsp audit export`: JSONL (one event per line, exactly the hashed body)
 * and CSV (one row per event, the columns an auditor filters on in a spreadsheet).
 */
import type { AuditEvent } from './event.js'

export const CSV_COLUMNS = [
  'at',
  'id',
  'requestId',
  'kind',
  'instance',
  'agency',
  'client',
  'endUser',
  'purpose',
  'caseId',
  'decision',
  'code',
  'status',
  'records',
  'subjects',
  'returned',
  'grants',
  'masks',
  'policyVersion',
  'latencyMs',
  'actor',
  'reason',
  'signals',
] as const

/**
 * One CSV field (RFC 4180). A value a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
 * tab, CR) is prefixed with `'`: an officer id or case id must never become code on an auditor's
 * machine.
 */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return ''
  let text = Array.isArray(value) ? value.join(';') : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`
}

export function csvRow(event: AuditEvent): string {
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    at: event.at,
    id: event.id,
    requestId: event.requestId,
    kind: event.kind,
    instance: event.instance,
    agency: event.agency,
    client: event.client,
    endUser: event.endUser,
    purpose: event.purpose,
    caseId: event.caseId,
    decision: event.decision,
    code: event.code,
    status: event.status,
    records: event.records,
    subjects: event.subjects,
    returned: event.coordinates?.returned,
    grants: event.grants,
    masks: event.masks,
    policyVersion: event.policyVersion,
    latencyMs: event.latencyMs,
    actor: event.actor,
    reason: event.reason,
    signals: event.signals,
  }
  return `${CSV_COLUMNS.map((column) => csvField(values[column])).join(',')}\r\n`
}

export function jsonlRow(event: AuditEvent): string {
  return `${JSON.stringify(event)}\n`
}
