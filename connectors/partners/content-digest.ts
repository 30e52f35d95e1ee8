/**
 * `Content-Digest` (RFC 9530) with SHA-256: a Structured Field Dictionary, `sha-256=:<base64>:`.
 * Read by the structured-field rules, so a digest in another form is refused, not guessed at.
 */
import { arrayBufferToBase64, parseDictionary, serializeDictionary } from 'structured-headers'

/** The base64 SHA-256 of a body (UTF-8 text, or bytes). */
export async function byteSequenceOf(body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body)
  return arrayBufferToBase64(await crypto.subtle.digest('SHA-256', bytes))
}

/** The header value for a base64 SHA-256. */
export function serializeDigest(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  return serializeDictionary({ 'sha-256': bytes.buffer })
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
