/**
 * The public transparency page (no login): how often each agency, by its name, read data through
 * the gateway and from which registry, over a period the visitor picks (the last 30 days by
 * default, counted from 00:00 Vietnam time) and which the page states — counts only, monitoring
 * made public, as the 2025 decree asks.
 */
import { Hono } from 'hono'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { fill } from './i18n/index.js'
import { BarChart, BarTable } from './views/bar-chart.js'
import { Figure } from './views/figure.js'
import { MessagePage, Page } from './views/layout.js'
import { agencyName } from './vocabulary.js'
import { DAY_MS, formatVnDate, formatVnDateTime, vnDayStart } from './vn-time.js'

/** The periods offered, in days ending today; the first page a visitor sees covers 30. */
export const TRANSPARENCY_PERIODS = ['7', '30', '90', '365'] as const
const DEFAULT_PERIOD = '30'

export function transparencyRoutes(options: Pick<ConsoleOptions, 'db' | 'policies'>): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()
  routes.get('/transparency', async (c) => {
    const t = c.get('t')
    const asked = c.req.query('days') ?? DEFAULT_PERIOD
    const period = TRANSPARENCY_PERIODS.find((days) => days === asked)
    if (!period) return c.html(MessagePage({ c, title: '400', message: t.transparency.badPeriod }), 400)
    const now = Date.now()
    // "The last 30 days" are today and the 29 before it, whole days from 00:00 Vietnam time.
    const from = vnDayStart(now) - (Number(period) - 1) * DAY_MS
    const range = [new Date(from).toISOString(), new Date(now).toISOString()]
    const [byAgency, perRegistry] = await Promise.all([
      options.db.query<{ agency: string; value: number }>(
        `select agency, count(*)::int as value from audit_events
          where kind = 'access.graphql' and decision in ('granted', 'partial') and agency is not null and at >= $1 and at < $2
          group by 1 order by 2 desc, 1`,
        range,
      ),
      options.db.query<{ label: string; value: number }>(
        `select c->>'connector' as label, count(*)::int as value
           from audit_events, jsonb_array_elements(coalesce(body::jsonb->'connectors', '[]'::jsonb)) c
          where kind = 'access.graphql' and decision in ('granted', 'partial') and at >= $1 and at < $2 group by 1 order by 2 desc, 1`,
        range,
      ),
    ])
    const perAgency = byAgency.map((row) => ({ label: agencyName(options.policies, row.agency), value: row.value }))
    const stated = fill(t.transparency.periodText, { from: formatVnDate(from), to: formatVnDateTime(now, { seconds: false }), zone: t.time.zone })
    const table = (rows: Array<{ label: string; value: number }>, head: string) => (
      <div class="scroll">
        <BarTable rows={rows} head={head} valueHead={t.transparency.count} />
      </div>
    )
    const figure = (id: string, title: string, rows: Array<{ label: string; value: number }>, head: string) => (
      <Figure id={id} title={title} period={stated} tableTitle={t.charts.table}>
        {rows.length ? (
          <>
            <BarChart title={title} bars={rows} valueTitle={t.transparency.count} />
            {table(rows, head)}
          </>
        ) : (
          <p>{t.transparency.none}</p>
        )}
      </Figure>
    )
    c.header('cache-control', 'public, max-age=60')
    return c.html(
      <Page c={c} title={t.transparency.title}>
        <p>{t.transparency.intro}</p>
        <form method="get" action="/transparency" class="card" id="period-form">
          <label for="days">{t.transparency.period}</label>
          <select id="days" name="days">
            {TRANSPARENCY_PERIODS.map((days) => (
              <option value={days} selected={days === period}>
                {t.transparency.days[days]}
              </option>
            ))}
          </select>
          <button type="submit">{t.transparency.show}</button>
          <p id="period" role="status">
            {stated}
          </p>
        </form>
        {figure('per-agency', t.transparency.perAgency, perAgency, t.transparency.agency)}
        {figure('per-registry', t.transparency.perRegistry, perRegistry, t.transparency.registry)}
      </Page>,
    )
  })
  return routes
}
