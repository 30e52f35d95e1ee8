import type { z } from 'zod'
import { callDeadline, type CallDeadline } from './call-deadline.js'
import { ConnectorError, type ConnectorName } from './connector-error.js'
import { parseUpstream } from './parse-upstream.js'
import { createResilience, type CircuitStateName, type ResilienceOptions } from './resilience.js'
import { fetchTransport, type UpstreamTransport } from './upstream-transport.js'

/** One upstream call as the audit trail and metrics see it (no payloads, no identifiers). */
export interface UpstreamCall {
  connector: ConnectorName
  operation: string
  status: number | null
  latencyMs: number
  error?: ConnectorError['code']
}

/** One attempt to reach a registry, as the tracer of the request is told of it (no payload, no query: they may hold identifiers). */
export interface UpstreamAttempt {
  connector: ConnectorName
  operation: string
  method: string
  url: URL
}

/** An attempt as the request's tracer sees it: what to send with it, and its end. */
export interface UpstreamSpan {
  /** Sent with the attempt: the W3C `traceparent` naming the attempt's span, so the registry's own trace joins it. */
  readonly headers?: Readonly<Record<string, string>>
  end(outcome: { status: number | null; error?: ConnectorError['code'] }): void
}

/** What a connector needs to know about the GraphQL request it works for. */
export interface RequestScope {
  /** Forwarded as `x-request-id` so registry logs can be joined with the gateway's. */
  requestId: string
  /** The caller's signal: a client that goes away cancels its upstream calls. */
  signal?: AbortSignal
  /** Receives every upstream call made for this request. */
  recordCall?: (call: UpstreamCall) => void
  /**
   * Told of each attempt before it is sent (the gateway's tracing: a client span per attempt);
   * its headers go with the attempt. Absent: nothing is traced or propagated.
   */
  traceAttempt?: (attempt: UpstreamAttempt) => UpstreamSpan
}

export interface UpstreamOptions {
  connector: ConnectorName
  /** Base URL of the registry, e.g. `http://127.0.0.1:8181`. */
  baseUrl: string
  /** Deadline for the whole exchange, headers and body. @default 3000 */
  timeoutMs?: number
  /** Headers sent on every call, e.g. the registry's API key. */
  headers?: Record<string, string>
  /** Injected so tests can script a registry; ignored when `transport` is given. @default globalThis.fetch */
  fetch?: typeof fetch
  /** How requests leave (upstream-transport.ts). @default `fetchTransport(fetch)` */
  transport?: UpstreamTransport
  /** Largest body read from the registry; beyond it the answer is UPSTREAM_BAD_RESPONSE. @default 8 MiB */
  maxBodyBytes?: number
  /** Bulkhead, circuit breaker and retries (resilience.ts). @default off: the entry turns them on */
  resilience?: ResilienceOptions
}

/** What every registry connector takes for its client, and hands on to `createUpstream` as is. */
export type RegistryClientOptions = Pick<UpstreamOptions, 'timeoutMs' | 'resilience' | 'fetch' | 'transport'>

/** The client options that are set, and only those (a key set to `undefined` would override a default). */
export function clientOptionsOf(options: RegistryClientOptions): RegistryClientOptions {
  const picked: RegistryClientOptions = {}
  if (options.timeoutMs !== undefined) picked.timeoutMs = options.timeoutMs
  if (options.resilience !== undefined) picked.resilience = options.resilience
  if (options.fetch !== undefined) picked.fetch = options.fetch
  if (options.transport !== undefined) picked.transport = options.transport
  return picked
}

export interface UpstreamRequest {
  method?: 'GET' | 'POST'
  /** Names the call in audit and metrics, e.g. `citizen.byPin`; defaults to the path. */
  operation?: string
  /** Safe to send again (a read): retried when the registry is unavailable. @default true for GET */
  idempotent?: boolean
  /**
   * Values of the path template's `{name}` segments, each filled in encoded. The template alone is
   * what errors, logs and spans ever show: a PIN in the path must not reach them.
   */
  params?: Readonly<Record<string, string>>
  query?: Record<string, string | number | undefined>
  headers?: Record<string, string>
  body?: string
}

export interface UpstreamResponse {
  status: number
  contentType: string
  text: string
}

/**
 * A path as a connector writes it: a template whose variable parts are `{name}` segments, filled
 * from `params`. A run of six or more digits written into it is refused as a bug (an identifier
 * concatenated in, which every error and log line would then carry).
 */
export function fillPathTemplate(connector: ConnectorName, template: string, params: Readonly<Record<string, string>> = {}): string {
  if (/\d{6,}/.test(template)) throw new TypeError(`${connector}: an identifier was written into the path template; pass it in params`)
  return template.replace(/\{([^{}/]+)\}/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined) throw new TypeError(`${connector}: no value for {${name}} of ${template}`)
    // A URL parser reads `.`, `..` and their encodings as dot segments: the call would go elsewhere.
    if (/^(\.|%2e){1,2}$/i.test(value)) throw new RangeError(`${connector}: a path parameter cannot be . or ..`)
    return encodeURIComponent(value)
  })
}

export interface Upstream {
  readonly connector: ConnectorName
  /**
   * Sends a request to a path template (see `fillPathTemplate`). Network failures, timeouts and
   * 5xx throw `ConnectorError` naming the template; 4xx return.
   */
  send(path: string, request: UpstreamRequest, scope: RequestScope): Promise<UpstreamResponse>
  /** The circuit breaker's state, for readiness and metrics. */
  circuit(): CircuitStateName
  /**
   * GET (or POST with `body`) a JSON resource parsed by `schema`. A 404 with a JSON body (the
   * registry saying "no such record") resolves to `null`; any other 404 — an HTML page from a
   * wrong base URL — is `UPSTREAM_BAD_RESPONSE`, never a silent "not found".
   */
  json<S extends z.ZodType>(path: string, schema: S, request: UpstreamRequest, scope: RequestScope): Promise<z.output<S> | null>
}

/**
 * Creates the HTTP client of one registry: a deadline combined with the caller's abort signal,
 * `x-request-id` propagation, and every failure turned into a `ConnectorError` naming the
 * connector. The body is read under the same deadline, so a registry that sends headers and then
 * stalls still times out.
 * @example
 * const upstream = createUpstream({ connector: 'business', baseUrl, timeoutMs: 2000 })
 * const page = await upstream.json('/api/enterprises', pageSchema, { query: { name } }, scope)
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const { connector } = options
  const timeoutMs = options.timeoutMs ?? 3000
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`createUpstream(${connector}): timeoutMs must be a positive number`)
  }
  const baseUrl = new URL(options.baseUrl)
  const baseHref = baseUrl.href.endsWith('/') ? baseUrl.href : `${baseUrl.href}/`
  const basePath = new URL(baseHref).pathname
  const transport = options.transport ?? fetchTransport(options.fetch ?? globalThis.fetch)
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024
  const resilience = options.resilience ? createResilience(connector, options.resilience) : null

  /** Statuses that end the call as unavailable, without their body being read. */
  const isRefusal = (status: number) => status >= 500 || status === 429 || status === 401 || status === 403

  async function send(path: string, request: UpstreamRequest, scope: RequestScope): Promise<UpstreamResponse> {
    if (!resilience) return attempt(path, request, scope)
    const idempotent = request.idempotent ?? (request.method ?? (request.body === undefined ? 'GET' : 'POST')) === 'GET'
    try {
      return await resilience.run(idempotent, () => attempt(path, request, scope), { path, ...(scope.signal ? { signal: scope.signal } : {}) })
    } catch (error) {
      // Refused by the breaker or the bulkhead: no attempt was made, so none was recorded yet.
      if (error instanceof ConnectorError && error.context.detail?.startsWith('circuit')) {
        scope.recordCall?.({ connector, operation: request.operation ?? path, status: null, latencyMs: 0, error: error.code })
      }
      throw error
    }
  }

  async function attempt(path: string, request: UpstreamRequest, scope: RequestScope): Promise<UpstreamResponse> {
    const filled = fillPathTemplate(connector, path, request.params)
    const url = new URL(filled.replace(/^\//, ''), baseHref)
    // Never another origin, never outside the base path: the key and the request go to the registry configured.
    if (url.origin !== baseUrl.origin || !url.pathname.startsWith(basePath)) {
      throw new TypeError(`${connector}: the path ${path} leaves the registry's base URL`)
    }
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value))
    }
    const operation = request.operation ?? path
    const deadline = callDeadline(timeoutMs, scope.signal)
    const started = performance.now()
    const method = request.method ?? (request.body === undefined ? 'GET' : 'POST')
    const span = scope.traceAttempt?.({ connector, operation, method, url })
    let status: number | null = null
    try {
      const response = await transport(
        {
          url,
          method,
          headers: {
            accept: 'application/json, text/xml;q=0.9, */*;q=0.1',
            ...options.headers,
            ...request.headers,
            ...span?.headers,
            'x-request-id': scope.requestId,
          },
          body: request.body,
          signal: deadline.signal,
          maxBodyBytes,
        },
        isRefusal,
      )
      status = response.status
      if (isRefusal(status)) {
        // 401/403 means the gateway's registry credentials are wrong: for the caller the
        // registry is unavailable, and the detail stays in the logs. The body is not read.
        throw new ConnectorError(connector, 'UPSTREAM_UNAVAILABLE', { path, status })
      }
      const { text } = response
      if (text === null) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path, status, detail: `body over ${maxBodyBytes} bytes` })
      const result = { status, contentType: response.contentType, text }
      scope.recordCall?.({ connector, operation, status, latencyMs: performance.now() - started })
      span?.end({ status })
      return result
    } catch (error) {
      const failure = toConnectorError(error, deadline, path, status)
      span?.end({ status, error: failure.code })
      scope.recordCall?.({
        connector,
        operation,
        status,
        latencyMs: performance.now() - started,
        error: failure.code,
      })
      throw failure
    } finally {
      deadline.release()
    }
  }

  function toConnectorError(error: unknown, deadline: CallDeadline, path: string, status: number | null): ConnectorError {
    if (error instanceof ConnectorError) return error
    const context = { path, ...(status === null ? {} : { status }) }
    if (deadline.timedOut) return new ConnectorError(connector, 'UPSTREAM_TIMEOUT', context, { cause: error })
    const detail = error instanceof Error ? error.name : 'fetch failed'
    return new ConnectorError(connector, 'UPSTREAM_UNAVAILABLE', { ...context, detail }, { cause: error })
  }

  async function json<S extends z.ZodType>(path: string, schema: S, request: UpstreamRequest, scope: RequestScope): Promise<z.output<S> | null> {
    const response = await send(path, request, scope)
    if (response.status === 404 && /\bjson\b/i.test(response.contentType)) return null
    if (response.status >= 400) {
      throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path, status: response.status })
    }
    let payload: unknown
    try {
      payload = JSON.parse(response.text)
    } catch (error) {
      throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path, detail: 'not JSON' }, { cause: error })
    }
    return parseUpstream(connector, schema, payload, path)
  }

  return { connector, send, json, circuit: () => resilience?.circuit() ?? 'closed' }
}
