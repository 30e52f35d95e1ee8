/**
 * Auditors: the audit explorer — the search API's filters and search (gateway/audit/search.ts),
 * event detail, and export as CSV or JSONL. Every search and export is itself an audit event,
 * with its filters (a subject filter only as its keyed hash).
 */
import { Hono, type Context } from 'hono'
import { AuditDecision, AuditKind, AuditSignal, type AuditEvent } from '../../audit/event.js'
import { csvHeader, csvRow, jsonlRow } from '../../audit/export.js'
import { AuditQueryError, parseAuditQuery, searchAudit, suspectedProbing } from '../../audit/search.js'
import { ErrorCode } from '../../errors.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { auditAction } from './session.js'
import { CsrfField, MessagePage, Page } from './views/layout.js'

const TEXT_FILTERS = ['agency', 'client', 'endUser', 'purpose', 'subject', 'caseId', 'requestId', 'from', 'to'] as const
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

export function auditExplorerRoutes(options: ConsoleOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()

  // The form posts: a PIN typed as the subject goes in the body, and comes back to the address bar
  // (and the browser's history, and any proxy's log) only as its keyed hash.
  routes.post('/admin/audit', async (c) => {
    const form = await c.req.parseBody()
    const given = Object.fromEntries(
      Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '' && entry[0] !== '_csrf'),
    )
    const { subject, ...rest } = given
    if (subject !== undefined) {
      try {
        parseAuditQuery({ subject })
      } catch (caught) {
        if (!(caught instanceof AuditQueryError)) throw caught
        // Shown on a page of its own: the refused value is never put into a URL.
        c.status(400)
        return c.html(MessagePage({ c, title: '400', message: caught.message }))
      }
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
    let error: string | undefined
    let page: Awaited<ReturnType<typeof searchAudit>> = { events: [] }
    try {
      page = await searchAudit(options.db, parseAuditQuery(given), options.hash)
    } catch (caught) {
      if (!(caught instanceof AuditQueryError)) throw caught
      error = caught.message
      c.status(400)
    }
    const suspects = await suspectedProbing(options.db, new Date(Date.now() - PROBING_WINDOW_MS))
    const select = (name: 'decision' | 'code' | 'kind' | 'signal', values: readonly string[]) => (
      <div>
        <label for={name}>{t.audit[name]}</label>
        <select id={name} name={name}>
          <option value="">{t.audit.any}</option>
          {values.map((v) => (
            <option value={v} selected={given[name] === v}>
              {v}
            </option>
          ))}
        </select>
      </div>
    )
    const next = page.nextCursor ? `/admin/audit?${new URLSearchParams({ ...given, cursor: page.nextCursor })}` : null
    const exportQuery = new URLSearchParams(Object.fromEntries(Object.entries(given).filter(([k]) => k !== 'cursor' && k !== 'limit')))
    return c.html(
      <Page c={c} title={t.audit.title}>
        {suspects.length ? (
          <p class="card bad" role="status" id="probing-banner">
            <a href="/admin/audit/probing">{`${suspects.length} ${t.probing.banner}`}</a>
          </p>
        ) : null}
        {/* biome-ignore lint/a11y/useSemanticElements: the <search> element is too new for the browsers some provincial offices run; role="search" says the same */}
        <form method="post" action="/admin/audit" class="card" role="search">
          <CsrfField c={c} />
          <div class="grid">
            {TEXT_FILTERS.map((name) => (
              <div>
                <label for={name}>{t.audit[name]}</label>
                {/* The subject is never shown back: the page knows only its keyed hash. */}
                <input
                  type="text"
                  id={name}
                  name={name}
                  value={name === 'subject' ? '' : (given[name] ?? '')}
                  {...(name === 'subject' ? { autocomplete: 'off' } : {})}
                />
              </div>
            ))}
            {given.subjectHash ? <input type="hidden" name="subjectHash" value={given.subjectHash} /> : null}
            {select('decision', AuditDecision.options)}
            {select('code', ErrorCode.options)}
            {select('kind', AuditKind.options)}
            {select('signal', AuditSignal.options)}
            <div>
              <label for="limit">{t.audit.limit}</label>
              <input type="text" id="limit" name="limit" inputmode="numeric" value={given.limit ?? '50'} />
            </div>
          </div>
          <button type="submit">{t.audit.filter}</button> <a href={`/admin/audit/export?format=csv&${exportQuery}`}>{`${t.audit.export} CSV`}</a>
          {' · '}
          <a href={`/admin/audit/export?format=jsonl&${exportQuery}`}>{`${t.audit.export} JSONL`}</a>
        </form>
        {error ? (
          <p class="problem" role="alert">
            {error}
          </p>
        ) : null}
        <div class="card scroll">
          {page.events.length === 0 ? (
            <p>{t.audit.none}</p>
          ) : (
            <table id="events">
              <thead>
                <tr>
                  {[
                    t.audit.at,
                    t.audit.kind,
                    t.audit.agency,
                    t.audit.client,
                    t.audit.purpose,
                    t.audit.decision,
                    t.audit.code,
                    t.audit.status,
                    t.audit.requestId,
                  ].map((h) => (
                    <th scope="col">{h}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.events.map((e) => (
                  <tr>
                    <td>
                      <a href={`/admin/audit/events/${e.id}`}>{e.at.replace('T', ' ').slice(0, 23)}</a>
                    </td>
                    <td>{e.kind}</td>
                    <td>{e.agency ?? e.actor ?? ''}</td>
                    <td>{e.client ?? ''}</td>
                    <td>{e.purpose ?? ''}</td>
                    <td class={e.decision === 'granted' || e.decision === 'ok' ? 'ok' : 'bad'}>
                      {e.decision}
                      {e.signals?.includes('VERIFICATION_PROBING') ? (
                        <>
                          {' '}
                          <span class="bad" data-signal="VERIFICATION_PROBING">{`⚠ ${t.probing.badge}`}</span>
                        </>
                      ) : null}
                    </td>
                    <td>{e.code ?? ''}</td>
                    <td>{e.status}</td>
                    <td>
                      <code>{e.requestId}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {next ? (
            <p>
              <a href={next}>{t.audit.next}</a>
            </p>
          ) : null}
        </div>
      </Page>,
    )
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
                    <td>{s.agency}</td>
                    <td>
                      <code>{s.subject}</code>
                    </td>
                    <td class="bad">{s.events}</td>
                    <td>{s.first.replace('T', ' ').slice(0, 19)}</td>
                    <td>{s.last.replace('T', ' ').slice(0, 19)}</td>
                    <td>{s.endUsers.join(', ')}</td>
                    <td>
                      <a href={`/admin/audit?${new URLSearchParams({ signal: 'VERIFICATION_PROBING', agency: s.agency, from: since.toISOString() })}`}>
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
    return c.html(
      <Page c={c} title={t.audit.detail}>
        <div class="card scroll">
          <table id="event">
            <tbody>
              {plain.map(([key, value]) => (
                <tr>
                  <th scope="row">{key}</th>
                  <td>{String(value)}</td>
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
    if (format !== 'csv' && format !== 'jsonl') return c.html(MessagePage({ c, title: '400', message: 'format: csv or jsonl' }), 400)
    const given = filters(c)
    const draft = c.get('audit')
    if (draft) draft.kind = 'audit.exported'
    const lines: string[] = format === 'csv' ? [csvHeader()] : []
    let count = 0
    try {
      const query = parseAuditQuery({ ...given, limit: '500' })
      // The first page reads the given cursor: a forged one is refused there, so the loop stays inside the try.
      let cursor: string | undefined
      do {
        const page = await searchAudit(options.db, { ...query, ...(cursor ? { cursor } : {}) }, options.hash)
        for (const event of page.events) lines.push(format === 'csv' ? csvRow(event) : jsonlRow(event))
        count += page.events.length
        cursor = page.nextCursor
      } while (cursor && count < EXPORT_MAX)
    } catch (error) {
      if (error instanceof AuditQueryError) return c.html(MessagePage({ c, title: '400', message: error.message }), 400)
      throw error
    }
    recordSearch(c, options, given, 'audit.export')
    auditAction(c, 'audit.export', { ...(c.get('audit')?.detail ?? {}), format, events: count })
    c.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
    c.header('content-disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.${format}"`)
    return c.body(lines.map((line) => (line.endsWith('\n') ? line : `${line}\n`)).join(''))
  })
  return routes
}
