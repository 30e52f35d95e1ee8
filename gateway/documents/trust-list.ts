/**
 * The trust list signatures are checked against: PEM blocks of certificates and CRLs. A
 * self-issued certificate in the list is a trusted root (an anchor); any other certificate is an
 * intermediate, which helps build chains but is trusted only through a root, so each must chain
 * (by name) to a root of the list. A CRL must be issued by a CA of the list. What a signature
 * brings along in its CMS is never an anchor, whatever it claims.
 */
import * as pkijs from 'pkijs'
import { isSelfIssued, nameText, sameCertificate, sameName } from './certificates.js'
import { PemError, pemBlocks } from './pem.js'

export interface TrustList {
  /** Trusted roots: chains end here. */
  readonly roots: readonly pkijs.Certificate[]
  /** CA certificates that may complete a chain to a root; never anchors themselves. */
  readonly intermediates: readonly pkijs.Certificate[]
  /** Revocation lists, each checked against its issuer's key before it is believed. */
  readonly crls: readonly pkijs.CertificateRevocationList[]
}

export class TrustListError extends Error {
  override readonly name = 'TrustListError'
}

export interface ParseTrustListOptions {
  /** What to call each entry in an error (a file name), by position; else "trust list entry N". */
  sources?: readonly string[]
}

/**
 * Reads PEM text (each string may hold several blocks) into a trust list. Throws a
 * `TrustListError` naming the entry for a malformed block, a block that is neither CERTIFICATE
 * nor X509 CRL, an intermediate that reaches no root, or a CRL from no CA of the list.
 */
export function parseTrustList(pems: readonly string[], options: ParseTrustListOptions = {}): TrustList {
  const certificates: pkijs.Certificate[] = []
  const crls: pkijs.CertificateRevocationList[] = []
  pems.forEach((text, index) => {
    const source = options.sources?.[index] ?? `trust list entry ${index + 1}`
    let blocks: ReturnType<typeof pemBlocks>
    try {
      blocks = pemBlocks(text)
    } catch (error) {
      throw new TrustListError(`${source}: ${error instanceof PemError ? error.message : String(error)}`)
    }
    if (blocks.length === 0) throw new TrustListError(`${source}: holds no PEM block (-----BEGIN CERTIFICATE----- or -----BEGIN X509 CRL-----)`)
    for (const block of blocks) {
      if (block.label === 'CERTIFICATE') {
        const certificate = parseOrThrow(() => pkijs.Certificate.fromBER(block.der), source, 'CERTIFICATE')
        if (!certificates.some((known) => sameCertificate(known, certificate))) certificates.push(certificate)
      } else if (block.label === 'X509 CRL') {
        crls.push(parseOrThrow(() => pkijs.CertificateRevocationList.fromBER(block.der), source, 'X509 CRL'))
      } else {
        throw new TrustListError(`${source}: holds a ${block.label} block; a trust list has only CERTIFICATE and X509 CRL blocks`)
      }
    }
  })
  const roots = certificates.filter(isSelfIssued)
  const intermediates = certificates.filter((certificate) => !isSelfIssued(certificate))
  checkIntermediatesReachRoots(roots, intermediates)
  const cas = [...roots, ...intermediates]
  for (const crl of crls) {
    if (!cas.some((ca) => sameName(ca.subject, crl.issuer))) {
      throw new TrustListError(`the CRL issued by ${nameText(crl.issuer)} names no CA of the trust list: add its CA certificate or remove the CRL`)
    }
  }
  return { roots, intermediates, crls }
}

function parseOrThrow<T>(parse: () => T, source: string, label: string): T {
  try {
    return parse()
  } catch (error) {
    throw new TrustListError(`${source}: the ${label} block does not parse (${error instanceof Error ? error.message : String(error)})`)
  }
}

/** By name only: signatures are checked when a chain is built, where they matter. */
function checkIntermediatesReachRoots(roots: readonly pkijs.Certificate[], intermediates: readonly pkijs.Certificate[]): void {
  const reached = [...roots]
  let pending = [...intermediates]
  for (let progress = true; progress && pending.length > 0; ) {
    const next = pending.filter((certificate) => !reached.some((ca) => sameName(ca.subject, certificate.issuer)))
    progress = next.length < pending.length
    reached.push(...pending.filter((certificate) => !next.includes(certificate)))
    pending = next
  }
  if (pending.length > 0) {
    const lines = pending.map((certificate) => `${nameText(certificate.subject)} (issued by ${nameText(certificate.issuer)})`)
    throw new TrustListError(`intermediates that reach no root of the trust list: ${lines.join('; ')}`)
  }
}

/** An empty trust list: every signature is UNTRUSTED. */
export const emptyTrustList = (): TrustList => ({ roots: [], intermediates: [], crls: [] })
