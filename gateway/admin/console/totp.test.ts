import { describe, expect, it } from 'vitest'
import { base32Decode, base32Encode, totp, verifyTotp } from './totp.js'
import { hashPassword, verifyPassword } from './password.js'

// RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to the hash's length.
const seed = (length: number) => new TextEncoder().encode('1234567890'.repeat(7).slice(0, length))
const vectors: Array<[number, string, string, string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
]

describe('TOTP (RFC 6238)', () => {
  it.each(vectors)('at %i s gives the RFC test vectors for SHA-1, SHA-256, SHA-512', async (time, sha1, sha256, sha512) => {
    expect(await totp(seed(20), time * 1000, { digits: 8, hash: 'SHA-1' })).toBe(sha1)
    expect(await totp(seed(32), time * 1000, { digits: 8, hash: 'SHA-256' })).toBe(sha256)
    expect(await totp(seed(64), time * 1000, { digits: 8, hash: 'SHA-512' })).toBe(sha512)
  })

  it('round-trips base32 and accepts one step of drift only', async () => {
    const secret = base32Encode(seed(20))
    expect(base32Decode(secret)).toEqual(seed(20))
    const now = 1_700_000_000_000
    const code = await totp(seed(20), now)
    expect(await verifyTotp(secret, code, now + 30_000)).toBe(true)
    expect(await verifyTotp(secret, code, now + 95_000)).toBe(false)
    expect(await verifyTotp(secret, 'abcdef', now)).toBe(false)
  })
})

describe('console passwords', () => {
  it('verifies the right password only (few iterations: the count is stored in the hash)', async () => {
    const stored = await hashPassword('đúng mật khẩu', 1000)
    expect(stored).toMatch(/^pbkdf2-sha256\$1000\$/)
    expect(await verifyPassword('đúng mật khẩu', stored)).toBe(true)
    expect(await verifyPassword('sai', stored)).toBe(false)
    expect(await verifyPassword('x', 'garbage')).toBe(false)
  })
})
