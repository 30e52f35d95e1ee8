/**
 * A detached CMS SignedData (RFC 5652) over bytes: the first SignerInfo's messageDigest against
 * the content, its signature over the signed attributes under the signer's certificate, then the
 * chain, validity and revocation at the signing time (chain.ts). pkijs parses and verifies; this
 * file decides which check failed and says so.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { SIGNATURE_ALGORITHMS, bytesEqual, certificateLabel, commonName, keyUsage, nameText, subjectKeyIdentifier, timeText } from './certificates.js'
import { checkChain } from './chain.js'
import { pemBlocks } from './pem.js'
import { type DocumentSignature, invalid } from './signature-status.js'
import type { TrustList } from './trust-list.js'

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
}

const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
}

/** Real signatures carry the signer's chain, a handful of certificates; more is refused rather than searched. */
const MAX_CARRIED_CERTIFICATES = 32
/** A signing time this far past the check time is a wrong clock we tolerate, not a claim about the future. */
const CLOCK_SKEW_MS = 5 * 60 * 1000

/**
 * Checks a detached CMS signature (DER, or PEM `PKCS7`/`CMS`) over `content`. Never throws:
 * anything unreadable is INVALID with a reason. `now` is the check time, used as the signing
 * time when the signature has no signingTime attribute.
 */
export async function checkDetachedCms(content: Uint8Array, signature: Uint8Array, trust: TrustList, now: Date = new Date()): Promise<DocumentSignature> {
  try {
    const der = derOf(signature)
    if (typeof der === 'string') return invalid(der)
    const parsed = asn1js.fromBER(der)
    if (parsed.offset === -1) return invalid(`the signature is not DER-encoded CMS (${parsed.result.error || 'unreadable'})`)
    if (parsed.offset !== der.length) return invalid(`${der.length - parsed.offset} bytes follow the CMS structure in the signature`)
    return await checkSignedData(content, parsed.result, trust, now)
  } catch (error) {
    return invalid(`the signature could not be read as CMS SignedData (${error instanceof Error ? error.message : String(error)})`)
  }
}

/** The DER bytes, or why there are none. */
function derOf(signature: Uint8Array): Uint8Array | string {
  if (signature.length === 0) return 'the signature is empty'
  const head = new TextDecoder('latin1').decode(signature.subarray(0, 64)).trimStart()
  if (!head.startsWith('-----BEGIN ')) return signature
  const blocks = pemBlocks(new TextDecoder().decode(signature)).filter((block) => block.label === 'PKCS7' || block.label === 'CMS')
  if (blocks.length !== 1) return 'the PEM signature holds no single PKCS7 or CMS block'
  return blocks[0]!.der
}

async function checkSignedData(content: Uint8Array, schema: asn1js.AsnType, trust: TrustList, now: Date): Promise<DocumentSignature> {
  const contentInfo = new pkijs.ContentInfo({ schema })
  if (contentInfo.contentType !== OID.signedData) return invalid(`the CMS holds content type ${contentInfo.contentType}, not SignedData`)
  const signedData = new pkijs.SignedData({ schema: contentInfo.content })
  const eContentType = signedData.encapContentInfo.eContentType
  if (eContentType === OID.tstInfo) return invalid('the CMS is a timestamp token (TSTInfo), not a document signature; timestamp tokens are not checked')
  if (eContentType !== OID.data) return invalid(`the CMS signs content of type ${eContentType}, not data`)
  const signerInfo = signedData.signerInfos[0]
  if (!signerInfo) return invalid('the CMS has no SignerInfo')
  const digestName = DIGESTS[signerInfo.digestAlgorithm.algorithmId]
  if (!digestName) return invalid(`the digest algorithm ${signerInfo.digestAlgorithm.algorithmId} is not accepted (only SHA-256, SHA-384 and SHA-512)`)

  const carried = (signedData.certificates ?? []).filter((item): item is pkijs.Certificate => item instanceof pkijs.Certificate)
  if (carried.length > MAX_CARRIED_CERTIFICATES) return invalid(`the CMS carries ${carried.length} certificates; at most ${MAX_CARRIED_CERTIFICATES} are read`)
  const signer = await findSigner(signerInfo, carried)
  if (!signer) return invalid("the signature does not carry the signer's certificate")

  // WebCrypto takes BufferSource, which excludes bytes on a SharedArrayBuffer; parts never are.
  const bytes = content as Uint8Array<ArrayBuffer>
  let signed = bytes
  let signingTime: Date | undefined
  if (signerInfo.signedAttrs) {
    const attributes = readSignedAttributes(signerInfo.signedAttrs, eContentType)
    if (typeof attributes === 'string') return invalid(attributes)
    const digest = new Uint8Array(await crypto.subtle.digest(digestName, bytes))
    if (!bytesEqual(digest, attributes.messageDigest)) return invalid(`the document's bytes do not match the signed digest (${digestName})`)
    signed = new Uint8Array(signerInfo.signedAttrs.encodedValue)
    signingTime = attributes.signingTime
  }

  const verified = await verifySignatureValue(signed, signerInfo, signer, digestName)
  if (verified !== true) return invalid(verified)
  const usage = keyUsage(signer)
  if (usage && !usage.has('digitalSignature') && !usage.has('nonRepudiation')) {
    return invalid(`the signer's certificate is not for signatures (its key usage is ${[...usage].join(', ') || 'empty'})`)
  }
  if (signingTime && signingTime.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    return invalid(`the signing time ${timeText(signingTime)} is after the check time ${timeText(now)}`)
  }

  const who: DocumentSignature = { status: 'VALID', signer: commonName(signer.subject) ?? nameText(signer.subject) }
  const issuer = commonName(signer.issuer) ?? nameText(signer.issuer)
  if (issuer) who.issuer = issuer
  if (signingTime) who.signedAt = signingTime.toISOString()
  const chain = await checkChain(signer, carried, trust, signingTime ?? now)
  return chain.status === 'VALID' ? who : { ...who, status: chain.status, reason: chain.reason }
}

async function findSigner(signerInfo: pkijs.SignerInfo, carried: readonly pkijs.Certificate[]): Promise<pkijs.Certificate | undefined> {
  const sid: unknown = signerInfo.sid
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return carried.find((certificate) => certificate.issuer.isEqual(sid.issuer) && certificate.serialNumber.isEqual(sid.serialNumber))
  }
  // subjectKeyIdentifier [0]: the extension's value, else (as RFC 5280 4.2.1.2 suggests) the
  // SHA-1 of the public key, which is what signers compute when the certificate has none.
  const keyId = keyIdOf(sid)
  if (!keyId) return undefined
  for (const certificate of carried) {
    const own =
      subjectKeyIdentifier(certificate) ??
      new Uint8Array(await crypto.subtle.digest('SHA-1', certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView as Uint8Array<ArrayBuffer>))
    if (bytesEqual(own, keyId)) return certificate
  }
  return undefined
}

function keyIdOf(sid: unknown): Uint8Array | undefined {
  if (sid instanceof asn1js.Constructed) {
    const inner = sid.valueBlock.value[0]
    return inner instanceof asn1js.OctetString || inner instanceof asn1js.Primitive ? inner.valueBlock.valueHexView : undefined
  }
  if (sid instanceof asn1js.Primitive) return sid.valueBlock.valueHexView
  return undefined
}

interface SignedAttributes {
  messageDigest: Uint8Array
  signingTime?: Date
}

/** The attributes RFC 5652 5.3 requires when any are signed (contentType, messageDigest), and signingTime. */
function readSignedAttributes(attrs: pkijs.SignedAndUnsignedAttributes, eContentType: string): SignedAttributes | string {
  const only = (type: string) => {
    const found = attrs.attributes.filter((attribute) => attribute.type === type)
    return found.length === 1 && found[0]!.values.length === 1 ? (found[0]!.values[0] as unknown) : found.length === 0 ? undefined : null
  }
  const contentType = only(OID.contentType)
  if (!(contentType instanceof asn1js.ObjectIdentifier)) return 'the signed attributes lack a single contentType'
  if (contentType.valueBlock.toString() !== eContentType)
    return `the signed contentType ${contentType.valueBlock.toString()} differs from the signed content's ${eContentType}`
  const messageDigest = only(OID.messageDigest)
  if (!(messageDigest instanceof asn1js.OctetString)) return 'the signed attributes lack a single messageDigest'
  const time = only(OID.signingTime)
  if (time === null) return 'the signed attributes hold more than one signingTime'
  if (time === undefined) return { messageDigest: messageDigest.valueBlock.valueHexView }
  if (!(time instanceof asn1js.UTCTime || time instanceof asn1js.GeneralizedTime)) return 'the signingTime attribute is not a time'
  const signingTime = time.toDate()
  if (Number.isNaN(signingTime.getTime())) return 'the signingTime attribute is not a valid time'
  return { messageDigest: messageDigest.valueBlock.valueHexView, signingTime }
}

/** true, or why the signature value does not verify. */
async function verifySignatureValue(
  signed: Uint8Array<ArrayBuffer>,
  signerInfo: pkijs.SignerInfo,
  signer: pkijs.Certificate,
  digestName: string,
): Promise<true | string> {
  const algorithm = signerInfo.signatureAlgorithm
  if (!SIGNATURE_ALGORITHMS.has(algorithm.algorithmId))
    return `the signature algorithm ${algorithm.algorithmId} is not accepted (RSA or ECDSA with SHA-256 or longer)`
  // Signers often name only the key type (rsaEncryption, id-ecPublicKey); the hash is then the digest algorithm's.
  const bare = algorithm.algorithmId === OID.rsaEncryption || algorithm.algorithmId === OID.ecPublicKey
  const engine = pkijs.getCrypto(true)
  // An ECDSA value is itself DER (a SEQUENCE of r and s); only the one encoding of r and s is
  // accepted, so no changed byte still verifies.
  if (signer.subjectPublicKeyInfo.algorithm.algorithmId === OID.ecPublicKey && !isDerEcdsaSignature(signerInfo.signature.valueBlock.valueHexView)) {
    return `the signature value is not a DER-encoded ECDSA signature ("${certificateLabel(signer)}")`
  }
  try {
    const ok = bare
      ? await engine.verifyWithPublicKey(signed, signerInfo.signature, signer.subjectPublicKeyInfo, algorithm, digestName)
      : await engine.verifyWithPublicKey(signed, signerInfo.signature, signer.subjectPublicKeyInfo, algorithm)
    return ok ? true : `the signature value does not verify under the signer's certificate ("${certificateLabel(signer)}")`
  } catch (error) {
    return `the signature value does not verify under the signer's certificate ("${certificateLabel(signer)}"): ${error instanceof Error ? error.message : String(error)}`
  }
}

/**
 * Whether an ECDSA signature value is the one DER encoding of r and s: asn1js reads BER and
 * pkijs takes an ENUMERATED for an INTEGER, so a changed tag or length byte would otherwise still
 * verify. asn1js parses; this only insists on the tags, the minimal integers and a byte-exact
 * re-encoding.
 */
function isDerEcdsaSignature(bytes: Uint8Array): boolean {
  const parsed = asn1js.fromBER(bytes)
  if (parsed.offset !== bytes.length) return false
  const sequence = parsed.result
  if (!(sequence instanceof asn1js.Sequence) || !sequence.idBlock.isConstructed || sequence.valueBlock.value.length !== 2) return false
  for (const element of sequence.valueBlock.value) {
    const { idBlock } = element
    if (!(element instanceof asn1js.Integer) || idBlock.tagClass !== 1 || idBlock.tagNumber !== 2 || idBlock.isConstructed) return false
    const value = element.valueBlock.valueHexView
    // Positive, and no leading zero byte beyond the one that keeps the sign bit clear.
    if (value.length === 0 || value[0]! >= 0x80 || (value[0] === 0 && value.length > 1 && value[1]! < 0x80)) return false
  }
  try {
    return bytesEqual(new Uint8Array(sequence.toBER(false)), bytes)
  } catch {
    return false
  }
}
