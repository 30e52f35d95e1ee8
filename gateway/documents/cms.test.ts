/**
 * Detached CMS checks against the sandbox PKI: each algorithm the signers use, and each way a
 * signature fails, with the reason it is given.
 */
// @peculiar/x509 needs the Reflect metadata API before it is evaluated.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkDetachedCms } from './cms.js'
import { toPem } from './pem.js'
import { createSandboxPki, type SandboxCa, type SandboxHash, type SandboxKey, type SandboxPki, signDetachedCms } from './sandbox-pki.js'
import { parseTrustList, TrustListError } from './trust-list.js'

const now = new Date('2026-03-15T03:00:00Z')
const DAY = 24 * 60 * 60 * 1000
const yesterday = new Date(now.getTime() - DAY)
const content = new TextEncoder().encode('Tờ khai đăng ký khai sinh (mẫu thử)')
let pki: SandboxPki

beforeAll(async () => {
  pki = await createSandboxPki(now)
})

/** Re-encodes a CMS after `change` edits its SignedData, keeping the signature bytes as they were. */
function edit(der: Uint8Array, change: (signedData: pkijs.SignedData) => void): Uint8Array {
  const info = pkijs.ContentInfo.fromBER(der as Uint8Array<ArrayBuffer>)
  const signedData = new pkijs.SignedData({ schema: info.content })
  change(signedData)
  const out = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: signedData.toSchema(true) })
  return new Uint8Array(out.toSchema().toBER(false))
}

describe('detached CMS: the algorithms signers use', () => {
  it.each<[SandboxKey, SandboxHash]>([
    ['RSA', 'SHA-256'],
    ['RSA', 'SHA-512'],
    ['RSA-PSS', 'SHA-256'],
    ['P-256', 'SHA-256'],
    ['P-256', 'SHA-384'],
    ['P-384', 'SHA-384'],
    ['P-384', 'SHA-512'],
  ])('%s key, %s digest: VALID', async (key, hash) => {
    const signer = await pki.issueSigner({ name: 'Nguyễn Văn Thử', ca: pki.authorities.government, key })
    const signature = await signDetachedCms(content, signer, { signingTime: yesterday, hash })
    expect(await checkDetachedCms(content, signature, pki.trust, now)).toEqual({
      status: 'VALID',
      signer: 'Nguyễn Văn Thử',
      issuer: 'Cục Chứng thực số (sandbox) CA',
      signedAt: yesterday.toISOString(),
    })
  })
})

describe('detached CMS: what decides the verdict', () => {
  it('accepts PEM (-----BEGIN PKCS7-----)', async () => {
    const signature = await signDetachedCms(content, pki.signers.public, { signingTime: yesterday })
    const pem = new TextEncoder().encode(toPem('PKCS7', signature))
    expect(await checkDetachedCms(content, pem, pki.trust, now)).toMatchObject({ status: 'VALID', signer: 'Trần Thị Mẫu' })
  })

  it('without signingTime the check time is the signing time, and no signedAt is given', async () => {
    const signature = await signDetachedCms(content, pki.signers.public, { signingTime: null })
    const result = await checkDetachedCms(content, signature, pki.trust, now)
    expect(result).toEqual({ status: 'VALID', signer: 'Trần Thị Mẫu', issuer: 'VN Public CA (sandbox)' })
    // The expired signer signed "now" by default, so it is EXPIRED whatever the certificate said at issue.
    const late = await signDetachedCms(content, pki.signers.expired, { signingTime: null })
    expect(await checkDetachedCms(content, late, pki.trust, now)).toMatchObject({ status: 'EXPIRED' })
  })

  it('the trust list intermediates complete a chain the signature does not carry', async () => {
    const signature = await signDetachedCms(content, pki.signers.government, { signingTime: yesterday, includeChain: false })
    expect(await checkDetachedCms(content, signature, pki.trust, now)).toMatchObject({ status: 'VALID', signer: 'Nguyễn Văn Thử' })
  })

  it('an expired signer who signed while the certificate was valid is VALID', async () => {
    const signingTime = new Date(now.getTime() - 400 * DAY)
    const signature = await signDetachedCms(content, pki.signers.expired, { signingTime })
    expect(await checkDetachedCms(content, signature, pki.trust, now)).toMatchObject({ status: 'VALID', signedAt: signingTime.toISOString() })
  })

  it('a key revoked as compromised is REVOKED whatever signing time it claims; superseded, only from the revocation on', async () => {
    const before = await signDetachedCms(content, pki.signers.revoked, { signingTime: new Date(now.getTime() - 31 * DAY) })
    expect(await checkDetachedCms(content, before, pki.trust, now)).toMatchObject({
      status: 'REVOKED',
      reason: expect.stringMatching(/\(key compromise\): a compromised key can date a signature as it likes/),
    })
    const replaced = await pki.issueSigner({ name: 'Đinh Văn Đổi', ca: pki.authorities.publicRoot })
    const superseded = await pki.createCrl(pki.authorities.publicRoot, [
      { serialNumber: replaced.serialNumber, revokedAt: new Date(now.getTime() - 10 * DAY), reason: x509.X509CrlReason.superseded },
    ])
    const trust = parseTrustList([...pki.trustPems, superseded])
    const earlier = await signDetachedCms(content, replaced, { signingTime: new Date(now.getTime() - 20 * DAY) })
    expect(await checkDetachedCms(content, earlier, trust, now)).toMatchObject({ status: 'VALID' })
    const later = await signDetachedCms(content, replaced, { signingTime: new Date(now.getTime() - 5 * DAY) })
    expect(await checkDetachedCms(content, later, trust, now)).toMatchObject({ status: 'REVOKED' })
    const at = await signDetachedCms(content, pki.signers.revoked, { signingTime: new Date(now.getTime() - 30 * DAY) })
    expect(await checkDetachedCms(content, at, pki.trust, now)).toMatchObject({
      status: 'REVOKED',
      signer: 'Hoàng Văn Hủy',
      reason: "the signer's certificate was revoked on 2026-02-13T03:00:00Z (key compromise), at or before the signing time 2026-02-13T03:00:00Z",
    })
  })

  it('a CRL that does not verify under its issuer is ignored', async () => {
    const signer = await pki.issueSigner({ name: 'Đỗ Thị Thử', ca: pki.authorities.publicRoot })
    // Signed by the government root's key under the public root's name: a forgery, not a CRL.
    const forged = await pki.createCrl({ ...pki.authorities.publicRoot, privateKey: pki.authorities.governmentRoot.privateKey }, [
      { serialNumber: signer.serialNumber, revokedAt: new Date(now.getTime() - 10 * DAY) },
    ])
    const genuine = await pki.createCrl(pki.authorities.publicRoot, [{ serialNumber: signer.serialNumber, revokedAt: new Date(now.getTime() - 10 * DAY) }])
    const signature = await signDetachedCms(content, signer, { signingTime: yesterday })
    expect(await checkDetachedCms(content, signature, parseTrustList([...pki.trustPems, forged]), now)).toMatchObject({ status: 'VALID' })
    expect(await checkDetachedCms(content, signature, parseTrustList([...pki.trustPems, genuine]), now)).toMatchObject({ status: 'REVOKED' })
  })

  it('a signer not yet valid at the signing time is EXPIRED', async () => {
    const signer = await pki.issueSigner({ name: 'Vũ Văn Sớm', ca: pki.authorities.publicRoot, notBefore: new Date(now.getTime() - DAY / 2) })
    const signature = await signDetachedCms(content, signer, { signingTime: yesterday })
    expect(await checkDetachedCms(content, signature, pki.trust, now)).toMatchObject({
      status: 'EXPIRED',
      reason: expect.stringMatching(/^the signer's certificate is valid only from 2026-03-14T15:00:00Z, after the signing time 2026-03-14T03:00:00Z$/),
    })
  })

  it('a certificate issued by an end-entity certificate does not chain: UNTRUSTED', async () => {
    const leaf = pki.signers.public
    const fakeCa: SandboxCa = { name: leaf.name, certificate: leaf.certificate, privateKey: leaf.privateKey, chain: [leaf.certificate, ...leaf.chain] }
    const signer = await pki.issueSigner({ name: 'Bùi Văn Giả', ca: fakeCa })
    const signature = await signDetachedCms(content, signer, { signingTime: yesterday })
    expect(await checkDetachedCms(content, signature, pki.trust, now)).toMatchObject({
      status: 'UNTRUSTED',
      reason: expect.stringContaining('"Trần Thị Mẫu" is not a CA certificate, so it cannot issue "Bùi Văn Giả"'),
    })
  })

  it('a look-alike hierarchy under the same names does not chain to the trusted root: UNTRUSTED', async () => {
    const other = await createSandboxPki(now)
    const signature = await signDetachedCms(content, other.signers.government, { signingTime: yesterday })
    expect(await checkDetachedCms(content, signature, pki.trust, now)).toMatchObject({
      status: 'UNTRUSTED',
      reason: expect.stringMatching(/does not reach a trusted root: the signature on "Ban Cơ yếu Chính phủ \(sandbox\) Root CA" does not verify/),
    })
  })

  it('many CA certificates under one name and one key do not make the chain search explode: UNTRUSTED', async () => {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
    const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])
    const clones = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        x509.X509CertificateGenerator.createSelfSigned({
          serialNumber: (0x10 + i).toString(16),
          name: 'CN=Unknown CA (sandbox)',
          notBefore: new Date(now.getTime() - 365 * DAY),
          notAfter: new Date(now.getTime() + 365 * DAY),
          keys,
          signingAlgorithm: algorithm,
          extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
        }),
      ),
    )
    const ca: SandboxCa = { name: 'Unknown CA (sandbox)', certificate: clones[0]!, privateKey: keys.privateKey, chain: clones }
    const signer = await pki.issueSigner({ name: 'Mai Văn Vòng', ca })
    const started = performance.now()
    const result = await checkDetachedCms(content, await signDetachedCms(content, signer, { signingTime: yesterday }), pki.trust, now)
    expect(result).toMatchObject({ status: 'UNTRUSTED', reason: expect.stringContaining('more than 64 candidate issuers were examined') })
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('a signer key not meant for signatures is INVALID', async () => {
    const signer = await pki.issueSigner({ name: 'Ngô Thị Khóa', ca: pki.authorities.publicRoot, keyUsage: 4 /* keyEncipherment */ })
    const signature = await signDetachedCms(content, signer, { signingTime: yesterday })
    expect(await checkDetachedCms(content, signature, pki.trust, now)).toEqual({
      status: 'INVALID',
      reason: "the signer's certificate is not for signatures (its key usage is keyEncipherment)",
    })
  })

  it('a signing time in the future (beyond five minutes of clock skew) is INVALID', async () => {
    const skewed = await signDetachedCms(content, pki.signers.public, { signingTime: new Date(now.getTime() + 4 * 60 * 1000) })
    expect(await checkDetachedCms(content, skewed, pki.trust, now)).toMatchObject({ status: 'VALID' })
    const future = await signDetachedCms(content, pki.signers.public, { signingTime: new Date(now.getTime() + DAY) })
    expect(await checkDetachedCms(content, future, pki.trust, now)).toEqual({
      status: 'INVALID',
      reason: 'the signing time 2026-03-16T03:00:00Z is after the check time 2026-03-15T03:00:00Z',
    })
  })

  it('a signing time after 2049 (GeneralizedTime) is read, and a CA expired by then gives EXPIRED', async () => {
    const later = new Date('2050-06-01T00:00:00Z')
    const signer = await pki.issueSigner({ name: 'Lý Văn Xa', ca: pki.authorities.publicRoot, notAfter: new Date('2051-01-01T00:00:00Z') })
    const signature = await signDetachedCms(content, signer, { signingTime: later })
    expect(await checkDetachedCms(content, signature, pki.trust, later)).toMatchObject({
      status: 'EXPIRED',
      signedAt: later.toISOString(),
      reason: 'the certificate of CA "VN Public CA (sandbox)" expired on 2041-03-11T03:00:00Z, before the signing time 2050-06-01T00:00:00Z',
    })
  })

  it.each<[string, (der: Uint8Array) => Uint8Array | Promise<Uint8Array>, RegExp]>([
    ['no signer certificate carried', (der) => edit(der, (signedData) => (signedData.certificates = [])), /does not carry the signer's certificate/],
    [
      'another content type signed',
      (der) => edit(der, (signedData) => (signedData.encapContentInfo.eContentType = '1.2.840.113549.1.9.16.1.4')),
      /timestamp token \(TSTInfo\), not a document signature/,
    ],
    ['no SignerInfo', (der) => edit(der, (signedData) => (signedData.signerInfos = [])), /the CMS has no SignerInfo/],
    ['trailing bytes', (der) => new Uint8Array([...der, 0]), /1 bytes follow the CMS structure/],
    ['not CMS at all', () => new TextEncoder().encode('not a signature'), /is not DER-encoded CMS|could not be read/],
    ['empty', () => new Uint8Array(0), /the signature is empty/],
    ['a PEM certificate instead of a signature', () => new TextEncoder().encode(pki.trustPems[0]!), /no single PKCS7 or CMS block/],
  ])('%s: INVALID', async (_case, damage, reason) => {
    const signature = await damage(await signDetachedCms(content, pki.signers.public, { signingTime: yesterday }))
    expect(await checkDetachedCms(content, signature, pki.trust, now)).toEqual({ status: 'INVALID', reason: expect.stringMatching(reason) })
  })

  it.each<[string, (value: Uint8Array) => number, number]>([
    ['the SEQUENCE tag made primitive', () => 0, 0x20],
    ['the SEQUENCE length', () => 1, 0x02],
    ['the first INTEGER tag made ENUMERATED', () => 2, 0x08],
    ['the second INTEGER tag made ENUMERATED', (value) => 4 + value[3]!, 0x08],
  ])('an ECDSA value read leniently would still verify with %s changed: INVALID', async (_case, at, mask) => {
    const signature = await signDetachedCms(content, pki.signers.public, { signingTime: yesterday })
    const value = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(signature as Uint8Array<ArrayBuffer>).content }).signerInfos[0]!.signature.valueBlock
      .valueHexView
    const changed = value.slice()
    changed[at(value)]! ^= mask
    const damaged = edit(signature, (signedData) => (signedData.signerInfos[0]!.signature = new asn1js.OctetString({ valueHex: changed })))
    expect(await checkDetachedCms(content, damaged, pki.trust, now)).toEqual({
      status: 'INVALID',
      reason: 'the signature value is not a DER-encoded ECDSA signature ("Trần Thị Mẫu")',
    })
  })

  it('a SHA-1 digest is refused', async () => {
    const signature = await signDetachedCms(content, pki.signers.public, { signingTime: yesterday, hash: 'SHA-1' as SandboxHash })
    expect(await checkDetachedCms(content, signature, pki.trust, now)).toEqual({
      status: 'INVALID',
      reason: 'the digest algorithm 1.3.14.3.2.26 is not accepted (only SHA-256, SHA-384 and SHA-512)',
    })
  })
})

describe('the trust list from the sandbox PKI', () => {
  it('takes self-issued certificates as roots and the rest as intermediates', () => {
    const names = (list: readonly pkijs.Certificate[]) => list.map((certificate) => certificate.subject.typesAndValues.at(-1)?.value.valueBlock.value)
    expect(names(pki.trust.roots)).toEqual(['Ban Cơ yếu Chính phủ (sandbox) Root CA', 'VN Public CA (sandbox)'])
    expect(names(pki.trust.intermediates)).toEqual(['Cục Chứng thực số (sandbox) CA'])
    expect(pki.trust.crls).toHaveLength(2)
  })

  it('refuses an intermediate without its root, and a CRL of a CA it does not hold', () => {
    const [governmentRoot, intermediate, publicRoot, governmentCrl] = pki.trustPems
    expect(() => parseTrustList([intermediate!, publicRoot!])).toThrow(TrustListError)
    expect(() => parseTrustList([intermediate!, publicRoot!])).toThrow(
      /intermediates that reach no root of the trust list: C=VN, O=Ban Cơ yếu Chính phủ \(sandbox\), CN=Cục Chứng thực số/,
    )
    expect(() => parseTrustList([governmentRoot!, governmentCrl!])).toThrow(
      /the CRL issued by .*Cục Chứng thực số \(sandbox\) CA names no CA of the trust list/,
    )
  })

  it('keeps one copy of a certificate listed twice', () => {
    expect(parseTrustList([...pki.trustPems, pki.trustPems[0]!]).roots).toHaveLength(2)
  })
})
