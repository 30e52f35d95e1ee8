import { diag, DiagLogLevel } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources'
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import { createTelemetry, disabledTelemetry, type Telemetry } from '../telemetry/index.js'

export interface NodeTracing {
  /** What the gateway and the delivery worker make their spans with (off without an endpoint). */
  telemetry: Telemetry
  /** Sends the spans still queued (tests; shutdown does it too). */
  flush(): Promise<void>
  /** Sends what is queued and stops exporting: the last thing before the process exits. */
  shutdown(): Promise<void>
}

/**
 * Tracing of a Node gateway: with OTEL_EXPORTER_OTLP_ENDPOINT, the OpenTelemetry SDK batching
 * spans to `<endpoint>/v1/traces` over OTLP/HTTP (JSON); without it, nothing at all (the core's
 * disabled telemetry, which only passes a caller's traceparent on). The provider is handed to the
 * gateway, not registered globally: no context manager and no auto-instrumentation run.
 * The exporter also honours the standard OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT and _COMPRESSION.
 */
export function startNodeTracing(
  config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>,
  options: { instance?: string; logger?: Logger } = {},
): NodeTracing {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT
  if (!endpoint) return { telemetry: disabledTelemetry, flush: async () => undefined, shutdown: async () => undefined }
  const { logger } = options
  if (logger) {
    // The SDK reports an unreachable collector through its diagnostics: to the log, once per failed batch.
    const log = (level: 'warn' | 'error') => (message: string) => logger[level]({ component: 'opentelemetry' }, message)
    diag.setLogger({ error: log('error'), warn: log('warn'), info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN)
  }
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` })
  const provider = new TracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ 'service.name': config.OTEL_SERVICE_NAME, ...(options.instance ? { 'service.instance.id': options.instance } : {}) }),
    ),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  })
  return {
    telemetry: createTelemetry(provider),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  }
}
