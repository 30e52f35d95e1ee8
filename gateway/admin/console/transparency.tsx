/**
 * The public transparency page (no login): how often each agency read data through the gateway
 * and from which registry, counts only — monitoring made public, as the 2025 decree asks.
 */
import { Hono } from 'hono'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { BarChart } from './views/bar-chart.js'
import { Page } from './views/layout.js'

export function transparencyRoutes(options: Pick<ConsoleOptions, 'db'>): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()
  routes.get('/transparency', async (c) => {
    const t = c.get('t')
    const [perAgency, perRegistry] = await Promise.all([
      options.db.query<{ label: string; value: number }>(
        `select agency as label, count(*)::int as value from audit_events
          where kind = 'access.graphql' and decision in ('granted', 'partial') and agency is not null group by 1 order by 2 desc`,
      ),
      options.db.query<{ label: string; value: number }>(
        `select c->>'connector' as label, count(*)::int as value
           from audit_events, jsonb_array_elements(coalesce(body::jsonb->'connectors', '[]'::jsonb)) c
          where kind = 'access.graphql' and decision in ('granted', 'partial') group by 1 order by 2 desc`,
      ),
    ])
    const table = (rows: Array<{ label: string; value: number }>, head: string) => (
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{head}</th>
              <th scope="col">{t.transparency.count}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{r.label}</td>
                <td>{r.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )
    c.header('cache-control', 'public, max-age=60')
    return c.html(
      <Page c={c} title={t.transparency.title}>
        <p>{t.transparency.intro}</p>
        <section class="card">
          <h2>{t.transparency.perAgency}</h2>
          <BarChart title={t.transparency.perAgency} bars={perAgency} />
          {table(perAgency, t.audit.agency)}
        </section>
        <section class="card">
          <h2>{t.transparency.perRegistry}</h2>
          <BarChart title={t.transparency.perRegistry} bars={perRegistry} />
          {table(perRegistry, t.transparency.registry)}
        </section>
      </Page>,
    )
  })
  return routes
}
