/**
 * Auditors: charts of the trail — data requests per hour by decision and by agency over the last
 * 24 hours, refusals by error code, agencies reading far more distinct citizens today (since
 * 00:00 Vietnam time) than on a usual day — and chain verification. Every chart has a count axis,
 * a time axis in Vietnam time where it spans time, the period it covers, a legend and its table;
 * decisions and codes are named by the console's one vocabulary.
 */
import { Hono } from 'hono'
import { verifyAuditTrail } from '../../audit/verify.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { fill } from './i18n/index.js'
import { auditAction } from './session.js'
import { BarChart, BarTable } from './views/bar-chart.js'
import { Figure } from './views/figure.js'
import { Page } from './views/layout.js'
import { type Series, TimeChart } from './views/time-chart.js'
import { agencyLabel, DECISION_COLOURS, DECISIONS, decisionLabel, REQUEST_KINDS, refusalLabel } from './vocabulary.js'
import { DAY_MS, formatVnDate, formatVnDateTime, formatVnHour, HOUR_MS, vnDay, vnDaySql, vnDayStart } from './vn-time.js'

/** "Far above usual": more than three times the 14-day median, and at least this many subjects. */
const UNUSUAL_FACTOR = 3
const UNUSUAL_MIN = 20
const HOURS = 24
const USUAL_DAYS = 14
const REFUSALS = ['denied', 'unauthenticated', 'rate_limited', 'rejected']
/** Lines of the per-agency chart, in turn. */
const PALETTE = ['#0b57d0', '#a50e0e', '#137333', '#e37400', '#8e24aa', '#00838f', '#5f6368', '#b08600']

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0
}

export function auditChartRoutes(options: ConsoleOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()

  routes.get('/admin/audit/charts', async (c) => {
    const t = c.get('t')
    const now = Date.now()
    // Vietnam's offset is whole hours: its hours begin where UTC's do.
    const start = Math.floor(now / HOUR_MS) * HOUR_MS - (HOURS - 1) * HOUR_MS
    const firstHour = start / HOUR_MS
    const today = vnDay(now)
    const [hourly, refusals, daily] = await Promise.all([
      options.db.query<{ h: number; agency: string | null; decision: string; n: number }>(
        `select floor(extract(epoch from at) / 3600)::int as h, agency, decision, count(*)::int as n from audit_events
          where kind = 'access.graphql' and at >= $1 group by 1, 2, 3`,
        [new Date(start).toISOString()],
      ),
      options.db.query<{ code: string; n: number }>(
        `select coalesce(code, decision) as code, count(*)::int as n from audit_events
          where decision = any($2::text[]) and kind = any($3::text[]) and at >= $1 group by 1 order by 2 desc, 1`,
        [new Date(start).toISOString(), REFUSALS, [...REQUEST_KINDS]],
      ),
      options.db.query<{ agency: string; d: number; n: number }>(
        `select agency, ${vnDaySql('at')} as d, count(distinct s)::int as n
           from audit_events, unnest(subjects) s
          where kind = 'access.graphql' and agency is not null and at >= $1 group by 1, 2`,
        [new Date(vnDayStart(now) - USUAL_DAYS * DAY_MS).toISOString()],
      ),
    ])
    const slot = (h: number) => h - firstHour
    const inRange = hourly.filter((r) => slot(r.h) >= 0 && slot(r.h) < HOURS)
    const period = fill(t.charts.period, {
      from: formatVnDateTime(start, { seconds: false }),
      to: formatVnDateTime(now, { seconds: false }),
      zone: t.time.zone,
    })

    const decisions = DECISIONS.filter((d) => inRange.some((r) => r.decision === d))
    const byDecision = decisions.map((decision) => ({
      key: decision,
      label: decisionLabel(t, decision),
      colour: DECISION_COLOURS[decision],
      points: Array.from({ length: HOURS }, (_, i) => inRange.filter((r) => r.decision === decision && slot(r.h) === i).reduce((sum, r) => sum + r.n, 0)),
    }))

    const agencies = [...new Set(inRange.flatMap((r) => (r.agency ? [r.agency] : [])))].sort()
    const byAgency = agencies.map((agency, k) => ({
      key: agency,
      label: agencyLabel(options.policies, agency),
      colour: PALETTE[k % PALETTE.length]!,
      points: Array.from({ length: HOURS }, (_, i) => inRange.filter((r) => r.agency === agency && slot(r.h) === i).reduce((sum, r) => sum + r.n, 0)),
    }))
    const totals = byAgency.map((s) => ({ label: s.label, value: s.points.reduce((a, b) => a + b, 0) }))

    const unusual = [...new Set(daily.map((r) => r.agency))].sort().map((agency) => {
      const count = daily.find((r) => r.agency === agency && r.d === today)?.n ?? 0
      const usual = median(Array.from({ length: USUAL_DAYS }, (_, i) => daily.find((r) => r.agency === agency && r.d === today - 1 - i)?.n ?? 0))
      return { label: `${agencyLabel(options.policies, agency)} (${usual})`, value: count, alert: count >= UNUSUAL_MIN && count > UNUSUAL_FACTOR * usual }
    })

    const hourName = (i: number) => `${formatVnHour(start + i * HOUR_MS)}–${formatVnHour(start + (i + 1) * HOUR_MS)}`
    const hourTable = (series: Series[]) => (
      <table>
        <thead>
          <tr>
            <th scope="col">{fill(t.charts.hour, { zone: t.time.zone })}</th>
            {series.map((s) => (
              <th scope="col">{s.label}</th>
            ))}
            <th scope="col">{t.charts.total}</th>
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: HOURS }, (_, i) => (
            <tr>
              <th scope="row">{`${formatVnDate(start + i * HOUR_MS).slice(0, 5)} ${hourName(i)}`}</th>
              {series.map((s) => (
                <td>{s.points[i]}</td>
              ))}
              <td>{series.reduce((sum, s) => sum + (s.points[i] ?? 0), 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )
    const barTable = (rows: Array<{ label: string; value: number }>, head: string, valueHead: string) => (
      <BarTable rows={rows} head={head} valueHead={valueHead} />
    )
    const timeTitle = fill(t.charts.hour, { zone: t.time.zone })
    const refusalBars = refusals.map((r) => ({ label: refusalLabel(t, r.code), value: r.n }))

    /** The last 24 h by the hour: the chart (stacked or one line per series), its legend and its table. */
    const hourlyFigure = (id: string, title: string, series: Series[], mode: 'stacked' | 'lines') => (
      <Figure
        id={id}
        title={title}
        period={period}
        legendTitle={t.charts.legend}
        legend={series}
        tableTitle={t.charts.table}
        table={series.length ? hourTable(series) : undefined}
      >
        {series.length ? (
          <TimeChart
            title={title}
            start={start}
            stepMs={HOUR_MS}
            series={series}
            mode={mode}
            countTitle={t.charts.count}
            timeTitle={timeTitle}
            labelEvery={3}
          />
        ) : (
          <p>{t.charts.none}</p>
        )}
      </Figure>
    )

    auditAction(c, 'audit.charts_viewed')
    return c.html(
      <Page c={c} title={t.charts.title}>
        {hourlyFigure('chart-decisions', t.charts.hourly, byDecision, 'stacked')}
        {hourlyFigure('chart-agencies', t.charts.perAgencyHourly, byAgency, 'lines')}
        <Figure
          id="chart-totals"
          title={t.charts.perAgency}
          period={period}
          tableTitle={t.charts.table}
          table={totals.length ? barTable(totals, t.charts.agency, t.charts.count) : undefined}
        >
          {totals.length ? <BarChart title={t.charts.perAgency} bars={totals} valueTitle={t.charts.count} /> : <p>{t.charts.none}</p>}
        </Figure>
        <Figure
          id="chart-refusals"
          title={t.charts.denials}
          period={period}
          tableTitle={t.charts.table}
          table={refusalBars.length ? barTable(refusalBars, t.charts.code, t.charts.count) : undefined}
        >
          {refusalBars.length ? <BarChart title={t.charts.denials} bars={refusalBars} valueTitle={t.charts.count} /> : <p>{t.charts.none}</p>}
        </Figure>
        <Figure
          id="chart-unusual"
          title={t.charts.unusual}
          period={fill(t.charts.today, { date: formatVnDate(now), zone: t.time.zone })}
          tableTitle={t.charts.table}
          table={unusual.length ? barTable(unusual, t.charts.agency, t.charts.subjects) : undefined}
        >
          <p>{t.charts.unusualNote}</p>
          {unusual.length ? <BarChart title={t.charts.unusual} bars={unusual} valueTitle={t.charts.subjects} /> : <p>{t.charts.none}</p>}
        </Figure>
      </Page>,
    )
  })

  routes.get('/admin/audit/verify', async (c) => {
    const t = c.get('t')
    const report = await verifyAuditTrail(options.db, { jwks: options.historicJwks() })
    auditAction(c, 'audit.verified', { ok: report.ok, chains: report.chains, events: report.events, problems: report.problems.length })
    return c.html(
      <Page c={c} title={t.verify.title}>
        <section class="card" role="status">
          <p class={report.ok ? 'ok' : 'bad'} id="verify-status">
            {report.ok ? t.verify.ok : t.verify.broken}
          </p>
          <p>{`${report.chains} ${t.verify.chains} · ${report.events} ${t.verify.events} · ${report.checkpoints} ${t.verify.checkpoints}`}</p>
          <ul>
            {[...report.problems, ...report.warnings].map((p) => (
              <li>{`${p.writer}${p.seq === undefined ? '' : ` #${p.seq}`}: ${p.message}`}</li>
            ))}
          </ul>
        </section>
      </Page>,
    )
  })
  return routes
}
