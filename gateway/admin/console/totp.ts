/**
 * TOTP (RFC 6238 over RFC 4226 HOTP), the console's optional second factor, on WebCrypto HMAC.
 * Secrets are base32 (RFC 4648) as authenticator apps expect them.
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31]
  return out
}

export function base32Decode(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/=+$/, '').replace(/\s/g, '')
  const out: number[] = []
  let bits = 0
  let value = 0
  for (const ch of clean) {
    const index = BASE32.indexOf(ch)
    if (index < 0) throw new TypeError('not base32')
    value = (value << 5) | index
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return new Uint8Array(out)
}

export type TotpHash = 'SHA-1' | 'SHA-256' | 'SHA-512'

/** The code for time step `counter` (RFC 4226 §5.3 dynamic truncation). */
export async function hotp(secret: Uint8Array, counter: number, digits = 6, hash: TotpHash = 'SHA-1'): Promise<string> {
  const key = await crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash }, false, ['sign'])
  const message = new Uint8Array(8)
  // The counter is a 64-bit big-endian integer; time steps fit in 53 bits.
  new DataView(message.buffer).setBigUint64(0, BigInt(counter))
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message))
  const offset = mac[mac.length - 1]! & 0x0f
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!
  return String(binary % 10 ** digits).padStart(digits, '0')
}

export interface TotpOptions {
  digits?: number
  stepS?: number
  hash?: TotpHash
}

export const totp = (secret: Uint8Array, atMs: number, options: TotpOptions = {}) =>
  hotp(secret, Math.floor(atMs / 1000 / (options.stepS ?? 30)), options.digits ?? 6, options.hash ?? 'SHA-1')

/** Accepts the current step and one either side (clock drift, a code typed as it changes). */
export async function verifyTotp(secretBase32: string, code: string, atMs = Date.now()): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false
  const secret = base32Decode(secretBase32)
  for (const drift of [0, -1, 1]) {
    if ((await totp(secret, atMs + drift * 30_000)) === code) return true
  }
  return false
}

export const newTotpSecret = () => base32Encode(crypto.getRandomValues(new Uint8Array(20)))
