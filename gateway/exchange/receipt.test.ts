import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { receiptMatches, receiptSecret } from './receipt.js'

const keyed = (secret: string) => (value: string) => createHmac('sha256', secret).update(value).digest('base64url').slice(0, 22)
const hash = keyed('a hash secret of thirty-two characters')

describe('receipt secrets', () => {
  it('are ten characters an officer can print and a citizen can type, the same every time for one dossier', () => {
    const secret = receiptSecret('G09.20-20261204-0000001', hash)
    expect(secret).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/)
    expect(receiptSecret('G09.20-20261204-0000001', hash)).toBe(secret)
  })

  it('differ between dossiers and under another HASH_SECRET', () => {
    const secrets = new Set(Array.from({ length: 2000 }, (_, i) => receiptSecret(`G09.20-20261204-${String(i).padStart(7, '0')}`, hash)))
    expect(secrets.size).toBe(2000)
    expect(receiptSecret('G09.20-20261204-0000001', keyed('another secret of thirty-two chars!'))).not.toBe(receiptSecret('G09.20-20261204-0000001', hash))
  })

  it('use every letter of the alphabet about evenly (5 bits a character)', () => {
    const counts = new Map<string, number>()
    for (let i = 0; i < 3000; i++) for (const c of receiptSecret(`X-${i}`, hash)) counts.set(c, (counts.get(c) ?? 0) + 1)
    expect(counts.size).toBe(32)
    // 30,000 characters over 32 letters: about 940 each; far from it would mean lost bits.
    for (const count of counts.values()) expect(count).toBeGreaterThan(700)
  })

  it.each([
    ['the secret as printed', (s: string) => s, true],
    ['in lower case, with spaces and dashes', (s: string) => `${s.slice(0, 5).toLowerCase()} - ${s.slice(5)}`, true],
    ['one character wrong', (s: string) => `${s.slice(0, 9)}${s[9] === '0' ? '1' : '0'}`, false],
    ['one character short', (s: string) => s.slice(0, 9), false],
    ['one character more', (s: string) => `${s}0`, false],
    ['empty', () => '', false],
  ])('matches %s: %s', (_case, typed, expected) => {
    const code = 'G09.20-20261204-0000007'
    expect(receiptMatches(code, typed(receiptSecret(code, hash)), hash)).toBe(expected)
  })
})
