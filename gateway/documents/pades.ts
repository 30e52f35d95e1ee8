/**
 * A signed PDF (PAdES, or the older adbe.pkcs7.detached): the CMS in the last signature
 * dictionary, checked as a detached signature over the byte ranges it names.
 */
import * as asn1js from 'asn1js'
import { checkDetachedCms } from './cms.js'
import { signedParts } from './pdf-byte-range.js'
import { type DocumentSignature, invalid, unsigned } from './signature-status.js'
import type { TrustList } from './trust-list.js'

/** Never throws: a PDF that cannot be read is INVALID with a reason. */
export async function checkPdfSignature(pdf: Uint8Array, trust: TrustList, now: Date = new Date()): Promise<DocumentSignature> {
  try {
    const parts = signedParts(pdf)
    if (parts.kind === 'unsigned') return unsigned()
    if (parts.kind === 'invalid') return invalid(parts.reason)
    // The placeholder is sized before signing, so the CMS is followed by zeros; anything else
    // after it would be bytes outside both the signature and the signed ranges.
    const parsed = asn1js.fromBER(parts.contents)
    if (parsed.offset === -1) return invalid(`the signature dictionary's /Contents is not DER-encoded CMS (${parsed.result.error || 'unreadable'})`)
    const padding = parts.contents.subarray(parsed.offset)
    if (padding.some((byte) => byte !== 0)) return invalid("the signature dictionary's /Contents has bytes other than zero padding after the CMS")
    return await checkDetachedCms(parts.signed, parts.contents.subarray(0, parsed.offset), trust, now)
  } catch (error) {
    return invalid(`the PDF's signature could not be read (${error instanceof Error ? error.message : String(error)})`)
  }
}
