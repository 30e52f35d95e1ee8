/**
 * A dossier step's trace continues into the delivery of its messages: the outbox keeps the step
 * request's `traceparent`, the delivery worker pushes under a client span that is that request
 * span's child, and the receiving system (the sandbox portal, a real HTTP server) gets a
 * `traceparent` naming the delivery span. Without an exporter the step's incoming `traceparent`
 * is kept and pushed as it came.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { partnerWire } from '../../connectors/index.js'
import { serveSandbox, type SandboxServer } from '../../connectors/kit/sandbox/index.js'
import { createPartnerSandbox, portalProtocols, type PartnerSandboxState } from '../../connectors/partners/sandbox/index.js'
import type { AgencyDocument, Grant } from '../../policies/index.js'
import { createCheckpointSigner, createStepChains } from '../../gateway/audit/index.js'
import { parseConfig } from '../../gateway/config.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { startNodeTracing, type NodeTracing } from '../../gateway/entry/tracing.js'
import { createDatabaseBlobStore, createDeliveryWorker, createDossierStore, createOutbox, httpPush, type Outbox } from '../../gateway/exchange/index.js'
import type { Telemetry } from '../../gateway/telemetry/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { agencyDocument, createTestClient, type TestClient } from '../identity.js'
import { fullAccess, testPurposes } from '../policies.js'
import { startOtlpReceiver, type OtlpReceiver } from '../otlp-receiver.js'

const PURPOSE = 'GIAI_QUYET_TTHC'
const PROCEDURE = '1.004227'
const SERVER = 2
const CLIENT = 3

const deskGrant: Grant = {
  id: 'tiep-nhan',
  purposes: [PURPOSE],
  legalBasis: 'Nghị định 118/2025/NĐ-CP',
  allow: ['Query.dossier', 'Dossier.*', 'DossierPart.*', 'ProgressEntry.*', 'Mutation.submitDossier'],
  plain: ['pin', 'taxCode'],
  require: { caseId: false, endUser: true, signedContext: false },
}
const SUBMIT = 'mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { code version } }'

const newTraceId = () => crypto.randomUUID().replaceAll('-', '')
const newSpanId = () => crypto.randomUUID().replaceAll('-', '').slice(0, 16)
let counter = 0
const newCode = () => `G09.20-20261205-${String(++counter).padStart(7, '0')}`

let db: Database
let outbox: Outbox
let desk: TestClient
let receiver: OtlpReceiver
let tracing: NodeTracing
let traced: TestGateway
let untraced: TestGateway
let portal: SandboxServer & { exchange: PartnerSandboxState }

beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
  desk = await createTestClient('mot-cua-a-igate', 'mot-cua-a')
  receiver = await startOtlpReceiver()
  tracing = startNodeTracing(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }))
  outbox = createOutbox(db)
  let signerKeys: Parameters<typeof createCheckpointSigner>[0] | undefined
  const store = createDossierStore(db, { audit: createStepChains({ sign: createCheckpointSigner(() => signerKeys!()) }) })
  const exchange = { store, blobs: createDatabaseBlobStore(db), outbox }
  const gateway = (telemetry?: Telemetry) =>
    createTestGateway({
      auditDb: db,
      exchange,
      ...(telemetry ? { telemetry } : {}),
      policies: (identity) => {
        signerKeys ??= () => identity.keys.signingKey()
        const agencies: AgencyDocument[] = [
          fullAccess(agencyDocument('test-agency', [identity.client])),
          { ...agencyDocument('mot-cua-a', [desk]), grants: [deskGrant] },
        ]
        return {
          agencies,
          purposes: [...testPurposes, { code: PURPOSE, name: 'Giải quyết thủ tục hành chính', legalBasis: 'Nghị định 118/2025/NĐ-CP' }],
          procedures: [
            { code: PROCEDURE, name: 'Đăng ký biến động đất đai', dueDays: 10, parts: { maxBytes: 1024, mediaTypes: ['application/pdf'], maxCount: 3 } },
          ],
        }
      },
    })
  traced = await gateway(tracing.telemetry)
  untraced = await gateway()
  const sandbox = createPartnerSandbox(portalProtocols())
  portal = Object.assign(await serveSandbox('partner:portal', { app: sandbox.app, state: sandbox.state.faults }), { exchange: sandbox.state })
}, 60_000)

afterAll(async () => {
  await tracing?.shutdown()
  await traced?.close()
  await untraced?.close()
  await portal?.close()
  await receiver?.close()
  await db?.close()
})

/** Submits a new dossier at the desk through `gw`, with `headers` over the step's own. */
async function submit(gw: TestGateway, headers: Record<string, string> = {}): Promise<string> {
  const code = newCode()
  const res = await gw.graphql(
    SUBMIT,
    { input: { code, procedure: PROCEDURE, channel: 'ONLINE', applicantPin: '001085000101' } },
    {
      authorization: `Bearer ${await gw.identity.token(desk)}`,
      'x-purpose': PURPOSE,
      'x-end-user': 'can-bo-01',
      'idempotency-key': `"${crypto.randomUUID()}"`,
      ...headers,
    },
  )
  expect(res.body.errors).toBeUndefined()
  return code
}

/** Delivers everything due to the sandbox portal, with a worker traced by `telemetry` (or not). */
async function deliver(telemetry?: Telemetry): Promise<void> {
  const worker = createDeliveryWorker({
    outbox,
    push: httpPush({ endpointOf: () => ({ url: portal.url, wire: partnerWire('portal') }) }),
    ...(telemetry ? { telemetry } : {}),
  })
  const round = await worker.drain()
  expect(round.dead + round.retried).toBe(0)
}

const storedTraceparents = async (code: string) =>
  (await db.query<{ traceparent: string | null }>('select traceparent from exchange_outbox where dossier = $1', [code])).map((row) => row.traceparent)

describe('traced', () => {
  it("the delivery is a child of the step's request span, and the receiver gets the delivery span's traceparent", async () => {
    const traceId = newTraceId()
    const caller = newSpanId()
    portal.resetHits()
    const code = await submit(traced, { traceparent: `00-${traceId}-${caller}-01` })
    await tracing.flush()
    const step = receiver.spans.find((span) => span.traceId === traceId && span.kind === SERVER)!
    expect(step.parentSpanId).toBe(caller)
    // One message (to the portal: the desk holds the dossier), keeping the step's span.
    expect(await storedTraceparents(code)).toEqual([`00-${traceId}-${step.spanId}-01`])

    await deliver(tracing.telemetry)
    await tracing.flush()
    const deliveries = receiver.spans.filter((span) => span.traceId === traceId && span.name === 'exchange.deliver')
    expect(deliveries).toHaveLength(1)
    expect(deliveries[0]).toMatchObject({
      kind: CLIENT,
      parentSpanId: step.spanId,
      attributes: expect.objectContaining({ 'lgsp.receiver': 'portal', 'lgsp.attempt': 1, 'lgsp.outcome': 'delivered' }),
    })
    expect(portal.exchange.applied.filter((message) => message.dossier === code)).toHaveLength(1)
    expect(portal.traceparents()).toEqual([`00-${traceId}-${deliveries[0]!.spanId}-01`])

    // The step's own audit event names the trace too.
    const [event] = await db.query<{ body: string }>(`select body from audit_events where kind = 'dossier.step' and case_id = $1`, [code])
    expect(JSON.parse(event!.body).traceId).toBe(traceId)
  })

  it('a message stored with no trace is delivered under a trace of its own, which the receiver joins', async () => {
    portal.resetHits()
    const code = await submit(untraced)
    expect(await storedTraceparents(code)).toEqual([null])
    const before = new Set(receiver.spans)
    await deliver(tracing.telemetry)
    await tracing.flush()
    const deliveries = receiver.spans.filter((span) => !before.has(span) && span.name === 'exchange.deliver')
    expect(deliveries).toHaveLength(1)
    expect(deliveries[0]!.parentSpanId).toBe('')
    expect(portal.traceparents()).toEqual([`00-${deliveries[0]!.traceId}-${deliveries[0]!.spanId}-01`])
  })
})

describe('untraced (no exporter)', () => {
  it("the step's incoming traceparent is stored and pushed as it came", async () => {
    const incoming = `00-${newTraceId()}-${newSpanId()}-01`
    portal.resetHits()
    const code = await submit(untraced, { traceparent: incoming })
    expect(await storedTraceparents(code)).toEqual([incoming])
    await deliver()
    expect(portal.exchange.applied.filter((message) => message.dossier === code)).toHaveLength(1)
    expect(portal.traceparents()).toEqual([incoming])
  })

  it('a step that came with no trace pushes none', async () => {
    portal.resetHits()
    const code = await submit(untraced)
    await deliver()
    expect(portal.exchange.applied.filter((message) => message.dossier === code)).toHaveLength(1)
    expect(portal.hits()).toBeGreaterThan(0)
    expect(portal.traceparents()).toEqual([])
  })
})
