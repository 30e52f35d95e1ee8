/**
 * Auditors: the audit explorer — the search API's filters and search (gateway/audit/search.ts),
 * by default over requests from outside only (staff's own reads and actions one choice away),
 * event detail, and export as CSV or JSONL. Every search and export is itself an audit event,
 * with its filters (a subject filter only as its keyed hash).
 */
import { Hono, type Context } from 'hono'
import type { AuditEvent } from '../../audit/event.js'
import { csvHeader, csvRow, jsonlRow } from '../../audit/export.js'
import { AuditQueryError, searchAudit, suspectedProbing } from '../../audit/search.js'
import { checkFilters, type CheckedFilters } from './audit-filters.js'
import { ExplorerPage } from './audit-list.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { auditAction } from './session.js'
import { MessagePage, Page } from './views/layout.js'
import { agencyLabel, codeLabel, decisionLabel, scopeKinds } from './vocabulary.js'
import { formatVnDateTime, isoVn } from './vn-time.js'

const EXPORT_MAX = 100_000
/** How far back the suspected-probing list looks. */
export const PROBING_WINDOW_MS = 7 * 86_400_000

/** The filters actually given (an empty form field is no filter). */
function filters(c: Context<ConsoleEnv>): Record<string, string> {
  return Object.fromEntries(Object.entries(c.req.query()).filter(([key, value]) => value !== '' && key !== 'lang' && key !== 'format'))
}

function recordSearch(c: Context<ConsoleEnv>, options: ConsoleOptions, given: Record<string, string>, action: string) {
  const { subject, cursor: _cursor, ...rest } = given
  auditAction(c, action, { ...rest, ...(subject ? { subject: options.hash(subject) } : {}) })
}

/**
 * The search options a checked set of filters asks for: a chosen kind is narrower than any scope.
 * The default view of requests from outside keeps staff events that were refused in it: a failed
 * console login or an operator refused an auditor's page is what an auditor looks for first.
 */
const searchOptions = (checked: CheckedFilters) => {
  const kinds = checked.query?.kind ? undefined : scopeKinds(checked.scope)
  return kinds ? { kinds, ...(checked.scope === 'requests' ? { refusedOfAnyKind: true } : {}) } : {}
}

export function auditExplorerRoutes(options: ConsoleOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()
  const suspectCount = async () => (await suspectedProbing(options.db, new Date(Date.now() - PROBING_WINDOW_MS))).length

  // The form posts: a PIN typed as the subject goes in the body, and comes back to the address bar
  // (and the browser's history, and any proxy's log) only as its keyed hash.
  routes.post('/admin/audit', async (c) => {
    const t = c.get('t')
    const form = await c.req.parseBody()
    const given = Object.fromEntries(
      Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '' && entry[0] !== '_csrf'),
    )
    const { subject, ...rest } = given
    const checked = checkFilters(t, given)
    if (checked.problems.length) {
      // Answered here, not by a redirect: the refused values, a PIN among them, never go into a URL.
      auditAction(c, 'audit.search_refused', { fields: checked.problems.map((p) => p.field).join(',') })
      c.status(400)
      return c.html(
        <ExplorerPage
          c={c}
          policies={options.policies}
          view={{ given: rest, scope: checked.scope, problems: checked.problems, suspects: await suspectCount() }}
        />,
      )
    }
    const query = new URLSearchParams({ ...rest, ...(subject !== undefined ? { subjectHash: options.hash(subject.trim()) } : {}) })
    return c.redirect(`/admin/audit?${query}`, 303)
  })

  routes.get('/admin/audit', async (c) => {
    const t = c.get('t')
    const given = filters(c)
    if (given.subject !== undefined) {
      c.status(400)
      return c.html(MessagePage({ c, title: '400', message: t.audit.subjectByForm }))
    }
    const draft = c.get('audit')
    if (draft) draft.kind = 'audit.searched'
    recordSearch(c, options, given, 'audit.search')
    const checked = checkFilters(t, given)
    const suspects = await suspectCount()
    const refused = (problems: CheckedFilters['problems']) => {
      c.status(400)
      return c.html(<ExplorerPage c={c} policies={options.policies} view={{ given, scope: checked.scope, problems, suspects }} />)
    }
    if (!checked.query) return refused(checked.problems)
    try {
      const page = await searchAudit(options.db, checked.query, options.hash, searchOptions(checked))
      return c.html(
        <ExplorerPage
          c={c}
          policies={options.policies}
          view={{ given, scope: checked.scope, problems: [], events: page.events, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}), suspects }}
        />,
      )
    } catch (error) {
      // A cursor is read only by the search itself: one it did not write is refused there.
      if (error instanceof AuditQueryError) return refused([{ field: 'cursor', message: `cursor: ${t.validation.cursor}` }])
      throw error
    }
  })

  routes.get('/admin/audit/probing', async (c) => {
    const t = c.get('t')
    const since = new Date(Date.now() - PROBING_WINDOW_MS)
    const suspects = await suspectedProbing(options.db, since)
    auditAction(c, 'audit.probing_viewed', { since: since.toISOString(), suspects: suspects.length })
    return c.html(
      <Page c={c} title={t.probing.title}>
        <p>{t.probing.intro}</p>
        <div class="card scroll">
          {suspects.length === 0 ? (
            <p>{t.probing.none}</p>
          ) : (
            <table id="probing">
              <thead>
                <tr>
                  {[t.probing.agency, t.probing.subject, t.probing.events, t.probing.first, t.probing.last, t.probing.endUsers, ''].map((h) => (
                    <th scope="col">{h}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {suspects.map((s) => (
                  <tr data-agency={s.agency}>
                    <td>{agencyLabel(options.policies, s.agency)}</td>
                    <td>
                      <code>{s.subject}</code>
                    </td>
                    <td class="bad">{s.events}</td>
                    <td>
                      <time datetime={s.first}>{formatVnDateTime(s.first)}</time>
                    </td>
                    <td>
                      <time datetime={s.last}>{formatVnDateTime(s.last)}</time>
                    </td>
                    <td>{s.endUsers.join(', ')}</td>
                    <td>
                      <a href={`/admin/audit?${new URLSearchParams({ signal: 'VERIFICATION_PROBING', agency: s.agency, from: formatVnDateTime(since) })}`}>
                        {t.probing.view}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </Page>,
    )
  })

  routes.get('/admin/audit/events/:id', async (c) => {
    const t = c.get('t')
    const id = c.req.param('id')
    const rows = /^[0-9a-f-]{36}$/.test(id)
      ? await options.db.query<{ body: string; writer: string; seq: number; hash: string }>('select body, writer, seq, hash from audit_events where id = $1', [
          id,
        ])
      : []
    auditAction(c, 'audit.event_viewed', { id })
    const row = rows[0]
    if (!row) return c.html(MessagePage({ c, title: '404', message: t.audit.notFound }), 404)
    const event = JSON.parse(row.body) as AuditEvent
    const plain = Object.entries(event).filter(([, value]) => typeof value !== 'object')
    // The stored values as they are, and beside the time, decision and code what the rest of the console calls them.
    const words: Record<string, string> = {
      at: `${formatVnDateTime(event.at)} (${t.time.zone})`,
      decision: decisionLabel(t, event.decision),
      ...(event.code ? { code: codeLabel(t, event.code) } : {}),
      ...(event.agency ? { agency: agencyLabel(options.policies, event.agency) } : {}),
    }
    return c.html(
      <Page c={c} title={t.audit.detail}>
        <div class="card scroll">
          <table id="event">
            <tbody>
              {plain.map(([key, value]) => (
                <tr>
                  <th scope="row">{key}</th>
                  <td>
                    {String(value)}
                    {words[key] && words[key] !== String(value) ? <span class="aside">{` — ${words[key]}`}</span> : null}
                  </td>
                </tr>
              ))}
              <tr>
                <th scope="row">chain</th>
                <td>
                  <code>{`${row.writer} #${row.seq} ${row.hash}`}</code>
                </td>
              </tr>
            </tbody>
          </table>
          <pre>{JSON.stringify(event, null, 2)}</pre>
        </div>
      </Page>,
    )
  })

  routes.get('/admin/audit/export', async (c) => {
    // An unknown format is the caller's mistake to hear about, not a CSV file they did not ask for.
    const format = c.req.query('format') ?? 'csv'
    const t = c.get('t')
    if (format !== 'csv' && format !== 'jsonl') return c.html(MessagePage({ c, title: '400', message: t.validation.exportFormat }), 400)
    const given = filters(c)
    // As in the explorer: a PIN in an address would stay in the history and the proxies' logs.
    if (given.subject !== undefined) return c.html(MessagePage({ c, title: '400', message: t.audit.subjectByForm }), 400)
    const draft = c.get('audit')
    if (draft) draft.kind = 'audit.exported'
    // The export pages by itself: a limit given for the list is not its own.
    const checked = checkFilters(t, { ...given, limit: '500' })
    if (!checked.query) return c.html(MessagePage({ c, title: '400', message: checked.problems.map((p) => p.message).join(' · ') }), 400)
    const query = checked.query
    const lines: string[] = format === 'csv' ? [csvHeader()] : []
    let count = 0
    try {
      // The first page reads the given cursor: a forged one is refused there, so the loop stays inside the try.
      let cursor: string | undefined
      do {
        const page = await searchAudit(options.db, { ...query, ...(cursor ? { cursor } : {}) }, options.hash, searchOptions(checked))
        for (const event of page.events) lines.push(format === 'csv' ? csvRow(event) : jsonlRow(event))
        count += page.events.length
        cursor = page.nextCursor
      } while (cursor && count < EXPORT_MAX)
    } catch (error) {
      if (error instanceof AuditQueryError) return c.html(MessagePage({ c, title: '400', message: `cursor: ${t.validation.cursor}` }), 400)
      throw error
    }
    recordSearch(c, options, given, 'audit.export')
    auditAction(c, 'audit.export', { ...(c.get('audit')?.detail ?? {}), format, events: count })
    c.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
    c.header('content-disposition', `attachment; filename="audit-${isoVn(Date.now()).slice(0, 10)}.${format}"`)
    return c.body(lines.map((line) => (line.endsWith('\n') ? line : `${line}\n`)).join(''))
  })
  return routes
}
