/**
 * The authorization-server metadata (RFC 8414), read by a well-kept OAuth client library as a
 * client would: it validates, names this gateway as issuer, and what it points at works — the
 * key set serves the keys tokens are signed with, and the token endpoint issues a token to a
 * client signing with an algorithm the metadata lists.
 */
import { exportJWK } from 'jose'
import { processDiscoveryResponse } from 'oauth4webapi'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createGatewayClient } from '../connectors/index.js'
import { createTestGateway, type TestGateway } from './harness.js'
import { TEST_ISSUER } from './identity.js'

let gateway: TestGateway
beforeAll(async () => {
  gateway = await createTestGateway()
}, 60_000)
afterAll(() => gateway?.close())

/** Fetches through the in-process gateway, as if from TEST_ISSUER. */
const viaGateway = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = new URL(String(input instanceof Request ? input.url : input))
  return gateway.app.request(`${url.pathname}${url.search}`, init)
}) as typeof fetch

it('validates as RFC 8414 metadata for this issuer, and what it names works', async () => {
  const res = await gateway.app.request('/.well-known/oauth-authorization-server')
  expect(res.headers.get('cache-control')).toBe('public, max-age=300')
  const metadata = await processDiscoveryResponse(new URL(TEST_ISSUER), res)
  expect(metadata).toMatchObject({
    issuer: TEST_ISSUER,
    token_endpoint: `${TEST_ISSUER}/oauth/token`,
    jwks_uri: `${TEST_ISSUER}/.well-known/jwks.json`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
  })
  expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'EdDSA']))

  // The key set it names serves the key the gateway's tokens are signed with.
  const keys = (await (await viaGateway(metadata.jwks_uri!)).json()) as { keys: Array<{ kid: string }> }
  const token = await gateway.identity.token()
  const kid = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid
  expect(keys.keys.map((k) => k.kid)).toContain(kid)

  // The token endpoint it names issues a token to the test client, signing with ES256 as listed.
  const client = gateway.identity.client
  const issued = await createGatewayClient({
    gateway: new URL(metadata.token_endpoint!).origin,
    issuer: metadata.issuer,
    clientId: client.clientId,
    privateKey: { ...(await exportJWK(client.privateKey)), kid: client.publicJwk.kid },
    purpose: 'KIEM_THU',
    endUser: 'kiem-thu',
    fetch: viaGateway,
  }).agency()
  expect(issued).toBe(client.agencyId)
})

it('a metadata document naming another issuer is refused by the client library', async () => {
  const res = await gateway.app.request('/.well-known/oauth-authorization-server')
  await expect(processDiscoveryResponse(new URL('http://another.test'), res)).rejects.toThrow(/issuer/)
})
