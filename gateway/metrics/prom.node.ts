/**
 * The Node implementation of the metrics port (gateway/metrics/metrics.ts) with prom-client, and the
 * `/metrics` listener. The listener is apart from the API port (METRICS_PORT, on 127.0.0.1 unless
 * METRICS_HOST says otherwise) and, with METRICS_TOKEN, answers only that bearer token: metrics
 * name agencies and how much they read, which is not for the world.
 */
import { timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { AuditWriterStatus } from '../audit/index.js'
import type { Metrics } from './metrics.js'

/** Seconds: a request over sandbox registries takes 2–50 ms, a slow registry up to its deadline. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2]

export interface PromMetricsOptions {
  registry?: Registry
  /** The audit writer's queue and health, read at scrape time. */
  auditStatus?: () => AuditWriterStatus
  /** The rate limiter's failover state, read at scrape time. */
  rateLimiter?: () => { kind: string; degraded: boolean }
  /** Each registry's circuit breaker state, read at scrape time. */
  registryCircuits?: () => Array<{ name: string; state: string }>
  /** Node's process metrics (CPU, heap, event-loop lag). @default true */
  processMetrics?: boolean
}

export interface PromMetrics extends Metrics {
  registry: Registry
}

export function createPromMetrics(options: PromMetricsOptions = {}): PromMetrics {
  const registry = options.registry ?? new Registry()
  // Under their standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes …), so
  // the stock Node.js dashboards and alerts work as they are.
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry })
  const requests = new Counter({
    name: 'lgsp_requests_total',
    help: 'Requests answered, by route kind, agency, audit decision, error code and status',
    labelNames: ['kind', 'agency', 'decision', 'code', 'status'] as const,
    registers: [registry],
  })
  const requestSeconds = new Histogram({
    name: 'lgsp_request_duration_seconds',
    help: 'Request latency including the audit commit, by route kind, agency, decision and code',
    labelNames: ['kind', 'agency', 'decision', 'code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const upstreamSeconds = new Histogram({
    name: 'lgsp_upstream_duration_seconds',
    help: 'Registry call latency, by connector and outcome',
    labelNames: ['connector', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const upstreamErrors = new Counter({
    name: 'lgsp_upstream_errors_total',
    help: 'Registry calls that failed, by connector and error code',
    labelNames: ['connector', 'code'] as const,
    registers: [registry],
  })
  const rateLimits = new Counter({
    name: 'lgsp_rate_limit_decisions_total',
    help: 'Rate-limit decisions on /graphql, by agency, result and scope (shared: Redis; local: this instance)',
    labelNames: ['agency', 'result', 'scope'] as const,
    registers: [registry],
  })
  const commitSeconds = new Histogram({
    name: 'lgsp_audit_commit_wait_seconds',
    help: "How long a request waited for its audit event's group commit",
    buckets: COMMIT_BUCKETS,
    registers: [registry],
  })
  const commitFailures = new Counter({
    name: 'lgsp_audit_commit_failures_total',
    help: 'Audit events that could not be committed (the response became 503)',
    registers: [registry],
  })
  const verifications = new Counter({
    name: 'lgsp_verifications_total',
    help: 'verifyCitizen answers and grant-limit refusals, by agency and outcome (match, no_match, no_answer, refused)',
    labelNames: ['agency', 'outcome'] as const,
    registers: [registry],
  })
  const signals = new Counter({
    name: 'lgsp_audit_signals_total',
    help: 'Requests flagged for auditors, by agency and signal (VERIFICATION_PROBING: repeated non-matching verifications of one subject in a day)',
    labelNames: ['agency', 'signal'] as const,
    registers: [registry],
  })
  const { auditStatus, rateLimiter, registryCircuits } = options
  if (auditStatus) {
    new Gauge({
      name: 'lgsp_audit_queue_depth',
      help: 'Audit events waiting for a commit',
      registers: [registry],
      collect() {
        this.set(auditStatus().queued)
      },
    })
    new Gauge({
      name: 'lgsp_audit_healthy',
      help: '1 while audit commits succeed, 0 from a failed commit until the next success',
      registers: [registry],
      collect() {
        this.set(auditStatus().healthy ? 1 : 0)
      },
    })
    new Gauge({
      name: 'lgsp_audit_last_commit_seconds',
      help: 'Duration of the last audit commit (one transaction)',
      registers: [registry],
      collect() {
        this.set((auditStatus().lastCommitMs ?? 0) / 1000)
      },
    })
  }
  if (rateLimiter || registryCircuits) {
    new Gauge({
      name: 'lgsp_circuit_open',
      help: '1 while a circuit is open (registry:<name>: calls refused at once; rate-limiter: Redis unanswered, limits per instance)',
      labelNames: ['circuit'] as const,
      registers: [registry],
      collect() {
        if (rateLimiter) {
          const state = rateLimiter()
          this.set({ circuit: `rate-limiter:${state.kind}` }, state.degraded ? 1 : 0)
        }
        for (const circuit of registryCircuits?.() ?? []) this.set({ circuit: `registry:${circuit.name}` }, circuit.state === 'closed' ? 0 : 1)
      },
    })
  }
  return {
    registry,
    request(o) {
      requests.inc({ kind: o.kind, agency: o.agency, decision: o.decision, code: o.code, status: String(o.status) })
      requestSeconds.observe({ kind: o.kind, agency: o.agency, decision: o.decision, code: o.code }, o.seconds)
    },
    upstream(call) {
      upstreamSeconds.observe({ connector: call.connector, outcome: call.error ? 'error' : 'ok' }, call.latencyMs / 1000)
      if (call.error) upstreamErrors.inc({ connector: call.connector, code: call.error })
    },
    rateLimit(agency, allowed, scope) {
      rateLimits.inc({ agency, result: allowed ? 'allowed' : 'limited', scope })
    },
    auditCommit(seconds, ok) {
      if (ok) commitSeconds.observe(seconds)
      else commitFailures.inc()
    },
    verification(agency, outcome) {
      verifications.inc({ agency, outcome })
    },
    signal(agency, signal) {
      signals.inc({ agency, signal })
    },
  }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The `/metrics` app, served on its own listener by the entry. */
export function metricsApp(registry: Registry, token?: string): Hono {
  const app = new Hono()
  app.get('/metrics', async (c) => {
    if (token && !sameToken(c.req.header('authorization') ?? '', `Bearer ${token}`)) {
      return c.text('unauthorized\n', 401, { 'www-authenticate': 'Bearer realm="metrics"' })
    }
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType })
  })
  return app
}
