/**
 * Small readings of pkijs certificates the checks share: names as text, the extensions that say
 * what a certificate may do, and byte equality. The parsing itself is pkijs's.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { hex } from '../support/index.js'

const NAME_LABELS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.1': 'UID',
}

function valueText(value: unknown): string {
  if (value instanceof asn1js.BaseStringBlock) return value.getValue()
  return '(not text)'
}

/** The first CN of a name, if it has one. */
export function commonName(name: pkijs.RelativeDistinguishedNames): string | undefined {
  const cn = name.typesAndValues.find((entry) => entry.type === '2.5.4.3')
  return cn ? valueText(cn.value) : undefined
}

/** A name as one line, `CN=…, O=…`, in the order the certificate has it. */
export function nameText(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues.map((entry) => `${NAME_LABELS[entry.type] ?? entry.type}=${valueText(entry.value)}`).join(', ')
}

/** What a message calls a certificate: its CN, else its whole subject. */
export function certificateLabel(certificate: pkijs.Certificate): string {
  return commonName(certificate.subject) ?? nameText(certificate.subject)
}

export const sameName = (a: pkijs.RelativeDistinguishedNames, b: pkijs.RelativeDistinguishedNames): boolean => a.isEqual(b)

export const isSelfIssued = (certificate: pkijs.Certificate): boolean => sameName(certificate.subject, certificate.issuer)

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The same certificate, byte for byte (the signed part and the signature). */
export function sameCertificate(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return bytesEqual(a.tbsView, b.tbsView) && bytesEqual(a.signatureValue.valueBlock.valueHexView, b.signatureValue.valueBlock.valueHexView)
}

export function serialHex(certificate: pkijs.Certificate): string {
  return hex(certificate.serialNumber.valueBlock.valueHexView)
}

function extension(certificate: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return certificate.extensions?.find((entry) => entry.extnID === oid)
}

export interface CaConstraints {
  ca: boolean
  pathLength?: number
}

/** basicConstraints, or undefined when the certificate has none (a version 1 certificate). */
export function basicConstraints(certificate: pkijs.Certificate): CaConstraints | undefined {
  const parsed = extension(certificate, '2.5.29.19')?.parsedValue
  if (!(parsed instanceof pkijs.BasicConstraints)) return undefined
  const length = parsed.pathLenConstraint
  const pathLength = typeof length === 'number' ? length : length instanceof asn1js.Integer ? length.valueBlock.valueDec : undefined
  return pathLength === undefined ? { ca: parsed.cA } : { ca: parsed.cA, pathLength }
}

export type KeyUsage = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign'

const KEY_USAGE_BITS: readonly KeyUsage[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
]

/** The keyUsage bits set, or undefined when the certificate does not restrict its key. */
export function keyUsage(certificate: pkijs.Certificate): Set<KeyUsage> | undefined {
  const parsed = extension(certificate, '2.5.29.15')?.parsedValue
  if (!(parsed instanceof asn1js.BitString)) return undefined
  const bits = parsed.valueBlock.valueHexView
  const set = new Set<KeyUsage>()
  KEY_USAGE_BITS.forEach((usage, bit) => {
    if (((bits[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0) set.add(usage)
  })
  return set
}

/** The subjectKeyIdentifier extension's bytes, if present. */
export function subjectKeyIdentifier(certificate: pkijs.Certificate): Uint8Array | undefined {
  const parsed = extension(certificate, '2.5.29.14')?.parsedValue
  return parsed instanceof asn1js.OctetString ? parsed.valueBlock.valueHexView : undefined
}

/**
 * The signature algorithms a certificate, a CRL or a signer may use: RSA PKCS#1 v1.5 and PSS,
 * ECDSA, with SHA-256 or longer (and the bare key OIDs signers name, the hash then the digest's).
 * SHA-1 is refused wherever it appears, not only as the digest algorithm.
 */
export const SIGNATURE_ALGORITHMS = new Set([
  '1.2.840.113549.1.1.1', // rsaEncryption
  '1.2.840.113549.1.1.10', // RSASSA-PSS
  '1.2.840.113549.1.1.11', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12', // sha384WithRSAEncryption
  '1.2.840.113549.1.1.13', // sha512WithRSAEncryption
  '1.2.840.10045.2.1', // id-ecPublicKey
  '1.2.840.10045.4.3.2', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3', // ecdsa-with-SHA384
  '1.2.840.10045.4.3.4', // ecdsa-with-SHA512
])

/** Whether `issuer`'s key verifies `certificate`'s signature; an unsupported algorithm is a no. */
export async function signedBy(certificate: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  if (!SIGNATURE_ALGORITHMS.has(certificate.signatureAlgorithm.algorithmId)) return false
  try {
    return await certificate.verify(issuer)
  } catch {
    return false
  }
}

/** A time for a message: ISO 8601 to the second. */
export function timeText(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
