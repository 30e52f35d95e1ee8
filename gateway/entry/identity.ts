import type { Config } from '../config.js'
import { issuerOf } from '../config.js'
import type { IdentityDeps } from '../deps.js'
import type { Logger } from '../logger.js'
import { createAccessTokens, createAgencyRegistry } from '../identity/index.js'
import { createGatewayKeys } from '../identity/keys/index.js'
import { createMemorySharedStore, type SharedStore } from '../shared-store/index.js'
import { createRedisSharedStore } from '../shared-store/redis.node.js'
import { ensureDevClientKeys, type DevClientKey } from '../identity/dev-clients.node.js'
import { createFileKeyStore } from '../identity/keys/file-key-store.node.js'
import type { AgencyIdentity } from '../../policies/index.js'
import { loadAgencyDocuments } from '../policy/store/read-files.node.js'
import { createCitizenOidcVerifier } from '../identity/citizen-oidc.js'
import { createGuardedRemoteKeySet } from '../identity/remote-jwks.node.js'

export interface NodeIdentity {
  identity: IdentityDeps
  keys: ReturnType<typeof createGatewayKeys>
  devClients: Map<string, DevClientKey>
  /** Listens for signing-key changes (a rotation by the CLI or another instance, picked up here). */
  onSignerChange(listener: (kid: string, previous: string) => void): void
  close(): Promise<void>
}

/**
 * Builds identity for a Node process from configuration: the given agency documents (else those
 * in POLICIES_DIR),
 * gateway keys in DATA_DIR (encrypted with GATEWAY_KEYS_PASSPHRASE when set), development client
 * keys generated on first use, and the shared store (Redis when REDIS_URL is set). Production
 * refuses development clients.
 */
export async function createNodeIdentity(config: Config, logger?: Logger, documents?: AgencyIdentity[]): Promise<NodeIdentity> {
  // The gateway passes the policy store's active version; the CLI reads POLICIES_DIR.
  const agencies = documents ?? (await loadAgencyDocuments(config.POLICIES_DIR))
  const devClientIds = agencies.flatMap((agency) => agency.clients.filter((client) => client.dev).map((client) => client.id))
  if (config.NODE_ENV === 'production' && devClientIds.length > 0) {
    throw new Error(`Production refuses development clients (dev: true): ${devClientIds.join(', ')}. Register their public keys (jwks or jwksUri).`)
  }
  const devClients = await ensureDevClientKeys(config.DATA_DIR, devClientIds)
  // Remote key sets only from allowed hosts, never internal addresses in production (SSRF).
  const remoteKeySet = createGuardedRemoteKeySet({ allowedHosts: config.JWKS_ALLOWED_HOSTS, production: config.NODE_ENV === 'production' }, logger)
  const registry = createAgencyRegistry(agencies, {
    devClientKeys: new Map([...devClients].map(([id, key]) => [id, key.publicJwk])),
    remoteKeySet,
  })
  const signerListeners: Array<(kid: string, previous: string) => void> = []
  const keys = createGatewayKeys({
    onSignerChange: (kid, previous) => signerListeners.forEach((listener) => listener(kid, previous)),
    store: createFileKeyStore({ dir: config.DATA_DIR, ...(config.GATEWAY_KEYS_PASSPHRASE ? { passphrase: config.GATEWAY_KEYS_PASSPHRASE } : {}) }),
    // A failed background refresh keeps the last good keys; an operator must still hear of it.
    ...(logger ? { onError: (error: unknown) => logger.error({ err: error }, 'gateway key refresh failed') } : {}),
  })
  await keys.init()
  const store: SharedStore = config.REDIS_URL ? createRedisSharedStore({ url: config.REDIS_URL }) : createMemorySharedStore()
  const issuer = issuerOf(config)
  const tokens = createAccessTokens({ keys, issuer, trustedIssuers: config.TRUSTED_ISSUERS, remoteKeySet })
  // The national e-ID, when configured: its discovery document and key set behind the same SSRF guard.
  const eid =
    config.CITIZEN_OIDC_ISSUER && config.CITIZEN_OIDC_CLIENT_ID
      ? createCitizenOidcVerifier({
          issuer: config.CITIZEN_OIDC_ISSUER,
          audience: config.CITIZEN_OIDC_CLIENT_ID,
          pinClaim: config.CITIZEN_OIDC_PIN_CLAIM,
          acceptedAcr: config.CITIZEN_OIDC_ACR,
          remoteKeySet,
        })
      : null
  return {
    identity: {
      registry,
      tokens,
      store,
      issuer,
      jwks: () => keys.jwks(),
      keyHistory: () => keys.keyHistory(),
      signingKeys: keys,
      sealing: keys,
      ...(eid
        ? {
            citizenEid: {
              verifier: eid,
              clientId: config.CITIZEN_OIDC_CLIENT_ID!,
              ...(config.CITIZEN_OIDC_CLIENT_SECRET ? { clientSecret: config.CITIZEN_OIDC_CLIENT_SECRET } : {}),
              ...(config.CITIZEN_OIDC_ACR[0] ? { acr: config.CITIZEN_OIDC_ACR[0] } : {}),
            },
          }
        : {}),
    },
    keys,
    devClients,
    onSignerChange: (listener) => signerListeners.push(listener),
    close: async () => {
      keys.close()
      await store.close()
    },
  }
}
