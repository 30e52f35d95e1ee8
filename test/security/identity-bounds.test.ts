/**
 * Time and audience bounds of what a client signs (the request context, the client assertion)
 * and of the gateway's own access tokens, through the real app on a pinned clock: each bound is
 * checked one second inside and one second outside, so loosening any of them fails a test.
 */
import { SignJWT } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ACCESS_TOKEN_TTL_S } from '../../gateway/identity/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { signAssertion, signContext, TEST_ISSUER, type TestClient } from '../identity.js'
import { TEST_PURPOSE } from '../policies.js'
import { clientAssertionForm } from '../../connectors/index.js'

/** An arbitrary instant: nothing here depends on the machine's clock or speed. */
const T = Date.UTC(2026, 5, 9, 1, 0, 0)
const T_S = T / 1000
const YEAR_S = 365 * 24 * 3600
let clock = T

let gw: TestGateway
let client: TestClient
beforeAll(async () => {
  gw = await createTestGateway({ now: () => clock })
  client = gw.identity.client
})
afterAll(async () => gw?.close())
beforeEach(() => {
  clock = T
  gw.resetHits()
})

const query = JSON.stringify({ query: '{ citizen(pin: "001085000101") { pin name { full } } }' })
const totalHits = () => gw.sandboxes.population.hits() + gw.sandboxes.land.hits() + gw.sandboxes.business.hits()

async function callGraphQL(headers: Record<string, string>) {
  const res = await gw.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-purpose': TEST_PURPOSE, ...headers },
    body: query,
  })
  return { status: res.status, body: (await res.json()) as any }
}

/** A request context signed by the test client with exactly these iat/exp/aud. */
function context(claims: { iat: number; exp: number; aud?: string | string[] | null }, payload: Record<string, unknown> = { purpose: TEST_PURPOSE }) {
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: client.publicJwk.kid! })
    .setIssuer(client.clientId)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .setJti(crypto.randomUUID())
  const aud = claims.aud === undefined ? TEST_ISSUER : claims.aud
  if (aud !== null) jwt.setAudience(aud)
  return jwt.sign(client.privateKey)
}

describe('X-Request-Context bounds', () => {
  const accepted: Array<[string, () => Promise<string>]> = [
    ['iat = now, exp 30 s later, aud = the gateway (the control case)', () => context({ iat: T_S, exp: T_S + 30 })],
    ['iat 30 s ahead (the clock skew allowed)', () => context({ iat: T_S + 30, exp: T_S + 60 })],
    ['a lifetime of exactly 60 s', () => context({ iat: T_S, exp: T_S + 60 })],
    ['expired 20 s ago (within the skew)', () => context({ iat: T_S - 80, exp: T_S - 20 })],
    ['aud as a one-element array naming the gateway', () => context({ iat: T_S, exp: T_S + 30, aud: [TEST_ISSUER] })],
    ['made by the test helper', () => signContext(client, { purpose: TEST_PURPOSE }, { now: clock })],
  ]
  it.each(accepted)('accepts %s', async (_name, make) => {
    const res = await callGraphQL({ authorization: `Bearer ${await gw.identity.token()}`, 'x-request-context': await make() })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  })

  const refused: Array<[string, () => Promise<string>]> = [
    ['iat 31 s ahead', () => context({ iat: T_S + 31, exp: T_S + 61 })],
    ['iat an hour ahead', () => context({ iat: T_S + 3600, exp: T_S + 3630 })],
    ['iat a year ahead', () => context({ iat: T_S + YEAR_S, exp: T_S + YEAR_S + 30 })],
    ['exp a year ahead with iat now', () => context({ iat: T_S, exp: T_S + YEAR_S })],
    ['a lifetime of 61 s', () => context({ iat: T_S - 1, exp: T_S + 60 })],
    ['exp equal to iat', () => context({ iat: T_S, exp: T_S })],
    ['exp before iat', () => context({ iat: T_S, exp: T_S - 10 })],
    ['expired 31 s ago', () => context({ iat: T_S - 91, exp: T_S - 31 })],
    ['no aud', () => context({ iat: T_S, exp: T_S + 30, aud: null })],
    ['aud naming another service', () => context({ iat: T_S, exp: T_S + 30, aud: 'https://dvc.other-province.gov.vn.test' })],
    ['aud naming the token endpoint (that audience is for client assertions)', () => context({ iat: T_S, exp: T_S + 30, aud: `${TEST_ISSUER}/oauth/token` })],
    ['aud naming the gateway and another service', () => context({ iat: T_S, exp: T_S + 30, aud: [TEST_ISSUER, 'https://dvc.other-province.gov.vn.test'] })],
    ['aud naming the gateway with a trailing path', () => context({ iat: T_S, exp: T_S + 30, aud: `${TEST_ISSUER}/graphql` })],
    ['a client assertion sent as a context', () => signAssertion(client, { now: clock, audience: TEST_ISSUER })],
    ['no purpose', () => context({ iat: T_S, exp: T_S + 30 }, { caseId: 'G09.20-20260609-0092637' })],
  ]
  it.each(refused)('refuses %s with 401 UNAUTHENTICATED, no registry call', async (_name, make) => {
    // Without X-Purpose: everything the request declares comes from the context under test.
    const res = await callGraphQL({ authorization: `Bearer ${await gw.identity.token()}`, 'x-purpose': '', 'x-request-context': await make() })
    expect(res.status, JSON.stringify(res.body)).toBe(401)
    expect(res.body.error).toMatchObject({ code: 'UNAUTHENTICATED', requestId: expect.any(String) })
    expect(totalHits()).toBe(0)
  })

  it('remembers a jti no longer than the context can be valid', async () => {
    const claim = vi.spyOn(gw.identity.store, 'claimOnce')
    try {
      for (const [iat, exp] of [
        [T_S, T_S + 60],
        [T_S + 30, T_S + 90],
        [T_S - 80, T_S - 20],
      ] as const) {
        const res = await callGraphQL({ authorization: `Bearer ${await gw.identity.token()}`, 'x-request-context': await context({ iat, exp }) })
        expect(res.status).toBe(200)
      }
      const ttls = claim.mock.calls.map(([, ttlMs]) => ttlMs)
      expect(ttls).toHaveLength(3)
      // exp at most 60 s after an iat at most 30 s ahead, kept until exp + 30 s of skew
      for (const ttl of ttls) expect(ttl).toBeLessThanOrEqual(120_000)
    } finally {
      claim.mockRestore()
    }
  })
})

describe('client assertion bounds (POST /oauth/token)', () => {
  const grant = async (assertion: string) => {
    const res = await gw.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: clientAssertionForm(assertion).toString(),
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  /** An assertion with exactly these iat/exp (seconds from T). */
  const assertion = (iatS: number, expS: number, audience = `${TEST_ISSUER}/oauth/token`) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: client.publicJwk.kid! })
      .setIssuer(client.clientId)
      .setSubject(client.clientId)
      .setAudience(audience)
      .setIssuedAt(T_S + iatS)
      .setExpirationTime(T_S + expS)
      .setJti(crypto.randomUUID())
      .sign(client.privateKey)

  it.each<[string, number, number]>([
    ['iat = now, exp 60 s later (the control case)', 0, 60],
    ['iat 30 s ahead', 30, 90],
    ['a lifetime of exactly 5 minutes', 0, 300],
    ['expired 20 s ago (within the skew)', -80, -20],
  ])('accepts %s', async (_name, iat, exp) => {
    const res = await grant(await assertion(iat, exp))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  })

  it.each<[string, number, number]>([
    ['iat 31 s ahead', 31, 91],
    ['iat an hour ahead', 3600, 3660],
    ['iat a year ahead, exp a minute from now', YEAR_S, 60],
    ['iat a year ahead', YEAR_S, YEAR_S + 60],
    ['a lifetime of 301 s', 0, 301],
    ['iat a day ago, exp a minute from now', -24 * 3600, 60],
    ['exp equal to iat', 0, 0],
    ['exp before iat', 0, -10],
    ['expired 31 s ago', -91, -31],
  ])('refuses %s (401 invalid_client)', async (_name, iat, exp) => {
    const res = await grant(await assertion(iat, exp))
    expect(res.status, JSON.stringify(res.body)).toBe(401)
    expect(res.body).toMatchObject({ error: 'invalid_client' })
    expect(res.body.access_token).toBeUndefined()
  })

  it.each<[string, () => Promise<string>]>([
    ['made for another service', () => assertion(0, 60, 'https://dvc.other-province.gov.vn.test/oauth/token')],
    [
      'naming this gateway and another service',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'ES256', kid: client.publicJwk.kid! })
          .setIssuer(client.clientId)
          .setSubject(client.clientId)
          .setAudience([`${TEST_ISSUER}/oauth/token`, 'https://dvc.other-province.gov.vn.test/oauth/token'])
          .setIssuedAt(T_S)
          .setExpirationTime(T_S + 60)
          .setJti(crypto.randomUUID())
          .sign(client.privateKey),
    ],
    [
      'that is a request context (with a sub)',
      () =>
        new SignJWT({ purpose: TEST_PURPOSE })
          .setProtectedHeader({ alg: 'ES256', kid: client.publicJwk.kid! })
          .setIssuer(client.clientId)
          .setSubject(client.clientId)
          .setAudience(TEST_ISSUER)
          .setIssuedAt(T_S)
          .setExpirationTime(T_S + 30)
          .setJti(crypto.randomUUID())
          .sign(client.privateKey),
    ],
  ])('refuses an assertion %s', async (_name, make) => {
    const res = await grant(await make())
    expect(res.status, JSON.stringify(res.body)).toBe(401)
    expect(res.body.error).toBe('invalid_client')
  })
})

describe('access token clock', () => {
  const exp = T + ACCESS_TOKEN_TTL_S * 1000

  it.each<[string, number, number]>([
    ['expired 20 s ago, never seen before: accepted (30 s of tolerance)', 20, 200],
    ['expired 45 s ago, never seen before: refused', 45, 401],
  ])('%s', async (_name, pastExpS, status) => {
    const token = await gw.identity.token()
    clock = exp + pastExpS * 1000
    const res = await callGraphQL({ authorization: `Bearer ${token}` })
    expect(res.status, JSON.stringify(res.body)).toBe(status)
    if (status === 401) expect(res.body.error.message).toMatch(/expired/)
  })

  it('a cached token is refused once past exp + 30 s, like one never seen', async () => {
    const token = await gw.identity.token()
    expect((await callGraphQL({ authorization: `Bearer ${token}` })).status, 'verified and cached').toBe(200)
    clock = exp + 20_000
    expect((await callGraphQL({ authorization: `Bearer ${token}` })).status, 'cached, 20 s past exp').toBe(200)
    clock = exp + 31_000
    const late = await callGraphQL({ authorization: `Bearer ${token}` })
    expect(late.status, '31 s past exp').toBe(401)
    expect(late.body.error.code).toBe('UNAUTHENTICATED')
    clock = exp + 45_000
    expect((await callGraphQL({ authorization: `Bearer ${token}` })).status, '45 s past exp').toBe(401)
  })

  it('a token issued in the future is refused', async () => {
    clock = T + 3600_000
    const token = await gw.identity.token()
    clock = T
    const res = await callGraphQL({ authorization: `Bearer ${token}` })
    expect(res.status).toBe(401)
  })
})
