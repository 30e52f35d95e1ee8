// Tracing, runtime-neutral: the OpenTelemetry API only. The SDK and the OTLP exporter are chosen
// by the Node entry (gateway/entry/tracing.ts), which hands the provider to `createTelemetry`.
export { SpanKind, type Attributes, type Span, type TracerProvider } from '@opentelemetry/api'
export { createTelemetry, disabledTelemetry, endSpan, TRACER_NAME, type SpanOptions, type Telemetry, type TraceScope } from './telemetry.js'
export { formatTraceparent, parseTraceparent, traceIdOf } from './traceparent.js'
export { upstreamTracing } from './upstream.js'
