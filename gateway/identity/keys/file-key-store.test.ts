import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGatewayKeys, type GatewayKeys } from './index.js'
import { createFileKeyStore } from './file-key-store.node.js'

const root = await mkdtemp(join(tmpdir(), 'lgsp-keys-'))
let dir: string
let counter = 0
const opened: GatewayKeys[] = []

function keysIn(dataDir: string, passphrase?: string): GatewayKeys {
  const keys = createGatewayKeys({ store: createFileKeyStore({ dir: dataDir, ...(passphrase ? { passphrase } : {}) }), refreshMs: 0 })
  opened.push(keys)
  return keys
}
const keyFile = () => join(dir, 'keys', 'gateway-keys.json')
const readJson = async () => JSON.parse(await readFile(keyFile(), 'utf8'))

beforeEach(() => {
  dir = join(root, `data-${++counter}`)
})
afterEach(() => {
  for (const keys of opened.splice(0)) keys.close()
})
afterAll(() => rm(root, { recursive: true, force: true }))

describe('file key store', () => {
  it('keeps the keys across a restart', async () => {
    const first = keysIn(dir)
    await first.init()
    const kid = first.signingKey().kid
    first.close()
    const second = keysIn(dir)
    await second.init()
    expect(second.signingKey().kid).toBe(kid)
    expect(second.jwks()).toEqual(first.jwks())
  })

  it('writes the file 0600 in a 0700 directory, marked as protected by permissions only, with no temp file left', async () => {
    await keysIn(dir).init()
    expect((await stat(keyFile())).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'keys'))).mode & 0o777).toBe(0o700)
    expect(await readdir(join(dir, 'keys'))).toEqual(['gateway-keys.json'])
    const file = await readJson()
    expect(file).toMatchObject({ format: 'lgsp-gateway-keys', version: 1, protection: 'file-permissions' })
    expect(typeof file.keys[0].privateJwk.d).toBe('string')
  })

  it('refuses a plaintext key file that others can read', async () => {
    await keysIn(dir).init()
    await chmod(keyFile(), 0o644)
    await expect(keysIn(dir).init()).rejects.toThrow(/readable by others: chmod 600/)
  })

  it('with a passphrase, stores no private member in clear and reads it back', async () => {
    const first = keysIn(dir, 'correct horse battery staple')
    await first.init()
    const text = await readFile(keyFile(), 'utf8')
    const file = JSON.parse(text)
    expect(file.protection).toBe('passphrase')
    expect(text).not.toContain('"d"')
    expect(file.keys[0].privateJwk).toBeUndefined()
    const store = createFileKeyStore({ dir, passphrase: 'correct horse battery staple' })
    expect(store.protection).toBe('passphrase')
    const loaded = (await store.load())!
    expect(text).not.toContain(String(loaded.keys[0]!.privateJwk.d))
    expect(loaded.keys[0]!.kid).toBe(first.signingKey().kid)
  })

  it.each([
    ['a wrong passphrase', 'not the passphrase', /GATEWAY_KEYS_PASSPHRASE is wrong/],
    ['no passphrase', undefined, /is encrypted: set GATEWAY_KEYS_PASSPHRASE/],
  ])('fails with %s and leaves the file untouched', async (_label, passphrase, message) => {
    await keysIn(dir, 'the passphrase').init()
    const before = await readFile(keyFile(), 'utf8')
    await expect(keysIn(dir, passphrase).init()).rejects.toThrow(message)
    expect(await readFile(keyFile(), 'utf8')).toBe(before)
  })

  it('detects a tampered ciphertext, and a sealed key moved onto another kid', async () => {
    const keys = keysIn(dir, 'pass')
    await keys.init()
    await keys.rotate()
    const file = await readJson()
    const data: string = file.keys[0].sealedPrivateJwk.data
    const tampered = structuredClone(file)
    tampered.keys[0].sealedPrivateJwk.data = (data[0] === 'A' ? 'B' : 'A') + data.slice(1)
    await writeFile(keyFile(), JSON.stringify(tampered), { mode: 0o600 })
    await expect(createFileKeyStore({ dir, passphrase: 'pass' }).load()).rejects.toThrow(/private part of key .* was altered/)
    const swapped = structuredClone(file)
    swapped.keys[0].sealedPrivateJwk = file.keys[1].sealedPrivateJwk
    await writeFile(keyFile(), JSON.stringify(swapped), { mode: 0o600 })
    await expect(createFileKeyStore({ dir, passphrase: 'pass' }).load()).rejects.toThrow(/was altered/)
  })

  it.each([
    ['not JSON', '{"format": "lgsp-gateway-keys", "keys": [', /is not valid JSON/],
    ['not a key file', '{"hello": "world"}', /is not a gateway key file/],
    [
      'a broken key',
      JSON.stringify({ format: 'lgsp-gateway-keys', version: 1, protection: 'file-permissions', keys: [{ kid: 'x' }] }),
      /Invalid gateway key set/,
    ],
  ])('fails on a file that is %s and never overwrites it', async (_label, content, message) => {
    await keysIn(dir).init()
    await writeFile(keyFile(), content, { mode: 0o600 })
    await expect(keysIn(dir).init()).rejects.toThrow(message)
    await expect(keysIn(dir).rotate()).rejects.toThrow(message)
    expect(await readFile(keyFile(), 'utf8')).toBe(content)
  })

  it('encrypts a plaintext file once a passphrase is configured', async () => {
    const plain = keysIn(dir)
    await plain.init()
    const protectedKeys = keysIn(dir, 'new passphrase')
    await protectedKeys.init()
    expect(protectedKeys.signingKey().kid).toBe(plain.signingKey().kid)
    const text = await readFile(keyFile(), 'utf8')
    expect(JSON.parse(text).protection).toBe('passphrase')
    expect(text).not.toContain('"d"')
  })

  it('two instances on one directory: a rotation on one is visible on the other after refresh()', async () => {
    const a = keysIn(dir, 'shared')
    const b = keysIn(dir, 'shared')
    await a.init()
    await b.init()
    const oldKid = b.signingKey().kid
    const revision = await createFileKeyStore({ dir }).revision()
    const { kid, retiring } = await a.rotate()
    expect(retiring).toBe(oldKid)
    expect(await createFileKeyStore({ dir }).revision()).not.toBe(revision)
    expect(b.jwks().keys.map((k) => k.kid)).toEqual([oldKid])
    expect(await b.refresh()).toBe(true)
    expect(b.jwks().keys.map((k) => k.kid)).toEqual([oldKid, kid])
    expect(b.signingKey().kid).toBe(kid)
  })
})
