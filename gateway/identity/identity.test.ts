import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { agencyDocument, createTestClient, signAssertion, TEST_ISSUER } from '../../test/identity.js'
import { createGatewayKeys, createMemoryKeyStore } from './keys/index.js'
import { createMemorySharedStore } from '../shared-store/index.js'
import { createAccessTokens, createAgencyRegistry, issueSandboxCitizenToken, verifyClientAssertion, verifySandboxCitizenToken } from './index.js'

async function gatewayKeys() {
  const keys = createGatewayKeys({ store: createMemoryKeyStore(), refreshMs: 0 })
  await keys.init()
  return keys
}

describe('trusted external issuers (a provincial SSO, the national e-ID)', () => {
  const sso = 'https://sso.hanoi.gov.vn.test'
  async function setup() {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const publicJwk = { ...(await exportJWK(publicKey)), kid: 'sso-1' }
    const fetched: string[] = []
    const tokens = createAccessTokens({
      keys: await gatewayKeys(),
      issuer: TEST_ISSUER,
      trustedIssuers: [{ issuer: sso, jwksUri: `${sso}/jwks`, audience: 'lgsp-gateway', agencyClaim: 'agency_id', clientClaim: 'azp' }],
      remoteKeySet: (url) => {
        fetched.push(url.href)
        return createLocalJWKSet({ keys: [publicJwk] })
      },
    })
    const sign = (claims: Record<string, unknown>, audience = 'lgsp-gateway', issuer = sso) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'sso-1' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey)
    return { tokens, sign, fetched }
  }

  it('maps the configured claims to agency and client', async () => {
    const { tokens, sign, fetched } = await setup()
    const result = await tokens.verify(await sign({ agency_id: 'so-tu-phap-ha-noi', azp: 'lltp-ha-noi' }))
    expect(result).toMatchObject({ ok: true, identity: { issuer: sso, agencyId: 'so-tu-phap-ha-noi', clientId: 'lltp-ha-noi' } })
    expect(fetched).toEqual([`${sso}/jwks`])
  })

  it.each([
    ['a wrong audience', { agency_id: 'a', azp: 'b' }, 'other-audience', sso],
    ['no agency claim', { azp: 'b' }, 'lgsp-gateway', sso],
    ['an issuer not in the list', { agency_id: 'a', azp: 'b' }, 'lgsp-gateway', 'https://evil.test'],
  ])('refuses %s', async (_name, claims, audience, issuer) => {
    const { tokens, sign } = await setup()
    expect((await tokens.verify(await sign(claims, audience, issuer))).ok).toBe(false)
  })
})

describe('clients with a jwksUri', () => {
  it('verify assertions against the keys the agency publishes', async () => {
    const client = await createTestClient('remote-client', 'remote-agency')
    const document = agencyDocument('remote-agency', [client])
    const registry = createAgencyRegistry(
      [{ ...document, clients: [{ id: client.clientId, suspended: false, dev: false, jwksUri: 'https://keys.agency.test/jwks.json' }] }],
      { remoteKeySet: (url) => (url.hostname === 'keys.agency.test' ? createLocalJWKSet({ keys: [client.publicJwk] }) : createLocalJWKSet({ keys: [] })) },
    )
    const deps = { registry, store: createMemorySharedStore(), audiences: [`${TEST_ISSUER}/oauth/token`] }
    expect(await verifyClientAssertion(await signAssertion(client), deps)).toMatchObject({ ok: true, client: { clientId: 'remote-client' } })
    const impostor = await createTestClient('remote-client', 'remote-agency')
    expect(await verifyClientAssertion(await signAssertion(impostor), deps)).toMatchObject({ ok: false, error: 'invalid_client' })
  })
})

describe('development clients', () => {
  it('cannot authenticate without a generated key (deny, never guess)', async () => {
    const client = await createTestClient('dev-client', 'dev-agency')
    const document = agencyDocument('dev-agency', [client])
    const registry = createAgencyRegistry([{ ...document, clients: [{ id: 'dev-client', suspended: false, dev: true }] }])
    expect(registry.devClientIds()).toEqual(['dev-client'])
    const result = await verifyClientAssertion(await signAssertion(client), {
      registry,
      store: createMemorySharedStore(),
      audiences: [`${TEST_ISSUER}/oauth/token`],
    })
    expect(result.ok).toBe(false)
  })
})

describe('sandbox citizen tokens', () => {
  it('round-trip to the PIN, and are not access tokens', async () => {
    const keys = await gatewayKeys()
    const token = await issueSandboxCitizenToken(keys, TEST_ISSUER, '001085000101')
    expect(await verifySandboxCitizenToken(keys, TEST_ISSUER, token)).toBe('001085000101')
    expect(await verifySandboxCitizenToken(keys, 'http://other.test', token)).toBeNull()
    expect((await createAccessTokens({ keys, issuer: TEST_ISSUER }).verify(token)).ok).toBe(false)
    await expect(issueSandboxCitizenToken(keys, TEST_ISSUER, '12345')).rejects.toThrow(/12 digits/)
  })
})
