/**
 * Distributed tracing, end to end: the gateway's spans exported over OTLP/HTTP (the Node entry's
 * exporter, as OTEL_EXPORTER_OTLP_ENDPOINT sets it up) to a real receiver on 127.0.0.1, a request's
 * span tree with its parents, the registries' received `traceparent` naming the connector spans,
 * and the same trace id in the audit event and the log line. Then the gateway with no exporter:
 * it answers, and passes the caller's `traceparent` on unchanged (none when none came).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../gateway/config.js'
import { startNodeTracing, type NodeTracing } from '../gateway/entry/tracing.js'
import { createMemoryRateLimiter } from '../gateway/ratelimit/index.js'
import { createTestGateway, type TestGateway } from './harness.js'
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js'
import { limitedTestPolicies } from './policies.js'
import { recordingLogger } from './recording-logger.js'

const SERVER = 2
const CLIENT = 3
const ERROR = 2
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/

const newTraceId = () => crypto.randomUUID().replaceAll('-', '')
const newSpanId = () => crypto.randomUUID().replaceAll('-', '').slice(0, 16)

/** Every registry's received `traceparent` headers, by connector name. */
function receivedBy(gw: TestGateway): Record<string, readonly string[]> {
  const { population, land, business } = gw.sandboxes
  return { population: population.traceparents(), land: land.traceparents(), business: business.traceparents() }
}

/** A query that reaches all three registries: the enterprise, its representative's citizen record and land. */
const crossRegistry = (code: string) => `{ enterprise(code: "${code}") { code legalRepresentatives { citizen { name { full } landParcels { parcelKey } } } } }`

describe('with an OTLP endpoint', () => {
  const { logger, lines } = recordingLogger()
  const limiter = createMemoryRateLimiter()
  let receiver: OtlpReceiver
  let tracing: NodeTracing
  let gw: TestGateway

  beforeAll(async () => {
    receiver = await startOtlpReceiver()
    // The entry's own wiring, from the configuration as the gateway parses it.
    tracing = startNodeTracing(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'lgsp-test' }), { instance: 'test' })
    gw = await createTestGateway({ telemetry: tracing.telemetry, rateLimiter: limiter, logger, policies: (identity) => limitedTestPolicies(identity) })
  }, 60_000)
  afterAll(async () => {
    await tracing?.shutdown()
    await limiter.close()
    await gw?.close()
    await receiver?.close()
  })

  /** Sends the spans still batched, then those of `traceId`. */
  async function spansOf(traceId: string): Promise<ReceivedSpan[]> {
    await tracing.flush()
    return receiver.spans.filter((span) => span.traceId === traceId)
  }

  it("continues the caller's trace: one server span, its steps as children, each registry call a client span whose id the registry received", async () => {
    const traceId = newTraceId()
    const parent = newSpanId()
    gw.resetHits()
    lines.length = 0
    const res = await gw.graphql(crossRegistry(gw.world.examples.enterpriseCode), undefined, { traceparent: `00-${traceId}-${parent}-01` })
    expect(res.status).toBe(200)
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data!.enterprise.legalRepresentatives[0].citizen.name.full).toEqual(expect.any(String))

    const spans = await spansOf(traceId)
    expect(receiver.refused).toBe(0)
    // Nothing of this request went to another trace: every span sent is in the caller's.
    expect(receiver.spans.filter((span) => span.traceId !== traceId)).toEqual([])
    const servers = spans.filter((span) => span.kind === SERVER)
    expect(servers).toHaveLength(1)
    const server = servers[0]!
    expect(server).toMatchObject({
      parentSpanId: parent,
      name: 'POST /graphql',
      service: 'lgsp-test',
      attributes: expect.objectContaining({
        'http.request.method': 'POST',
        'http.route': '/graphql',
        'http.response.status_code': 200,
        'lgsp.agency': 'test-agency',
        'lgsp.request_id': res.headers.get('x-request-id'),
      }),
    })
    expect(spans.filter((span) => span.spanId === server.spanId)).toHaveLength(1)
    // Every other span is a step of the request: a child of its server span.
    const children = spans.filter((span) => span !== server)
    expect(children.map((span) => span.parentSpanId)).toEqual(children.map(() => server.spanId))
    const names = children.map((span) => span.name)
    for (const step of ['caller.auth', 'policy.decision', 'ratelimit.decision', 'audit.commit'])
      expect(
        names.filter((name) => name === step),
        step,
      ).toHaveLength(1)
    expect(children.find((span) => span.name === 'policy.decision')!.attributes).toMatchObject({ 'lgsp.decision': 'allowed' })
    expect(children.find((span) => span.name === 'ratelimit.decision')!.attributes).toMatchObject({
      'lgsp.decision': 'allowed',
      'lgsp.ratelimit.cost': expect.any(Number),
    })
    expect(children.find((span) => span.name === 'caller.auth')!.attributes).toMatchObject({ 'lgsp.outcome': 'authenticated' })

    const calls = children.filter((span) => span.kind === CLIENT)
    expect(new Set(calls.map((call) => call.attributes['lgsp.connector']))).toEqual(new Set(['business', 'population', 'land']))
    // Each registry received exactly its own calls' span ids, in this trace, sampled.
    const received = receivedBy(gw)
    for (const [connector, headers] of Object.entries(received)) {
      const own = calls.filter((call) => call.attributes['lgsp.connector'] === connector)
      expect(own.length, connector).toBeGreaterThan(0)
      expect([...headers].sort(), connector).toEqual(own.map((call) => `00-${traceId}-${call.spanId}-01`).sort())
      for (const call of own) expect(call.attributes).toMatchObject({ 'http.request.method': expect.any(String), 'http.response.status_code': 200 })
    }
    // No span names or attributes carry the identifiers asked about (or the path, which could).
    expect(JSON.stringify(spans)).not.toContain(gw.world.examples.enterpriseCode)
    expect(JSON.stringify(spans)).not.toContain(gw.world.examples.representativePin)

    // The audit event and the log line name the same trace.
    const event = gw.audit.events.at(-1)!
    expect(event.requestId).toBe(res.headers.get('x-request-id'))
    expect(event.traceId).toBe(traceId)
    expect(lines.filter((line) => line.message === 'request').map((line) => line.object.traceId)).toEqual([traceId])
  })

  it('starts a trace for a request that brings none: its log line, audit event and registries all carry that trace', async () => {
    gw.resetHits()
    lines.length = 0
    await tracing.flush()
    const before = new Set(receiver.spans)
    const res = await gw.graphql(`{ citizen(pin: "${gw.world.examples.representativePin}") { name { full } } }`)
    expect(res.status).toBe(200)
    await tracing.flush()
    const roots = receiver.spans.filter((span) => !before.has(span) && span.kind === SERVER)
    expect(roots).toHaveLength(1)
    const root = roots[0]!
    expect(root.parentSpanId).toBe('')
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(gw.audit.events.at(-1)!.traceId).toBe(root.traceId)
    expect(lines.filter((line) => line.message === 'request').map((line) => line.object.traceId)).toEqual([root.traceId])
    const call = receiver.spans.find((span) => !before.has(span) && span.kind === CLIENT)!
    expect(call.parentSpanId).toBe(root.spanId)
    expect(gw.sandboxes.population.traceparents()).toEqual([`00-${root.traceId}-${call.spanId}-01`])
  })

  it('records a refusal in its spans: the policy decision refused, no registry call, the audit commit still a child', async () => {
    const traceId = newTraceId()
    gw.resetHits()
    // No purpose: the policy refuses before any resolver runs.
    const res = await gw.graphql(`{ citizen(pin: "${gw.world.examples.representativePin}") { name { full } } }`, undefined, {
      traceparent: `00-${traceId}-${newSpanId()}-01`,
      'x-purpose': '',
    })
    expect(res.body.errors?.[0]?.extensions?.code).toMatch(/PURPOSE|FORBIDDEN/)
    const spans = await spansOf(traceId)
    const server = spans.find((span) => span.kind === SERVER)!
    expect(spans.filter((span) => span.kind === CLIENT)).toEqual([])
    expect(gw.sandboxes.population.hits()).toBe(0)
    expect(spans.find((span) => span.name === 'audit.commit')?.parentSpanId).toBe(server.spanId)
    expect(spans.find((span) => span.name === 'policy.decision')).toMatchObject({
      parentSpanId: server.spanId,
      attributes: expect.objectContaining({ 'lgsp.decision': 'refused', 'lgsp.reason': expect.stringMatching(/^[A-Z_]+$/) }),
    })
    // The caller's mistake is no failure of the gateway: the server span is not marked as an error.
    expect(server.status.code).not.toBe(ERROR)
  })

  it('a registry failure marks its client span failed with the code, never a message', async () => {
    const traceId = newTraceId()
    gw.resetHits()
    gw.sandboxes.population.setFaults({ errorRate: 1 })
    try {
      const res = await gw.graphql(`{ citizen(pin: "${gw.world.examples.representativePin}") { name { full } } }`, undefined, {
        traceparent: `00-${traceId}-${newSpanId()}-01`,
      })
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE')
    } finally {
      gw.clearFaults()
    }
    const calls = (await spansOf(traceId)).filter((span) => span.kind === CLIENT)
    expect(calls.length).toBeGreaterThan(0)
    for (const call of calls) {
      expect(call.status).toEqual({ code: ERROR, message: 'UPSTREAM_UNAVAILABLE' })
      expect(call.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': 'UPSTREAM_UNAVAILABLE' })
    }
  })

  it('an audit commit that fails is a failed span, and so is the request it withheld', async () => {
    const traceId = newTraceId()
    gw.audit.failing = true
    try {
      const res = await gw.graphql(`{ citizen(pin: "${gw.world.examples.representativePin}") { name { full } } }`, undefined, {
        traceparent: `00-${traceId}-${newSpanId()}-01`,
      })
      expect(res.status).toBe(503)
    } finally {
      gw.audit.failing = false
    }
    const spans = await spansOf(traceId)
    expect(spans.find((span) => span.name === 'audit.commit')?.status).toEqual({ code: ERROR, message: 'AUDIT_UNAVAILABLE' })
    expect(spans.find((span) => span.kind === SERVER)).toMatchObject({
      status: { code: ERROR },
      attributes: expect.objectContaining({ 'http.response.status_code': 503 }),
    })
  })

  it('a caller that asks for no sampling is not recorded, and the registry still joins its trace', async () => {
    const traceId = newTraceId()
    const parent = newSpanId()
    gw.resetHits()
    const res = await gw.graphql(`{ citizen(pin: "${gw.world.examples.representativePin}") { name { full } } }`, undefined, {
      traceparent: `00-${traceId}-${parent}-00`,
    })
    expect(res.status).toBe(200)
    expect(await spansOf(traceId)).toEqual([])
    const [header, ...more] = gw.sandboxes.population.traceparents()
    expect(more).toEqual([])
    const [, sentTrace, , flags] = TRACEPARENT.exec(header!) ?? []
    expect([sentTrace, flags]).toEqual([traceId, '00'])
    expect(gw.audit.events.at(-1)!.traceId).toBe(traceId)
  })
})

describe('with no exporter', () => {
  const { logger, lines } = recordingLogger()
  let gw: TestGateway

  beforeAll(async () => {
    // What the entry does without OTEL_EXPORTER_OTLP_ENDPOINT.
    const tracing = startNodeTracing(parseConfig({}))
    expect(tracing.telemetry.enabled).toBe(false)
    gw = await createTestGateway({ telemetry: tracing.telemetry, logger })
  }, 60_000)
  afterAll(async () => {
    await gw?.close()
  })

  it("answers, and passes the caller's traceparent on to every registry unchanged; the log and the audit event name its trace", async () => {
    const traceId = newTraceId()
    const incoming = `00-${traceId}-${newSpanId()}-01`
    gw.resetHits()
    lines.length = 0
    const res = await gw.graphql(crossRegistry(gw.world.examples.enterpriseCode), undefined, { traceparent: ` ${incoming} ` })
    expect(res.status).toBe(200)
    expect(res.body.errors).toBeUndefined()
    for (const [connector, headers] of Object.entries(receivedBy(gw))) {
      expect(headers.length, connector).toBeGreaterThan(0)
      expect(new Set(headers), connector).toEqual(new Set([incoming]))
    }
    expect(gw.audit.events.at(-1)!.traceId).toBe(traceId)
    expect(lines.filter((line) => line.message === 'request').map((line) => line.object.traceId)).toEqual([traceId])
  })

  it('sends no traceparent when none came (or a malformed one), and names no trace', async () => {
    const cases: Array<Record<string, string>> = [{}, { traceparent: `00-${'0'.repeat(32)}-${newSpanId()}-01` }, { traceparent: 'garbage' }]
    for (const headers of cases) {
      gw.resetHits()
      lines.length = 0
      const res = await gw.graphql(crossRegistry(gw.world.examples.enterpriseCode), undefined, headers)
      expect(res.status).toBe(200)
      expect(gw.sandboxes.business.hits()).toBeGreaterThan(0)
      expect(receivedBy(gw)).toEqual({ population: [], land: [], business: [] })
      expect(gw.audit.events.at(-1)!.traceId).toBeUndefined()
      expect(lines.filter((line) => line.message === 'request').map((line) => line.object.traceId)).toEqual([undefined])
    }
  })
})
