/**
 * The key file given as a secret reads back exactly what the Node store wrote, sealed or in
 * clear, and refuses what the file store refuses: a wrong passphrase, an altered key, a sealed
 * file without the passphrase. It never writes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createFileKeyStore } from './file-key-store.node.js'
import { ensureKeySet, rotate } from './keyset.js'
import { KeyStoreError } from './key-store.js'
import { createSecretKeyStore } from './secret-key-store.js'
import { parseKeyFile } from './key-file.js'

const root = await mkdtemp(join(tmpdir(), 'lgsp-secret-keys-'))
afterAll(() => rm(root, { recursive: true, force: true }))
const PASSPHRASE = 'một cụm mật khẩu đủ dài cho thử nghiệm'

async function writtenFile(passphrase?: string) {
  const dir = await mkdtemp(join(root, 'data-'))
  const store = createFileKeyStore({ dir, ...(passphrase ? { passphrase } : {}) })
  const set = await ensureKeySet(null, Date.now())
  await store.save(set)
  return { set, text: await readFile(join(dir, 'keys', 'gateway-keys.json'), 'utf8') }
}

describe('key file given as a secret', () => {
  it.each([
    ['sealed with the passphrase', PASSPHRASE],
    ['in clear', undefined],
  ])('reads back the key set the file store wrote, %s', async (_, passphrase) => {
    const { set, text } = await writtenFile(passphrase)
    if (passphrase) expect(text).not.toContain('"d"')
    const loaded = await createSecretKeyStore({ text, ...(passphrase ? { passphrase } : {}) }).load()
    expect(loaded).toEqual(set)
  })

  it.each([
    ['a wrong passphrase', async (text: string) => ({ text, passphrase: `${PASSPHRASE}!` }), /passphrase is wrong|GATEWAY_KEYS_PASSPHRASE is wrong/],
    ['no passphrase for a sealed file', async (text: string) => ({ text }), /is encrypted: set GATEWAY_KEYS_PASSPHRASE/],
    [
      'a private key swapped onto another kid',
      async (text: string) => {
        const file = JSON.parse(text)
        file.keys.push({ ...file.keys[0], kid: 'forged-kid' })
        return { text: JSON.stringify(file), passphrase: PASSPHRASE }
      },
      /forged-kid was altered/,
    ],
    [
      'a sealed part that is not base64url',
      async (text: string) => {
        const file = JSON.parse(text)
        file.check.iv = 'a'
        return { text: JSON.stringify(file), passphrase: PASSPHRASE }
      },
      /sealed part that is not base64url/,
    ],
    [
      'a scrypt cost beyond what an isolate can hold',
      async (text: string) => {
        const file = JSON.parse(text)
        file.kdf = { ...file.kdf, N: 2 ** 16, r: 16 }
        return { text: JSON.stringify(file), passphrase: PASSPHRASE }
      },
      /N·r is over/,
    ],
    ['text that is not the key file', async () => ({ text: '{"keys":[]}', passphrase: PASSPHRASE }), /is not a gateway key file/],
    ['text that is not JSON', async () => ({ text: 'gateway-keys', passphrase: PASSPHRASE }), /is not valid JSON/],
  ])('refuses %s', async (_, make, message) => {
    const { text } = await writtenFile(PASSPHRASE)
    const load = createSecretKeyStore(await make(text)).load()
    await expect(load).rejects.toBeInstanceOf(KeyStoreError)
    await expect(load).rejects.toThrow(message)
  })

  it.each([
    [2 ** 15, 16, true],
    [2 ** 19, 1, true],
    [2 ** 16, 16, false],
    [2 ** 20, 1, false],
  ])('takes scrypt at N %i, r %i: %s (N·r at most 2^19, 64 MiB)', async (N, r, accepted) => {
    const file = JSON.parse((await writtenFile(PASSPHRASE)).text)
    const text = JSON.stringify({ ...file, kdf: { ...file.kdf, N, r } })
    if (accepted) expect(parseKeyFile(text, 'GATEWAY_KEYS').kdf).toMatchObject({ N, r })
    else expect(() => parseKeyFile(text, 'GATEWAY_KEYS')).toThrow(KeyStoreError)
  })

  it('refuses a file in clear when a passphrase is set: the passphrase promises sealed keys', async () => {
    const { text } = await writtenFile()
    const load = createSecretKeyStore({ text, passphrase: PASSPHRASE }).load()
    await expect(load).rejects.toBeInstanceOf(KeyStoreError)
    await expect(load).rejects.toThrow(/holds private keys in clear, but GATEWAY_KEYS_PASSPHRASE is set/)
  })

  it('keeps a prune for the isolate, and refuses a key it does not hold: a rotation replaces the secret', async () => {
    const { set, text } = await writtenFile()
    const store = createSecretKeyStore({ text })
    const rotated = await rotate(set, Date.now(), { maxTokenTtlMs: 60_000, clockSkewMs: 1000 })
    await expect(store.save(rotated)).rejects.toThrow(/read only/)
    expect(await store.load()).toEqual(set)
    const pruned = { ...set, archive: [set.keys[0]!.publicJwk] }
    await store.save(pruned)
    expect(await store.load()).toEqual(pruned)
  })
})
