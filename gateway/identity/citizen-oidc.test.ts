/**
 * Citizens' ID tokens from the national e-ID, against a real OpenID Connect provider on
 * 127.0.0.1 (the sandbox e-ID): a token of the configured issuer, for the gateway, at an accepted
 * assurance level, names its PIN; any other is no citizen at all.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EID_CLIENT_ID, EID_LEVEL_1, EID_LEVEL_2, startSandboxEid, type SandboxEid } from '../../test/services/sandbox-eid.js'
import { createCitizenOidcVerifier } from './citizen-oidc.js'

const PIN = '001085000101'
let eid: SandboxEid
beforeAll(async () => {
  eid = await startSandboxEid()
})
afterAll(async () => {
  await eid?.close()
})

const verifier = (overrides: Partial<Parameters<typeof createCitizenOidcVerifier>[0]> = {}) =>
  createCitizenOidcVerifier({ issuer: eid.issuer, audience: EID_CLIENT_ID, acceptedAcr: [EID_LEVEL_2], ...overrides })

describe('citizen ID tokens from the e-ID', () => {
  it('a level-2 ID token for the gateway names its PIN', async () => {
    expect(await verifier().verify(await eid.login(PIN))).toBe(PIN)
  })

  it('checks the nonce the login flow sent, when given', async () => {
    const token = await eid.login(PIN, { nonce: 'nonce-1' })
    expect(await verifier().verify(token, { nonce: 'nonce-1' })).toBe(PIN)
    expect(await verifier().verify(token, { nonce: 'nonce-2' })).toBeNull()
  })

  it.each<[string, () => Promise<string>, Partial<Parameters<typeof createCitizenOidcVerifier>[0]>]>([
    ['a login at a lower assurance level', () => eid.login(PIN, { acr: EID_LEVEL_1 }), {}],
    ['a token for another client (audience)', () => eid.login(PIN), { audience: 'another-service' }],
    ['a token whose PIN claim is not where the gateway reads it', () => eid.login(PIN), { pinClaim: 'cccd' }],
    [
      'a token with its payload altered',
      async () => {
        const [header, , signature] = (await eid.login(PIN)).split('.')
        const forged = Buffer.from(
          JSON.stringify({ sub: '001085000999', pin: '001085000999', aud: EID_CLIENT_ID, iss: eid.issuer, iat: 1, exp: 4e9 }),
        ).toString('base64url')
        return `${header}.${forged}.${signature}`
      },
      {},
    ],
    [
      'a token signed by a key the provider does not publish',
      async () => {
        const { privateKey } = await generateKeyPair('ES256')
        return new SignJWT({ pin: PIN, acr: EID_LEVEL_2 })
          .setProtectedHeader({ alg: 'ES256', kid: 'forged' })
          .setIssuer(eid.issuer)
          .setAudience(EID_CLIENT_ID)
          .setSubject(PIN)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey)
      },
      {},
    ],
    ['not a token at all', async () => 'not.a.token', {}],
  ])('is no citizen: %s', async (_case, token, overrides) => {
    expect(await verifier(overrides).verify(await token())).toBeNull()
  })

  it('refuses a provider whose discovery document names another issuer', async () => {
    const lying = createCitizenOidcVerifier({ issuer: `${eid.issuer}/`, audience: EID_CLIENT_ID })
    await expect(lying.verify(await eid.login(PIN))).rejects.toThrow(/does not name this issuer/)
  })

  it('an expired token is no citizen', async () => {
    // The provider's tokens live an hour: a key the verifier trusts signs one dated long ago.
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'old', alg: 'ES256' }
    const old = await new SignJWT({ pin: PIN })
      .setProtectedHeader({ alg: 'ES256', kid: 'old' })
      .setIssuer(eid.issuer)
      .setAudience(EID_CLIENT_ID)
      .setSubject(PIN)
      .setIssuedAt(1_700_000_000)
      .setExpirationTime(1_700_000_300)
      .sign(privateKey)
    const withKey = createCitizenOidcVerifier({ issuer: eid.issuer, audience: EID_CLIENT_ID, remoteKeySet: () => createLocalJWKSet({ keys: [jwk] }) })
    expect(await withKey.verify(old)).toBeNull()
    // The same key and claims, still in force: the refusal above was the expiry.
    const fresh = await new SignJWT({ pin: PIN })
      .setProtectedHeader({ alg: 'ES256', kid: 'old' })
      .setIssuer(eid.issuer)
      .setAudience(EID_CLIENT_ID)
      .setSubject(PIN)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey)
    expect(await withKey.verify(fresh)).toBe(PIN)
  })
})
