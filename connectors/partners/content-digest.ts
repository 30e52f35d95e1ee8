/**
 * `Content-Digest` (RFC 9530) with SHA-256: a Structured Field Dictionary, `sha-256=:<base64>:`.
 * Read by the structured-field rules, so a digest in another form is refused, not guessed at.
 */
import { arrayBufferToBase64, parseDictionary } from 'structured-headers'
import { base64 } from './signature-base.js'
import { webSignatureCrypto, type SignatureCrypto } from './signature-crypto.js'

const sha256 = (body: string | Uint8Array) => crypto.subtle.digest('SHA-256', typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body))

/** The `Content-Digest` header value of a body (UTF-8 text, or bytes). */
export async function contentDigest(body: string | Uint8Array, primitives: SignatureCrypto = webSignatureCrypto): Promise<string> {
  const digest = await primitives.sha256(body)
  // One member, a byte sequence: written directly (the structured-fields serialiser costs more than the hash).
  return `sha-256=:${base64(new Uint8Array(digest))}:`
}

/** Whether `header` declares SHA-256 and it is the body's; false for any other digest or a malformed header. */
export async function digestMatches(header: string | undefined, body: string | Uint8Array): Promise<boolean> {
  const declared = parseDigest(header)
  return declared !== null && declared === arrayBufferToBase64(await sha256(body))
}

/** The base64 SHA-256 a header declares, or null when it declares none (or is malformed). */
export function parseDigest(header: string | undefined): string | null {
  if (!header) return null
  try {
    const member = parseDictionary(header).get('sha-256')
    if (!member || !(member[0] instanceof ArrayBuffer) || member[0].byteLength !== 32) return null
    return arrayBufferToBase64(member[0])
  } catch {
    return null
  }
}
