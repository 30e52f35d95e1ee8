/**
 * Access tokens by table: what the gateway issues, and every reason a token is refused — the
 * gateway's own and an external issuer's — each one second inside and outside its bound, on a
 * pinned clock. The cache is checked for what it may and may not remember.
 */
import { CompactSign, createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTVerifyGetKey } from 'jose'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ACCESS_TOKEN_TTL_S, createAccessTokens, type AccessTokens, type SigningKeys, type TokenVerification, type TrustedIssuer } from './access-token.js'
import { CLOCK_SKEW_S } from './lifetime.js'

const ISSUER = 'https://lgsp.example.test'
const SSO = 'https://sso.example.test'
const T = Date.UTC(2026, 5, 9, 1, 0, 0)
const T_S = T / 1000
let clock = T

interface KeyPair {
  privateKey: CryptoKey
  jwk: JWK
}
let gatewayKey: KeyPair
let ssoKey: KeyPair
let strangerKey: KeyPair
/** How many signature checks reached the gateway's key set (a cached token makes none). */
let keyLookups = 0

async function keyPair(kid: string, alg: 'ES256' | 'ES384' = 'ES256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg } }
}

const counted =
  (keys: JWTVerifyGetKey): JWTVerifyGetKey =>
  (header, token) => {
    keyLookups++
    return keys(header, token)
  }

function signingKeys(): SigningKeys {
  return {
    signingKey: () => ({ kid: 'gw-1', privateKey: gatewayKey.privateKey }),
    verificationKeySet: () => counted(createLocalJWKSet({ keys: [gatewayKey.jwk] })),
  }
}

const sso: TrustedIssuer = { issuer: SSO, jwksUri: 'https://sso.example.test/jwks', audience: 'lgsp', agencyClaim: 'org', clientClaim: 'azp' }

function tokens(options: { cacheLimit?: number; trusted?: TrustedIssuer[] } = {}): AccessTokens {
  return createAccessTokens({
    keys: signingKeys(),
    issuer: ISSUER,
    trustedIssuers: options.trusted ?? [sso, { issuer: 'https://eid.example.test', jwksUri: 'https://eid.example.test/jwks', audience: 'lgsp' }],
    remoteKeySet: (url) => createLocalJWKSet({ keys: url.hostname === 'sso.example.test' || url.hostname === 'eid.example.test' ? [ssoKey.jwk] : [] }),
    now: () => clock,
    ...(options.cacheLimit ? { cacheLimit: options.cacheLimit } : {}),
  })
}

/** A gateway-style token with these claims and header, signed by `key` (the gateway's unless said). */
function gatewayToken(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key: KeyPair = gatewayKey): Promise<string> {
  const payload = {
    agency: 'thue-ha-noi',
    client_id: 'thue-app',
    iss: ISSUER,
    aud: ISSUER,
    sub: 'thue-app',
    iat: T_S,
    exp: T_S + ACCESS_TOKEN_TTL_S,
    jti: 'token-1',
    ...claims,
  }
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: key.jwk.kid, typ: 'at+jwt', ...header }).sign(key.privateKey)
}

/** A token whose payload is exactly this JSON text (numbers JSON reads as Infinity, claims left out). */
async function rawToken(
  payload: string,
  header: Record<string, unknown> = { alg: 'ES256', kid: 'gw-1', typ: 'at+jwt' },
  key: KeyPair = gatewayKey,
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader(header as never).sign(key.privateKey)
}

const base = { iss: ISSUER, aud: ISSUER, sub: 'thue-app', agency: 'thue-ha-noi', iat: 0, exp: 0, jti: 'token-1' }
const json = (claims: Record<string, unknown>) => JSON.stringify({ ...base, iat: T_S, exp: T_S + 300, ...claims })

beforeAll(async () => {
  ;[gatewayKey, ssoKey, strangerKey] = await Promise.all([keyPair('gw-1'), keyPair('sso-1'), keyPair('gw-1')])
})
beforeEach(() => {
  clock = T
  keyLookups = 0
})

describe('access tokens: what the gateway issues', () => {
  it('a typed ES256 token for the client and its agency, from now for five minutes, with a fresh id', async () => {
    const { token, expiresIn } = await tokens().issue({ clientId: 'thue-app', agencyId: 'thue-ha-noi' })
    expect(expiresIn).toBe(ACCESS_TOKEN_TTL_S)
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'gw-1', typ: 'at+jwt' })
    const claims = decodeJwt(token)
    expect(claims).toEqual({
      agency: 'thue-ha-noi',
      client_id: 'thue-app',
      iss: ISSUER,
      aud: ISSUER,
      sub: 'thue-app',
      iat: T_S,
      exp: T_S + 300,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    })
    const again = decodeJwt((await tokens().issue({ clientId: 'thue-app', agencyId: 'thue-ha-noi' })).token)
    expect(again.jti).not.toBe(claims.jti)
  })

  it('verifies to the identity it was issued for', async () => {
    const gateway = tokens()
    const { token } = await gateway.issue({ clientId: 'thue-app', agencyId: 'thue-ha-noi' })
    expect(await gateway.verify(token)).toEqual({
      ok: true,
      identity: { issuer: ISSUER, clientId: 'thue-app', agencyId: 'thue-ha-noi', tokenId: decodeJwt(token).jti, expiresAt: (T_S + 300) * 1000 },
    })
  })
})

describe("access tokens: the gateway's own, refused", () => {
  const invalid = 'The access token is invalid'
  it.each<[string, () => Promise<string>, number, string | null]>([
    ['a token as issued', () => gatewayToken(), T, null],
    ['one second before expiry plus the skew', () => gatewayToken(), (T_S + 300 + CLOCK_SKEW_S - 1) * 1000, null],
    ['at expiry plus the skew', () => gatewayToken(), (T_S + 300 + CLOCK_SKEW_S) * 1000, 'The access token expired'],
    ['issued the skew ahead of the clock', () => gatewayToken({ iat: T_S + CLOCK_SKEW_S }), T, null],
    ['issued one second beyond the skew', () => gatewayToken({ iat: T_S + CLOCK_SKEW_S + 1 }), T, 'The access token is issued in the future'],
    ['not a JWT', async () => 'not-a-token', T, 'The access token is malformed'],
    ['an empty string', async () => '', T, 'The access token is malformed'],
    ['signed by another key with the same kid', () => gatewayToken({}, {}, strangerKey), T, invalid],
    ['untyped (a plain JWT)', () => gatewayToken({}, { typ: 'JWT' }), T, invalid],
    ['for another audience', () => gatewayToken({ aud: 'https://other.example.test' }), T, invalid],
    ['with no subject', () => rawToken(JSON.stringify({ ...base, sub: undefined, iat: T_S, exp: T_S + 300 })), T, invalid],
    ['with no id', () => rawToken(JSON.stringify({ ...base, jti: undefined, iat: T_S, exp: T_S + 300 })), T, invalid],
    ['with no iat', () => rawToken(JSON.stringify({ ...base, iat: undefined, exp: T_S + 300 })), T, invalid],
    ['with no exp', () => rawToken(JSON.stringify({ ...base, iat: T_S, exp: undefined })), T, invalid],
    ['not yet valid (nbf)', () => rawToken(json({ nbf: T_S + 3600 })), T, invalid],
    ['iat a string', () => rawToken(json({ iat: String(T_S) })), T, invalid],
    ['exp that JSON reads as Infinity', () => rawToken(json({}).replace(`"exp":${T_S + 300}`, '"exp":1e999')), T, invalid],
    ['nbf that JSON reads as -Infinity', () => rawToken(json({}).replace('"jti"', '"nbf":-1e999,"jti"')), T, invalid],
    ['naming no agency', () => rawToken(json({ agency: undefined })), T, 'The access token names no client or agency'],
    ['an agency that is not a name', () => rawToken(json({ agency: { id: 'thue-ha-noi' } })), T, 'The access token names no client or agency'],
    ['an empty subject', () => rawToken(json({ sub: '' })), T, 'The access token names no client or agency'],
  ])('%s', async (_case, make, at, refusal) => {
    const token = await make()
    clock = at
    const result = await tokens().verify(token)
    if (refusal === null) expect(result).toMatchObject({ ok: true, identity: { clientId: 'thue-app', agencyId: 'thue-ha-noi' } })
    else expect(result).toEqual({ ok: false, description: refusal })
  })

  it.each([
    ['HS256 keyed with the public key', { alg: 'HS256' }],
    ['none', { alg: 'none' }],
    ['ES384', { alg: 'ES384' }],
  ])('refuses a token in another algorithm: %s', async (_case, header) => {
    const [head, , signature] = (await gatewayToken()).split('.')
    const forged = [
      Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(head!, 'base64url').toString()), ...header })).toString('base64url'),
      Buffer.from(json({})).toString('base64url'),
      signature,
    ].join('.')
    expect(await tokens().verify(forged)).toEqual({ ok: false, description: invalid })
  })
})

describe('access tokens: external issuers', () => {
  function ssoToken(claims: Record<string, unknown>, options: { iss?: unknown; aud?: string; alg?: string; key?: KeyPair } = {}): Promise<string> {
    const payload = { iss: options.iss ?? SSO, aud: options.aud ?? 'lgsp', iat: T_S, exp: T_S + 600, ...claims }
    return rawToken(JSON.stringify(payload), { alg: options.alg ?? 'ES256', kid: 'sso-1' }, options.key ?? ssoKey)
  }

  it.each<[string, () => Promise<string>, TokenVerification]>([
    [
      'the configured claims name the agency and the client',
      () => ssoToken({ org: 'so-tu-phap', azp: 'hotich-app', jti: 'j-1' }),
      { ok: true, identity: { issuer: SSO, clientId: 'hotich-app', agencyId: 'so-tu-phap', tokenId: 'j-1', expiresAt: (T_S + 600) * 1000 } },
    ],
    [
      'no id and no type needed; the default claims are not read',
      () => ssoToken({ org: 'so-tu-phap', azp: 'hotich-app', agency: 'x', client_id: 'y' }),
      { ok: true, identity: { issuer: SSO, clientId: 'hotich-app', agencyId: 'so-tu-phap', tokenId: '', expiresAt: (T_S + 600) * 1000 } },
    ],
    [
      'an issuer without claim names reads agency and client_id',
      () => ssoToken({ agency: 'so-tu-phap', client_id: 'hotich-app' }, { iss: 'https://eid.example.test' }),
      {
        ok: true,
        identity: { issuer: 'https://eid.example.test', clientId: 'hotich-app', agencyId: 'so-tu-phap', tokenId: '', expiresAt: (T_S + 600) * 1000 },
      },
    ],
    ['missing the client claim', () => ssoToken({ org: 'so-tu-phap' }), { ok: false, description: 'The access token names no client or agency' }],
    ['missing the agency claim', () => ssoToken({ azp: 'hotich-app' }), { ok: false, description: 'The access token names no client or agency' }],
    [
      'an issuer nobody trusts',
      () => ssoToken({ org: 'a', azp: 'b' }, { iss: 'https://evil.example.test' }),
      { ok: false, description: 'The access token was not issued by a trusted issuer' },
    ],
    [
      'an issuer that is not a string',
      () => ssoToken({ org: 'a', azp: 'b' }, { iss: 42 }),
      { ok: false, description: 'The access token was not issued by a trusted issuer' },
    ],
    ['for another audience', () => ssoToken({ org: 'a', azp: 'b' }, { aud: 'other' }), { ok: false, description: 'The access token is invalid' }],
    [
      'signed by a key the issuer does not publish',
      () => ssoToken({ org: 'a', azp: 'b' }, { key: strangerKey }),
      { ok: false, description: 'The access token is invalid' },
    ],
    [
      'with no exp',
      () => rawToken(JSON.stringify({ iss: SSO, aud: 'lgsp', iat: T_S, org: 'a', azp: 'b' }), { alg: 'ES256', kid: 'sso-1' }, ssoKey),
      { ok: false, description: 'The access token is invalid' },
    ],
    [
      'with no iat',
      () => rawToken(JSON.stringify({ iss: SSO, aud: 'lgsp', exp: T_S + 600, org: 'a', azp: 'b' }), { alg: 'ES256', kid: 'sso-1' }, ssoKey),
      { ok: false, description: 'The access token is invalid' },
    ],
    ['expired', () => ssoToken({ org: 'a', azp: 'b', exp: T_S - CLOCK_SKEW_S }), { ok: false, description: 'The access token expired' }],
    [
      'issued in the future',
      () => ssoToken({ org: 'a', azp: 'b', iat: T_S + CLOCK_SKEW_S + 1 }),
      { ok: false, description: 'The access token is issued in the future' },
    ],
  ])('%s', async (_case, make, expected) => {
    expect(await tokens().verify(await make())).toEqual(expected)
  })

  it("a token claiming the gateway as issuer is checked against the gateway's keys, never an external issuer's", async () => {
    const token = await rawToken(json({}), { alg: 'ES256', kid: 'sso-1', typ: 'at+jwt' }, ssoKey)
    expect(await tokens().verify(token)).toEqual({ ok: false, description: 'The access token is invalid' })
  })

  it.each([
    ['ES384', 'ES384'],
    ['EdDSA', 'Ed25519'],
    ['RS256', 'RS256'],
    ['PS256', 'PS256'],
  ] as const)('accepts %s, an asymmetric algorithm an SSO may use', async (alg, keyAlg) => {
    const { privateKey, publicKey } = await generateKeyPair(keyAlg === 'Ed25519' ? 'EdDSA' : keyAlg, { extractable: true })
    const jwk = { ...(await exportJWK(publicKey)), kid: 'sso-1' }
    const verifier = createAccessTokens({
      keys: signingKeys(),
      issuer: ISSUER,
      trustedIssuers: [sso],
      remoteKeySet: () => createLocalJWKSet({ keys: [jwk] }),
      now: () => clock,
    })
    const token = await rawToken(
      JSON.stringify({ iss: SSO, aud: 'lgsp', iat: T_S, exp: T_S + 60, org: 'a', azp: 'b' }),
      { alg, kid: 'sso-1' },
      { privateKey, jwk },
    )
    expect(await verifier.verify(token)).toMatchObject({ ok: true })
  })
})

describe('access tokens: failures that are not about the token', () => {
  it('are not hidden as a refusal', async () => {
    const verifier = createAccessTokens({
      keys: {
        signingKey: () => ({ kid: 'gw-1', privateKey: gatewayKey.privateKey }),
        verificationKeySet: () => () => Promise.reject(new Error('key store unreachable')),
      },
      issuer: ISSUER,
      now: () => clock,
    })
    await expect(verifier.verify(await gatewayToken())).rejects.toThrow('key store unreachable')
  })
})

describe('access tokens: the cache of verified tokens', () => {
  it('a verified token is not checked again until it expires, then it is refused', async () => {
    const gateway = tokens()
    const token = await gatewayToken()
    expect((await gateway.verify(token)).ok).toBe(true)
    expect(keyLookups).toBe(1)
    clock = (T_S + 300 + CLOCK_SKEW_S) * 1000 - 1
    expect((await gateway.verify(token)).ok).toBe(true)
    expect(keyLookups).toBe(1)
    clock = (T_S + 300 + CLOCK_SKEW_S) * 1000
    expect(await gateway.verify(token)).toEqual({ ok: false, description: 'The access token expired' })
    expect(keyLookups).toBe(2)
  })

  it('a refused token is never remembered', async () => {
    const gateway = tokens()
    const token = await gatewayToken({ iat: T_S + CLOCK_SKEW_S + 1 })
    await gateway.verify(token)
    await gateway.verify(token)
    expect(keyLookups).toBe(2)
  })

  it('holds at most its limit: the oldest is checked again', async () => {
    const gateway = tokens({ cacheLimit: 2 })
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((jti) => gatewayToken({ jti })))
    for (const token of [a!, b!, c!]) await gateway.verify(token)
    expect(keyLookups).toBe(3)
    await gateway.verify(c!)
    await gateway.verify(b!)
    expect(keyLookups).toBe(3)
    await gateway.verify(a!)
    expect(keyLookups).toBe(4)
  })

  it('an entry that expires at this very millisecond makes room before any live one', async () => {
    const gateway = tokens({ cacheLimit: 2 })
    const [live, short, next] = await Promise.all([gatewayToken({ jti: 'live' }), gatewayToken({ jti: 'short', exp: T_S + 10 }), gatewayToken({ jti: 'next' })])
    await gateway.verify(live)
    await gateway.verify(short)
    clock = (T_S + 10) * 1000
    await gateway.verify(next)
    expect(keyLookups).toBe(3)
    await gateway.verify(live)
    expect(keyLookups).toBe(3)
  })

  it('is bounded: expired entries go first, then the oldest live ones', async () => {
    const gateway = tokens({ cacheLimit: 3 })
    const short = await gatewayToken({ jti: 'short', exp: T_S + 10 })
    const live = await Promise.all(['a', 'b', 'c'].map((jti) => gatewayToken({ jti })))
    for (const token of [short, live[0]!, live[1]!]) await gateway.verify(token)
    expect(keyLookups).toBe(3)
    // The short one has expired (its skew too): making room drops it and keeps the two live ones.
    clock = (T_S + 10 + CLOCK_SKEW_S) * 1000
    await gateway.verify(live[2]!)
    expect(keyLookups).toBe(4)
    for (const token of live) await gateway.verify(token)
    expect(keyLookups).toBe(4)
    // Full of live tokens: the oldest (a) makes room for the new one.
    await gateway.verify(await gatewayToken({ jti: 'd' }))
    expect(keyLookups).toBe(5)
    await gateway.verify(live[1]!)
    await gateway.verify(live[2]!)
    expect(keyLookups).toBe(5)
    await gateway.verify(live[0]!)
    expect(keyLookups).toBe(6)
  })
})
