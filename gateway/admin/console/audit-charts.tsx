/**
 * Auditors: charts of the trail (requests per agency over the last 24 h, denials by code, agencies
 * reading far more distinct subjects today than on a usual day) and chain verification.
 */
import { Hono } from 'hono'
import { verifyAuditTrail } from '../../audit/verify.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { auditAction } from './session.js'
import { BarChart, Sparklines } from './views/bar-chart.js'
import { Page } from './views/layout.js'

/** "Far above usual": more than three times the 14-day median, and at least this many subjects. */
const UNUSUAL_FACTOR = 3
const UNUSUAL_MIN = 20

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0
}

export function auditChartRoutes(options: ConsoleOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()

  routes.get('/admin/audit/charts', async (c) => {
    const t = c.get('t')
    const [hourly, denials, daily] = await Promise.all([
      options.db.query<{ agency: string; h: number; n: number }>(
        `select agency, floor(extract(epoch from now() - at) / 3600)::int as h, count(*)::int as n from audit_events
          where kind = 'access.graphql' and agency is not null and at > now() - interval '24 hours' group by 1, 2`,
      ),
      options.db.query<{ code: string; n: number }>(
        `select coalesce(code, decision) as code, count(*)::int as n from audit_events
          where decision in ('denied', 'unauthenticated', 'rate_limited', 'rejected') and at > now() - interval '24 hours' group by 1 order by 2 desc`,
      ),
      options.db.query<{ agency: string; d: number; n: number }>(
        `select agency, (current_date - (at at time zone 'UTC')::date)::int as d, count(distinct s)::int as n
           from audit_events, unnest(subjects) s
          where kind = 'access.graphql' and agency is not null and at > now() - interval '15 days' group by 1, 2`,
      ),
    ])
    const agencies = [...new Set(hourly.map((r) => r.agency))].sort()
    const series = agencies.map((agency) => ({
      label: agency,
      points: Array.from({ length: 24 }, (_, i) => hourly.find((r) => r.agency === agency && r.h === 23 - i)?.n ?? 0),
    }))
    const totals = agencies.map((agency) => ({ label: agency, value: hourly.filter((r) => r.agency === agency).reduce((sum, r) => sum + r.n, 0) }))
    const unusual = [...new Set(daily.map((r) => r.agency))].map((agency) => {
      const today = daily.find((r) => r.agency === agency && r.d === 0)?.n ?? 0
      const usual = median(Array.from({ length: 14 }, (_, i) => daily.find((r) => r.agency === agency && r.d === i + 1)?.n ?? 0))
      return { label: `${agency} (${usual})`, value: today, alert: today >= UNUSUAL_MIN && today > UNUSUAL_FACTOR * usual }
    })
    auditAction(c, 'audit.charts_viewed')
    return c.html(
      <Page c={c} title={t.charts.title}>
        <section class="card">
          <h2>{t.charts.perAgency}</h2>
          {totals.length ? (
            <>
              <BarChart title={t.charts.perAgency} bars={totals} />
              <Sparklines title={t.charts.perAgency} series={series} buckets={24} />
            </>
          ) : (
            <p>{t.charts.none}</p>
          )}
        </section>
        <section class="card">
          <h2>{t.charts.denials}</h2>
          {denials.length ? <BarChart title={t.charts.denials} bars={denials.map((d) => ({ label: d.code, value: d.n }))} /> : <p>{t.charts.none}</p>}
        </section>
        <section class="card">
          <h2>{t.charts.unusual}</h2>
          {unusual.length ? <BarChart title={t.charts.unusual} bars={unusual} /> : <p>{t.charts.none}</p>}
        </section>
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
