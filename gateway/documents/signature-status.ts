import type { SignatureStatus } from '../../connectors/index.js'

/**
 * What checking a document part's signature found: the statuses the exchange's message carries
 * (`signatureStatusSchema`, one list). Recorded on the part by the exchange, so it
 * says in words what failed, not a library's error code.
 */
export type SignatureVerdict = SignatureStatus

export interface DocumentSignature {
  status: SignatureVerdict
  /** The signer certificate's subject CN; set once the signature value verified under that certificate. */
  signer?: string
  /** The signer certificate's issuer CN, set with `signer`. */
  issuer?: string
  /** ISO 8601, from the signingTime signed attribute (the signer's own claim, not a timestamp authority's). */
  signedAt?: string
  /** For anything but VALID and UNSIGNED: what failed, in words an engineer understands. */
  reason?: string
}

export const unsigned = (): DocumentSignature => ({ status: 'UNSIGNED' })

export const invalid = (reason: string): DocumentSignature => ({ status: 'INVALID', reason })
