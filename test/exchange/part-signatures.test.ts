/**
 * Document parts enter the exchange with a checked signature: a signed PDF under the province's
 * trust list is VALID with its signer, a scan UNSIGNED, one signed under an unknown CA UNTRUSTED;
 * a detached CMS signature is checked over its content. The status is on the part (schema), in
 * the step's audit event and in the receiving systems' messages; a procedure that requires a
 * signature refuses any other status with SIGNATURE_REQUIRED, storing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Grant } from '../../policies/index.js'
import { createCheckpointSigner, createStepChains } from '../../gateway/audit/index.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { createSandboxPki, signDetachedCms, type SandboxPki } from '../../gateway/documents/sandbox-pki.js'
import { createDatabaseBlobStore, createDossierStore, createOutbox, type BlobStore } from '../../gateway/exchange/index.js'
import { sha256HexOfBytes } from '../../gateway/support/index.js'
import { createTestGateway, type GraphQLResponse, type TestGateway } from '../harness.js'
import { agencyDocument, createTestClient, type TestClient } from '../identity.js'
import { signedPdf, unsignedPdf } from '../documents/signed-pdf.js'
import { fullAccess, testPurposes } from '../policies.js'

const PURPOSE = 'GIAI_QUYET_TTHC'
const OPEN = '1.004227'
const SIGNED_ONLY = '2.000488'
const reads = ['Query.dossier', 'Dossier.*', 'DossierPart.*', 'DocumentSignature.*', 'ProgressEntry.*']
const grant: Grant = {
  id: 'tiep-nhan',
  purposes: [PURPOSE],
  legalBasis: 'Nghị định 118/2025/NĐ-CP',
  allow: [...reads, 'Mutation.submitDossier', 'Mutation.acceptDossier', 'Mutation.transferDossier'],
  plain: ['pin', 'taxCode'],
  require: { caseId: false, endUser: true, signedContext: false },
}
const dept: Grant = { ...grant, id: 'giai-quyet', allow: [...reads, 'Mutation.finishDossier', 'Mutation.addDossierProgress'] }

let db: Database
let gw: TestGateway
let blobs: BlobStore
let pki: SandboxPki
let desk: TestClient
let department: TestClient
let token: string
let counter = 0

const newCode = () => `G09.21-20261204-${String(++counter).padStart(7, '0')}`
const PART = 'name sha256 signature { status signer signedAt reason signaturePath }'
const SUBMIT = `mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { code version parts { ${PART} } } }`

async function submit(procedure: string, parts: Array<Record<string, unknown>>): Promise<GraphQLResponse> {
  return gw.graphql(
    SUBMIT,
    { input: { code: newCode(), procedure, channel: 'ONLINE', applicantPin: '001085000101', parts } },
    { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE, 'x-end-user': 'can-bo-01', 'idempotency-key': `"k-${crypto.randomUUID()}"` },
  )
}

async function upload(bytes: Uint8Array, mediaType = 'application/pdf'): Promise<string> {
  return (await blobs.put(bytes, { mediaType, sha256: await sha256HexOfBytes(bytes) })).sha256
}

beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
  pki = await createSandboxPki(new Date())
  desk = await createTestClient('mot-cua-ky-so', 'mot-cua-ky-so')
  department = await createTestClient('so-ky-so', 'so-ky-so')
  let signerKeys: Parameters<typeof createCheckpointSigner>[0] | undefined
  const chains = createStepChains({ sign: createCheckpointSigner(() => signerKeys!()) })
  blobs = createDatabaseBlobStore(db)
  gw = await createTestGateway({
    auditDb: db,
    policies: (identity) => {
      signerKeys = () => identity.keys.signingKey()
      return {
        agencies: [
          fullAccess(agencyDocument('test-agency', [identity.client])),
          { ...agencyDocument('mot-cua-ky-so', [desk]), grants: [grant] },
          { ...agencyDocument('so-ky-so', [department]), grants: [dept], exchange: { delivery: 'inbox', wire: 'canonical' } },
        ],
        purposes: [...testPurposes, { code: PURPOSE, name: 'Giải quyết thủ tục hành chính', legalBasis: 'Nghị định 118/2025/NĐ-CP' }],
        procedures: [
          { code: OPEN, name: 'Đăng ký biến động đất đai', parts: { maxBytes: 1 << 20, mediaTypes: ['application/pdf', 'image/jpeg'], maxCount: 10 } },
          {
            code: SIGNED_ONLY,
            name: 'Cấp Phiếu lý lịch tư pháp',
            parts: { maxBytes: 1 << 20, mediaTypes: ['application/pdf', 'image/jpeg'], maxCount: 10, requireSignature: true },
          },
        ],
      }
    },
    exchange: { store: createDossierStore(db, { audit: chains }), blobs, outbox: createOutbox(db), trust: () => pki.trust },
  })
  token = await gw.identity.token(desk)
}, 120_000)

afterAll(async () => {
  await gw?.close()
  await db?.close()
})

describe('a part’s signature, checked as it enters', () => {
  it('records VALID with the signer for a PDF signed under the trust list, UNSIGNED for a scan, UNTRUSTED for an unknown CA', async () => {
    const valid = await upload((await signedPdf(pki.signers.government)).pdf)
    const publicCa = await upload((await signedPdf(pki.signers.public, { text: 'Ban sao chung thuc' })).pdf)
    const scan = await upload(await unsignedPdf('Ban scan khong ky'))
    const unknown = await upload((await signedPdf(pki.signers.unknown, { text: 'Ky boi CA la' })).pdf)
    const res = await submit(OPEN, [
      { name: 'Đơn ký số', copyType: 'ORIGINAL', sha256: valid },
      { name: 'Bản sao chứng thực', copyType: 'ELECTRONIC', sha256: publicCa },
      { name: 'Bản chụp', copyType: 'COPY', sha256: scan },
      { name: 'Giấy tờ lạ', copyType: 'COPY', sha256: unknown },
    ])
    expect(res.body.errors).toBeUndefined()
    const parts = res.body.data!.submitDossier.parts
    expect(parts.map((p: { signature: { status: string } }) => p.signature.status)).toEqual(['VALID', 'VALID', 'UNSIGNED', 'UNTRUSTED'])
    expect(parts[0].signature).toMatchObject({ signer: pki.signers.government.name, reason: null })
    expect(Date.parse(parts[0].signature.signedAt)).not.toBeNaN()
    expect(parts[1].signature.signer).toBe(pki.signers.public.name)
    expect(parts[3].signature.reason).toMatch(/trusted root/)

    // The step's audit event keeps what each part's check found, in order.
    const [event] = await db.query<{ body: string }>("select body from audit_events where kind = 'dossier.step' and case_id = $1", [
      res.body.data!.submitDossier.code,
    ])
    expect(JSON.parse(event!.body).detail.signatures).toBe('VALID,VALID,UNSIGNED,UNTRUSTED')
    // And the receiving systems' message carries it: the portal's, in the outbox.
    const [message] = await db.query<{ payload: { parts: Array<{ signature?: { status: string; signer?: string } }> } }>(
      'select payload from exchange_outbox where dossier = $1 limit 1',
      [res.body.data!.submitDossier.code],
    )
    expect(message!.payload.parts.map((p) => p.signature?.status)).toEqual(['VALID', 'VALID', 'UNSIGNED', 'UNTRUSTED'])
    expect(message!.payload.parts[0]!.signature?.signer).toBe(pki.signers.government.name)
    // The reason stays with the parties' reads: the message carries the status, the signer and the time.
    expect(JSON.stringify(message!.payload)).not.toContain('reason')
  })

  it('checks a detached CMS signature over its content, and names a signature over other bytes INVALID', async () => {
    const photo = new TextEncoder().encode('\xff\xd8 anh chan dung (mau thu) \xff\xd9')
    const content = await upload(photo, 'image/jpeg')
    const good = await upload(await signDetachedCms(photo, pki.signers.government), 'application/pkcs7-signature')
    const other = await upload(await signDetachedCms(new TextEncoder().encode('noi dung khac'), pki.signers.government), 'application/pkcs7-signature')
    const res = await submit(OPEN, [
      { name: 'Ảnh', copyType: 'ORIGINAL', sha256: content, signatureSha256: good },
      { name: 'Ảnh (chữ ký khác)', copyType: 'ORIGINAL', sha256: content, signatureSha256: other },
    ])
    expect(res.body.errors).toBeUndefined()
    const [first, second] = res.body.data!.submitDossier.parts
    expect(first.signature).toMatchObject({ status: 'VALID', signer: pki.signers.government.name, signaturePath: `/v1/blobs/${good}` })
    expect(second.signature).toMatchObject({ status: 'INVALID', signaturePath: `/v1/blobs/${other}` })
    expect(second.signature.reason).toMatch(/digest|match/i)
  })

  it('refuses a signature that was never uploaded, naming the part', async () => {
    const content = await upload(await unsignedPdf('Don chua ky'))
    const res = await submit(OPEN, [{ name: 'Đơn', copyType: 'ORIGINAL', sha256: content, signatureSha256: 'e'.repeat(64) }])
    expect(res.status).toBe(400)
    expect(res.body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'SIGNATURE_NOT_UPLOADED' } })
    expect(res.body.errors![0]!.message).toContain('parts[0] (Đơn)')
  })
})

describe('a procedure that requires signed parts', () => {
  it.each([
    ['a scan', async () => upload(await unsignedPdf('Ly lich tu phap - ban scan')), 'UNSIGNED'],
    ['a PDF signed under an unknown CA', async () => upload((await signedPdf(pki.signers.unknown, { text: 'CA la' })).pdf), 'UNTRUSTED'],
    ['a PDF signed with a revoked certificate', async () => upload((await signedPdf(pki.signers.revoked, { text: 'Da thu hoi' })).pdf), 'REVOKED'],
    ['a PDF signed with an expired certificate', async () => upload((await signedPdf(pki.signers.expired, { text: 'Het han' })).pdf), 'EXPIRED'],
  ])('refuses %s with SIGNATURE_REQUIRED (422), stores nothing', async (_name, make, status) => {
    const before = (await db.query<{ n: number }>('select count(*)::int as n from dossiers'))[0]!.n
    const res = await submit(SIGNED_ONLY, [{ name: 'Tờ khai', copyType: 'ORIGINAL', sha256: await make() }])
    expect(res.status).toBe(422)
    expect(res.body.errors![0]).toMatchObject({ extensions: { code: 'SIGNATURE_REQUIRED', reason: `SIGNATURE_${status}` } })
    expect(res.body.errors![0]!.message).toMatch(
      new RegExp(`parts\\[0\\] \\(Tờ khai\\): procedure ${SIGNED_ONLY} requires a valid digital signature.*${status}`),
    )
    expect((await db.query<{ n: number }>('select count(*)::int as n from dossiers'))[0]!.n).toBe(before)
  })

  it('takes a part whose signature is valid', async () => {
    const res = await submit(SIGNED_ONLY, [{ name: 'Tờ khai', copyType: 'ORIGINAL', sha256: await upload((await signedPdf(pki.signers.government)).pdf) }])
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data!.submitDossier.parts[0].signature.status).toBe('VALID')
  })
})
