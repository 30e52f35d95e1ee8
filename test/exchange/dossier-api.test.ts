/**
 * The dossier exchange through `/graphql`, as vendors' systems call it: each step a mutation under
 * the caller's grants, with an Idempotency-Key, decided by the state machine, applied with its
 * audit event and outbox messages in one transaction. Every refusal is a clear 4xx with its code,
 * and stores nothing and sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgencyDocument, Grant } from '../../policies/index.js'
import { createStepChains, verifyAuditTrail, type StepChains } from '../../gateway/audit/index.js'
import { createCheckpointSigner } from '../../gateway/audit/index.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { createDatabaseBlobStore, createDossierStore, createOutbox, type BlobStore } from '../../gateway/exchange/index.js'
import { sha256HexOfBytes } from '../../gateway/support/index.js'
import { createTestGateway, type GraphQLResponse, type TestGateway } from '../harness.js'
import { agencyDocument, createTestClient, TEST_ISSUER, type TestClient } from '../identity.js'
import { issueSandboxCitizenToken } from '../../gateway/identity/citizen-token.js'
import { fullAccess, testPurposes } from '../policies.js'

const PURPOSE = 'GIAI_QUYET_TTHC'
const PROCEDURE = '1.004227'
const OTHER_PROCEDURE = '2.000815'
const APPLICANT = '001085000101'

const reads = ['Query.dossier', 'Dossier.*', 'DossierPart.*', 'ProgressEntry.*']
const grant = (id: string, allow: string[], where?: Grant['where']): Grant => ({
  id,
  purposes: [PURPOSE],
  legalBasis: 'Nghị định 118/2025/NĐ-CP',
  allow,
  plain: ['pin', 'taxCode'],
  require: { caseId: false, endUser: true, signedContext: false },
  ...(where ? { where } : {}),
})
const onlyProcedure = { Dossier: { procedure: { in: [PROCEDURE] } } }

const deskGrant = grant(
  'tiep-nhan',
  [
    ...reads,
    'Mutation.submitDossier',
    'Mutation.acceptDossier',
    'Mutation.rejectDossier',
    'Mutation.transferDossier',
    'Mutation.supplementDossier',
    'Mutation.confirmDossierFees',
    'Mutation.withdrawDossier',
    'Mutation.returnDossierResult',
  ],
  onlyProcedure,
)
const deptGrant = grant(
  'giai-quyet',
  [
    ...reads,
    'Mutation.addDossierProgress',
    'Mutation.requestDossierSupplement',
    'Mutation.askDossierFees',
    'Mutation.stopDossier',
    'Mutation.finishDossier',
    'Query.dossierInbox',
    'InboxMessage.*',
    'Mutation.acknowledgeDossierMessages',
  ],
  onlyProcedure,
)

let db: Database
let gw: TestGateway
let chains: StepChains
let blobs: BlobStore
let desk: TestClient
let dept: TestClient
let outsider: TestClient
let readOnly: TestClient
const tokens = new Map<TestClient, string>()
let counter = 0
let keys = 0

const newCode = () => `G09.20-20261204-${String(++counter).padStart(7, '0')}`
const newKey = () => `"key-${++keys}-${crypto.randomUUID()}"`

async function call(client: TestClient, query: string, variables: Record<string, unknown>, key: string | null = newKey()): Promise<GraphQLResponse> {
  return gw.graphql(query, variables, {
    authorization: `Bearer ${tokens.get(client)}`,
    'x-purpose': PURPOSE,
    'x-end-user': 'can-bo-01',
    ...(key === null ? {} : { 'idempotency-key': key }),
  })
}

const DOSSIER = 'code status statusCode statusName holder receivingAgency handlingAgency version applicantPin nextSteps'
const SUBMIT = `mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { ${DOSSIER} parts { name sha256 size mediaType copyType step } } }`
const step = (field: string, args = '', note = 'String') =>
  `mutation($code: String!, $expectedVersion: Int, $note: ${note}${args ? `, ${args}` : ''}) { ${field}(code: $code, expectedVersion: $expectedVersion, note: $note${
    args ? `, ${args.replace(/\$(\w+): [^,]+/g, '$1: $$$1')}` : ''
  }) { ${DOSSIER} } }`
const ACCEPT = step('acceptDossier')
const TRANSFER = step('transferDossier', '$to: String!')
const REQUEST_SUPPLEMENT = step('requestDossierSupplement', '', 'String!')
const SUPPLEMENT = step('supplementDossier', '$parts: [DossierPartInput!]!')
const FINISH = step('finishDossier')
const RETURN_RESULT = step('returnDossierResult')
const READ = `query($code: String!) { dossier(code: $code) { ${DOSSIER} progress { seq agency officer step status note } parts { name sha256 step } } }`

async function upload(text: string, mediaType = 'application/pdf'): Promise<string> {
  const bytes = new TextEncoder().encode(text)
  return (await blobs.put(bytes, { mediaType, sha256: await sha256HexOfBytes(bytes) })).sha256
}

const counts = async () => {
  const [row] = await db.query<{ d: number; p: number; o: number; e: number; parts: number }>(
    `select (select count(*) from dossiers)::int as d, (select count(*) from dossier_progress)::int as p,
            (select count(*) from exchange_outbox)::int as o, (select count(*) from audit_events where kind = 'dossier.step')::int as e,
            (select count(*) from dossier_parts)::int as parts`,
  )
  return row!
}

/** A new dossier submitted with `input` over the defaults (an online dossier of PROCEDURE for APPLICANT). */
const submitNew = (input: Record<string, unknown> = {}, client = desk) =>
  call(client, SUBMIT, { input: { code: newCode(), procedure: PROCEDURE, channel: 'ONLINE', applicantPin: APPLICANT, ...input } })

async function submitted(client = desk): Promise<{ code: string; version: number }> {
  const res = await submitNew({}, client)
  expect(res.body.errors).toBeUndefined()
  return { code: res.body.data!.submitDossier.code, version: res.body.data!.submitDossier.version }
}

async function accepted(): Promise<{ code: string; version: number }> {
  const { code } = await submitted()
  const res = await call(desk, ACCEPT, { code })
  expect(res.body.errors).toBeUndefined()
  return { code, version: res.body.data!.acceptDossier.version }
}

beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
  desk = await createTestClient('mot-cua-a-igate', 'mot-cua-a')
  dept = await createTestClient('so-b-opencps', 'so-b')
  outsider = await createTestClient('so-c-soap', 'so-c')
  readOnly = await createTestClient('doc-d', 'chi-doc-d')
  const agencies = (testClient: TestClient): AgencyDocument[] => [
    fullAccess(agencyDocument('test-agency', [testClient])),
    { ...agencyDocument('mot-cua-a', [desk]), grants: [deskGrant] },
    { ...agencyDocument('so-b', [dept]), grants: [deptGrant] },
    // Handles another procedure only: a party to nothing here.
    {
      ...agencyDocument('so-c', [outsider]),
      grants: [grant('khac', [...reads, 'Mutation.finishDossier', 'Mutation.acceptDossier'], { Dossier: { procedure: { in: [OTHER_PROCEDURE] } } })],
    },
    // May read dossiers, and take no step at all.
    { ...agencyDocument('chi-doc-d', [readOnly]), grants: [grant('chi-doc', reads)] },
  ]
  // The chains sign with the test gateway's key, known once the gateway is built.
  let signerKeys: Parameters<typeof createCheckpointSigner>[0] | undefined
  chains = createStepChains({ sign: createCheckpointSigner(() => signerKeys!()) })
  blobs = createDatabaseBlobStore(db)
  store = createDossierStore(db, { audit: chains })
  gw = await createTestGateway({
    auditDb: db,
    policies: (identity) => {
      signerKeys = () => identity.keys.signingKey()
      return {
        agencies: agencies(identity.client),
        purposes: [...testPurposes, { code: PURPOSE, name: 'Giải quyết thủ tục hành chính', legalBasis: 'Nghị định 118/2025/NĐ-CP' }],
        procedures: [
          { code: PROCEDURE, name: 'Đăng ký biến động đất đai', dueDays: 10, parts: { maxBytes: 64, mediaTypes: ['application/pdf'], maxCount: 3 } },
          { code: OTHER_PROCEDURE, name: 'Thủ tục khác', parts: { maxBytes: 1024, mediaTypes: ['application/pdf'], maxCount: 50 } },
        ],
      }
    },
    exchange: { store, blobs, outbox: createOutbox(db) },
  })
  for (const client of [desk, dept, outsider, readOnly]) tokens.set(client, await gw.identity.token(client))
}, 60_000)
let store: ReturnType<typeof createDossierStore>

afterAll(async () => {
  await gw?.close()
  await db?.close()
})

describe('a dossier moves from the desk to the department and back', () => {
  it('submit, accept, transfer, request a supplement, supplement, finish, return: each step one event, the trail verifies', async () => {
    const before = await counts()
    const code = newCode()
    const form = await upload('đơn đăng ký biến động')
    const submittedRes = await call(desk, SUBMIT, {
      input: {
        code,
        procedure: PROCEDURE,
        channel: 'IN_PERSON',
        applicantPin: APPLICANT,
        communeCode: '00097',
        parts: [{ name: 'Đơn đăng ký', copyType: 'ORIGINAL', sha256: form }],
      },
    })
    expect(submittedRes.status).toBe(200)
    expect(submittedRes.body.data!.submitDossier).toMatchObject({
      code,
      status: 'NEW',
      statusCode: 1,
      statusName: 'Mới đăng ký',
      holder: 'mot-cua-a',
      version: 1,
      applicantPin: APPLICANT,
      nextSteps: ['ACCEPT', 'REJECT', 'WITHDRAW'],
      parts: [
        {
          name: 'Đơn đăng ký',
          sha256: form,
          size: new TextEncoder().encode('đơn đăng ký biến động').byteLength,
          mediaType: 'application/pdf',
          copyType: 'ORIGINAL',
          step: 1,
        },
      ],
    })
    const steps: Array<[TestClient, string, Record<string, unknown>, string, string]> = [
      [desk, ACCEPT, { expectedVersion: 1 }, 'ACCEPTED', 'mot-cua-a'],
      [desk, TRANSFER, { to: 'so-b', expectedVersion: 2 }, 'PROCESSING', 'so-b'],
      [dept, REQUEST_SUPPLEMENT, { note: 'Thiếu bản sao giấy chứng nhận' }, 'SUPPLEMENT_REQUESTED', 'mot-cua-a'],
      [desk, SUPPLEMENT, { parts: [{ name: 'Bản sao GCN', copyType: 'COPY', sha256: await upload('bản sao giấy chứng nhận') }] }, 'PROCESSING', 'so-b'],
      [dept, FINISH, {}, 'PROCESSED', 'mot-cua-a'],
      [desk, RETURN_RESULT, {}, 'RESULT_RETURNED', 'mot-cua-a'],
    ]
    for (const [client, query, variables, status, holder] of steps) {
      const res = await call(client, query, { code, ...variables })
      expect(res.body.errors).toBeUndefined()
      expect(Object.values(res.body.data!)[0]).toMatchObject({ status, holder })
    }
    const read = await call(desk, READ, { code })
    expect(read.body.data!.dossier).toMatchObject({ status: 'RESULT_RETURNED', statusCode: 10, version: 7, handlingAgency: 'so-b', nextSteps: [] })
    expect(read.body.data!.dossier.progress.map((p: { step: string; agency: string }) => [p.step, p.agency])).toEqual([
      ['SUBMIT', 'mot-cua-a'],
      ['ACCEPT', 'mot-cua-a'],
      ['TRANSFER', 'mot-cua-a'],
      ['REQUEST_SUPPLEMENT', 'so-b'],
      ['SUPPLEMENT', 'mot-cua-a'],
      ['FINISH', 'so-b'],
      ['RETURN_RESULT', 'mot-cua-a'],
    ])
    expect(read.body.data!.dossier.progress[3]).toMatchObject({ officer: 'can-bo-01', note: 'Thiếu bản sao giấy chứng nhận', status: 'SUPPLEMENT_REQUESTED' })
    expect(read.body.data!.dossier.parts.map((p: { step: number }) => p.step)).toEqual([1, 5])
    const after = await counts()
    expect(after.p - before.p).toBe(7)
    expect(after.e - before.e).toBe(7)
    // The portal hears of every step; the next holder of each step that hands the dossier on.
    const receivers = (await store.outbox(code)).map((m) => `${m.seq}:${m.receiver}`)
    expect(receivers).toEqual([
      '1:portal',
      '2:portal',
      '3:portal',
      '3:so-b',
      '4:mot-cua-a',
      '4:portal',
      '5:portal',
      '5:so-b',
      '6:mot-cua-a',
      '6:portal',
      '7:portal',
    ])
    const events = await db.query<{ agency: string; case_id: string; subjects: string[]; body: string }>(
      "select agency, case_id, subjects, body from audit_events where kind = 'dossier.step' and case_id = $1 order by at",
      [code],
    )
    expect(events.map((e) => e.agency)).toEqual(['mot-cua-a', 'mot-cua-a', 'mot-cua-a', 'so-b', 'mot-cua-a', 'so-b', 'mot-cua-a'])
    // The applicant is in the trail as its keyed hash only.
    for (const event of events) expect(event.body).not.toContain(APPLICANT)
    await gw.writer!.flush()
    await chains.seal(db)
    const report = await verifyAuditTrail(db, { jwks: gw.identity.keys.jwks().keys as never })
    expect(report.problems).toEqual([])
    expect(report.ok).toBe(true)
  })

  it('a party reads the dossier; an agency that is no party to it reads null', async () => {
    const { code } = await submitted()
    expect((await call(desk, READ, { code })).body.data!.dossier).toMatchObject({ code })
    expect((await call(readOnly, READ, { code })).body).toEqual({ data: { dossier: null } })
  })
})

describe('the applicant looks up their dossiers', () => {
  const lookup = (query: string) => gw.app.request(`/v1/dossiers/status?${query}`)

  it('with the secret printed on the receipt: where it stands and each step, no identifier; a wrong secret is a missing dossier', async () => {
    const { code } = await accepted()
    const secretOf = async (client: TestClient) =>
      (await call(client, `query($code: String!) { dossier(code: $code) { receiptSecret } }`, { code })).body.data!.dossier?.receiptSecret
    const secret = await secretOf(desk)
    expect(secret).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/)
    await call(desk, TRANSFER, { code, to: 'so-b' })
    // Only the receiving desk prints receipts.
    expect(await secretOf(dept)).toBeNull()
    const res = await lookup(`code=${encodeURIComponent(code)}&secret=${secret.toLowerCase().slice(0, 5)}-${secret.slice(5)}`)
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).not.toContain(APPLICANT)
    expect(JSON.parse(text)).toMatchObject({
      code,
      status: 'PROCESSING',
      statusCode: 4,
      statusName: 'Đang xử lý',
      steps: [{ seq: 1 }, { seq: 2 }, { seq: 3, statusName: 'Đang xử lý' }],
    })
    const wrong = await lookup(`code=${encodeURIComponent(code)}&secret=${secret.slice(0, 9)}${secret[9] === '0' ? '1' : '0'}`)
    const unknown = await lookup(`code=G09.20-20991231-0000001&secret=${secret}`)
    expect([wrong.status, unknown.status]).toEqual([404, 404])
    expect((await wrong.json()).error.message).toBe((await unknown.json()).error.message)
    expect((await lookup('code=&secret=')).status).toBe(400)
  })

  it('with a citizen token: "my dossiers", with their steps, only their own', async () => {
    const { code } = await submitted()
    const token = await issueSandboxCitizenToken(gw.identity.keys, TEST_ISSUER, APPLICANT)
    const mine = await gw.app.request('/v1/my-dossiers', { headers: { authorization: `Bearer ${token}` } })
    expect(mine.status).toBe(200)
    const body = (await mine.json()) as { dossiers: Array<{ code: string; steps: unknown[] }> }
    expect(body.dossiers.find((d) => d.code === code)).toMatchObject({ code, status: 'NEW', steps: [{ seq: 1, step: 'submit' }] })
    const other = await issueSandboxCitizenToken(gw.identity.keys, TEST_ISSUER, '001085000999')
    expect(
      ((await (await gw.app.request('/v1/my-dossiers', { headers: { authorization: `Bearer ${other}` } })).json()) as { dossiers: unknown[] }).dossiers,
    ).toEqual([])
    expect((await gw.app.request('/v1/my-dossiers')).status).toBe(401)
    // Every lookup is in the trail, as the applicant's (the subject's keyed hash, never the PIN).
    await gw.writer!.flush()
    const [row] = await db.query<{ n: number }>("select count(*)::int as n from audit_events where kind = 'dossier.looked_up'")
    expect(row!.n).toBeGreaterThanOrEqual(3)
  })
})

describe('the inbox, for systems that cannot receive pushes', () => {
  const INBOX = '{ dossierInbox(first: 200) { messageId dossierCode seq step status agency note dossier { code holder } } }'
  const ACK = 'mutation($ids: [ID!]!) { acknowledgeDossierMessages(messageIds: $ids) }'

  it('lists the department’s messages in order, and an acknowledgement takes each out once', async () => {
    const { code } = await accepted()
    await call(desk, TRANSFER, { code, to: 'so-b' })
    const read = await call(dept, INBOX, {})
    const mine = read.body.data!.dossierInbox.filter((m: { dossierCode: string }) => m.dossierCode === code)
    expect(mine).toMatchObject([{ seq: 3, step: 'TRANSFER', status: 'PROCESSING', agency: 'mot-cua-a', dossier: { code, holder: 'so-b' } }])
    const ids = [mine[0].messageId]
    // Another agency acknowledging the department's message changes nothing.
    expect((await call(desk, ACK, { ids })).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await call(dept, ACK, { ids })).body.data).toEqual({ acknowledgeDossierMessages: 1 })
    expect((await call(dept, ACK, { ids })).body.data).toEqual({ acknowledgeDossierMessages: 0 })
    const after = await call(dept, INBOX, {})
    expect(after.body.data!.dossierInbox.some((m: { dossierCode: string }) => m.dossierCode === code)).toBe(false)
  })

  it('refuses an id that is not a message id, and a page over 200', async () => {
    expect((await call(dept, ACK, { ids: ["1' or '1'='1"] })).body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' })
    expect((await call(dept, '{ dossierInbox(first: 201) { seq } }', {})).body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' })
  })
})

describe('Idempotency-Key', () => {
  it('the same key and body get the stored answer, and the step is applied once', async () => {
    const { code } = await submitted()
    const key = newKey()
    const first = await call(desk, ACCEPT, { code }, key)
    const before = await counts()
    const again = await call(desk, ACCEPT, { code }, key)
    expect(again.body).toEqual(first.body)
    expect(await counts()).toEqual(before)
  })

  it('the same key with another body is 409 IDEMPOTENCY_CONFLICT, and nothing is applied', async () => {
    const { code } = await submitted()
    const key = newKey()
    await call(desk, ACCEPT, { code, note: 'một' }, key)
    const before = await counts()
    const res = await call(desk, ACCEPT, { code, note: 'hai' }, key)
    expect(res.status).toBe(409)
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' })
    expect(await counts()).toEqual(before)
  })

  it.each([
    ['no key', null, 400, /needs an Idempotency-Key/],
    ['a token instead of a string', 'abc', 400, /quoted string/],
    ['an empty string', '""', 400, /quoted string/],
  ])('a step with %s is refused with 400, and nothing is applied', async (_case, key, status, message) => {
    const { code } = await submitted()
    const before = await counts()
    const res = await call(desk, ACCEPT, { code }, key)
    expect(res.status).toBe(status)
    const error = res.body.errors?.[0] ?? (res.body as unknown as { error: { code: string; message: string } }).error
    expect(error.message).toMatch(message)
    expect(await counts()).toEqual(before)
  })
})

describe('refusals: each a clear 4xx with its code, nothing stored', () => {
  const cases: Array<{
    name: string
    run: () => Promise<GraphQLResponse>
    status: number
    code: string
    message: RegExp
  }> = [
    {
      name: 'a department finishing a dossier never transferred to it',
      run: async () => call(dept, FINISH, { code: (await submitted()).code }),
      status: 404,
      code: 'NOT_FOUND',
      message: /No dossier .* that your agency received, holds or handled/,
    },
    {
      name: 'an illegal transition by the holder (return the result of a new dossier)',
      run: async () => call(desk, RETURN_RESULT, { code: (await submitted()).code }),
      status: 409,
      code: 'INVALID_TRANSITION',
      message: /returnResult is not allowed from NEW: it moves a dossier from PROCESSED to RESULT_RETURNED/,
    },
    {
      name: 'a stale version',
      run: async () => call(desk, TRANSFER, { code: (await accepted()).code, to: 'so-b', expectedVersion: 1 }),
      status: 409,
      code: 'VERSION_CONFLICT',
      message: /is at version 2, not 1/,
    },
    {
      name: 'a party that does not hold the dossier moving it',
      run: async () => {
        const { code } = await accepted()
        await call(desk, TRANSFER, { code, to: 'so-b' })
        return call(desk, ACCEPT, { code })
      },
      status: 403,
      code: 'FORBIDDEN',
      message: /Only the agency that holds this dossier \(so-b\)/,
    },
    {
      name: 'a foreign agency moving a dossier',
      run: async () => call(outsider, ACCEPT, { code: (await submitted()).code }),
      status: 404,
      code: 'NOT_FOUND',
      message: /No dossier/,
    },
    {
      name: 'an unknown procedure',
      run: () => submitNew({ procedure: '9.999999' }),
      status: 400,
      code: 'BAD_USER_INPUT',
      message: /Procedure 9.999999 is not in the procedure catalogue/,
    },
    {
      name: 'a procedure the grants do not cover',
      run: () => submitNew({ procedure: OTHER_PROCEDURE }),
      status: 403,
      code: 'FORBIDDEN',
      message: /Mutation.submitDossier: the grants that allow it \(tiep-nhan\) do not cover procedure 2.000815/,
    },
    {
      name: 'a mutation no grant allows',
      run: () => submitNew({}, readOnly),
      status: 403,
      code: 'FORBIDDEN',
      message: /Mutation.submitDossier: no grant of the agency allows it/,
    },
    {
      name: 'a transfer to an agency that may not handle the procedure',
      run: async () => call(desk, TRANSFER, { code: (await accepted()).code, to: 'so-c' }),
      status: 400,
      code: 'BAD_USER_INPUT',
      message: /Agency so-c may not handle procedure 1.004227/,
    },
    {
      name: 'a part whose content was never uploaded (or does not match its hash)',
      run: () => submitNew({ parts: [{ name: 'Đơn', copyType: 'ORIGINAL', sha256: 'e'.repeat(64) }] }),
      status: 400,
      code: 'BAD_USER_INPUT',
      message: /nothing is stored under e{64}; upload it first/,
    },
    {
      name: 'a part over the procedure’s size limit',
      run: async () => submitNew({ parts: [{ name: 'Bản đồ', copyType: 'ORIGINAL', sha256: await upload('x'.repeat(65)) }] }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: /65 bytes; procedure 1.004227 takes parts of at most 64/,
    },
    {
      name: 'a part of a media type the procedure does not take',
      run: async () => submitNew({ parts: [{ name: 'Ảnh', copyType: 'COPY', sha256: await upload('png', 'image/png') }] }),
      status: 400,
      code: 'BAD_USER_INPUT',
      message: /image\/png is not accepted for procedure 1.004227/,
    },
    {
      name: 'an applicant named twice',
      run: () => submitNew({ applicantTaxCode: '0100109106' }),
      status: 400,
      code: 'BAD_USER_INPUT',
      message: /Name the applicant/,
    },
    {
      name: 'a dossier code that exists',
      run: async () => call(desk, SUBMIT, { input: { code: (await submitted()).code, procedure: PROCEDURE, channel: 'ONLINE', applicantPin: APPLICANT } }),
      status: 409,
      code: 'BAD_USER_INPUT',
      message: /already exists/,
    },
    {
      name: 'two steps in one request',
      run: () => call(desk, `mutation { a: acceptDossier(code: "X") { version } b: rejectDossier(code: "X", note: "n") { version } }`, {}),
      status: 400,
      code: 'BAD_USER_INPUT',
      message: /exactly one dossier step; this one has 2/,
    },
  ]

  it.each(cases)('$name → $status $code', async ({ run, status, code, message }) => {
    // Set-up steps inside `run` are counted in `before` by taking it after them: only the refused
    // request itself must change nothing.
    let before: Awaited<ReturnType<typeof counts>> | undefined
    const original = gw.graphql
    gw.graphql = async (...args) => {
      before = await counts()
      return original(...args)
    }
    let res: GraphQLResponse
    try {
      res = await run()
    } finally {
      gw.graphql = original
    }
    expect(res.status).toBe(status)
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code })
    expect(res.body.errors?.[0]?.message).toMatch(message)
    expect(await counts()).toEqual(before)
  })
})
