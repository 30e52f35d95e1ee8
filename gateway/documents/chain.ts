/**
 * From the signer's certificate to a trusted root: the chain built through the certificates the
 * CMS carries and the trust list's intermediates (each link's signature checked, each issuer a
 * CA allowed to sign certificates), then every certificate's validity at the signing time, then
 * the trust list's CRLs. The first failure decides the verdict.
 */
import * as asn1js from 'asn1js'
import type * as pkijs from 'pkijs'
import { basicConstraints, certificateLabel, isSelfIssued, keyUsage, sameCertificate, sameName, signedBy, timeText } from './certificates.js'
import type { SignatureVerdict } from './signature-status.js'
import type { TrustList } from './trust-list.js'

export type ChainOutcome = { status: 'VALID'; path: pkijs.Certificate[] } | { status: Exclude<SignatureVerdict, 'VALID' | 'UNSIGNED'>; reason: string }

/** Longer chains than this are not followed: real hierarchies have two or three levels. */
const MAX_DEPTH = 8
/**
 * Candidate issuers examined per chain. The CMS's certificates are the signer's to choose: many
 * under one name and one key would otherwise make the search exponential.
 */
const MAX_CANDIDATES = 64

export async function checkChain(signer: pkijs.Certificate, carried: readonly pkijs.Certificate[], trust: TrustList, signingTime: Date): Promise<ChainOutcome> {
  const built = await buildPath(signer, carried, trust)
  if (!built.path) return { status: 'UNTRUSTED', reason: `the signer's certificate chain does not reach a trusted root: ${built.deadEnd}` }
  const path = built.path
  for (const [index, certificate] of path.entries()) {
    const problem = validityProblem(certificate, index, signingTime)
    if (problem) return { status: 'EXPIRED', reason: problem }
  }
  for (let index = 0; index < path.length - 1; index++) {
    const problem = await revocationProblem(path[index]!, index, path[index + 1]!, trust, signingTime)
    if (problem) return { status: 'REVOKED', reason: problem }
  }
  return { status: 'VALID', path }
}

const role = (certificate: pkijs.Certificate, index: number) =>
  index === 0 ? "the signer's certificate" : `the certificate of CA "${certificateLabel(certificate)}"`

function validityProblem(certificate: pkijs.Certificate, index: number, signingTime: Date): string | undefined {
  const notBefore = certificate.notBefore.value
  const notAfter = certificate.notAfter.value
  if (signingTime.getTime() > notAfter.getTime()) {
    return `${role(certificate, index)} expired on ${timeText(notAfter)}, before the signing time ${timeText(signingTime)}`
  }
  if (signingTime.getTime() < notBefore.getTime()) {
    return `${role(certificate, index)} is valid only from ${timeText(notBefore)}, after the signing time ${timeText(signingTime)}`
  }
  return undefined
}

interface Built {
  path?: pkijs.Certificate[]
  /** Why the longest attempt stopped, for the reason. */
  deadEnd: string
}

async function buildPath(signer: pkijs.Certificate, carried: readonly pkijs.Certificate[], trust: TrustList): Promise<Built> {
  // Trusted roots first: an embedded copy of a root, or a look-alike under the same name, is
  // never preferred to the configured one.
  const pool: pkijs.Certificate[] = []
  for (const certificate of [...trust.roots, ...trust.intermediates, ...carried]) {
    if (!pool.some((known) => sameCertificate(known, certificate))) pool.push(certificate)
  }
  const isAnchor = (certificate: pkijs.Certificate) => trust.roots.some((root) => sameCertificate(root, certificate))
  let deadEnd = { depth: -1, text: '' }
  let examined = 0
  const note = (depth: number, text: string) => {
    if (depth > deadEnd.depth) deadEnd = { depth, text }
  }

  const extend = async (path: pkijs.Certificate[]): Promise<pkijs.Certificate[] | undefined> => {
    const last = path[path.length - 1]!
    if (isAnchor(last)) return path
    if (path.length > MAX_DEPTH) {
      note(path.length, `it is longer than ${MAX_DEPTH} certificates`)
      return undefined
    }
    const candidates = pool.filter((candidate) => sameName(candidate.subject, last.issuer) && !path.some((seen) => sameCertificate(seen, candidate)))
    if (candidates.length === 0) {
      note(
        path.length,
        isSelfIssued(last)
          ? `it ends at "${certificateLabel(last)}", a root that is not in the trust list`
          : `the issuer of "${certificateLabel(last)}" is neither in the signature nor in the trust list`,
      )
      return undefined
    }
    for (const candidate of candidates) {
      if (++examined > MAX_CANDIDATES) {
        note(Number.POSITIVE_INFINITY, `more than ${MAX_CANDIDATES} candidate issuers were examined without reaching one`)
        return undefined
      }
      const problem = await issuerProblem(last, candidate, path.length - 1, isAnchor(candidate))
      if (problem) {
        note(path.length, problem)
        continue
      }
      const found = await extend([...path, candidate])
      if (found) return found
    }
    return undefined
  }

  const path = await extend([signer])
  return path ? { path, deadEnd: '' } : { deadEnd: deadEnd.text }
}

/** Why `issuer` cannot have issued `certificate`, or undefined. `below` counts the CA certificates between them and the signer's. */
async function issuerProblem(certificate: pkijs.Certificate, issuer: pkijs.Certificate, below: number, anchor: boolean): Promise<string | undefined> {
  const name = certificateLabel(issuer)
  if (!(await signedBy(certificate, issuer))) return `the signature on "${certificateLabel(certificate)}" does not verify under the key of "${name}"`
  const constraints = basicConstraints(issuer)
  // A trust anchor is trusted by configuration (RFC 5280 6.1): an old root without
  // basicConstraints still anchors; any other issuer must say it is a CA.
  if (!anchor && !constraints?.ca) return `"${name}" is not a CA certificate, so it cannot issue "${certificateLabel(certificate)}"`
  const usage = keyUsage(issuer)
  if (usage && !usage.has('keyCertSign')) return `"${name}" may not sign certificates (its key usage lacks keyCertSign)`
  if (constraints?.pathLength !== undefined && below > constraints.pathLength) {
    return `"${name}" allows ${constraints.pathLength} CA certificates below it, the chain has ${below}`
  }
  return undefined
}

const REASONS = [
  'unspecified',
  'key compromise',
  'CA compromise',
  'affiliation changed',
  'superseded',
  'cessation of operation',
  'certificate hold',
  'unused',
  'remove from CRL',
  'privilege withdrawn',
  'AA compromise',
]
const REMOVE_FROM_CRL = 8
/**
 * Revocations that hold whatever the signing time says: with the key (or its CA's) compromised,
 * or no reason given, whoever holds the key can write any signingTime — it is the signer's own
 * claim, and no timestamp authority vouches for it. Other reasons (superseded, affiliation
 * changed, cessation of operation …) say the key was sound before the revocation date.
 */
const REVOKED_WHENEVER = new Set([undefined, 0, 1, 2])

async function revocationProblem(
  certificate: pkijs.Certificate,
  index: number,
  issuer: pkijs.Certificate,
  trust: TrustList,
  signingTime: Date,
): Promise<string | undefined> {
  for (const crl of trust.crls) {
    if (!sameName(crl.issuer, issuer.subject)) continue
    // A CRL is believed only under its issuer's key; one that does not verify is ignored.
    let verified = false
    try {
      verified = await crl.verify({ issuerCertificate: issuer })
    } catch {
      verified = false
    }
    if (!verified) continue
    for (const entry of crl.revokedCertificates ?? []) {
      if (!entry.userCertificate.isEqual(certificate.serialNumber)) continue
      const code = reasonCode(entry)
      if (code === REMOVE_FROM_CRL) continue
      const revokedAt = entry.revocationDate.value
      const whenever = REVOKED_WHENEVER.has(code)
      if (!whenever && revokedAt.getTime() > signingTime.getTime()) continue
      const why = code === undefined ? '' : ` (${REASONS[code] ?? `reason ${code}`})`
      return whenever && revokedAt.getTime() > signingTime.getTime()
        ? `${role(certificate, index)} was revoked on ${timeText(revokedAt)}${why}: a compromised key can date a signature as it likes, so the earlier signing time it claims (${timeText(signingTime)}) is not believed`
        : `${role(certificate, index)} was revoked on ${timeText(revokedAt)}${why}, at or before the signing time ${timeText(signingTime)}`
    }
  }
  return undefined
}

function reasonCode(entry: pkijs.RevokedCertificate): number | undefined {
  const parsed = entry.crlEntryExtensions?.extensions.find((extension) => extension.extnID === '2.5.29.21')?.parsedValue
  return parsed instanceof asn1js.Enumerated ? parsed.valueBlock.valueDec : undefined
}
