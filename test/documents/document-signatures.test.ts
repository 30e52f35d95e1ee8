/**
 * Acceptance for the signatures of dossier document parts: PDFs signed under the sandbox PKI's
 * hierarchies and detached CMS signatures, each verdict with its reason, and properties that no
 * single changed byte leaves a signature VALID and no malformed input makes the check throw.
 */
import fc from 'fast-check'
import * as pkijs from 'pkijs'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkDocumentSignature, type DocumentSignature } from '../../gateway/documents/index.js'
import { createSandboxPki, type SandboxPki, type SandboxSigner, signDetachedCms } from '../../gateway/documents/sandbox-pki.js'
import { type SignedPdf, signedPdf, toHex, unsignedPdf } from './signed-pdf.js'

const now = new Date('2026-03-15T03:00:00Z')
const signingTime = new Date('2026-03-14T08:30:00Z')
const RUNS = 50
const detachedContent = new TextEncoder().encode('Don de nghi cap ban sao trich luc khai sinh - mau thu\n')

let pki: SandboxPki
let governmentPdf: SignedPdf
let detached: Uint8Array

beforeAll(async () => {
  pki = await createSandboxPki(now)
  governmentPdf = await signedPdf(pki.signers.government, { signingTime })
  detached = await signDetachedCms(detachedContent, pki.signers.public, { signingTime })
})

const checkPdf = (pdf: Uint8Array) => checkDocumentSignature({ content: pdf, mediaType: 'application/pdf', trust: pki.trust, now })
const flip = (bytes: Uint8Array, at: number, mask: number) => {
  const copy = bytes.slice()
  copy[at]! ^= mask
  return copy
}
/** Where the first SignerInfo's signature value sits inside a CMS's DER. */
function signatureValueSpan(cms: Uint8Array): { start: number; length: number } {
  const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms as Uint8Array<ArrayBuffer>).content })
  const value = signedData.signerInfos[0]!.signature.valueBlock.valueHexView
  const hex = toHex(cms)
  const start = hex.indexOf(toHex(value)) / 2
  expect(Number.isInteger(start) && start > 0 && hex.indexOf(toHex(value), start * 2 + 1) < 0).toBe(true)
  return { start, length: value.length }
}

describe('signed PDFs', () => {
  type Case = [string, () => SandboxSigner, Partial<DocumentSignature>]
  it.each<Case>([
    [
      'signed under the government hierarchy (root, intermediate, signer): VALID',
      () => pki.signers.government,
      { status: 'VALID', signer: 'Nguyễn Văn Thử', issuer: 'Cục Chứng thực số (sandbox) CA', signedAt: signingTime.toISOString() },
    ],
    ['signed under the public CA root: VALID', () => pki.signers.public, { status: 'VALID', signer: 'Trần Thị Mẫu', issuer: 'VN Public CA (sandbox)' }],
    [
      'signed under a CA not in the trust list: UNTRUSTED',
      () => pki.signers.unknown,
      {
        status: 'UNTRUSTED',
        signer: 'Lê Văn Lạ',
        reason: `the signer's certificate chain does not reach a trusted root: it ends at "Unknown CA (sandbox)", a root that is not in the trust list`,
      },
    ],
    [
      'signed after the signer certificate expired: EXPIRED',
      () => pki.signers.expired,
      {
        status: 'EXPIRED',
        signer: 'Phạm Thị Cũ',
        reason: "the signer's certificate expired on 2025-03-15T03:00:00Z, before the signing time 2026-03-14T08:30:00Z",
      },
    ],
    [
      'signed after the signer certificate was revoked (CRL in the trust list): REVOKED',
      () => pki.signers.revoked,
      {
        status: 'REVOKED',
        signer: 'Hoàng Văn Hủy',
        reason: "the signer's certificate was revoked on 2026-02-13T03:00:00Z (key compromise), at or before the signing time 2026-03-14T08:30:00Z",
      },
    ],
  ])('%s', async (_case, signer, expected) => {
    const { pdf } = await signedPdf(signer(), { signingTime })
    const result = await checkPdf(pdf)
    expect(result).toMatchObject(expected)
    if (result.status === 'VALID') expect(result.reason).toBeUndefined()
  })

  it('an unsigned scan: UNSIGNED', async () => {
    expect(await checkPdf(await unsignedPdf())).toEqual({ status: 'UNSIGNED' })
  })

  it('bytes appended after signing: INVALID, naming the byte range', async () => {
    const appended = new Uint8Array([...governmentPdf.pdf, ...new TextEncoder().encode('\n% them mot trang\n')])
    const [, , c, d] = governmentPdf.byteRange
    expect(await checkPdf(appended)).toEqual({
      status: 'INVALID',
      reason: `the PDF was changed after it was signed (the signed byte range ends at ${c + d} of ${appended.length} bytes)`,
    })
  })

  it('a PDF whose CMS is not the signer’s over these bytes (another document signed): INVALID', async () => {
    const { pdf } = await signedPdf(pki.signers.government, {
      signingTime,
      sign: (bytes) => signDetachedCms(flip(bytes, 0, 1), pki.signers.government, { signingTime }),
    })
    expect(await checkPdf(pdf)).toEqual({ status: 'INVALID', reason: "the document's bytes do not match the signed digest (SHA-256)" })
  })

  it('the check of a signed PDF holds whatever the media type parameters say', async () => {
    const result = await checkDocumentSignature({ content: governmentPdf.pdf, mediaType: 'Application/PDF; name=khai-sinh.pdf', trust: pki.trust, now })
    expect(result.status).toBe('VALID')
  })

  it('a PDF under another media type is not looked into: UNSIGNED', async () => {
    expect(await checkDocumentSignature({ content: governmentPdf.pdf, mediaType: 'application/octet-stream', trust: pki.trust, now })).toEqual({
      status: 'UNSIGNED',
    })
  })
})

describe('detached CMS signatures', () => {
  it('over the same bytes: VALID', async () => {
    expect(await checkDocumentSignature({ content: detachedContent, signature: detached, mediaType: 'text/plain', trust: pki.trust, now })).toEqual({
      status: 'VALID',
      signer: 'Trần Thị Mẫu',
      issuer: 'VN Public CA (sandbox)',
      signedAt: signingTime.toISOString(),
    })
  })

  it('over other bytes: INVALID', async () => {
    const other = new TextEncoder().encode('Don de nghi cap ban sao trich luc khai sinh - mau thu 2\n')
    expect(await checkDocumentSignature({ content: other, signature: detached, mediaType: 'text/plain', trust: pki.trust, now })).toEqual({
      status: 'INVALID',
      reason: "the document's bytes do not match the signed digest (SHA-256)",
    })
  })

  it('made with a key other than the certificate’s: INVALID', async () => {
    const impostor = { ...pki.signers.public, privateKey: pki.signers.unknown.privateKey }
    const signature = await signDetachedCms(detachedContent, impostor, { signingTime })
    expect(await checkDocumentSignature({ content: detachedContent, signature, mediaType: 'text/plain', trust: pki.trust, now })).toEqual({
      status: 'INVALID',
      reason: `the signature value does not verify under the signer's certificate ("Trần Thị Mẫu")`,
    })
  })

  it('a detached signature is checked even on a PDF (it is what came with the part)', async () => {
    const pdf = await unsignedPdf()
    const signature = await signDetachedCms(pdf, pki.signers.government, { signingTime })
    expect(await checkDocumentSignature({ content: pdf, signature, mediaType: 'application/pdf', trust: pki.trust, now })).toMatchObject({ status: 'VALID' })
  })
})

describe('no single changed byte leaves a signature VALID', () => {
  it('any byte inside the signed byte ranges of a signed PDF: INVALID, with a reason', async () => {
    const [, b, c, d] = governmentPdf.byteRange
    const signedOffsets = fc.oneof(fc.integer({ min: 0, max: b - 1 }), fc.integer({ min: c, max: c + d - 1 }))
    await fc.assert(
      fc.asyncProperty(signedOffsets, fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const result = await checkPdf(flip(governmentPdf.pdf, at, mask))
        expect(result.status).toBe('INVALID')
        expect(result.reason).toMatch(/\S/)
      }),
      { numRuns: RUNS },
    )
  })

  it('any byte of the CMS signature value inside the PDF: INVALID', async () => {
    const { start, length } = signatureValueSpan(governmentPdf.cms)
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: length - 1 }), fc.integer({ min: 1, max: 255 }), async (index, mask) => {
        const changed = flip(governmentPdf.cms, start + index, mask)
        const pdf = governmentPdf.pdf.slice()
        pdf.set(new TextEncoder().encode(toHex(changed.subarray(start + index, start + index + 1))), governmentPdf.cmsHexOffset + 2 * (start + index))
        const result = await checkPdf(pdf)
        expect(result).toMatchObject({
          status: 'INVALID',
          reason: expect.stringMatching(/^the signature value (does not verify|is not a DER-encoded ECDSA signature)/),
        })
      }),
      { numRuns: RUNS },
    )
  })

  it('any byte of the signature value of a detached CMS (ECDSA): INVALID', async () => {
    const { start, length } = signatureValueSpan(detached)
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: length - 1 }), fc.integer({ min: 1, max: 255 }), async (index, mask) => {
        const signature = flip(detached, start + index, mask)
        const result = await checkDocumentSignature({ content: detachedContent, signature, mediaType: 'text/plain', trust: pki.trust, now })
        expect(result).toMatchObject({
          status: 'INVALID',
          reason: expect.stringMatching(/^the signature value (does not verify|is not a DER-encoded ECDSA signature)/),
        })
      }),
      { numRuns: RUNS },
    )
  })

  it('any byte of a detached-signed content: INVALID', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: detachedContent.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const content = flip(detachedContent, at, mask)
        const result = await checkDocumentSignature({ content, signature: detached, mediaType: 'text/plain', trust: pki.trust, now })
        expect(result).toEqual({ status: 'INVALID', reason: "the document's bytes do not match the signed digest (SHA-256)" })
      }),
      { numRuns: RUNS },
    )
  })
})

describe('malformed input is a verdict, never an exception', () => {
  it.each<[string, () => { content: Uint8Array; signature?: Uint8Array; mediaType: string }, RegExp]>([
    ['garbage signature bytes', () => ({ content: detachedContent, signature: new Uint8Array([0xde, 0xad, 0xbe, 0xef]), mediaType: 'text/plain' }), /CMS/],
    ['an empty signature', () => ({ content: detachedContent, signature: new Uint8Array(0), mediaType: 'text/plain' }), /the signature is empty/],
    [
      'a truncated signed PDF',
      () => ({ content: governmentPdf.pdf.subarray(0, governmentPdf.pdf.length - 100), mediaType: 'application/pdf' }),
      /shorter than what was signed/,
    ],
    ['text sent as application/pdf', () => ({ content: new TextEncoder().encode('Giay khai sinh'), mediaType: 'application/pdf' }), /not a PDF/],
    ['an empty application/pdf', () => ({ content: new Uint8Array(0), mediaType: 'application/pdf' }), /not a PDF/],
  ])('%s: INVALID with a reason', async (_case, input, reason) => {
    expect(await checkDocumentSignature({ ...input(), trust: pki.trust, now })).toEqual({ status: 'INVALID', reason: expect.stringMatching(reason) })
  })

  it('any bytes as a detached signature: INVALID with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (signature) => {
        const result = await checkDocumentSignature({ content: detachedContent, signature, mediaType: 'text/plain', trust: pki.trust, now })
        expect(result).toMatchObject({ status: 'INVALID', reason: expect.stringMatching(/\S/) })
      }),
      { numRuns: RUNS },
    )
  })

  it('a signed PDF cut anywhere: never VALID, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: governmentPdf.pdf.length - 1 }), async (length) => {
        const result = await checkPdf(governmentPdf.pdf.subarray(0, length))
        expect(['INVALID', 'UNSIGNED']).toContain(result.status)
        if (result.status === 'INVALID') expect(result.reason).toMatch(/\S/)
      }),
      { numRuns: RUNS },
    )
  })

  it('any bytes after a PDF header, as application/pdf: INVALID or UNSIGNED, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 400 }),
        fc.constantFrom('', '/ByteRange [0 10 20 5] /Contents <3000>', '/Type /Sig'),
        async (noise, inject) => {
          const content = new Uint8Array([...new TextEncoder().encode(`%PDF-1.7\n${inject}`), ...noise])
          const result = await checkPdf(content)
          expect(['INVALID', 'UNSIGNED']).toContain(result.status)
        },
      ),
      { numRuns: RUNS },
    )
  })
})
