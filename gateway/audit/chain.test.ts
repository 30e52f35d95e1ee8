/**
 * The chain hash against its documented formula, computed here independently with node:crypto:
 *   hash(n) = SHA-256("lgsp-audit-v1" LF writer LF seq LF prevHash LF body), lower-case hex.
 * A test that hashes and verifies with the same function cannot see a field left out of both.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../support/index.js'
import { GENESIS_HASH, linkBatch, linkHash } from './chain.js'

const documented = (writer: string, seq: number, prevHash: string, body: string) =>
  createHash('sha256').update(`lgsp-audit-v1\n${writer}\n${seq}\n${prevHash}\n${body}`, 'utf8').digest('hex')

describe('audit chain: known answers', () => {
  it('the empty string, and a Vietnamese one, hash as SHA-256 does (UTF-8, lower-case hex)', async () => {
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(await sha256Hex('Hà Nội')).toBe(createHash('sha256').update('Hà Nội', 'utf8').digest('hex'))
    expect(await sha256Hex('\u0000\u00ff')).toMatch(/^[0-9a-f]{64}$/)
  })

  it.each<[string, string, number, string, string]>([
    ['the first link of a chain', 'gw-1/abc', 1, GENESIS_HASH, '{"kind":"access.graphql"}'],
    ['a later link', 'cli/run-7', 42, 'a'.repeat(64), '{"agency":"thue-ha-noi","decision":"granted"}'],
    ['a body with Vietnamese text', 'gw-2/xyz', 7, 'f'.repeat(64), '{"actor":"Nguyễn Văn Á"}'],
  ])('%s: the documented formula', async (_case, writer, seq, prevHash, body) => {
    const expected = documented(writer, seq, prevHash, body)
    expect(await linkHash(writer, seq, prevHash, body)).toBe(expected)
    // The synchronous hash a Node entry passes gives the same.
    expect(await linkHash(writer, seq, prevHash, body, (text) => createHash('sha256').update(text, 'utf8').digest('hex'))).toBe(expected)
  })

  it.each<[string, [string, number, string, string]]>([
    ['another writer', ['gw-9/abc', 1, GENESIS_HASH, '{}']],
    ['another sequence number', ['gw-1/abc', 2, GENESIS_HASH, '{}']],
    ['another previous hash', ['gw-1/abc', 1, '1'.repeat(64), '{}']],
    ['another body', ['gw-1/abc', 1, GENESIS_HASH, '{ }']],
    ['a field moved across the separator', ['gw-1/ab', 1, GENESIS_HASH, '{}']],
  ])('%s changes the hash', async (_case, changed) => {
    const base = await linkHash('gw-1/abc', 1, GENESIS_HASH, '{}')
    expect(await linkHash(...changed)).not.toBe(base)
  })

  it('a batch links each body to the one before, numbering from the head', async () => {
    const head = { seq: 10, hash: 'b'.repeat(64) }
    const bodies = ['{"n":1}', '{"n":2}', '{"n":3}']
    const links = await linkBatch('gw-1/abc', head, bodies)
    const h11 = documented('gw-1/abc', 11, head.hash, bodies[0]!)
    const h12 = documented('gw-1/abc', 12, h11, bodies[1]!)
    const h13 = documented('gw-1/abc', 13, h12, bodies[2]!)
    expect(links).toEqual([
      { seq: 11, prevHash: head.hash, hash: h11 },
      { seq: 12, prevHash: h11, hash: h12 },
      { seq: 13, prevHash: h12, hash: h13 },
    ])
    expect(await linkBatch('gw-1/abc', head, [])).toEqual([])
  })

  it('the genesis hash is 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64))
  })
})
