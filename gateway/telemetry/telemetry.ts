import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type SpanKind,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api'
import { formatTraceparent, parseTraceparent } from './traceparent.js'

/** The instrumentation scope the gateway's spans are recorded under. */
export const TRACER_NAME = 'lgsp-gateway'

export interface SpanOptions {
  kind?: SpanKind
  attributes?: Attributes
}

/**
 * A span this process starts from a `traceparent` (a request's server span, an outbox delivery),
 * and the spans of its steps, all children of it. The parent is passed explicitly rather than
 * through an async context manager: each step knows its trace, so nothing depends on
 * AsyncLocalStorage and the core runs on any runtime.
 */
export interface TraceScope {
  /** Spans are recorded (tracing is on and the trace sampled): only then are attributes worth computing. */
  readonly recording: boolean
  readonly span: Span
  /** The trace this work belongs to: the caller's, or one started here; undefined when neither. */
  readonly traceId: string | undefined
  /** The `traceparent` naming `span`, for work this one leaves to later (an outbox message). */
  readonly traceparent: string | undefined
  /** A span of one step under `span`. Tracing off: `span` itself, whose `end` does nothing: nothing is allocated. */
  child(name: string, options?: SpanOptions): Span
}

export interface Telemetry {
  /** Spans are made and exported (an exporter is configured). */
  readonly enabled: boolean
  /**
   * Starts the span of a unit of work continuing `traceparent` (a new trace when it is absent or
   * malformed). Off: nothing is started and the caller's trace passes through unchanged, so what
   * the gateway calls still joins the caller's trace.
   */
  start(name: string, traceparent: string | undefined | null, options?: SpanOptions): TraceScope
}

/** Tracing off, the incoming trace (if any) carried through: no span, no id of the gateway's own. */
class PassThrough implements TraceScope {
  readonly recording = false
  readonly span: Span
  readonly traceId: string | undefined
  readonly traceparent: string | undefined
  constructor(context: SpanContext | undefined) {
    this.span = trace.wrapSpanContext(context ?? INVALID_SPAN_CONTEXT)
    this.traceId = context?.traceId
    this.traceparent = context ? formatTraceparent(context) : undefined
  }
  child(): Span {
    return this.span
  }
}

/** The scope of a request that came without a trace, while tracing is off: shared, never allocated per request. */
const UNTRACED: TraceScope = new PassThrough(undefined)

class Traced implements TraceScope {
  readonly recording: boolean
  readonly traceId: string
  readonly traceparent: string | undefined
  private readonly context: Context
  constructor(
    private readonly tracer: Tracer,
    readonly span: Span,
  ) {
    const context = span.spanContext()
    this.recording = span.isRecording()
    this.traceId = context.traceId
    this.traceparent = formatTraceparent(context)
    this.context = trace.setSpan(ROOT_CONTEXT, span)
  }
  child(name: string, options?: SpanOptions): Span {
    return this.tracer.startSpan(name, options, this.context)
  }
}

/** Tracing off: every request passes its caller's `traceparent` on, and nothing else happens. */
export const disabledTelemetry: Telemetry = {
  enabled: false,
  start: (_name, traceparent) => {
    const parent = parseTraceparent(traceparent)
    return parent ? new PassThrough(parent) : UNTRACED
  },
}

/**
 * The gateway's tracing over `provider` (the Node entry's SDK with its OTLP exporter); without
 * one, `disabledTelemetry`.
 * @example
 * const telemetry = createTelemetry(provider)
 * const request = telemetry.start('POST /graphql', c.req.header('traceparent'), { kind: SpanKind.SERVER })
 */
export function createTelemetry(provider?: TracerProvider): Telemetry {
  if (!provider) return disabledTelemetry
  const tracer = provider.getTracer(TRACER_NAME)
  return {
    enabled: true,
    start(name, traceparent, options) {
      const parent = parseTraceparent(traceparent)
      const context = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT
      return new Traced(tracer, tracer.startSpan(name, options, context))
    },
  }
}

/**
 * Ends `span`; with `error` (a code such as `UPSTREAM_TIMEOUT`, never a message that could hold
 * an identifier) it is marked failed.
 */
export function endSpan(span: Span, error?: string): void {
  if (error !== undefined && span.isRecording()) span.setStatus({ code: SpanStatusCode.ERROR, message: error })
  span.end()
}
