import { isSpanContextValid, TraceFlags, type SpanContext } from '@opentelemetry/api'

// Version 00 only, lower-case hex, as the gateway has always read it: anything else starts a new trace.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/
const ALL_ZEROS = /^0+$/

/**
 * The span context a W3C `traceparent` header names (version 00), or undefined when there is none
 * or it is malformed (an all-zero trace or span id included). Marked remote: it came from the caller.
 */
export function parseTraceparent(header: string | undefined | null): SpanContext | undefined {
  if (header === undefined || header === null) return undefined
  const match = TRACEPARENT.exec(header.trim())
  if (!match || ALL_ZEROS.test(match[1]!) || ALL_ZEROS.test(match[2]!)) return undefined
  return { traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16) & TraceFlags.SAMPLED, isRemote: true }
}

/** The trace id of a W3C `traceparent` (version 00), or undefined when there is none or it is malformed. */
export function traceIdOf(header: string | undefined | null): string | undefined {
  return parseTraceparent(header)?.traceId
}

/** The `traceparent` header naming `context` as the parent of what the receiver does; undefined for an invalid context. */
export function formatTraceparent(context: SpanContext): string | undefined {
  if (!isSpanContextValid(context)) return undefined
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00'}`
}
