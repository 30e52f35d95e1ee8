import { Hono } from 'hono'
import type { ReadinessCheck, ReadinessResult } from '../deps.js'
import { silentLogger, type Logger } from '../logger.js'
import type { GatewayEnv } from '../env.js'

/** Deadline of one readiness probe: `/readyz` must answer fast even when a dependency hangs. */
const PROBE_TIMEOUT_MS = 1000
/** `/readyz` is public: results are reused this long, so it cannot be used to load the registries. */
const CACHE_MS = 2000

/** What a probe may tell the public: a closed word, never a dependency's own message or address. */
type PublicResult = { ok: boolean; latencyMs?: number; detail?: 'timeout' | 'unavailable' }

async function probe(check: ReadinessCheck, logger: Logger): Promise<PublicResult> {
  const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS)
  const timedOut = new Promise<ReadinessResult>((resolve) => signal.addEventListener('abort', () => resolve({ ok: false, detail: 'timeout' }), { once: true }))
  let result: ReadinessResult
  try {
    result = await Promise.race([check.check(signal), timedOut])
  } catch (error) {
    result = { ok: false, detail: error instanceof Error ? error.message : 'probe failed' }
  }
  if (result.ok) return { ok: true, ...(result.latencyMs === undefined ? {} : { latencyMs: Math.round(result.latencyMs) }) }
  logger.warn({ dependency: check.name, detail: result.detail }, 'readiness probe failed')
  return { ok: false, detail: /timeout|timed out/i.test(result.detail ?? '') ? 'timeout' : 'unavailable' }
}

/**
 * `/healthz`: the process is alive. `/readyz`: every dependency probed in parallel; 503 when a
 * critical one is down, 200 with `status: "degraded"` when only a non-critical one is (a
 * registry, Redis: the gateway still serves, and a load balancer should keep sending it traffic).
 * `state()` adds live flags to the body (`rateLimiter: { kind, degraded }`).
 */
export function healthRoutes(checks: ReadinessCheck[], logger: Logger = silentLogger, state: () => Record<string, unknown> = () => ({})): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  // The last settled round answers every caller within CACHE_MS, and while a newer round is in
  // flight. A caller never awaits a round another request started: workerd cancels such a
  // request, and a round cancelled with its own request would hang every caller behind it. A
  // round still unsettled after twice the probe deadline is taken as abandoned.
  let settled: { at: number; results: Array<readonly [ReadinessCheck, PublicResult]> } | null = null
  let roundSince: number | null = null
  const probeAll = async () => {
    const now = Date.now()
    if (settled && (now - settled.at <= CACHE_MS || (roundSince !== null && now - roundSince < 2 * PROBE_TIMEOUT_MS))) return settled.results
    const started = now
    roundSince = started
    const results = await Promise.all(checks.map(async (check) => [check, await probe(check, logger)] as const))
    if (!settled || settled.at < started) settled = { at: started, results }
    if (roundSince === started) roundSince = null
    return results
  }
  routes.get('/healthz', (c) => c.json({ status: 'ok' }))
  routes.get('/readyz', async (c) => {
    const results = await probeAll()
    const criticalDown = results.some(([check, result]) => check.critical && !result.ok)
    const anyDown = results.some(([, result]) => !result.ok)
    const status = criticalDown ? 'unavailable' : anyDown ? 'degraded' : 'ok'
    const body = {
      status,
      // Live flags (not cached with the probes): e.g. rateLimiter.degraded.
      ...state(),
      checks: Object.fromEntries(results.map(([check, result]) => [check.name, { critical: check.critical, ...result }])),
    }
    c.header('cache-control', 'no-store')
    return c.json(body, criticalDown ? 503 : 200)
  })
  return routes
}
