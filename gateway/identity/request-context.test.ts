/**
 * The request context by table: the plain headers (each pattern at its bounds), and the signed
 * form (X-Request-Context) with every refusal in the words a client sees, on a pinned clock.
 */
import { describe, expect, it } from 'vitest'
import { CLOCK_SKEW_S, replayWindowMs } from './lifetime.js'
import { MAX_CONTEXT_LIFETIME_S, readRequestContext, type ContextResult } from './request-context.js'
import { recordingStore, signClaims, signText, signingClients, SIGNED_AT_MS, SIGNED_AT_S, type SigningClient } from './signed-claims.fixture.js'

const GATEWAY = 'https://lgsp.example.test'
const T = SIGNED_AT_MS
const T_S = SIGNED_AT_S
const clients = signingClients({ main: 'thue-app', ed: 'thue-app', es384: 'thue-app' })

type Headers = Parameters<typeof readRequestContext>[0]
/** `as`: the signing client, by a function since the table is built before the keys exist. */
const read = (headers: Headers, options: { now?: number; store?: ReturnType<typeof recordingStore>; as?: () => SigningClient } = {}) =>
  readRequestContext(headers, (options.as?.() ?? clients.main).entry, options.store ?? recordingStore(), { audience: GATEWAY, now: () => options.now ?? T })

const plain = (purpose: string | null, caseId: string | null = null, endUser: string | null = null): ContextResult => ({
  ok: true,
  context: { purpose, caseId, endUser, signed: false },
})
const bad = (header: string): ContextResult => ({ ok: false, status: 400, message: `${header} is not valid` })

describe('request context: plain headers', () => {
  it.each<[string, Headers, ContextResult]>([
    ['none at all', {}, plain(null)],
    ['empty values count as absent', { purpose: '', caseId: '', endUser: '' }, plain(null)],
    [
      'all three',
      { purpose: 'QUAN_LY_THUE', caseId: 'HS-2026/000123', endUser: 'can.bo-01@so-thue' },
      plain('QUAN_LY_THUE', 'HS-2026/000123', 'can.bo-01@so-thue'),
    ],
    ['a purpose of two characters', { purpose: 'AB' }, plain('AB')],
    ['a purpose of 64 characters', { purpose: `A${'B'.repeat(63)}` }, plain(`A${'B'.repeat(63)}`)],
    ['a purpose of one character', { purpose: 'A' }, bad('X-Purpose')],
    ['a purpose of 65 characters', { purpose: `A${'B'.repeat(64)}` }, bad('X-Purpose')],
    ['a purpose in lower case', { purpose: 'quan_ly_thue' }, bad('X-Purpose')],
    ['a purpose starting with a digit', { purpose: '1ABC' }, bad('X-Purpose')],
    ['a purpose with a line break after it', { purpose: 'QUAN_LY_THUE\n' }, bad('X-Purpose')],
    ['a purpose with text before it', { purpose: 'x QUAN_LY_THUE' }, bad('X-Purpose')],
    ['a case id of one character', { caseId: '7' }, plain(null, '7')],
    ['a case id of 128 characters', { caseId: `H${'1'.repeat(127)}` }, plain(null, `H${'1'.repeat(127)}`)],
    ['a case id of 129 characters', { caseId: `H${'1'.repeat(128)}` }, bad('X-Case-Id')],
    ['a case id starting with a dash', { caseId: '-HS1' }, bad('X-Case-Id')],
    ['a case id with a space', { caseId: 'HS 1' }, bad('X-Case-Id')],
    ['a case id with markup', { caseId: 'HS<b>' }, bad('X-Case-Id')],
    ['an officer of 128 characters', { endUser: `c${'b'.repeat(127)}` }, plain(null, null, `c${'b'.repeat(127)}`)],
    ['an officer of 129 characters', { endUser: `c${'b'.repeat(128)}` }, bad('X-End-User')],
    ['an officer with a slash', { endUser: 'so/can-bo' }, bad('X-End-User')],
    ['an officer starting with @', { endUser: '@can-bo' }, bad('X-End-User')],
    ['a header-splitting officer', { endUser: 'can-bo\r\nX-Admin: 1' }, bad('X-End-User')],
  ])('%s', async (_case, headers, expected) => {
    expect(await read(headers)).toEqual(expected)
  })
})

describe('request context: signed', () => {
  const claims = (over: Record<string, unknown> = {}) => ({
    iss: 'thue-app',
    aud: GATEWAY,
    iat: T_S,
    exp: T_S + 30,
    jti: 'context-00001',
    purpose: 'QUAN_LY_THUE',
    ...over,
  })
  const invalid = (message = 'X-Request-Context is not valid'): ContextResult => ({ ok: false, status: 401, message })
  const audience = invalid(`X-Request-Context must name this gateway (${GATEWAY}), and nothing else, as its audience (aud)`)
  const signedContext = (purpose: string, caseId: string | null = null, endUser: string | null = null): ContextResult => ({
    ok: true,
    context: { purpose, caseId, endUser, signed: true },
  })

  it('carries the signed claims, and claims its jti until it expires plus the skew', async () => {
    const store = recordingStore()
    const signed = await signClaims(clients.main, claims({ caseId: 'HS-1', endUser: 'can-bo-1' }))
    expect(await read({ signed }, { store })).toEqual(signedContext('QUAN_LY_THUE', 'HS-1', 'can-bo-1'))
    expect(store.claims).toEqual([['jti:context:thue-app:context-00001', replayWindowMs(T_S + 30, T)]])
    expect(store.claims[0]![1]).toBe((30 + CLOCK_SKEW_S) * 1000)
  })

  it.each<[string, () => Promise<string>, Headers, Parameters<typeof read>[1], ContextResult]>([
    [
      'with the same values in the plain headers',
      () => signClaims(clients.main, claims({ caseId: 'HS-1' })),
      { purpose: 'QUAN_LY_THUE', caseId: 'HS-1' },
      {},
      signedContext('QUAN_LY_THUE', 'HS-1'),
    ],
    ['signed with EdDSA', () => signClaims(clients.ed, claims()), {}, { as: () => clients.ed }, signedContext('QUAN_LY_THUE')],
    ['an audience of one in an array', () => signClaims(clients.main, claims({ aud: [GATEWAY] })), {}, {}, signedContext('QUAN_LY_THUE')],
    ['living exactly the longest it may', () => signClaims(clients.main, claims({ exp: T_S + MAX_CONTEXT_LIFETIME_S })), {}, {}, signedContext('QUAN_LY_THUE')],
    ['empty optional claims count as absent', () => signClaims(clients.main, claims({ caseId: '', endUser: null })), {}, {}, signedContext('QUAN_LY_THUE')],
    ['a jti of 8 and of 256 characters', () => signClaims(clients.main, claims({ jti: '12345678' })), {}, {}, signedContext('QUAN_LY_THUE')],
    ['', () => signClaims(clients.main, claims({ jti: 'j'.repeat(256) })), {}, {}, signedContext('QUAN_LY_THUE')],
    [
      'one second before expiry plus the skew',
      () => signClaims(clients.main, claims()),
      {},
      { now: (T_S + 30 + CLOCK_SKEW_S - 1) * 1000 },
      signedContext('QUAN_LY_THUE'),
    ],
    ['longer than 4096 characters', async () => (await signClaims(clients.main, claims({ note: 'n'.repeat(3200) }))).padEnd(4097, 'x'), {}, {}, invalid()],
    ['not a JWT', async () => 'not.a.jwt', {}, {}, invalid()],
    ['signed by another key', () => signClaims(clients.stranger, claims()), {}, {}, invalid()],
    ['signed with an algorithm clients may not use', () => signClaims(clients.es384, claims()), {}, { as: () => clients.es384 }, invalid()],
    ['issued by another client', () => signClaims(clients.main, claims({ iss: 'other-app' })), {}, {}, invalid()],
    [
      'expired, beyond the skew',
      () => signClaims(clients.main, claims()),
      {},
      { now: (T_S + 30 + CLOCK_SKEW_S) * 1000 },
      invalid('X-Request-Context has expired'),
    ],
    ['for another audience', () => signClaims(clients.main, claims({ aud: 'https://other.example.test' })), {}, {}, audience],
    ['for no audience', () => signClaims(clients.main, claims({ aud: undefined })), {}, {}, audience],
    ['for two audiences, ours among them', () => signClaims(clients.main, claims({ aud: [GATEWAY, 'https://other.example.test'] })), {}, {}, audience],
    ['with no jti', () => signClaims(clients.main, claims({ jti: undefined })), {}, {}, invalid()],
    ['with no iat', () => signClaims(clients.main, claims({ iat: undefined })), {}, {}, invalid()],
    [
      'living a second too long',
      () => signClaims(clients.main, claims({ exp: T_S + MAX_CONTEXT_LIFETIME_S + 1 })),
      {},
      {},
      invalid('X-Request-Context may live 60 seconds at most'),
    ],
    [
      'issued beyond the skew in the future',
      () => signClaims(clients.main, claims({ iat: T_S + CLOCK_SKEW_S + 1, exp: T_S + CLOCK_SKEW_S + 30 })),
      {},
      {},
      invalid('X-Request-Context is issued in the future (iat)'),
    ],
    [
      'nbf that JSON reads as -Infinity',
      () => signText(clients.main, JSON.stringify(claims()).replace('"jti"', '"nbf":-1e999,"jti"')),
      {},
      {},
      invalid('X-Request-Context nbf must be a number'),
    ],
    ['with no purpose', () => signClaims(clients.main, claims({ purpose: undefined })), {}, {}, invalid('X-Request-Context must carry the purpose')],
    ['with a null purpose', () => signClaims(clients.main, claims({ purpose: null })), {}, {}, invalid('X-Request-Context must carry the purpose')],
    ['with an empty purpose', () => signClaims(clients.main, claims({ purpose: '' })), {}, {}, invalid('X-Request-Context must carry the purpose')],
    [
      'with a purpose that is not one',
      () => signClaims(clients.main, claims({ purpose: 'quan ly' })),
      {},
      {},
      invalid('X-Request-Context: purpose is not valid'),
    ],
    ['with a case id that is a number', () => signClaims(clients.main, claims({ caseId: 42 })), {}, {}, invalid('X-Request-Context: caseId is not valid')],
    [
      'with an officer that is an object',
      () => signClaims(clients.main, claims({ endUser: { id: 'x' } })),
      {},
      {},
      invalid('X-Request-Context: endUser is not valid'),
    ],
    [
      'and another plain purpose',
      () => signClaims(clients.main, claims()),
      { purpose: 'DANG_KY_DAT_DAI' },
      {},
      { ok: false, status: 400, message: 'X-Request-Context and X-Purpose disagree' },
    ],
    [
      'and a plain case id it does not sign',
      () => signClaims(clients.main, claims()),
      { caseId: 'HS-9' },
      {},
      { ok: false, status: 400, message: 'X-Request-Context and X-Case-Id disagree' },
    ],
    [
      'and another plain officer',
      () => signClaims(clients.main, claims({ endUser: 'a' })),
      { endUser: 'b' },
      {},
      { ok: false, status: 400, message: 'X-Request-Context and X-End-User disagree' },
    ],
    ['a jti of 7 characters', () => signClaims(clients.main, claims({ jti: '1234567' })), {}, {}, invalid()],
    ['a jti of 257 characters', () => signClaims(clients.main, claims({ jti: 'j'.repeat(257) })), {}, {}, invalid()],
    ['a jti that is a number', () => signClaims(clients.main, claims({ jti: 12345678 })), {}, {}, invalid()],
  ])('%s', async (_case, make, headers, options, expected) => {
    const store = recordingStore()
    expect(await read({ ...headers, signed: await make() }, { ...options, store })).toEqual(expected)
    // A refused context uses up no jti.
    if (!expected.ok) expect(store.claims).toEqual([])
  })

  it('a context of exactly 4096 characters is read; one more is refused unread', async () => {
    // Base64url lengths skip one residue modulo 4: pad the header and the payload until the sum fits.
    let signed = ''
    search: for (let note = 2790; note < 2830; note++) {
      for (const cty of ['a', 'ab', 'abc']) {
        signed = await signClaims(clients.main, claims({ note: 'n'.repeat(note) }), { cty })
        if (signed.length === 4096) break search
      }
    }
    expect(signed).toHaveLength(4096)
    expect(await read({ signed })).toEqual(signedContext('QUAN_LY_THUE'))
    expect(await read({ signed: `${signed}x` })).toEqual(invalid())
  })

  it('a plain header that is not valid is refused before the signed form is read', async () => {
    expect(await read({ purpose: 'bad purpose', signed: 'not.a.jwt' })).toEqual(bad('X-Purpose'))
  })

  it('the same context twice: the second is a replay', async () => {
    const store = recordingStore()
    const signed = await signClaims(clients.main, claims())
    expect((await read({ signed }, { store })).ok).toBe(true)
    expect(await read({ signed }, { store })).toEqual(invalid('X-Request-Context was already used'))
  })

  it('a failure that is not about the context is not hidden as a refusal', async () => {
    const broken = { ...clients.main.entry, keys: () => Promise.reject(new Error('key store unreachable')) }
    await expect(
      readRequestContext({ signed: await signClaims(clients.main, claims()) }, broken, recordingStore(), { audience: GATEWAY, now: () => T }),
    ).rejects.toThrow('key store unreachable')
  })
})
