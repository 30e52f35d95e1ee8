import { jwtVerify, SignJWT } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createGatewayKeys, createMemoryKeyStore, type GatewayKeys, type GatewayKeysOptions, type KeyStore } from './index.js'

const t0 = Date.UTC(2026, 10, 22, 9, 0, 0)
const opened: GatewayKeys[] = []

function keysOn(store: KeyStore, clock: { now: number }, extra: Partial<GatewayKeysOptions> = {}): GatewayKeys {
  const keys = createGatewayKeys({ store, now: () => clock.now, refreshMs: 0, ...extra })
  opened.push(keys)
  return keys
}

async function sign(keys: GatewayKeys, at: number): Promise<string> {
  const { kid, privateKey } = keys.signingKey()
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuedAt(Math.floor(at / 1000))
    .setExpirationTime(Math.floor(at / 1000) + 300)
    .sign(privateKey)
}

const verifyAt = (keys: GatewayKeys, token: string, at: number) =>
  jwtVerify(token, keys.verificationKeySet(), { algorithms: ['ES256'], currentDate: new Date(at), clockTolerance: 30 })

afterEach(() => {
  for (const keys of opened.splice(0)) keys.close()
})

describe('createGatewayKeys', () => {
  it('creates and saves the first key, and a second instance loads the same one', async () => {
    const store = createMemoryKeyStore()
    const clock = { now: t0 }
    const a = keysOn(store, clock)
    await a.init()
    expect((await store.load())?.keys.map((k) => k.kid)).toEqual([a.signingKey().kid])
    const b = keysOn(store, clock)
    await b.init()
    expect(b.signingKey().kid).toBe(a.signingKey().kid)
    await expect(verifyAt(b, await sign(a, t0), t0)).resolves.toBeTruthy()
  })

  it('imports the private key once per kid, not extractable, and never publishes private members', async () => {
    const keys = keysOn(createMemoryKeyStore(), { now: t0 })
    await keys.init()
    const first = keys.signingKey()
    expect(keys.signingKey().privateKey).toBe(first.privateKey)
    expect(first.privateKey.extractable).toBe(false)
    expect(first.privateKey.type).toBe('private')
    expect(JSON.stringify(keys.jwks())).not.toContain('"d"')
    expect(keys.jwks().keys).toHaveLength(1)
  })

  it('rotate switches the signer at once and keeps the old key verifying through the overlap', async () => {
    const store = createMemoryKeyStore()
    const clock = { now: t0 }
    const keys = keysOn(store, clock, { refreshMs: 2000 })
    await keys.init()
    const oldKid = keys.signingKey().kid
    const oldToken = await sign(keys, clock.now)
    const { kid, retiring } = await keys.rotate()
    expect(retiring).toBe(oldKid)
    expect(keys.signingKey().kid).toBe(kid)
    expect(kid).not.toBe(oldKid)
    expect(keys.jwks().keys.map((k) => k.kid)).toEqual([oldKid, kid])
    await expect(verifyAt(keys, oldToken, t0 + 200_000)).resolves.toBeTruthy()
    // The overlap is token lifetime + clock skew + one refresh interval (instances still signing with the old key).
    const stored = (await store.load())!.keys.find((k) => k.kid === oldKid)!
    expect(stored.retireAfter).toBe(t0 + 300_000 + 30_000 + 2000)

    clock.now = stored.retireAfter!
    expect(keys.jwks().keys.map((k) => k.kid)).toEqual([kid])
    expect(await keys.refresh()).toBe(true)
    expect((await store.load())!.keys.map((k) => k.kid)).toEqual([kid])
    expect(await keys.refresh()).toBe(false)
  })

  it('another instance sees a rotation after refresh(), and at once for a token naming the new kid', async () => {
    const store = createMemoryKeyStore()
    const clock = { now: t0 }
    const server = keysOn(store, clock)
    await server.init()
    const cli = keysOn(store, clock)
    expect(await server.refresh()).toBe(false)
    const { kid } = await cli.rotate()

    const other = keysOn(store, clock)
    await other.init()
    const fresh = await sign(other, clock.now)
    // `server` has not refreshed yet: the unknown kid makes it re-read the store once.
    await expect(verifyAt(server, fresh, clock.now)).resolves.toBeTruthy()
    expect(server.signingKey().kid).toBe(kid)
    expect(await server.refresh()).toBe(false)
  })

  it('refreshes on its own every refreshMs', async () => {
    const store = createMemoryKeyStore()
    const clock = { now: t0 }
    const server = keysOn(store, clock, { refreshMs: 10 })
    await server.init()
    const { kid } = await keysOn(store, clock).rotate()
    await vi.waitFor(() => expect(server.jwks().keys.map((k) => k.kid)).toContain(kid), { timeout: 2000 })
    expect(server.signingKey().kid).toBe(kid)
  })

  it('rotate without init (the CLI) creates the first key on an empty store', async () => {
    const store = createMemoryKeyStore()
    const result = await keysOn(store, { now: t0 }).rotate()
    expect(result.retiring).toBeNull()
    expect((await store.load())!.keys.map((k) => k.kid)).toEqual([result.kid])
  })

  it('fails init when the store cannot be read, and never saves a new key over it', async () => {
    const save = vi.fn(async () => {})
    const broken: KeyStore = { load: async () => Promise.reject(new Error('corrupt')), save, revision: async () => '1' }
    await expect(keysOn(broken, { now: t0 }).init()).rejects.toThrow('corrupt')
    expect(save).not.toHaveBeenCalled()
  })

  it('a failed background refresh keeps the last good keys', async () => {
    const store = createMemoryKeyStore()
    const clock = { now: t0 }
    const keys = keysOn(store, clock)
    await keys.init()
    const kid = keys.signingKey().kid
    store.revision = async () => 'changed'
    store.load = async () => Promise.reject(new Error('unreadable'))
    await expect(keys.refresh()).rejects.toThrow('unreadable')
    expect(keys.signingKey().kid).toBe(kid)
  })

  it('refuses use before init', () => {
    expect(() => keysOn(createMemoryKeyStore(), { now: t0 }).signingKey()).toThrow(/init\(\)/)
  })
})
