/**
 * Search over the audit trail for auditors (`/admin/api/audit`, `lgsp audit export`) and the
 * citizen's own history. Filters are values bound as parameters, never SQL text; results come
 * newest first with an opaque keyset cursor, so a page is cheap however deep it is.
 */
import { z } from 'zod'
import type { Queryable } from '../database/index.js'
import { AuditDecision, AuditKind, AuditSignal, type AuditEvent } from './event.js'
import { ErrorCode } from '../errors.js'

const text = z.string().trim().min(1).max(200)
/**
 * Years 1 to 9999 in UTC: what PostgreSQL reads back from `toISOString()`. Year 0 (or a date that
 * an offset moves into it) is ISO 8601 but not PostgreSQL, and would fail the query as a 500.
 */
const storable = (date: Date) => !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999
const when = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((value) => new Date(value))
  .refine(storable, 'a date between the years 1 and 9999')

/** The filters of the search API, as query-string values. Unknown names are refused. */
export const auditQuerySchema = z
  .object({
    from: when.optional(),
    to: when.optional(),
    agency: text.optional(),
    client: text.optional(),
    endUser: text.optional(),
    purpose: text.optional(),
    decision: AuditDecision.optional(),
    code: ErrorCode.optional(),
    kind: AuditKind.optional(),
    /** A PIN or tax code: hashed with the trail's key before it is looked up. */
    subject: z
      .string()
      .trim()
      .regex(/^(\d{12}|\d{10}(-\d{3})?)$/, 'a 12-digit PIN or a 10/13-digit tax code')
      .optional(),
    /** A subject already as the trail's keyed hash (what a page may carry in its URL instead of a PIN). */
    subjectHash: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,86}$/, "a subject's keyed hash")
      .optional(),
    caseId: text.optional(),
    requestId: text.optional(),
    /** Events flagged with this signal (`VERIFICATION_PROBING`). */
    signal: AuditSignal.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(400).optional(),
  })
  .strict()
export type AuditQuery = z.input<typeof auditQuerySchema>
type ParsedQuery = z.output<typeof auditQuerySchema>

export interface AuditPage {
  events: AuditEvent[]
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string
}

interface Cursor {
  at: string
  writer: string
  seq: number
}

const encodeCursor = (cursor: Cursor) => btoa(JSON.stringify(cursor)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

function decodeCursor(value: string): Cursor {
  try {
    const parsed = JSON.parse(atob(value.replace(/-/g, '+').replace(/_/g, '/'))) as Cursor
    // Only the form encodeCursor writes: `Date.parse` also takes '0' or '2020-01-01 BC', which the database refuses.
    const at = typeof parsed.at === 'string' ? new Date(parsed.at) : null
    if (at && storable(at) && at.toISOString() === parsed.at && typeof parsed.writer === 'string' && Number.isSafeInteger(parsed.seq)) return parsed
  } catch {
    // fall through
  }
  throw new AuditQueryError('cursor is not one this API returned')
}

interface PageRow {
  writer: string
  seq: number
  at: Date
  body: string
}

/** Rows fetched with `limit + 1`: the first `limit`, mapped, and a cursor after the last when more exist. */
function keysetPage<T>(rows: PageRow[], limit: number, map: (event: AuditEvent) => T): { items: T[]; nextCursor?: string } {
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    items: page.map((row) => map(JSON.parse(row.body) as AuditEvent)),
    ...(rows.length > limit && last ? { nextCursor: encodeCursor({ at: last.at.toISOString(), writer: last.writer, seq: last.seq }) } : {}),
  }
}

export class AuditQueryError extends Error {
  override name = AuditQueryError.name
}

/** Parses query-string filters; throws AuditQueryError naming the first bad one. */
export function parseAuditQuery(input: Record<string, unknown>): ParsedQuery {
  const parsed = auditQuerySchema.safeParse(input)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const name = issue?.path.join('.') || (issue && 'keys' in issue ? String((issue as { keys: string[] }).keys[0]) : '')
  throw new AuditQueryError(`${name ? `${name}: ` : ''}${issue?.message ?? 'invalid filter'}`)
}

/**
 * One page of events matching `query`, newest first.
 * @param hash the trail's keyed hash, applied to a `subject` filter
 * @param options.kinds only events of these kinds (the console's default view leaves out staff's own reads); `query.kind` narrows further
 * @param options.refusedOfAnyKind with `kinds`: also events of any other kind that were not `ok`
 *   (a failed staff login, a staff member refused a page stays in view)
 */
export async function searchAudit(
  db: Queryable,
  query: ParsedQuery,
  hash: (value: string) => string,
  options: { kinds?: readonly AuditKind[]; refusedOfAnyKind?: boolean } = {},
): Promise<AuditPage> {
  const where: string[] = []
  const params: unknown[] = []
  const bind = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  if (query.from) where.push(`at >= ${bind(query.from.toISOString())}`)
  if (query.to) where.push(`at < ${bind(query.to.toISOString())}`)
  const equals: Array<[string, string | undefined]> = [
    ['agency', query.agency],
    ['client', query.client],
    ['end_user', query.endUser],
    ['purpose', query.purpose],
    ['decision', query.decision],
    ['code', query.code],
    ['kind', query.kind],
    ['case_id', query.caseId],
    ['request_id', query.requestId],
  ]
  for (const [column, value] of equals) if (value !== undefined) where.push(`${column} = ${bind(value)}`)
  if (options.kinds) {
    const kinds = `kind = any(${bind([...options.kinds])}::text[])`
    where.push(options.refusedOfAnyKind ? `(${kinds} or decision <> 'ok')` : kinds)
  }
  if (query.subject) where.push(`subjects @> array[${bind(hash(query.subject))}]::text[]`)
  if (query.subjectHash) where.push(`subjects @> array[${bind(query.subjectHash)}]::text[]`)
  // The LIKE is the partial index's predicate (cheap, may over-match); the jsonb test is exact.
  if (query.signal) where.push(`${SIGNALLED} and (body::jsonb -> 'signals') @> jsonb_build_array(${bind(query.signal)}::text)`)
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor)
    where.push(`(at, writer, seq) < (${bind(cursor.at)}::timestamptz, ${bind(cursor.writer)}, ${bind(cursor.seq)})`)
  }
  const sql = `select writer, seq, at, body from audit_events ${where.length ? `where ${where.join(' and ')}` : ''}
    order by at desc, writer desc, seq desc limit ${bind(query.limit + 1)}`
  const { items, nextCursor } = keysetPage(await db.query<PageRow>(sql, params), query.limit, (event) => event)
  return { events: items, ...(nextCursor ? { nextCursor } : {}) }
}

/** The predicate of the `audit_events_signalled` partial index (migration 0004). */
const SIGNALLED = `body like '%"signals":%'`

/** One subject that an agency's verifications probed, for the auditors' list. */
export interface ProbingSuspect {
  agency: string
  /** The subject's keyed hash (the trail holds no PIN). */
  subject: string
  /** Flagged events (non-matches past the threshold, and refusals after them). */
  events: number
  first: string
  last: string
  /** The officers the agency named on those requests. */
  endUsers: string[]
}

/**
 * Subjects flagged `VERIFICATION_PROBING` since `since`, per agency, most recent first: what the
 * auditors' console lists as suspected probing.
 */
export async function suspectedProbing(db: Queryable, since: Date, limit = 100): Promise<ProbingSuspect[]> {
  const rows = await db.query<{ agency: string; subject: string; events: number; first: Date; last: Date; end_users: string[] | null }>(
    `select agency, s as subject, count(*)::int as events, min(at) as first, max(at) as last,
            array_remove(array_agg(distinct end_user), null) as end_users
       from audit_events, unnest(subjects) s
      where ${SIGNALLED} and (body::jsonb -> 'signals') @> jsonb_build_array('VERIFICATION_PROBING'::text)
        and at >= $1 and agency is not null
      group by agency, s order by max(at) desc limit $2`,
    [since.toISOString(), limit],
  )
  return rows.map((row) => ({
    agency: row.agency,
    subject: row.subject,
    events: row.events,
    first: new Date(row.first).toISOString(),
    last: new Date(row.last).toISOString(),
    endUsers: (row.end_users ?? []).sort(),
  }))
}

export interface HistoryEntry {
  at: string
  agency?: string
  purpose?: string
  decision: string
  fields: string[]
  requestId: string
}

/**
 * A citizen's own access history: reads of their data (granted or partial) by a data request,
 * newest first, leaving out covert access still withheld at `now`. Nothing says that anything
 * was left out: that would tip off an investigation.
 */
export async function accessHistory(
  db: Queryable,
  subjectHash: string,
  now: Date,
  options: { limit: number; cursor?: string },
): Promise<{ entries: HistoryEntry[]; nextCursor?: string }> {
  const params: unknown[] = [subjectHash, now.toISOString()]
  let cursorClause = ''
  if (options.cursor) {
    const cursor = decodeCursor(options.cursor)
    params.push(cursor.at, cursor.writer, cursor.seq)
    cursorClause = 'and (at, writer, seq) < ($3::timestamptz, $4, $5)'
  }
  params.push(options.limit + 1)
  const rows = await db.query<PageRow>(
    `select writer, seq, at, body from audit_events
     where subjects @> array[$1]::text[] and kind = 'access.graphql' and decision in ('granted', 'partial')
       and (withheld_until is null or withheld_until <= $2::timestamptz) ${cursorClause}
     order by at desc, writer desc, seq desc limit $${params.length}`,
    params,
  )
  const { items, nextCursor } = keysetPage(
    rows,
    options.limit,
    (event): HistoryEntry => ({
      at: event.at,
      ...(event.agency ? { agency: event.agency } : {}),
      ...(event.purpose ? { purpose: event.purpose } : {}),
      decision: event.decision,
      fields: (event.coordinates?.returned ?? []).filter((c) => !c.startsWith('Query.')),
      requestId: event.requestId,
    }),
  )
  return { entries: items, ...(nextCursor ? { nextCursor } : {}) }
}
