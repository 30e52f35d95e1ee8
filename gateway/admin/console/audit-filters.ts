/**
 * The audit explorer's filters as an officer gives them, checked before the search sees them so
 * that every mistake is named in the console's language, next to its field: dates in Vietnam time
 * (`04/12/2026`, `2026-12-04 08:30`, or an instant with its offset), the row limit, a PIN or tax
 * code, the listed values. What passes goes to the search's own parser, which stays the judge.
 */
import { AuditKind, AuditSignal } from '../../audit/event.js'
import { AuditQueryError, parseAuditQuery } from '../../audit/search.js'
import type { Dictionary } from './i18n/index.js'
import { CODES, DECISIONS, DEFAULT_SCOPE, isScope, type Scope } from './vocabulary.js'
import { parseVnTime } from './vn-time.js'

export interface FilterProblem {
  /** The form field it is about (its id), or `filters` for the set as a whole. */
  field: string
  message: string
}

export interface CheckedFilters {
  /** Which events the list covers when no kind is chosen. */
  scope: Scope
  problems: FilterProblem[]
  /** The search's parsed query; absent when there are problems. */
  query?: ReturnType<typeof parseAuditQuery>
}

const CHOICES: Record<string, readonly string[]> = { decision: DECISIONS, code: CODES, kind: AuditKind.options, signal: AuditSignal.options }
const SUBJECT = /^(\d{12}|\d{10}(-\d{3})?)$/
const LABELLED = [
  'from',
  'to',
  'agency',
  'client',
  'endUser',
  'purpose',
  'decision',
  'code',
  'kind',
  'subject',
  'caseId',
  'requestId',
  'limit',
  'scope',
  'signal',
] as const

/** The field's name as its label says it, for messages. */
export function fieldLabel(t: Dictionary, field: string): string {
  return (LABELLED as readonly string[]).includes(field) ? t.audit[field as (typeof LABELLED)[number]] : field
}

/**
 * Checks `given` (query-string or form values, empty ones already dropped). `subject`, a PIN or
 * tax code, is only ever given by the posted form; it is checked here and hashed by the caller.
 */
export function checkFilters(t: Dictionary, given: Record<string, string>): CheckedFilters {
  const { scope: scopeGiven, ...rest } = given
  const problems: FilterProblem[] = []
  const problem = (field: string, message: string) => problems.push({ field, message: `${fieldLabel(t, field)}: ${message}` })
  let scope: Scope = DEFAULT_SCOPE
  if (scopeGiven !== undefined) {
    if (isScope(scopeGiven)) scope = scopeGiven
    else problem('scope', t.validation.choice)
  }
  const search: Record<string, string> = { ...rest }
  const instants: Partial<Record<'from' | 'to', number>> = {}
  for (const field of ['from', 'to'] as const) {
    const value = rest[field]
    if (value === undefined) continue
    const ms = parseVnTime(value, { end: field === 'to' })
    if (ms === null) problem(field, t.validation.date)
    else {
      instants[field] = ms
      search[field] = new Date(ms).toISOString()
    }
  }
  if (instants.from !== undefined && instants.to !== undefined && instants.from >= instants.to) problem('to', t.validation.range)
  if (rest.limit !== undefined && !(/^\d{1,3}$/.test(rest.limit.trim()) && Number(rest.limit) >= 1 && Number(rest.limit) <= 500))
    problem('limit', t.validation.limit)
  if (rest.subject !== undefined && !SUBJECT.test(rest.subject.trim())) problem('subject', t.validation.subject)
  for (const [field, values] of Object.entries(CHOICES)) {
    const value = rest[field]
    if (value !== undefined && !values.includes(value)) problem(field, t.validation.choice)
  }
  if (problems.length) return { scope, problems }
  try {
    return { scope, problems, query: parseAuditQuery(search) }
  } catch (error) {
    if (!(error instanceof AuditQueryError)) throw error
    // The parser names the field first ("cursor: …", "agency' --: Unrecognized key"); its English
    // words are not the console's, so only the name is kept.
    const field = error.message.split(':')[0] ?? ''
    if (field === 'cursor') problem('cursor', t.validation.cursor)
    else if (Object.hasOwn(search, field)) problem(field, t.validation.invalid)
    else problems.push({ field: 'filters', message: `${field || '?'}: ${t.validation.unknown}` })
    return { scope, problems }
  }
}
