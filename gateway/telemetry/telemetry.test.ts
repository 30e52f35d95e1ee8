import { describe, expect, it } from 'vitest'
import { createTelemetry, disabledTelemetry } from './telemetry.js'
import { formatTraceparent, parseTraceparent, traceIdOf } from './traceparent.js'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'

describe('traceparent', () => {
  it.each([
    [`00-${TRACE}-${SPAN}-01`, { traceId: TRACE, spanId: SPAN, traceFlags: 1 }],
    [` 00-${TRACE}-${SPAN}-00 `, { traceId: TRACE, spanId: SPAN, traceFlags: 0 }],
    // Flag bits other than "sampled" are not ours to pass on.
    [`00-${TRACE}-${SPAN}-03`, { traceId: TRACE, spanId: SPAN, traceFlags: 1 }],
  ])('%j is read', (header, context) => expect(parseTraceparent(header)).toEqual({ ...context, isRemote: true }))

  it.each([
    `00-${'0'.repeat(32)}-${SPAN}-01`,
    `00-${TRACE}-${'0'.repeat(16)}-01`,
    `01-${TRACE}-${SPAN}-01`,
    `00-${TRACE.toUpperCase()}-${SPAN}-01`,
    `00-${TRACE}-${SPAN}-01-extra`,
    `00-${TRACE}-${SPAN}`,
    'garbage',
    '',
    undefined,
    null,
  ])('%j is no trace', (header) => {
    expect(parseTraceparent(header)).toBeUndefined()
    expect(traceIdOf(header)).toBeUndefined()
  })

  it('writes what it reads, with the sampled flag only', () => {
    for (const header of [`00-${TRACE}-${SPAN}-01`, `00-${TRACE}-${SPAN}-00`]) expect(formatTraceparent(parseTraceparent(header)!)).toBe(header)
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, traceFlags: 3 })).toBe(`00-${TRACE}-${SPAN}-01`)
    expect(formatTraceparent({ traceId: '0'.repeat(32), spanId: SPAN, traceFlags: 1 })).toBeUndefined()
  })
})

describe('telemetry', () => {
  it('off: the caller’s trace passes through, and a request without one shares one scope', () => {
    const header = `00-${TRACE}-${SPAN}-01`
    const scope = disabledTelemetry.start('request', ` ${header}`)
    expect(scope).toMatchObject({ recording: false, traceId: TRACE, traceparent: header })
    // Its steps are the caller's context itself: nothing to end, the same id sent on.
    expect(scope.child('step')).toBe(scope.span)
    expect(formatTraceparent(scope.child('step').spanContext())).toBe(header)
    const none = disabledTelemetry.start('request', undefined)
    expect(none).toMatchObject({ recording: false, traceId: undefined, traceparent: undefined })
    expect(disabledTelemetry.start('request', 'garbage')).toBe(none)
    expect(createTelemetry()).toBe(disabledTelemetry)
  })

  it('on: a span continuing the caller’s trace, its steps children of it, ended spans exported', async () => {
    const exporter = new InMemorySpanExporter()
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
    const telemetry = createTelemetry(provider)
    const scope = telemetry.start('request', `00-${TRACE}-${SPAN}-01`)
    const step = scope.child('step')
    step.end()
    scope.span.end()
    await provider.forceFlush()
    const [child, request] = exporter.getFinishedSpans()
    expect(request!.spanContext().traceId).toBe(TRACE)
    expect(request!.parentSpanContext?.spanId).toBe(SPAN)
    expect(child!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId)
    expect(scope).toMatchObject({ recording: true, traceId: TRACE, traceparent: `00-${TRACE}-${request!.spanContext().spanId}-01` })
    // Without a caller's trace: a new one.
    const fresh = telemetry.start('request', undefined)
    expect(fresh.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(fresh.traceId).not.toBe(TRACE)
    await provider.shutdown()
  })
})
