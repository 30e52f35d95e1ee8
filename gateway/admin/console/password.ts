/**
 * Console passwords: PBKDF2-SHA256 through WebCrypto (the core imports no `node:*`). 600 000
 * iterations is OWASP's 2023 floor for PBKDF2-SHA256; the count is stored with each hash, so it
 * can be raised later without breaking existing accounts.
 */
const ITERATIONS = 600_000
const PREFIX = 'pbkdf2-sha256'

const toB64 = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
const fromB64 = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0))

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, 256)
  return new Uint8Array(bits)
}

/** `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url). */
export async function hashPassword(password: string, iterations = ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  return `${PREFIX}$${iterations}$${toB64(salt)}$${toB64(await derive(password, salt, iterations))}`
}

/** Constant-time comparison of the derived key, so timing tells nothing about a near miss. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [prefix, rounds, salt, hash] = stored.split('$')
  const iterations = Number(rounds)
  if (prefix !== PREFIX || !salt || !hash || !Number.isInteger(iterations) || iterations < 1) return false
  const expected = fromB64(hash)
  const actual = await derive(password, fromB64(salt), iterations)
  let diff = expected.length ^ actual.length
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ (expected[i] ?? 0)
  return diff === 0
}

/** A password for `lgsp admin create-user` when none is given: 20 base64url chars (120 bits). */
export const generatePassword = () => toB64(crypto.getRandomValues(new Uint8Array(15)))
