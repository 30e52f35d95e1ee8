import { createLocalJWKSet, errors, jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { ensureKeySet, generateKey, parseKeySet, prune, publicJwks, rotate, signingKey, type KeySet } from './index.js'

const MIN = 60_000
const options = { maxTokenTtlMs: 5 * MIN, clockSkewMs: 30_000 }
const t0 = Date.UTC(2026, 10, 22, 9, 0, 0)
const tRotate = t0 + 60 * MIN
const retireAfter = tRotate + options.maxTokenTtlMs + options.clockSkewMs

const initial = await ensureKeySet(null, t0)
const rotated = await rotate(initial, tRotate, options)
const oldKid = initial.keys[0]!.kid
const newKid = rotated.keys[1]!.kid

// The longest-lived token the old key can have signed: issued a second before the rotation.
const oldToken = await new SignJWT({ sub: 'client' })
  .setProtectedHeader({ alg: 'ES256', kid: oldKid })
  .setIssuedAt(Math.floor((tRotate - 1000) / 1000))
  .setExpirationTime(Math.floor((tRotate - 1000 + options.maxTokenTtlMs) / 1000))
  .sign(await crypto.subtle.importKey('jwk', initial.keys[0]!.privateJwk as JsonWebKey, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']))

const timeline: Array<{ label: string; set: KeySet; at: number; signer: string; published: string[]; oldTokenVerifies: boolean }> = [
  { label: 'before the rotation', set: initial, at: tRotate - 1, signer: oldKid, published: [oldKid], oldTokenVerifies: true },
  { label: 'at the rotation', set: rotated, at: tRotate, signer: newKid, published: [oldKid, newKid], oldTokenVerifies: true },
  { label: 'during the overlap', set: rotated, at: tRotate + 3 * MIN, signer: newKid, published: [oldKid, newKid], oldTokenVerifies: true },
  { label: 'a moment before retireAfter', set: rotated, at: retireAfter - 2000, signer: newKid, published: [oldKid, newKid], oldTokenVerifies: true },
  { label: 'at retireAfter', set: rotated, at: retireAfter, signer: newKid, published: [newKid], oldTokenVerifies: false },
  { label: 'long after', set: rotated, at: retireAfter + 24 * 60 * MIN, signer: newKid, published: [newKid], oldTokenVerifies: false },
]

describe('key set rotation timeline', () => {
  it.each(timeline)('$label: signs with the expected key and publishes the expected ones', ({ set, at, signer, published }) => {
    const live = prune(set, at)
    expect(signingKey(live).kid).toBe(signer)
    expect(publicJwks(live).keys.map((jwk) => jwk.kid)).toEqual(published)
    expect(publicJwks(set, at).keys.map((jwk) => jwk.kid)).toEqual(published)
  })

  it.each(timeline)('$label: publicJwks holds no private member', ({ set, at }) => {
    for (const jwks of [publicJwks(set), publicJwks(prune(set, at))]) {
      expect(JSON.stringify(jwks)).not.toMatch(/"(d|p|q|dp|dq|qi|k)"/)
      for (const jwk of jwks.keys) expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'])
    }
  })

  it.each(timeline)('$label: a token signed by the old key verifies: $oldTokenVerifies', async ({ set, at, oldTokenVerifies }) => {
    const verify = jwtVerify(oldToken, createLocalJWKSet(publicJwks(prune(set, at))), {
      algorithms: ['ES256'],
      currentDate: new Date(at),
      clockTolerance: options.clockSkewMs / 1000,
    })
    if (oldTokenVerifies) await expect(verify).resolves.toMatchObject({ payload: { sub: 'client' } })
    // Not expiry: the key itself is gone, which is only safe because every token it signed has expired.
    else await expect(verify).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey)
  })

  it('publishes only public members even from a stored publicJwk polluted with private ones', () => {
    const key = initial.keys[0]!
    const polluted: KeySet = { version: 1, keys: [{ ...key, publicJwk: { ...key.privateJwk, use: 'sig' } }] }
    expect(publicJwks(polluted).keys).toEqual([key.publicJwk])
  })

  it('marks the retiring key with when it stopped signing and when it may go', () => {
    expect(rotated.keys[0]).toMatchObject({ kid: oldKid, retiringAt: tRotate, retireAfter })
    expect(rotated.keys[1]).toMatchObject({ kid: newKid, activatedAt: tRotate, retiringAt: null, retireAfter: null })
    expect(initial.keys[0]!.retiringAt).toBeNull()
  })

  it('rotating twice inside the overlap keeps both retiring keys until their own retireAfter', async () => {
    const again = await rotate(rotated, tRotate + MIN, options)
    const third = signingKey(again).kid
    expect(new Set([oldKid, newKid, third]).size).toBe(3)
    expect(publicJwks(prune(again, retireAfter)).keys.map((k) => k.kid)).toEqual([newKid, third])
    expect(publicJwks(prune(again, retireAfter + MIN)).keys.map((k) => k.kid)).toEqual([third])
  })
})

describe('key set helpers', () => {
  it('generates a date-prefixed kid and keeps private members out of the public JWK', async () => {
    const key = await generateKey(t0)
    expect(key.kid).toMatch(/^2026-11-22-[0-9a-f]{8}$/)
    expect(key.publicJwk).toEqual({ kty: 'EC', crv: 'P-256', x: key.privateJwk.x, y: key.privateJwk.y, kid: key.kid, alg: 'ES256', use: 'sig' })
    expect(typeof key.privateJwk.d).toBe('string')
  })

  it('ensureKeySet creates the first key, and leaves a set with an active key alone', async () => {
    expect(initial.keys).toHaveLength(1)
    expect(await ensureKeySet(rotated, tRotate)).toBe(rotated)
    const allRetired: KeySet = { version: 1, keys: [{ ...initial.keys[0]!, retiringAt: t0, retireAfter: t0 + MIN }] }
    const repaired = await ensureKeySet(allRetired, t0)
    expect(repaired.keys).toHaveLength(2)
    expect(signingKey(repaired).kid).not.toBe(oldKid)
  })

  it('prune returns the same object when nothing expired', () => {
    expect(prune(rotated, tRotate)).toBe(rotated)
  })

  it('signingKey refuses a set without an active key', () => {
    expect(() => signingKey({ version: 1, keys: [] })).toThrow(/no active signing key/)
  })

  it('parseKeySet accepts a stored set and rejects unsafe or inconsistent ones', () => {
    expect(parseKeySet(JSON.parse(JSON.stringify(rotated)))).toEqual(rotated)
    const [a, b] = rotated.keys as [KeySet['keys'][0], KeySet['keys'][0]]
    expect(() => parseKeySet({ version: 1, keys: [{ ...a, publicJwk: { ...a.publicJwk, d: a.privateJwk.d } }] })).toThrow(/private members/)
    expect(() => parseKeySet({ version: 1, keys: [a, a] })).toThrow(/appears twice/)
    expect(() => parseKeySet({ version: 1, keys: [{ ...a, publicJwk: b.publicJwk }] })).toThrow(/do not match/)
    expect(() => parseKeySet({ version: 2, keys: [] })).toThrow(/version/)
    const message = (() => {
      try {
        parseKeySet({ version: 1, keys: [{ ...a, alg: 'HS256' }] })
      } catch (error) {
        return String(error)
      }
    })()
    expect(message).not.toContain(String(a.privateJwk.d))
  })
})
