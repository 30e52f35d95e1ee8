/**
 * The registries the gateway talks to: the three with hand-written connectors, and any connected
 * by description, named by its folder (`connectors/<name>/mapping.yaml`, lower-case and dashes,
 * checked when it loads). Every name is a folder of the repository or the deployment: a bounded
 * set, safe as a metrics label.
 */
export type ConnectorName = 'population' | 'land' | 'business' | (string & {})

/** The upstream failure kinds, a subset of the gateway's closed error-code set. */
export type UpstreamErrorCode = 'UPSTREAM_TIMEOUT' | 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_BAD_RESPONSE'

const publicMessages: Record<UpstreamErrorCode, (connector: ConnectorName) => string> = {
  UPSTREAM_TIMEOUT: (c) => `The ${c} registry did not answer in time`,
  UPSTREAM_UNAVAILABLE: (c) => `The ${c} registry is unavailable`,
  UPSTREAM_BAD_RESPONSE: (c) => `The ${c} registry returned data the gateway could not read`,
}

export interface ConnectorErrorContext {
  /** Path of the upstream call, without query string (never shown to clients). */
  path?: string
  status?: number
  /** A short internal description, e.g. a zod issue summary (never shown to clients). */
  detail?: string
}

/**
 * A failure of one upstream registry. It names the connector so the gateway can null only the
 * affected fields and tell the caller which registry failed. `publicMessage` is safe to show;
 * `message` and `context` may carry internals and are only for logs.
 * @example throw new ConnectorError('land', 'UPSTREAM_TIMEOUT', { path: '/soap' })
 */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError'
  readonly publicMessage: string
  /** Whether trying again may succeed (timeouts and 5xx yes, unreadable payloads no). */
  readonly retry: boolean

  constructor(
    readonly connector: ConnectorName,
    readonly code: UpstreamErrorCode,
    readonly context: ConnectorErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(
      `${connector}: ${code}${context.path ? ` ${context.path}` : ''}${context.status ? ` HTTP ${context.status}` : ''}${context.detail ? ` (${context.detail})` : ''}`,
      options,
    )
    this.publicMessage = publicMessages[code](connector)
    this.retry = code !== 'UPSTREAM_BAD_RESPONSE'
  }
}

export const isConnectorError = (error: unknown): error is ConnectorError => error instanceof ConnectorError
