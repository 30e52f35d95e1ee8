import { Hono } from 'hono'
import type { ReadinessCheck, ReadinessResult } from '../deps.js'
import type { GatewayEnv } from '../env.js'

/** Deadline of one readiness probe: `/readyz` must answer fast even when a dependency hangs. */
const PROBE_TIMEOUT_MS = 1000

async function probe(check: ReadinessCheck): Promise<ReadinessResult> {
  const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS)
  const timedOut = new Promise<ReadinessResult>((resolve) =>
    signal.addEventListener('abort', () => resolve({ ok: false, detail: 'timeout' }), { once: true }),
  )
  try {
    const result = await Promise.race([check.check(signal), timedOut])
    return result.latencyMs === undefined ? result : { ...result, latencyMs: Math.round(result.latencyMs) }
  } catch {
    return { ok: false, detail: 'probe failed' }
  }
}

/**
 * `/healthz`: the process is alive. `/readyz`: every dependency probed in parallel; 503 when a
 * critical one is down, 200 with `status: "degraded"` when only a registry is (the gateway still
 * serves the others, and a load balancer should keep sending it traffic).
 */
export function healthRoutes(checks: ReadinessCheck[]): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  routes.get('/healthz', (c) => c.json({ status: 'ok' }))
  routes.get('/readyz', async (c) => {
    const results = await Promise.all(checks.map(async (check) => [check, await probe(check)] as const))
    const criticalDown = results.some(([check, result]) => check.critical && !result.ok)
    const anyDown = results.some(([, result]) => !result.ok)
    const status = criticalDown ? 'unavailable' : anyDown ? 'degraded' : 'ok'
    const body = {
      status,
      checks: Object.fromEntries(results.map(([check, result]) => [check.name, { critical: check.critical, ...result }])),
    }
    c.header('cache-control', 'no-store')
    return c.json(body, criticalDown ? 503 : 200)
  })
  return routes
}
