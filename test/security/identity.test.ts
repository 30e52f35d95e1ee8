/**
 * Identity attacks: each refused with the right status and code, and none
 * reaches a registry (sandbox hit counts stay at zero).
 */
import { exportSPKI, generateKeyPair, SignJWT, base64url, type JWTPayload } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { issueSandboxCitizenToken } from '../../gateway/identity/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { TEST_PURPOSE } from '../policies.js'
import { agencyDocument, createTestClient, signAssertion, signContext, TEST_ISSUER, type TestClient } from '../identity.js'

let gw: TestGateway
let client: TestClient
beforeAll(async () => {
  gw = await createTestGateway()
  client = gw.identity.client
})
afterAll(async () => gw?.close())
beforeEach(() => gw.resetHits())

const query = JSON.stringify({ query: '{ citizen(pin: "001085000101") { pin name { full } } }' })
const totalHits = () => gw.sandboxes.population.hits() + gw.sandboxes.land.hits() + gw.sandboxes.business.hits()

async function callGraphQL(headers: Record<string, string>) {
  const res = await gw.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-purpose': TEST_PURPOSE, ...headers },
    body: query,
  })
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: (await res.json()) as any }
}

/** A token signed by the gateway's current key with the given claims and header. */
async function gatewaySigned(claims: JWTPayload, header: Record<string, unknown> = {}) {
  const { kid, privateKey } = gw.identity.keys.signingKey()
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ agency: client.agencyId, client_id: client.clientId, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt', ...header })
    .setIssuer((claims.iss as string | undefined) ?? TEST_ISSUER)
    .setAudience((claims.aud as string | undefined) ?? TEST_ISSUER)
    .setSubject(client.clientId)
    .setIssuedAt((claims.iat as number | undefined) ?? now)
    .setExpirationTime((claims.exp as number | undefined) ?? now + 300)
    .setJti(crypto.randomUUID())
    .sign(privateKey)
}

const now = () => Math.floor(Date.now() / 1000)
const b64 = (value: object) => base64url.encode(JSON.stringify(value))

const bearerCases: Array<[string, () => Promise<Record<string, string>>, RegExp | null]> = [
  ['missing token', async () => ({}), null],
  ['malformed token', async () => ({ authorization: 'Bearer not.a.jwt' }), /invalid_token/],
  ['not a bearer scheme', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), /invalid_request/],
  ['expired', async () => ({ authorization: `Bearer ${await gatewaySigned({ iat: now() - 900, exp: now() - 600 })}` }), /invalid_token/],
  ['not yet valid', async () => ({ authorization: `Bearer ${await gatewaySigned({ nbf: now() + 600 })}` }), /invalid_token/],
  ['wrong issuer', async () => ({ authorization: `Bearer ${await gatewaySigned({ iss: 'http://evil.test' })}` }), /invalid_token/],
  ['wrong audience', async () => ({ authorization: `Bearer ${await gatewaySigned({ aud: 'http://other-gateway.test' })}` }), /invalid_token/],
  [
    'alg none',
    async () => ({
      authorization: `Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ iss: TEST_ISSUER, aud: TEST_ISSUER, sub: client.clientId, agency: client.agencyId, iat: now(), exp: now() + 300, jti: 'x' })}.`,
    }),
    /invalid_token/,
  ],
  [
    'HS256 signed with the gateway public key as secret',
    async () => {
      const publicJwk = gw.identity.keys.jwks().keys[0] as Record<string, unknown>
      const { importJWK } = await import('jose')
      const pem = await exportSPKI((await importJWK(publicJwk as never, 'ES256')) as CryptoKey)
      const token = await new SignJWT({ agency: client.agencyId })
        .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid as string, typ: 'at+jwt' })
        .setIssuer(TEST_ISSUER)
        .setAudience(TEST_ISSUER)
        .setSubject(client.clientId)
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti('hs')
        .sign(new TextEncoder().encode(pem))
      return { authorization: `Bearer ${token}` }
    },
    /invalid_token/,
  ],
  [
    'unknown kid',
    async () => {
      const { privateKey } = await generateKeyPair('ES256')
      const token = await new SignJWT({ agency: client.agencyId })
        .setProtectedHeader({ alg: 'ES256', kid: 'not-a-gateway-key', typ: 'at+jwt' })
        .setIssuer(TEST_ISSUER)
        .setAudience(TEST_ISSUER)
        .setSubject(client.clientId)
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti('k')
        .sign(privateKey)
      return { authorization: `Bearer ${token}` }
    },
    /invalid_token/,
  ],
  [
    'tampered payload',
    async () => {
      const [header, , signature] = (await gw.identity.token()).split('.')
      const forged = b64({ iss: TEST_ISSUER, aud: TEST_ISSUER, sub: 'other-client', agency: 'other-agency', iat: now(), exp: now() + 300, jti: 'forged' })
      return { authorization: `Bearer ${header}.${forged}.${signature}` }
    },
    /invalid_token/,
  ],
  [
    'a client key signing its own access token',
    async () => ({ authorization: `Bearer ${await signAssertion(client, { audience: TEST_ISSUER })}` }),
    /invalid_token/,
  ],
  [
    'a gateway-signed JWT that is not typed as an access token',
    async () => ({ authorization: `Bearer ${await gatewaySigned({}, { typ: 'JWT' })}` }),
    /invalid_token/,
  ],
  [
    'a citizen token used as an access token',
    async () => ({ authorization: `Bearer ${await issueSandboxCitizenToken(gw.identity.keys, TEST_ISSUER, '001085000101')}` }),
    /invalid_token/,
  ],
]

describe('bearer verification', () => {
  it.each(bearerCases)('%s → 401 UNAUTHENTICATED, no registry call', async (_name, headers, challenge) => {
    const res = await callGraphQL(await headers())
    expect(res.status, JSON.stringify(res.body)).toBe(401)
    expect(res.body.error).toMatchObject({ code: 'UNAUTHENTICATED', requestId: expect.any(String) })
    expect(res.challenge).toMatch(/^Bearer realm="lgsp-gateway"/)
    if (challenge) expect(res.challenge).toMatch(challenge)
    else expect(res.challenge).toBe('Bearer realm="lgsp-gateway"')
    expect(JSON.stringify(res.body)).not.toMatch(/stack|\bat \w+ \(/)
    expect(totalHits()).toBe(0)
  })

  it('accepts a valid token (the control case)', async () => {
    const res = await callGraphQL({ authorization: `Bearer ${await gw.identity.token()}` })
    expect(res.status).toBe(200)
    expect(totalHits()).toBeGreaterThan(0)
  })

  it('refuses an unexpired token at once when its agency is suspended, and accepts it again when lifted', async () => {
    const token = await gw.identity.token()
    gw.identity.registry.replace([agencyDocument('test-agency', [client], { suspended: true })])
    const refused = await callGraphQL({ authorization: `Bearer ${token}` })
    gw.identity.registry.replace([agencyDocument('test-agency', [client])])
    expect(refused.status).toBe(401)
    expect(refused.body.error.code).toBe('UNAUTHENTICATED')
    expect(totalHits()).toBe(0)
    expect((await callGraphQL({ authorization: `Bearer ${token}` })).status).toBe(200)
  })

  it('refuses a suspended client of an active agency', async () => {
    const token = await gw.identity.token()
    const document = agencyDocument('test-agency', [client])
    gw.identity.registry.replace([{ ...document, clients: document.clients.map((c) => ({ ...c, suspended: true })) }])
    const refused = await callGraphQL({ authorization: `Bearer ${token}` })
    gw.identity.registry.replace([agencyDocument('test-agency', [client])])
    expect(refused.status).toBe(401)
    expect(totalHits()).toBe(0)
  })
})

describe('signed request context', () => {
  const withContext = async (context: string, token?: string) =>
    callGraphQL({ authorization: `Bearer ${token ?? (await gw.identity.token())}`, 'x-request-context': context })

  it('is accepted once', async () => {
    const res = await withContext(await signContext(client, { purpose: TEST_PURPOSE, caseId: 'G09.20-20260609-0092637', endUser: 'can-bo-01' }))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  })

  it.each([
    [
      'replayed',
      async () => {
        const context = await signContext(client, { purpose: TEST_PURPOSE })
        expect((await withContext(context)).status).toBe(200)
        gw.resetHits()
        return context
      },
    ],
    ['expired', async () => signContext(client, { purpose: TEST_PURPOSE }, { issuedAtOffsetS: -200, expiresInS: 30 })],
    ['living longer than 60 s', async () => signContext(client, { purpose: TEST_PURPOSE }, { expiresInS: 600 })],
    ['signed by another key', async () => signContext(await createTestClient(client.clientId, client.agencyId), { purpose: TEST_PURPOSE })],
    ['not a JWS', async () => 'garbage'],
  ])('%s → 401 UNAUTHENTICATED, no registry call', async (_name, make) => {
    const res = await withContext(await make())
    expect(res.status, JSON.stringify(res.body)).toBe(401)
    expect(res.body.error.code).toBe('UNAUTHENTICATED')
    expect(totalHits()).toBe(0)
  })

  it.each([
    ['X-Purpose', 'quan ly\r\nX-Injected: 1'],
    ['X-Purpose', '<script>'],
    ['X-Case-Id', '../../etc/passwd'],
    ['X-End-User', 'a'.repeat(300)],
  ])('a malformed %s header is refused with 400 BAD_USER_INPUT', async (header, value) => {
    const res = await callGraphQL({ authorization: `Bearer ${await gw.identity.token()}`, [header]: value }).catch(() => null)
    // Some values cannot even be put on the wire (CR/LF): the platform refuses them first.
    if (res === null) return
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('BAD_USER_INPUT')
    expect(totalHits()).toBe(0)
  })

  it('refuses a signed context that disagrees with the plain headers', async () => {
    const res = await callGraphQL({
      authorization: `Bearer ${await gw.identity.token()}`,
      'x-purpose': 'DIEU_TRA',
      'x-request-context': await signContext(client, { purpose: TEST_PURPOSE }),
    })
    expect(res.status).toBe(400)
    expect(totalHits()).toBe(0)
  })
})

describe('POST /oauth/token', () => {
  const tokenRequest = (fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded') =>
    gw.app.request('/oauth/token', { method: 'POST', headers: { 'content-type': contentType }, body: new URLSearchParams(fields).toString() })
  const grant = async (assertion: string, extra: Record<string, string> = {}) =>
    tokenRequest({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      ...extra,
    })

  it('issues an ES256 access token (≤ 5 min) that the gateway accepts', async () => {
    const res = await grant(await signAssertion(client))
    const body = (await res.json()) as any
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300 })
    const [header, payload] = body.access_token
      .split('.')
      .slice(0, 2)
      .map((part: string) => JSON.parse(new TextDecoder().decode(base64url.decode(part))))
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) })
    expect(payload).toMatchObject({ iss: TEST_ISSUER, aud: TEST_ISSUER, sub: client.clientId, agency: client.agencyId, jti: expect.any(String) })
    expect(payload.exp - payload.iat).toBeLessThanOrEqual(300)
    expect((await callGraphQL({ authorization: `Bearer ${body.access_token}` })).status).toBe(200)
  })

  it('accepts the issuer itself as the assertion audience, and an Ed25519 client', async () => {
    const edClient = await createTestClient('ed-client', 'ed-agency', 'EdDSA')
    gw.identity.registry.replace([agencyDocument('test-agency', [client]), agencyDocument('ed-agency', [edClient])])
    const res = await grant(await signAssertion(edClient, { audience: TEST_ISSUER }))
    gw.identity.registry.replace([agencyDocument('test-agency', [client])])
    expect(res.status).toBe(200)
  })

  it.each<[string, number, string, () => Promise<Response>]>([
    [
      'a replayed assertion',
      401,
      'invalid_client',
      async () => {
        const assertion = await signAssertion(client)
        expect((await grant(assertion)).status).toBe(200)
        return grant(assertion)
      },
    ],
    ['an assertion living longer than 5 minutes', 401, 'invalid_client', async () => grant(await signAssertion(client, { expiresInS: 3600 }))],
    ['an expired assertion', 401, 'invalid_client', async () => grant(await signAssertion(client, { expiresInS: -120 }))],
    ['the wrong audience', 401, 'invalid_client', async () => grant(await signAssertion(client, { audience: 'http://other.test/oauth/token' }))],
    ['iss ≠ sub', 401, 'invalid_client', async () => grant(await signAssertion(client, { subject: 'someone-else' }))],
    ['an unknown client', 401, 'invalid_client', async () => grant(await signAssertion(await createTestClient('nobody', 'no-agency')))],
    [
      'a key not registered for the client',
      401,
      'invalid_client',
      async () => grant(await signAssertion({ ...(await createTestClient(client.clientId, client.agencyId)) })),
    ],
    ['client_id naming another client', 401, 'invalid_client', async () => grant(await signAssertion(client), { client_id: 'other' })],
    [
      'a client secret',
      401,
      'invalid_client',
      async () => tokenRequest({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'hunter2' }),
    ],
    ['another grant type', 400, 'unsupported_grant_type', async () => tokenRequest({ grant_type: 'password', username: 'a', password: 'b' })],
    ['no grant type', 400, 'invalid_request', async () => tokenRequest({ client_assertion: 'x' })],
    ['a JSON body', 400, 'invalid_request', async () => tokenRequest({ grant_type: 'client_credentials' }, 'application/json')],
    ['no assertion', 400, 'invalid_request', async () => tokenRequest({ grant_type: 'client_credentials' })],
    ['an assertion that is not a JWT', 400, 'invalid_request', async () => grant('not-a-jwt')],
    [
      'repeated parameters',
      400,
      'invalid_request',
      async () =>
        gw.app.request('/oauth/token', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&grant_type=client_credentials',
        }),
    ],
  ])('refuses %s (%i %s)', async (_name, status, error, send) => {
    const res = await send()
    const body = (await res.json()) as any
    expect(res.status, JSON.stringify(body)).toBe(status)
    expect(body.error).toBe(error)
    expect(body.access_token).toBeUndefined()
    expect(totalHits()).toBe(0)
  })

  it('refuses a suspended client', async () => {
    const document = agencyDocument('test-agency', [client])
    gw.identity.registry.replace([{ ...document, clients: document.clients.map((c) => ({ ...c, suspended: true })) }])
    const res = await grant(await signAssertion(client))
    gw.identity.registry.replace([agencyDocument('test-agency', [client])])
    expect(res.status).toBe(401)
  })

  it('publishes only public keys at /.well-known/jwks.json', async () => {
    const res = await gw.app.request('/.well-known/jwks.json')
    const body = (await res.json()) as { keys: Array<Record<string, unknown>> }
    expect(body.keys.length).toBeGreaterThan(0)
    for (const key of body.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', kid: expect.any(String) })
      expect(key.d).toBeUndefined()
    }
  })
})
