/**
 * `/metrics`: the gateway reports requests by agency, decision and code, registry calls
 * by connector, rate-limit decisions and audit commits through its metrics port; the Node adapter
 * (prom-client) exposes them on a listener of its own, behind a token when one is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPromMetrics, metricsApp, type PromMetrics } from '../gateway/metrics/prom.node.js'
import { createMemoryRateLimiter } from '../gateway/ratelimit/index.js'
import { createTestGateway, type TestGateway } from './harness.js'
import { limitedTestPolicies } from './policies.js'

let gw: TestGateway
let metrics: PromMetrics
const limiter = createMemoryRateLimiter()

beforeAll(async () => {
  metrics = createPromMetrics({ processMetrics: false, rateLimiter: () => ({ kind: limiter.kind, degraded: false }) })
  gw = await createTestGateway({
    rateLimiter: limiter,
    metrics,
    policies: (identity) => limitedTestPolicies(identity),
  })
}, 60_000)
afterAll(async () => {
  await limiter.close()
  await gw?.close()
})

async function value(name: string, labels: Record<string, string>): Promise<number> {
  // A histogram's `_count` series is read from the histogram itself.
  const metric = metrics.registry.getSingleMetric(name.replace(/_count$/, ''))
  if (!metric) return 0
  const { values } = await metric.get()
  return values
    .filter((v) => ((v as { metricName?: string }).metricName ?? name) === name)
    .filter((v) => Object.entries(labels).every(([k, l]) => String((v.labels as Record<string, unknown>)[k]) === l))
    .reduce((sum, v) => sum + v.value, 0)
}

describe('/metrics', () => {
  it('counts requests by agency, decision and code, upstream calls by connector and rate-limit decisions', async () => {
    const granted = { kind: 'access.graphql', agency: 'test-agency', decision: 'granted', code: 'none', status: '200' }
    const before = {
      granted: await value('lgsp_requests_total', granted),
      unauthenticated: await value('lgsp_requests_total', { agency: 'none', decision: 'unauthenticated', code: 'UNAUTHENTICATED' }),
      business: await value('lgsp_upstream_duration_seconds_count', { connector: 'business', outcome: 'ok' }),
      allowed: await value('lgsp_rate_limit_decisions_total', { agency: 'test-agency', result: 'allowed' }),
      commits: await value('lgsp_audit_commit_wait_seconds_count', {}),
    }
    const code = gw.world.enterprises[0]!.code
    for (let i = 0; i < 3; i++) {
      const res = await gw.graphql(`{ enterprise(code: "${code}") { code } }`)
      expect(res.body.errors).toBeUndefined()
    }
    const refused = await gw.app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    })
    expect(refused.status).toBe(401)

    expect(await value('lgsp_requests_total', granted)).toBe(before.granted + 3)
    expect(await value('lgsp_request_duration_seconds_count', { agency: 'test-agency', decision: 'granted' })).toBeGreaterThanOrEqual(3)
    expect(await value('lgsp_requests_total', { agency: 'none', decision: 'unauthenticated', code: 'UNAUTHENTICATED' })).toBe(before.unauthenticated + 1)
    expect(await value('lgsp_upstream_duration_seconds_count', { connector: 'business', outcome: 'ok' })).toBeGreaterThanOrEqual(before.business + 3)
    expect(await value('lgsp_rate_limit_decisions_total', { agency: 'test-agency', result: 'allowed' })).toBe(before.allowed + 3)
    expect(await value('lgsp_audit_commit_wait_seconds_count', {})).toBe(before.commits + 4)
  })

  it('serves the Prometheus text format, and only to the scrape token when one is set', async () => {
    const open = await metricsApp(metrics.registry).request('/metrics')
    expect(open.status).toBe(200)
    expect(open.headers.get('content-type')).toContain('text/plain')
    const text = await open.text()
    expect(text).toMatch(/lgsp_requests_total\{kind="access.graphql",agency="test-agency",decision="granted",code="none",status="200"\} \d+/)
    expect(text).toContain('lgsp_circuit_open{circuit="rate-limiter:memory"} 0')

    const guarded = metricsApp(metrics.registry, 'scrape-token-0123456789')
    expect((await guarded.request('/metrics')).status).toBe(401)
    expect((await guarded.request('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
    expect((await guarded.request('/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789' } })).status).toBe(200)
  })
})
