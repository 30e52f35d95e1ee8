/**
 * Client assertions (RFC 7523 `private_key_jwt`) by table, on a pinned clock: each check one
 * step inside and one outside, every refusal with the words a client sees, and the single-use
 * claim of each `jti` (its key and how long it is held).
 */
import { describe, expect, it } from 'vitest'
import { MAX_ASSERTION_LIFETIME_S, verifyClientAssertion, type AssertionResult } from './client-assertion.js'
import { CLOCK_SKEW_S, replayWindowMs } from './lifetime.js'
import { recordingStore, registryOf, signClaims, signText, signingClients, SIGNED_AT_MS, SIGNED_AT_S } from './signed-claims.fixture.js'

const TOKEN_ENDPOINT = 'https://lgsp.example.test/oauth/token'
const ISSUER = 'https://lgsp.example.test'
const T = SIGNED_AT_MS
const T_S = SIGNED_AT_S
const clients = signingClients({ main: 'thue-app', ed: 'hotich-app', es384: 'old-app' })

const claims = (over: Record<string, unknown> = {}) => ({
  iss: 'thue-app',
  sub: 'thue-app',
  aud: TOKEN_ENDPOINT,
  iat: T_S,
  exp: T_S + 60,
  jti: 'assertion-0001',
  ...over,
})

function verify(assertion: string, options: { clientIdParam?: string; now?: number; store?: ReturnType<typeof recordingStore> } = {}) {
  return verifyClientAssertion(assertion, {
    registry: registryOf(clients.main, clients.ed, clients.es384),
    store: options.store ?? recordingStore(),
    audiences: [TOKEN_ENDPOINT, ISSUER],
    ...(options.clientIdParam !== undefined ? { clientIdParam: options.clientIdParam } : {}),
    now: () => options.now ?? T,
  })
}

const denied = (description = 'client authentication failed'): AssertionResult => ({ ok: false, error: 'invalid_client', description })

describe('client assertions: accepted', () => {
  it('returns the client, and claims its jti until it expires plus the skew', async () => {
    const store = recordingStore()
    expect(await verify(await signClaims(clients.main, claims()), { store })).toEqual({ ok: true, client: clients.main.entry })
    expect(store.claims).toEqual([['jti:assertion:thue-app:assertion-0001', replayWindowMs(T_S + 60, T)]])
    expect(store.claims[0]![1]).toBe((60 + CLOCK_SKEW_S) * 1000)
  })

  it.each<[string, () => Promise<string>, Parameters<typeof verify>[1]]>([
    ['addressed to the issuer', () => signClaims(clients.main, claims({ aud: ISSUER })), {}],
    ['an audience of one in an array', () => signClaims(clients.main, claims({ aud: [TOKEN_ENDPOINT] })), {}],
    ['signed with EdDSA', () => signClaims(clients.ed, claims({ iss: 'hotich-app', sub: 'hotich-app' })), {}],
    ['with client_id sent too, and the same', () => signClaims(clients.main, claims()), { clientIdParam: 'thue-app' }],
    ['living exactly the longest it may', () => signClaims(clients.main, claims({ exp: T_S + MAX_ASSERTION_LIFETIME_S })), {}],
    ['issued the skew ahead of the clock', () => signClaims(clients.main, claims({ iat: T_S + CLOCK_SKEW_S, exp: T_S + CLOCK_SKEW_S + 60 })), {}],
    ['a jti of 8 characters', () => signClaims(clients.main, claims({ jti: '12345678' })), {}],
    ['a jti of 256 characters', () => signClaims(clients.main, claims({ jti: 'j'.repeat(256) })), {}],
    ['one second before expiry plus the skew', () => signClaims(clients.main, claims()), { now: (T_S + 60 + CLOCK_SKEW_S - 1) * 1000 }],
  ])('%s', async (_case, make, options) => {
    expect(await verify(await make(), options)).toMatchObject({ ok: true })
  })
})

describe('client assertions: refused', () => {
  it.each<[string, () => Promise<string>, Parameters<typeof verify>[1], AssertionResult]>([
    ['not a JWT', async () => 'not-a-jwt', {}, { ok: false, error: 'invalid_request', description: 'client_assertion is not a JWT' }],
    ['an issuer that is not a string', () => signClaims(clients.main, claims({ iss: 7 })), {}, denied()],
    ['no issuer', () => signClaims(clients.main, claims({ iss: undefined })), {}, denied()],
    ['client_id sent, and another', () => signClaims(clients.main, claims()), { clientIdParam: 'other-app' }, denied()],
    ['client_id sent empty', () => signClaims(clients.main, claims()), { clientIdParam: '' }, denied()],
    ['a client nobody registered', () => signClaims(clients.main, claims({ iss: 'ghost-app', sub: 'ghost-app' })), {}, denied()],
    ['signed by another key', () => signClaims(clients.stranger, claims()), {}, denied()],
    ['signed with an algorithm clients may not use', () => signClaims(clients.es384, claims({ iss: 'old-app', sub: 'old-app' })), {}, denied()],
    ['a subject other than the client', () => signClaims(clients.main, claims({ sub: 'other-app' })), {}, denied()],
    ['another audience', () => signClaims(clients.main, claims({ aud: 'https://other.example.test/token' })), {}, denied()],
    ['two audiences, both ours', () => signClaims(clients.main, claims({ aud: [TOKEN_ENDPOINT, ISSUER] })), {}, denied()],
    ['no exp', () => signClaims(clients.main, claims({ exp: undefined })), {}, denied()],
    ['no iat', () => signClaims(clients.main, claims({ iat: undefined })), {}, denied()],
    ['no jti', () => signClaims(clients.main, claims({ jti: undefined })), {}, denied()],
    ['expired, beyond the skew', () => signClaims(clients.main, claims()), { now: (T_S + 60 + CLOCK_SKEW_S) * 1000 }, denied()],
    ['a request context (it has a purpose)', () => signClaims(clients.main, claims({ purpose: 'QUAN_LY_THUE' })), {}, denied()],
    [
      'living a second too long',
      () => signClaims(clients.main, claims({ exp: T_S + MAX_ASSERTION_LIFETIME_S + 1 })),
      {},
      denied('client_assertion may live 300 seconds at most'),
    ],
    [
      'issued beyond the skew in the future',
      () => signClaims(clients.main, claims({ iat: T_S + CLOCK_SKEW_S + 1, exp: T_S + CLOCK_SKEW_S + 60 })),
      {},
      denied('client_assertion is issued in the future (iat)'),
    ],
    [
      'exp that JSON reads as Infinity',
      () => signText(clients.main, JSON.stringify(claims()).replace(`"exp":${T_S + 60}`, '"exp":1e999')),
      {},
      denied('client_assertion iat and exp must be numbers'),
    ],
    ['a jti of 7 characters', () => signClaims(clients.main, claims({ jti: '1234567' })), {}, denied()],
    ['a jti of 257 characters', () => signClaims(clients.main, claims({ jti: 'j'.repeat(257) })), {}, denied()],
    ['a jti that is a number', () => signClaims(clients.main, claims({ jti: 123456789 })), {}, denied()],
  ])('%s', async (_case, make, options, expected) => {
    const store = recordingStore()
    expect(await verify(await make(), { ...options, store })).toEqual(expected)
    // Nothing refused before the last check uses up a jti.
    expect(store.claims).toEqual([])
  })

  it('the same assertion twice: the second is a replay, whatever instance sees it', async () => {
    const store = recordingStore()
    const assertion = await signClaims(clients.main, claims())
    expect((await verify(assertion, { store })).ok).toBe(true)
    expect(await verify(assertion, { store })).toEqual(denied('client_assertion was already used'))
    // The same jti from another client is that client's own.
    expect((await verify(await signClaims(clients.ed, claims({ iss: 'hotich-app', sub: 'hotich-app' })), { store })).ok).toBe(true)
  })

  it('a failure that is not about the assertion is not hidden as a refusal', async () => {
    const broken = { ...clients.main.entry, keys: () => Promise.reject(new Error('key store unreachable')) }
    const result = verifyClientAssertion(await signClaims(clients.main, claims()), {
      registry: { client: () => broken, activeClient: () => broken, replace: () => {}, devClientIds: () => [] },
      store: recordingStore(),
      audiences: [TOKEN_ENDPOINT],
      now: () => T,
    })
    await expect(result).rejects.toThrow('key store unreachable')
  })
})
