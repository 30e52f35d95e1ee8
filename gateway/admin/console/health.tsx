/**
 * Operators: upstream health — a live probe of each registry (latency) and, from the audit
 * trail's connector summaries of the last 15 minutes, calls and error rate, and the state of each
 * registry's circuit breaker in this instance.
 */
import { Hono } from 'hono'
import { allConnectors, type CircuitStateName } from '../../../connectors/index.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { auditAction } from './session.js'
import { Page } from './views/layout.js'

const PROBE_MS = 2000

export function healthRoutes(options: ConsoleOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()
  routes.get('/admin/health', async (c) => {
    const t = c.get('t')
    const connectors = allConnectors(options.connectors)
    const probes = await Promise.all(
      connectors.map((connector) => connector.health(AbortSignal.timeout(PROBE_MS)).catch(() => ({ ok: false, latencyMs: PROBE_MS, detail: 'probe failed' }))),
    )
    const stats = await options.db.query<{ connector: string; calls: number; failures: number }>(
      `select c->>'connector' as connector, sum((c->>'calls')::int)::int as calls, sum((c->>'failures')::int)::int as failures
         from audit_events, jsonb_array_elements(coalesce(body::jsonb->'connectors', '[]'::jsonb)) c
        where at > now() - interval '15 minutes' group by 1`,
    )
    auditAction(c, 'health.viewed')
    return c.html(
      <Page c={c} title={t.health.title}>
        <div class="card scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.health.registry}</th>
                <th scope="col"></th>
                <th scope="col">{t.health.latency}</th>
                <th scope="col">{t.health.calls}</th>
                <th scope="col">{t.health.errorRate}</th>
                <th scope="col">{t.health.circuit}</th>
              </tr>
            </thead>
            <tbody>
              {connectors.map((connector, i) => {
                const probe = probes[i]!
                const stat = stats.find((s) => s.connector === connector.name)
                return (
                  <tr>
                    <td>{connector.name}</td>
                    <td class={probe.ok ? 'ok' : 'bad'}>{probe.ok ? t.health.ok : `${t.health.down} ${probe.detail ?? ''}`}</td>
                    <td>{Math.round(probe.latencyMs)}</td>
                    <td>{stat?.calls ?? 0}</td>
                    <td>{stat && stat.calls > 0 ? `${((100 * stat.failures) / stat.calls).toFixed(1)} %` : '—'}</td>
                    <td class={connector.circuit() === 'closed' ? 'ok' : 'bad'}>{t.health.states[connector.circuit() as CircuitStateName]}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      </Page>,
    )
  })
  return routes
}
