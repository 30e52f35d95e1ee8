/**
 * Test identities: a registered agency whose client key pair the tests hold, so they can sign
 * client assertions and request contexts like a real department system would.
 */
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import { createAccessTokens, createAgencyRegistry, type AgencyRegistry } from '../gateway/identity/index.js'
import { createGatewayKeys, createMemoryKeyStore } from '../gateway/identity/keys/index.js'
import { createMemorySharedStore, type SharedStore } from '../gateway/shared-store/index.js'
import type { AgencyIdentity } from '../policies/index.js'
import type { IdentityDeps } from '../gateway/deps.js'

export const TEST_ISSUER = 'http://gateway.test'

export interface TestClient {
  clientId: string
  agencyId: string
  privateKey: CryptoKey
  publicJwk: JWK
}

export async function createTestClient(clientId: string, agencyId: string, alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<TestClient> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid: `${clientId}-1` }
  return { clientId, agencyId, privateKey, publicJwk }
}

export function agencyDocument(agencyId: string, clients: TestClient[], extra: Partial<AgencyIdentity> = {}): AgencyIdentity {
  return {
    agency: agencyId,
    name: `Test agency ${agencyId}`,
    suspended: false,
    jurisdiction: { provinces: ['01'], communes: ['00097'] },
    clients: clients.map((client) => ({ id: client.clientId, suspended: false, dev: false, jwks: { keys: [client.publicJwk as never] } })),
    ...extra,
  }
}

/** A client assertion (RFC 7523) signed by the test client. */
export async function signAssertion(
  client: TestClient,
  options: {
    audience?: string
    expiresInS?: number
    issuedAtOffsetS?: number
    jti?: string
    issuer?: string
    subject?: string
    alg?: string
    now?: number
  } = {},
): Promise<string> {
  const now = Math.floor((options.now ?? Date.now()) / 1000)
  return new SignJWT({})
    .setProtectedHeader({ alg: options.alg ?? (client.publicJwk.kty === 'OKP' ? 'EdDSA' : 'ES256'), kid: client.publicJwk.kid })
    .setIssuer(options.issuer ?? client.clientId)
    .setSubject(options.subject ?? client.clientId)
    .setAudience(options.audience ?? `${TEST_ISSUER}/oauth/token`)
    .setIssuedAt(now + (options.issuedAtOffsetS ?? 0))
    .setExpirationTime(now + (options.expiresInS ?? 60))
    .setJti(options.jti ?? crypto.randomUUID())
    .sign(client.privateKey)
}

/**
 * A signed request context (X-Request-Context) for the test gateway: `aud` is the gateway's issuer
 * unless `audience` says otherwise (`null`: no `aud` at all). `expiresInS` counts from `iat`.
 */
export async function signContext(
  client: TestClient,
  claims: { purpose?: string; caseId?: string; endUser?: string },
  options: { expiresInS?: number; issuedAtOffsetS?: number; jti?: string; audience?: string | string[] | null; now?: number } = {},
): Promise<string> {
  const iat = Math.floor((options.now ?? Date.now()) / 1000) + (options.issuedAtOffsetS ?? 0)
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: client.publicJwk.kty === 'OKP' ? 'EdDSA' : 'ES256', kid: client.publicJwk.kid })
    .setIssuer(client.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.expiresInS ?? 30))
    .setJti(options.jti ?? crypto.randomUUID())
  const audience = options.audience === undefined ? TEST_ISSUER : options.audience
  if (audience !== null) jwt.setAudience(audience)
  return jwt.sign(client.privateKey)
}

export interface TestIdentity {
  deps: IdentityDeps
  registry: AgencyRegistry
  store: SharedStore
  client: TestClient
  /** An access token for the default test client. */
  token(client?: TestClient): Promise<string>
  keys: Awaited<ReturnType<typeof createTestKeys>>
}

async function createTestKeys() {
  const keys = createGatewayKeys({ store: createMemoryKeyStore() })
  await keys.init()
  return keys
}

/** `now`: one clock for issuing and verifying tokens, assertions and signed contexts. */
export async function createTestIdentity(options: { now?: () => number } = {}): Promise<TestIdentity> {
  const client = await createTestClient('test-client', 'test-agency')
  const registry = createAgencyRegistry([agencyDocument('test-agency', [client])])
  const store = createMemorySharedStore()
  const keys = await createTestKeys()
  const clock = options.now ? { now: options.now } : {}
  const tokens = createAccessTokens({ keys, issuer: TEST_ISSUER, ...clock })
  return {
    deps: {
      registry,
      tokens,
      store,
      issuer: TEST_ISSUER,
      jwks: () => keys.jwks(),
      keyHistory: () => keys.keyHistory(),
      signingKeys: keys,
      sealing: keys,
      ...clock,
    },
    registry,
    store,
    client,
    keys,
    token: async (which = client) => (await tokens.issue(which)).token,
  }
}
