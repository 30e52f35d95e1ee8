/**
 * The metrics port: what the core reports about each request, upstream call, rate-limit
 * decision and audit commit. Runtime-neutral: the Node entry implements it with prom-client
 * (gateway/metrics/prom.node.ts) and serves `/metrics` on a listener of its own; the default does
 * nothing, so tests and other runtimes pay nothing.
 */
import type { UpstreamCall } from '../../connectors/index.js'

export interface RequestObservation {
  /** `access.graphql`, `token.issued`, `access.history`, … */
  kind: string
  /** The calling agency, `none` before authentication. */
  agency: string
  /** The audit decision: granted, partial, denied, rejected, rate_limited, unauthenticated, failed, ok. */
  decision: string
  /** The main error code, `none` when there is none. */
  code: string
  status: number
  seconds: number
}

export interface Metrics {
  request(observation: RequestObservation): void
  upstream(call: UpstreamCall): void
  /** One rate-limit decision on `/graphql`. */
  rateLimit(agency: string, allowed: boolean, scope: 'shared' | 'local'): void
  /** How long a request waited for its audit event to commit (group commit included). */
  auditCommit(seconds: number, ok: boolean): void
  /**
   * One `verifyCitizen` answer or refusal: `match`, `no_match`, `no_answer` (the registry failed),
   * or `refused` (a grant limit). Never an identifier: the agency is the only label.
   */
  verification(agency: string, outcome: 'match' | 'no_match' | 'no_answer' | 'refused'): void
  /** A signal for auditors raised on a request (`VERIFICATION_PROBING`). */
  signal(agency: string, signal: string): void
}

export const noopMetrics: Metrics = {
  request() {},
  upstream() {},
  rateLimit() {},
  auditCommit() {},
  verification() {},
  signal() {},
}
