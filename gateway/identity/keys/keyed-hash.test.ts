/**
 * The runtime-neutral keyed hash must give exactly the Node entry's hashes: a subject hashed on
 * workerd and on Node is the same subject in the audit trail.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { keyedHashWithSecret } from './keyed-hash.js'
import { createKeyedHash } from './keyed-hash.node.js'

describe('keyed hash without node:crypto', () => {
  const secrets = ['a'.repeat(32), 'bí mật của tỉnh — không chia sẻ 0123456789', '\u0000'.repeat(40)]
  const values = ['', '001200012345', 'Nguyễn Văn A', '😀', 'x'.repeat(10_000), '0'.repeat(64)]
  it.each(secrets)('equals the Node hash for every value under secret %#', async (secret) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lgsp-hash-'))
    try {
      const node = await createKeyedHash({ secret, dataDir, production: true })
      const neutral = keyedHashWithSecret(secret)
      for (const value of values) {
        expect(neutral(value)).toBe(node(value))
        expect(neutral(value)).toMatch(/^[A-Za-z0-9_-]{22}$/)
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('another secret gives other hashes', () => {
    expect(keyedHashWithSecret('a'.repeat(32))('001200012345')).not.toBe(keyedHashWithSecret('b'.repeat(32))('001200012345'))
  })
})
