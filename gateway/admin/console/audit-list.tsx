/**
 * The audit explorer's page: the filter form (posted, so a PIN never reaches an address), the
 * scope note saying whose events are listed, quick ranges that start at 00:00 Vietnam time, each
 * problem with a filter next to its field, and the events with their times in Vietnam time and
 * their decisions and codes in the console's vocabulary.
 */
import type { Context } from 'hono'
import type { AuditEvent } from '../../audit/event.js'
import { AuditKind, AuditSignal } from '../../audit/event.js'
import type { PolicyRuntime } from '../../policy/index.js'
import type { FilterProblem } from './audit-filters.js'
import type { ConsoleEnv } from './env.js'
import type { Dictionary } from './i18n/index.js'
import { CsrfField, Page } from './views/layout.js'
import { agencyLabel, CODES, codeLabel, DECISIONS, decisionLabel, decisionTone, DEFAULT_SCOPE, SCOPES, type Scope } from './vocabulary.js'
import { DAY_MS, formatVnDate, formatVnDateTime, vnDayStart } from './vn-time.js'

const TEXT_FILTERS = ['agency', 'client', 'endUser', 'purpose', 'subject', 'caseId', 'requestId', 'from', 'to'] as const
const TIME_FILTERS: readonly string[] = ['from', 'to']

export interface ExplorerView {
  /** The filters as given, shown back as typed; never a subject (only its keyed hash). */
  given: Record<string, string>
  scope: Scope
  problems: FilterProblem[]
  events?: AuditEvent[]
  nextCursor?: string
  /** Subjects flagged for probing in the last 7 days (the banner). */
  suspects: number
}

type SelectName = 'scope' | 'decision' | 'code' | 'kind' | 'signal'

export function ExplorerPage({ c, policies, view }: { c: Context<ConsoleEnv>; policies: PolicyRuntime; view: ExplorerView }) {
  const t = c.get('t')
  const { given, problems } = view
  const problemOf = (field: string) => problems.find((p) => p.field === field)
  const invalid = (field: string, hint?: string) => {
    const described = [problemOf(field) ? `problem-${field}` : '', hint ?? ''].filter(Boolean).join(' ')
    return { ...(problemOf(field) ? { 'aria-invalid': 'true' } : {}), ...(described ? { 'aria-describedby': described } : {}) }
  }
  const options: Record<SelectName, Array<[string, string]>> = {
    scope: SCOPES.map((s) => [s, t.audit.scopes[s]]),
    decision: DECISIONS.map((d) => [d, decisionLabel(t, d)]),
    code: CODES.map((code) => [code, codeLabel(t, code)]),
    kind: AuditKind.options.map((k) => [k, k]),
    signal: AuditSignal.options.map((s) => [s, s]),
  }
  const select = (name: SelectName) => (
    <div>
      <label for={name}>{t.audit[name]}</label>
      <select id={name} name={name} {...invalid(name)}>
        {name === 'scope' ? null : <option value="">{t.audit.any}</option>}
        {options[name].map(([value, text]) => (
          <option value={value} selected={(name === 'scope' ? (given.scope ?? DEFAULT_SCOPE) : given[name]) === value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  )
  const link = (changes: Record<string, string | undefined>) => {
    const query = { ...given, ...changes }
    delete query.cursor
    return `/admin/audit?${new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined))}`
  }
  const todayStart = vnDayStart(Date.now())
  const exportQuery = new URLSearchParams(Object.entries(given).filter(([k]) => k !== 'cursor' && k !== 'limit'))
  const next = view.nextCursor ? `/admin/audit?${new URLSearchParams({ ...given, cursor: view.nextCursor })}` : null
  return (
    <Page c={c} title={t.audit.title}>
      {view.suspects ? (
        <p class="card bad" role="status" id="probing-banner">
          <a href="/admin/audit/probing">{`${view.suspects} ${t.probing.banner}`}</a>
        </p>
      ) : null}
      {problems.length ? (
        <section class="card" aria-labelledby="problems-heading" id="filter-problems">
          <h2 id="problems-heading" class="bad">
            {t.validation.heading}
          </h2>
          {problems.map((p) => (
            <p class="problem" id={`problem-${p.field}`} data-field={p.field} role="alert">
              {p.message}
            </p>
          ))}
        </section>
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
                {...(TIME_FILTERS.includes(name) ? { placeholder: formatVnDate(todayStart) } : {})}
                {...invalid(name, TIME_FILTERS.includes(name) ? 'time-hint' : undefined)}
              />
            </div>
          ))}
          {given.subjectHash ? <input type="hidden" name="subjectHash" value={given.subjectHash} /> : null}
          {select('scope')}
          {select('decision')}
          {select('code')}
          {select('kind')}
          {select('signal')}
          <div>
            <label for="limit">{t.audit.limit}</label>
            <input type="text" id="limit" name="limit" inputmode="numeric" value={given.limit ?? '50'} {...invalid('limit')} />
          </div>
        </div>
        <p class="hint" id="time-hint">
          {t.audit.timeHint}
        </p>
        <button type="submit">{t.audit.filter}</button> <a href={`/admin/audit/export?format=csv&${exportQuery}`}>{`${t.audit.export} CSV`}</a>
        {' · '}
        <a href={`/admin/audit/export?format=jsonl&${exportQuery}`}>{`${t.audit.export} JSONL`}</a>
      </form>
      <nav class="card" aria-label={t.audit.quick} id="quick-ranges">
        {`${t.audit.quick}: `}
        <a href={link({ from: formatVnDate(todayStart), to: undefined })} id="range-today">
          {t.audit.today}
        </a>
        {' · '}
        <a href={link({ from: formatVnDate(todayStart - 6 * DAY_MS), to: undefined })}>{t.audit.last7}</a>
        {' · '}
        <a href={link({ from: formatVnDate(todayStart - 29 * DAY_MS), to: undefined })}>{t.audit.last30}</a>
      </nav>
      {given.kind ? (
        given.scope && given.scope !== 'all' ? (
          <p class="card" role="status" id="scope-note">
            {t.audit.kindChosen}
          </p>
        ) : null
      ) : view.scope === 'requests' ? (
        <p class="card" role="status" id="scope-note">
          {`${t.audit.scopeHidden} `}
          <a href={link({ scope: 'all' })} id="show-staff">
            {t.audit.showStaff}
          </a>
        </p>
      ) : null}
      {view.events ? <EventTable t={t} policies={policies} events={view.events} next={next} /> : null}
    </Page>
  )
}

function EventTable({ t, policies, events, next }: { t: Dictionary; policies: PolicyRuntime; events: AuditEvent[]; next: string | null }) {
  return (
    <div class="card scroll">
      {events.length === 0 ? (
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
            {events.map((e) => (
              <tr>
                <td>
                  <a href={`/admin/audit/events/${e.id}`}>
                    <time datetime={e.at}>{formatVnDateTime(e.at)}</time>
                  </a>
                </td>
                <td>{e.kind}</td>
                <td>{e.agency ? agencyLabel(policies, e.agency) : (e.actor ?? '')}</td>
                <td>{e.client ?? ''}</td>
                <td>{e.purpose ?? ''}</td>
                <td class={decisionTone(e.decision)} data-decision={e.decision}>
                  {decisionLabel(t, e.decision)}
                  {e.signals?.includes('VERIFICATION_PROBING') ? (
                    <>
                      {' '}
                      <span class="bad" data-signal="VERIFICATION_PROBING">{`⚠ ${t.probing.badge}`}</span>
                    </>
                  ) : null}
                </td>
                <td data-code={e.code ?? ''}>{e.code ? codeLabel(t, e.code) : ''}</td>
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
  )
}
