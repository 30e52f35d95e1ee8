import type { KeyedHash } from '../../policies/index.js'

/** Crockford's base32 without I, L, O, U: what an officer prints and a citizen types back. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const LENGTH = 10
/** The keyed hash is base64url: each character carries 6 bits, of which the low 5 pick a letter. */
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * The secret printed on a dossier's receipt (giấy tiếp nhận), with which anyone holding the
 * receipt may look up its status without logging in: 10 characters (50 bits) derived from the
 * dossier code under the gateway's keyed hash, so nothing is stored and the desk can print it
 * again. Changing HASH_SECRET changes every receipt's secret.
 */
export function receiptSecret(code: string, hash: KeyedHash): string {
  const digest = hash(`dossier-receipt\n${code}`)
  if (digest.length < LENGTH) throw new Error('the keyed hash is too short for a receipt secret')
  let secret = ''
  for (let i = 0; i < LENGTH; i++) {
    const value = BASE64URL.indexOf(digest[i]!)
    if (value < 0) throw new Error('the keyed hash is not base64url')
    secret += ALPHABET[value & 31]
  }
  return secret
}

/** Whether `given` is the receipt secret of `code`: case, spaces and dashes ignored, compared in constant time. */
export function receiptMatches(code: string, given: string, hash: KeyedHash): boolean {
  const typed = given.toUpperCase().replace(/[\s-]/g, '')
  const expected = receiptSecret(code, hash)
  let difference = typed.length ^ expected.length
  for (let i = 0; i < expected.length; i++) difference |= (typed.charCodeAt(i) || 0) ^ expected.charCodeAt(i)
  return difference === 0
}
