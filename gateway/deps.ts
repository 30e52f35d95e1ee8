import type { Connectors } from '../connectors/index.js'

/** The subset of pino's interface the core uses, so tests can pass a silent logger. */
export interface Logger {
  info(object: object, message?: string): void
  warn(object: object, message?: string): void
  error(object: object, message?: string): void
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }

export interface ReadinessResult {
  ok: boolean
  latencyMs?: number
  detail?: string
}

/**
 * One dependency `/readyz` reports. A critical one (the database, the audit store) makes the
 * gateway unready; a registry is not critical: when one is down the gateway still serves the
 * others and reports itself degraded.
 */
export interface ReadinessCheck {
  name: string
  critical: boolean
  check(signal: AbortSignal): Promise<ReadinessResult>
}

/** Everything `createGateway` needs, built once at the entry (style.md rule 1). */
export interface GatewayDeps {
  connectors: Connectors
  /** `production` turns off GraphiQL and development conveniences. */
  mode: 'development' | 'test' | 'production'
  /** Largest request body in bytes. @default 262144 */
  bodyLimitBytes?: number
  /** Extra readiness checks (database, Redis …) added by later capabilities. */
  readiness?: ReadinessCheck[]
  logger?: Logger
}
