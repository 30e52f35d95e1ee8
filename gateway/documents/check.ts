/**
 * The one entry the exchange calls for a document part: a detached signature when the part
 * comes with one, else the signature inside a PDF, else the part is unsigned.
 */
import { checkDetachedCms } from './cms.js'
import { checkPdfSignature } from './pades.js'
import { type DocumentSignature, invalid, unsigned } from './signature-status.js'
import type { TrustList } from './trust-list.js'

export interface DocumentSignatureInput {
  content: Uint8Array
  /** The part's media type; parameters (`; name=…`) and case are ignored. */
  mediaType: string
  /** A detached CMS signature over `content` (DER or PEM), when the part came with one. */
  signature?: Uint8Array
  trust: TrustList
  /** The check time: the signing time when the signature states none. Defaults to now. */
  now?: Date
}

/** Never throws: a malformed signature or document is INVALID with a reason. */
export async function checkDocumentSignature(input: DocumentSignatureInput): Promise<DocumentSignature> {
  const now = input.now ?? new Date()
  try {
    if (input.signature !== undefined) return await checkDetachedCms(input.content, input.signature, input.trust, now)
    if (baseMediaType(input.mediaType) === 'application/pdf') return await checkPdfSignature(input.content, input.trust, now)
    return unsigned()
  } catch (error) {
    return invalid(`the signature could not be checked (${error instanceof Error ? error.message : String(error)})`)
  }
}

export function baseMediaType(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim().toLowerCase()
}
