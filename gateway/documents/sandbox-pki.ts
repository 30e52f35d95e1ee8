/**
 * A synthetic PKI for development and tests: a root standing in for the Government Cipher
 * Committee's with an intermediate under it, a root standing in for a public CA, and an "unknown"
 * root left out of the trust list; signers under any of them, CRLs, and detached CMS signatures
 * made with pkijs. Every name is invented, and every key is made fresh in memory with WebCrypto.
 * Imported by path, never through the folder's index, so the gateway core does not carry it.
 */
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API
// installed before x509 is evaluated; this import must stay first.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { hex } from '../support/index.js'
import { toPem } from './pem.js'
import { parseTrustList, type TrustList } from './trust-list.js'

export type SandboxKey = 'RSA' | 'RSA-PSS' | 'P-256' | 'P-384'
export type SandboxHash = 'SHA-256' | 'SHA-384' | 'SHA-512'

export interface SandboxCa {
  name: string
  certificate: x509.X509Certificate
  privateKey: CryptoKey
  /** This CA's certificate and those above it, up to its root. */
  chain: readonly x509.X509Certificate[]
}

export interface SandboxSigner {
  name: string
  certificate: x509.X509Certificate
  privateKey: CryptoKey
  /** The issuers' certificates, from the signer's CA up to its root. */
  chain: readonly x509.X509Certificate[]
  /** Hex, as a CRL entry names it. */
  serialNumber: string
}

export interface IssueSignerOptions {
  name: string
  ca: SandboxCa
  /** Default: 30 days before the PKI's `now`. */
  notBefore?: Date
  /** Default: a year after the PKI's `now`. */
  notAfter?: Date
  /** Default: P-256. */
  key?: SandboxKey
  /** Default: digitalSignature and nonRepudiation. */
  keyUsage?: x509.KeyUsageFlags
}

export interface RevokedSerial {
  serialNumber: string
  revokedAt: Date
  reason?: x509.X509CrlReason
}

export interface SandboxPki {
  now: Date
  authorities: {
    /** "Ban Cơ yếu Chính phủ (sandbox) Root CA": trusted. */
    governmentRoot: SandboxCa
    /** "Cục Chứng thực số (sandbox) CA", under the government root: an intermediate of the trust list. */
    government: SandboxCa
    /** "VN Public CA (sandbox)": trusted. */
    publicRoot: SandboxCa
    /** Not in the trust list. */
    unknownRoot: SandboxCa
  }
  /** Ready-made signers, one per case the checks tell apart. */
  signers: {
    /** Nguyễn Văn Thử, under the government intermediate (RSA). */
    government: SandboxSigner
    /** Trần Thị Mẫu, under the public root (P-256). */
    public: SandboxSigner
    /** Lê Văn Lạ, under the unknown root. */
    unknown: SandboxSigner
    /** Phạm Thị Cũ, under the government intermediate, expired a year before `now`. */
    expired: SandboxSigner
    /** Hoàng Văn Hủy, under the government intermediate, revoked 30 days before `now` in the intermediate's CRL. */
    revoked: SandboxSigner
  }
  /** The trust list as PEM: the two trusted roots, the intermediate, and the CRLs of the intermediate and of the public root. */
  trustPems: string[]
  trust: TrustList
  issueSigner(options: IssueSignerOptions): Promise<SandboxSigner>
  /** A CRL of `ca` listing `revoked`, as PEM, issued at `thisUpdate` (default: a day before `now`). */
  createCrl(ca: SandboxCa, revoked: readonly RevokedSerial[], thisUpdate?: Date): Promise<string>
}

const DAY = 24 * 60 * 60 * 1000
const YEAR = 365 * DAY

const KEY_ALGORITHMS: Record<SandboxKey, RsaHashedKeyGenParams | EcKeyGenParams> = {
  RSA: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  'RSA-PSS': { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  'P-256': { name: 'ECDSA', namedCurve: 'P-256' },
  'P-384': { name: 'ECDSA', namedCurve: 'P-384' },
}

async function generateKeys(key: SandboxKey): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(KEY_ALGORITHMS[key], true, ['sign', 'verify'])
}

/** How a CA's key signs what it issues. */
function signingAlgorithm(privateKey: CryptoKey): Algorithm | EcdsaParams | RsaPssParams {
  if (privateKey.algorithm.name === 'ECDSA') {
    const curve = (privateKey.algorithm as EcKeyAlgorithm).namedCurve
    return { name: 'ECDSA', hash: curve === 'P-384' ? 'SHA-384' : 'SHA-256' }
  }
  return privateKey.algorithm.name === 'RSA-PSS' ? { name: 'RSA-PSS', saltLength: 32 } : { name: 'RSASSA-PKCS1-v1_5' }
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[0] = (bytes[0]! & 0x7f) | 0x01 // positive, and no leading zero byte to trim
  return hex(bytes)
}

const nameOf = (commonName: string, organization: string): x509.JsonName => [{ C: ['VN'] }, { O: [organization] }, { CN: [commonName] }]

async function createRoot(commonName: string, organization: string, key: SandboxKey, now: Date): Promise<SandboxCa> {
  const keys = await generateKeys(key)
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: nameOf(commonName, organization),
    notBefore: new Date(now.getTime() - 5 * YEAR),
    notAfter: new Date(now.getTime() + 15 * YEAR),
    keys,
    signingAlgorithm: signingAlgorithm(keys.privateKey),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { name: commonName, certificate, privateKey: keys.privateKey, chain: [certificate] }
}

interface IssueOptions {
  ca: SandboxCa
  commonName: string
  organization: string
  notBefore: Date
  notAfter: Date
  key: SandboxKey
  extensions: x509.Extension[]
}

async function issue(options: IssueOptions): Promise<{ certificate: x509.X509Certificate; privateKey: CryptoKey }> {
  const keys = await generateKeys(options.key)
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: nameOf(options.commonName, options.organization),
    issuer: options.ca.certificate.subjectName,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    publicKey: keys.publicKey,
    signingKey: options.ca.privateKey,
    signingAlgorithm: signingAlgorithm(options.ca.privateKey),
    extensions: [
      ...options.extensions,
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(options.ca.certificate.publicKey),
    ],
  })
  return { certificate, privateKey: keys.privateKey }
}

export async function createSandboxPki(now: Date): Promise<SandboxPki> {
  const [governmentRoot, publicRoot, unknownRoot] = await Promise.all([
    createRoot('Ban Cơ yếu Chính phủ (sandbox) Root CA', 'Ban Cơ yếu Chính phủ (sandbox)', 'RSA', now),
    createRoot('VN Public CA (sandbox)', 'VN Public CA (sandbox)', 'P-384', now),
    createRoot('Unknown CA (sandbox)', 'Unknown CA (sandbox)', 'P-256', now),
  ])
  const intermediate = await issue({
    ca: governmentRoot,
    commonName: 'Cục Chứng thực số (sandbox) CA',
    organization: 'Ban Cơ yếu Chính phủ (sandbox)',
    notBefore: new Date(now.getTime() - 3 * YEAR),
    notAfter: new Date(now.getTime() + 7 * YEAR),
    key: 'RSA',
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  })
  const government: SandboxCa = { name: 'Cục Chứng thực số (sandbox) CA', ...intermediate, chain: [intermediate.certificate, governmentRoot.certificate] }

  const issueSigner = async (options: IssueSignerOptions): Promise<SandboxSigner> => {
    const { certificate, privateKey } = await issue({
      ca: options.ca,
      commonName: options.name,
      organization: 'Công dân (sandbox)',
      notBefore: options.notBefore ?? new Date(now.getTime() - 30 * DAY),
      notAfter: options.notAfter ?? new Date(now.getTime() + YEAR),
      key: options.key ?? 'P-256',
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(options.keyUsage ?? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      ],
    })
    return { name: options.name, certificate, privateKey, chain: options.ca.chain, serialNumber: certificate.serialNumber }
  }

  const createCrl = async (ca: SandboxCa, revoked: readonly RevokedSerial[], thisUpdate = new Date(now.getTime() - DAY)): Promise<string> => {
    const crl = await x509.X509CrlGenerator.create({
      issuer: ca.certificate.subjectName,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + 7 * DAY),
      entries: revoked.map((entry) => ({
        serialNumber: entry.serialNumber,
        revocationDate: entry.revokedAt,
        reason: entry.reason ?? x509.X509CrlReason.keyCompromise,
      })),
      signingKey: ca.privateKey,
      signingAlgorithm: signingAlgorithm(ca.privateKey),
    })
    return toPem('X509 CRL', crl.rawData)
  }

  const [governmentSigner, publicSigner, unknownSigner, expired, revoked] = await Promise.all([
    issueSigner({ name: 'Nguyễn Văn Thử', ca: government, key: 'RSA' }),
    issueSigner({ name: 'Trần Thị Mẫu', ca: publicRoot }),
    issueSigner({ name: 'Lê Văn Lạ', ca: unknownRoot }),
    issueSigner({ name: 'Phạm Thị Cũ', ca: government, notBefore: new Date(now.getTime() - 2 * YEAR), notAfter: new Date(now.getTime() - YEAR) }),
    issueSigner({ name: 'Hoàng Văn Hủy', ca: government, notBefore: new Date(now.getTime() - 90 * DAY) }),
  ])
  const crls = await Promise.all([
    createCrl(government, [{ serialNumber: revoked.serialNumber, revokedAt: new Date(now.getTime() - 30 * DAY) }]),
    createCrl(publicRoot, []),
  ])
  const trustPems = [
    toPem('CERTIFICATE', governmentRoot.certificate.rawData),
    toPem('CERTIFICATE', government.certificate.rawData),
    toPem('CERTIFICATE', publicRoot.certificate.rawData),
    ...crls,
  ]
  return {
    now,
    authorities: { governmentRoot, government, publicRoot, unknownRoot },
    signers: { government: governmentSigner, public: publicSigner, unknown: unknownSigner, expired, revoked },
    trustPems,
    trust: parseTrustList(trustPems),
    issueSigner,
    createCrl,
  }
}

export interface SignOptions {
  /** The signingTime signed attribute; left out when null. Default: now. */
  signingTime?: Date | null
  /** Default: SHA-256. */
  hash?: SandboxHash
  /** Embed the issuers' certificates as well as the signer's (default true). */
  includeChain?: boolean
}

/**
 * A DER CMS SignedData over `content`, detached, with signed attributes (contentType,
 * signingTime, messageDigest, in DER order) and the signer's certificate and chain embedded.
 */
export async function signDetachedCms(content: Uint8Array, signer: SandboxSigner, options: SignOptions = {}): Promise<Uint8Array> {
  const hash = options.hash ?? 'SHA-256'
  const signingTime = options.signingTime === undefined ? new Date() : options.signingTime
  const certificate = pkijs.Certificate.fromBER(signer.certificate.rawData)
  const chain = options.includeChain === false ? [] : signer.chain.map((issuer) => pkijs.Certificate.fromBER(issuer.rawData))
  const digest = await crypto.subtle.digest(hash, content as Uint8Array<ArrayBuffer>)
  const attributes = [new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: pkijs.ContentInfo.DATA })] })]
  if (signingTime) {
    const year = signingTime.getUTCFullYear()
    // RFC 5652 11.3: UTCTime from 1950 to 2049, GeneralizedTime outside it.
    const time = year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate: signingTime }) : new asn1js.GeneralizedTime({ valueDate: signingTime })
    attributes.push(new pkijs.Attribute({ type: '1.2.840.113549.1.9.5', values: [time] }))
  }
  attributes.push(new pkijs.Attribute({ type: '1.2.840.113549.1.9.4', values: [new asn1js.OctetString({ valueHex: digest })] }))
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: pkijs.ContentInfo.DATA }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      }),
    ],
    certificates: [certificate, ...chain],
  })
  await signedData.sign(signer.privateKey, 0, hash)
  const contentInfo = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: signedData.toSchema(true) })
  return new Uint8Array(contentInfo.toSchema().toBER(false))
}
