import { join } from 'node:path'
import type { JWK } from 'jose'
import { partnerWire, signPush } from '../../connectors/index.js'
import { PARTNER_SANDBOXES, startPartnerSandboxes, type PartnerSandboxes, type PartnerSandboxesOptions } from '../../connectors/partners/sandbox/index.js'
import { createCheckpointSigner, createStepChains } from '../audit/index.js'
import type { Config } from '../config.js'
import type { Database } from '../database/index.js'
import {
  createDatabaseBlobStore,
  createDeliveryWorker,
  createDossierStore,
  createOutbox,
  httpPush,
  PORTAL_RECEIVER,
  type BlobStore,
  type DossierStore,
  type Outbox,
  type ReceiverEndpoint,
} from '../exchange/index.js'
import { createFileBlobStore } from '../exchange/blob-store-files.node.js'
import type { GatewayKeys } from '../identity/keys/index.js'
import type { Logger } from '../logger.js'
import type { PolicyRuntime } from '../policy/index.js'
import { unrefTimer } from '../support/index.js'
import { nodeSha256 } from './audit.js'
import { nodeSignatureCrypto } from '../identity/keys/node-signature-crypto.node.js'
import type { TrustList } from '../documents/index.js'
import type { Telemetry } from '../telemetry/index.js'
import { documentTrust } from './trust-list.js'

/** How often the step chains' heads are signed when steps stop coming. */
const SEAL_INTERVAL_MS = 2000

export interface NodeExchange {
  deps: { store: DossierStore; blobs: BlobStore; outbox: Outbox; onCommitted: () => void; trust: () => TrustList }
  /** Where document signatures' trust list comes from, for the banner. */
  trustSource: string
  /** The sandbox partner systems, when the portal or an agency's endpoint names one (development). */
  sandboxes: PartnerSandboxes | undefined
  /** Where each receiving system is, for the banner. */
  partners(): Record<string, { url: string; sandbox: boolean }>
  close(): Promise<void>
}

/**
 * The dossier exchange of a Node gateway: dossiers and the outbox in the configured database,
 * each step's audit event in the step chains, document parts as files under DATA_DIR (embedded)
 * or in PostgreSQL (several instances share them), and a delivery worker pushing signed messages
 * to the portal and to each agency's registered endpoint. Outside production, the sandbox partner
 * systems stand in for the portal (PORTAL_URL unset) and for endpoints written `sandbox:<name>`.
 */
/** The role each sandbox vendor system plays when it takes steps of its own. */
const SANDBOX_ROLES = { igate: 'desk', opencps: 'department', soap: 'department' } as const

/**
 * The sandbox systems that can act for an agency: the one its policy points at, with its first
 * development client's key (the conformance kit connects them to its relay for a run).
 */
function sandboxActors(policies: PolicyRuntime, devKeys: ReadonlyMap<string, JWK>): PartnerSandboxesOptions['actors'] {
  const actors: NonNullable<PartnerSandboxesOptions['actors']> = {}
  for (const agency of policies.current().agencies.values()) {
    const name = agency.exchange?.endpoint?.startsWith('sandbox:') ? agency.exchange.endpoint.slice('sandbox:'.length) : null
    if (name !== 'igate' && name !== 'opencps' && name !== 'soap') continue
    const client = agency.clients.find((c) => devKeys.has(c.id))
    if (client && !actors[name]) actors[name] = { role: SANDBOX_ROLES[name], agency: agency.agency, clientId: client.id, privateKey: devKeys.get(client.id)! }
  }
  return actors
}

export async function startNodeExchange(options: {
  config: Config
  db: Database
  keys: GatewayKeys
  policies: PolicyRuntime
  logger: Logger
  /** Development clients' private keys: a sandbox system acts with its agency's, once told which gateway to call. */
  devClientKeys?: ReadonlyMap<string, JWK>
  /** Each push a span continuing its step's trace. @default off */
  telemetry?: Telemetry
}): Promise<NodeExchange> {
  const { config, db, keys, policies, logger } = options
  const production = config.NODE_ENV === 'production'
  const sign = createCheckpointSigner(() => keys.signingKey())
  const chains = createStepChains({ sign, sha256: nodeSha256 })
  const store = createDossierStore(db, { audit: chains })
  const blobs = config.DATABASE_URL ? createDatabaseBlobStore(db) : createFileBlobStore(join(config.DATA_DIR, 'blobs'))
  const documents = documentTrust(config, logger)
  const wantsSandbox =
    !production && (!config.PORTAL_URL || [...policies.current().agencies.values()].some((a) => a.exchange?.endpoint?.startsWith('sandbox:')))
  const sandboxes = wantsSandbox
    ? await startPartnerSandboxes({
        // The sandboxes check every push against the gateway's published keys (what /.well-known/jwks.json serves).
        jwks: () => keys.jwks().keys as JWK[],
        actors: sandboxActors(policies, options.devClientKeys ?? new Map()),
      })
    : undefined
  const sandboxUrl = (name: string): string | null =>
    sandboxes && (PARTNER_SANDBOXES as readonly string[]).includes(name) ? sandboxes[name as (typeof PARTNER_SANDBOXES)[number]].url : null
  const endpointOf = (receiver: string): ReceiverEndpoint | null => {
    if (receiver === PORTAL_RECEIVER) {
      const url = config.PORTAL_URL ?? sandboxUrl('portal')
      return url ? { url, wire: partnerWire('portal') } : null
    }
    const exchange = policies.current().agencies.get(receiver)?.exchange
    if (exchange?.delivery !== 'push' || !exchange.endpoint) return null
    // A sandbox endpoint exists only outside production: in production it is no endpoint at all.
    const url = exchange.endpoint.startsWith('sandbox:') ? sandboxUrl(exchange.endpoint.slice('sandbox:'.length)) : exchange.endpoint
    return url ? { url, wire: partnerWire(exchange.wire) } : null
  }
  const outbox = createOutbox(db, {
    maxAttempts: config.EXCHANGE_MAX_ATTEMPTS,
    leaseMs: config.EXCHANGE_LEASE_MS,
    backoff: { baseMs: config.EXCHANGE_RETRY_BASE_MS, maxMs: config.EXCHANGE_RETRY_MAX_MS },
  })
  const worker = createDeliveryWorker({
    outbox,
    batch: 64,
    push: httpPush({
      endpointOf,
      sign: (request) => signPush({ ...request, key: keys.signingKey(), primitives: nodeSignatureCrypto }),
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    }),
    // Systems registered to read an inbox get no pushes: their messages wait for them.
    inboxReceivers: () => [...policies.current().agencies.values()].filter((a) => a.exchange?.delivery === 'inbox').map((a) => a.agency),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    onDead: (message, error) =>
      logger.warn({ message: message.id, dossier: message.dossier, seq: message.seq, receiver: message.receiver, error }, 'dossier message dead-lettered'),
  })
  worker.start()
  const sealer = setInterval(() => {
    chains.seal(db).catch((error: unknown) => logger.warn({ err: error }, 'step audit chains not sealed; retrying'))
  }, SEAL_INTERVAL_MS)
  unrefTimer(sealer)
  return {
    deps: { store, blobs, outbox, onCommitted: () => worker.wake(), trust: documents.trust },
    trustSource: documents.source,
    sandboxes,
    partners() {
      const listed: Record<string, { url: string; sandbox: boolean }> = {}
      const portal = endpointOf(PORTAL_RECEIVER)
      if (portal) listed.portal = { url: portal.url, sandbox: !config.PORTAL_URL }
      for (const agency of policies.current().agencies.values()) {
        const endpoint = agency.exchange?.endpoint && endpointOf(agency.agency)
        if (endpoint) listed[agency.agency] = { url: endpoint.url, sandbox: agency.exchange!.endpoint!.startsWith('sandbox:') }
      }
      return listed
    },
    async close() {
      clearInterval(sealer)
      await worker.stop()
      // Signed before the database closes: nothing of the last steps is left unsigned.
      await chains.seal(db).catch(() => undefined)
      await sandboxes?.close()
    },
  }
}
