/**
 * The dossier exchange end to end, over real HTTP, with the gateway as its own process (`npm
 * start`, embedded database) and the vendors' systems as the sandbox partners in this process: a
 * dossier received at the iGate-style desk is accepted, transferred to the OpenCPS-style land
 * office, which asks for a supplement; the desk supplements; the office finishes; the desk returns
 * the result. The portal holds the whole history in order, every push verified against the
 * gateway's JWKS, every step is one audit event and `lgsp audit verify` passes. Then faults: a
 * receiver down for a while, acknowledgements lost, the portal refusing a payload, and the gateway
 * killed with -9 between a step's commit and its delivery.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { startPartnerSandboxes, type PartnerSandboxes, type PartnerSandboxServer } from '../../connectors/partners/sandbox/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { stepMessageSchema } from '../../connectors/index.js'
import { gatewayEnv, repoRoot, runLgsp, startGatewayProcess, type GatewayProcess } from '../gateway-process.js'
import { until } from '../waiting.js'

const DESK = 'mot-cua-phuong-hong-ha'
const LAND = 'vpdk-dat-dai-ha-noi'
const PURPOSE = 'GIAI_QUYET_TTHC'
const PROCEDURE = '1.004227'
const APPLICANT = '001085000101'

const work = mkdtempSync(join(tmpdir(), 'lgsp-exchange-'))
let partners: PartnerSandboxes
let gateway: GatewayProcess
let env: Record<string, string>
const tokens = new Map<string, string>()
let counter = 0
let gatewayUrl = ''

async function start(): Promise<void> {
  gateway = await startGatewayProcess(env, { timeoutMs: 90_000 })
  gatewayUrl = gateway.url
}

async function token(agency: string): Promise<string> {
  let cached = tokens.get(agency)
  if (!cached) tokens.set(agency, (cached = (await runLgsp(env, 'token', '--agency', agency)).stdout.trim()))
  return cached
}

async function step(agency: string, query: string, variables: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await fetch(`${gatewayUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await token(agency)}`,
      'x-purpose': PURPOSE,
      'x-end-user': `can-bo-${agency.slice(0, 8)}`,
      'idempotency-key': `"${crypto.randomUUID()}"`,
    },
    body: JSON.stringify({ query, variables }),
  })
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] }
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined()
  return Object.values(body.data!)[0] as Record<string, any>
}

async function upload(agency: string, text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text)
  const sha256 = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex')
  const res = await fetch(`${gatewayUrl}/v1/blobs/${sha256}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/pdf', authorization: `Bearer ${await token(agency)}` },
    body: bytes,
  })
  expect(res.status).toBe(201)
  return sha256
}

const SUBMIT = 'mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { code status version } }'
/** A step's mutation; the steps that must say why (a supplement request, progress …) take a note of type String!. */
const move = (field: string, extra = '', note = 'String') =>
  `mutation($code: String!, $note: ${note}${extra ? `, ${extra}` : ''}) { ${field}(code: $code, note: $note${extra ? `, ${extra.replace(/\$(\w+): [^,]+/g, '$1: $$$1')}` : ''}) { status holder version } }`

const newCode = () => `G09.20-20261204-${String(++counter).padStart(7, '0')}`
const at = (server: PartnerSandboxServer, code: string) => server.exchange.applied.filter((m) => m.dossier === code)

async function submitAndTransfer(code: string): Promise<void> {
  await step(DESK, SUBMIT, { input: { code, procedure: PROCEDURE, channel: 'IN_PERSON', applicantPin: APPLICANT } })
  await step(DESK, move('acceptDossier'), { code })
  await step(DESK, move('transferDossier', '$to: String!'), { code, to: LAND })
}

beforeAll(async () => {
  partners = await startPartnerSandboxes({ jwks: async () => ((await (await fetch(`${gatewayUrl}/.well-known/jwks.json`)).json()) as { keys: [] }).keys })
  // The repository's policies, with the desk and the land office pointing at the partners here.
  const policies = join(work, 'policies')
  cpSync(join(repoRoot, 'policies'), policies, { recursive: true })
  for (const [agency, server] of [
    [DESK, partners.igate],
    [LAND, partners.opencps],
    ['so-tu-phap-ha-noi', partners.soap],
  ] as const) {
    const file = join(policies, 'agencies', `${agency}.yaml`)
    writeFileSync(file, readFileSync(file, 'utf8').replace(/endpoint: "sandbox:[a-z]+"/, `endpoint: "${server.url}"`))
  }
  env = gatewayEnv({
    DATA_DIR: join(work, 'data'),
    POLICIES_DIR: policies,
    GATEWAY_ISSUER: 'http://lgsp.exchange.test',
    PORTAL_URL: partners.portal.url,
    EXCHANGE_RETRY_BASE_MS: '200',
    EXCHANGE_RETRY_MAX_MS: '1000',
    EXCHANGE_MAX_ATTEMPTS: '50',
    // A push cut off by kill -9 is offered again once its lease is over: short here, pushes are fast.
    EXCHANGE_LEASE_MS: '3000',
  })
  await start()
}, 120_000)

afterAll(async () => {
  await gateway?.stop()
  await partners?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('a dossier from the iGate-style desk to the OpenCPS-style land office and back', () => {
  it('every step reaches the portal in order and the system that holds the dossier next, signed', async () => {
    const code = newCode()
    const form = await upload(DESK, 'Đơn đăng ký biến động đất đai (bản quét)')
    expect(
      await step(DESK, SUBMIT, {
        input: {
          code,
          procedure: PROCEDURE,
          channel: 'IN_PERSON',
          applicantPin: APPLICANT,
          communeCode: '00097',
          parts: [{ name: 'Đơn đăng ký', copyType: 'ORIGINAL', sha256: form }],
        },
      }),
    ).toMatchObject({ status: 'NEW', version: 1 })
    await step(DESK, move('acceptDossier'), { code })
    await step(DESK, move('transferDossier', '$to: String!'), { code, to: LAND })
    // The land office fetches the part it was told of, by hash; an agency no party to the dossier cannot.
    await until(() => at(partners.opencps, code).length === 1, { withinMs: 20_000, what: 'the transfer at the land office' })
    const fetched = await fetch(`${gatewayUrl}/v1/blobs/${form}`, { headers: { authorization: `Bearer ${await token(LAND)}` } })
    expect(fetched.status).toBe(200)
    expect(await fetched.text()).toBe('Đơn đăng ký biến động đất đai (bản quét)')
    expect((await fetch(`${gatewayUrl}/v1/blobs/${form}`, { headers: { authorization: `Bearer ${await token('thue-ha-noi')}` } })).status).toBe(404)
    await step(LAND, move('requestDossierSupplement', '', 'String!'), { code, note: 'Thiếu bản sao Giấy chứng nhận' })
    const copy = await upload(DESK, 'Bản sao Giấy chứng nhận')
    await step(DESK, move('supplementDossier', '$parts: [DossierPartInput!]!'), { code, parts: [{ name: 'Bản sao GCN', copyType: 'COPY', sha256: copy }] })
    await step(LAND, move('finishDossier'), { code, note: 'Đã cập nhật biến động' })
    expect(await step(DESK, move('returnDossierResult'), { code })).toMatchObject({ status: 'RESULT_RETURNED', version: 7 })

    await until(() => at(partners.portal, code).length === 7, { withinMs: 30_000, what: 'seven steps at the portal' })
    expect(at(partners.portal, code).map((m) => m.status)).toEqual([1, 2, 4, 5, 4, 9, 10])
    // The portal's own shape: synchronised once, then progress updates with its times.
    expect(at(partners.portal, code)[0]!.raw).toMatchObject({ MaHoSo: code, MaTTHC: PROCEDURE, KenhThucHien: 1, TrangThai: 1 })
    expect(at(partners.portal, code)[3]!.raw).toMatchObject({ NoiDungXuLy: 'Thiếu bản sao Giấy chứng nhận', PhongBanXuLy: LAND, TrangThai: 5 })
    await until(() => at(partners.igate, code).length === 2 && at(partners.opencps, code).length === 2, { withinMs: 20_000, what: 'the holders’ messages' })
    // The land office heard of the transfer and the supplement; the desk of the request and the result.
    expect(at(partners.opencps, code).map((m) => [m.seq, m.status])).toEqual([
      [3, 4],
      [5, 4],
    ])
    expect(at(partners.igate, code).map((m) => [m.seq, m.status])).toEqual([
      [4, 5],
      [6, 9],
    ])
    for (const server of [partners.portal, partners.igate, partners.opencps]) {
      expect(server.exchange.refusedSignatures.size).toBe(0)
      expect(server.exchange.outOfOrder).toBe(0)
    }
    // The applicant, with the secret the desk printed on the receipt, sees each step.
    const { receiptSecret } = await step(DESK, 'query($code: String!) { dossier(code: $code) { receiptSecret } }', { code })
    const lookup = await fetch(`${gatewayUrl}/v1/dossiers/status?code=${encodeURIComponent(code)}&secret=${receiptSecret}`)
    expect(lookup.status).toBe(200)
    const seen = (await lookup.json()) as { statusName: string; steps: Array<{ step: string; statusName: string }> }
    expect(seen.statusName).toBe('Đã trả kết quả')
    expect(seen.steps.map((s) => s.step)).toEqual(['submit', 'accept', 'transfer', 'requestSupplement', 'supplement', 'finish', 'returnResult'])
  }, 120_000)

  it('a receiver down for a while gets its messages once it is back, in order, each applied once', async () => {
    const codes = [newCode(), newCode()]
    partners.opencps.setFaults({ errorRate: 1 })
    for (const code of codes) await submitAndTransfer(code)
    await until(() => (partners.opencps.state.hits.get('POST /o/rest/v2/dossiers/sync') ?? 0) >= 4, { withinMs: 20_000, what: 'retries to the land office' })
    expect(codes.flatMap((code) => at(partners.opencps, code))).toEqual([])
    partners.opencps.setFaults({ errorRate: 0 })
    for (const code of codes) {
      await until(() => at(partners.opencps, code).length === 1, { withinMs: 20_000, what: `the transfer of ${code}` })
      await step(LAND, move('addDossierProgress', '', 'String!'), { code, note: 'Đang thẩm định' })
    }
    await until(() => codes.every((code) => at(partners.portal, code).length === 4), { withinMs: 20_000, what: 'the portal' })
    for (const code of codes) expect(at(partners.portal, code).map((m) => m.status)).toEqual([1, 2, 4, 4])
  }, 60_000)

  it('acknowledgements lost on the way: the message is sent again, and applied once', async () => {
    const code = newCode()
    const duplicates = partners.portal.exchange.duplicates
    partners.portal.exchange.exchange.lostAckRate = 1
    await step(DESK, SUBMIT, { input: { code, procedure: PROCEDURE, channel: 'ONLINE', applicantPin: APPLICANT } })
    await until(() => at(partners.portal, code).length === 1, { withinMs: 20_000, what: 'the submission at the portal' })
    partners.portal.exchange.exchange.lostAckRate = 0
    await until(() => partners.portal.exchange.duplicates > duplicates, { withinMs: 20_000, what: 'the redelivery' })
    expect(at(partners.portal, code)).toHaveLength(1)
  }, 60_000)

  it('the gateway killed with -9 between a step’s commit and its delivery delivers it after the restart', async () => {
    const code = newCode()
    partners.portal.setFaults({ errorRate: 1 })
    await step(DESK, SUBMIT, { input: { code, procedure: PROCEDURE, channel: 'ONLINE', applicantPin: APPLICANT } })
    gateway.child.kill('SIGKILL')
    await until(() => gateway.child.exitCode !== null || gateway.child.signalCode !== null, { withinMs: 10_000, what: 'the gateway to die' })
    expect(at(partners.portal, code)).toEqual([])
    partners.portal.setFaults({ errorRate: 0 })
    await start()
    await until(() => at(partners.portal, code).length === 1, { withinMs: 60_000, what: 'the submission after the restart' })
  }, 120_000)

  it('the portal refusing a payload leaves a dead letter with its reason; every step is one audit event and the trail verifies', async () => {
    const code = newCode()
    await step(DESK, SUBMIT, { input: { code, procedure: PROCEDURE, channel: 'ONLINE', applicantPin: APPLICANT } })
    // Within the gateway's limit on a note, beyond the portal's.
    await step(DESK, move('acceptDossier'), { code, note: 'Hồ sơ hợp lệ. '.repeat(40) })
    await until(() => partners.portal.exchange.refusedPayloads.some((p) => p.includes('NoiDungXuLy')), { withinMs: 20_000, what: 'the portal’s refusal' })
    await gateway.stop()
    const db = await openPglite({ dataDir: join(work, 'data', 'pglite') })
    try {
      const dead = await db.query<{ seq: number; receiver: string; last_error: string }>(
        "select seq, receiver, last_error from exchange_outbox where dossier = $1 and state = 'dead'",
        [code],
      )
      expect(dead).toEqual([{ seq: 2, receiver: 'portal', last_error: expect.stringMatching(/^portal: refused \(HTTP 400\).*NoiDungXuLy/) }])
      const [counts] = await db.query<{ steps: number; events: number }>(
        "select (select count(*) from dossier_progress)::int as steps, (select count(*) from audit_events where kind = 'dossier.step')::int as events",
      )
      expect(counts!.events).toBe(counts!.steps)
      // What the gateway actually sent is what the published contract describes: every message,
      // checked by an independent JSON Schema validator against the exported document.
      const payloads = await db.query<{ payload: unknown }>('select payload from exchange_outbox')
      expect(payloads.length).toBeGreaterThan(20)
      const published = new Ajv2020({ strict: false, validateFormats: false }).compile(
        JSON.parse(readFileSync(join(repoRoot, 'docs', 'contract', 'step-message.schema.json'), 'utf8')) as object,
      )
      for (const { payload } of payloads) {
        const message = typeof payload === 'string' ? JSON.parse(payload) : payload
        expect(published(message), JSON.stringify(published.errors)).toBe(true)
        expect(stepMessageSchema.safeParse(message).error).toBeUndefined()
      }
    } finally {
      await db.close()
    }
    // The operator sees it and puts it back in the queue (the CLI opens the embedded database once the gateway is stopped).
    const letters = JSON.parse((await runLgsp(env, 'exchange', 'dead-letters', '--json')).stdout) as Array<{ id: string; dossier: string; receiver: string }>
    const letter = letters.find((d) => d.dossier === code)!
    expect(letter).toMatchObject({ receiver: 'portal', seq: 2, attempts: 1 })
    const status = JSON.parse((await runLgsp(env, 'exchange', 'status', '--json')).stdout) as Array<{ receiver: string; dead: number; delivered: number }>
    expect(status.find((r) => r.receiver === 'portal')).toMatchObject({ dead: 1 })
    expect(status.find((r) => r.receiver === 'portal')!.delivered).toBeGreaterThanOrEqual(7)
    expect((await runLgsp(env, 'exchange', 'redeliver', letter.id)).stdout).toMatch(/^1 dead letter\(s\) back in the queue/)
    await expect(runLgsp(env, 'exchange', 'redeliver', letter.id)).rejects.toMatchObject({ stdout: expect.stringMatching(/not dead letters/) })
    // Exits non-zero on any problem; the process killed with -9 left its own chain unsigned (a warning).
    const verify = await runLgsp(env, 'audit', 'verify', '--json')
    const report = JSON.parse(verify.stdout) as { ok: boolean; problems: unknown[]; warnings: Array<{ writer: string }> }
    expect(report.problems).toEqual([])
    expect(report.ok).toBe(true)
    // The step chains are all signed to their heads: only a request chain of the killed process may be unsigned.
    expect(report.warnings.filter((w) => w.writer.startsWith('steps/'))).toEqual([])
  }, 120_000)
})
