import type { JWK } from 'jose'
import type { Connectors, SignatureCrypto } from '../connectors/index.js'
import type { AccessTokens, SigningKeys } from './identity/access-token.js'
import type { AgencyRegistry } from './identity/agency-registry.js'
import type { SealingKeys } from './identity/keys/index.js'
import type { KeyedHash } from '../policies/index.js'
import type { Context } from 'hono'
import type { PolicyRuntime } from './policy/index.js'
import type { RateLimiter } from './ratelimit/index.js'
import type { SharedStore } from './shared-store/index.js'
import type { AuditSink } from './audit/sink.js'
import type { Queryable } from './database/index.js'
import type { ConsoleDeps } from './admin/console/index.js'
import type { OperationsApiDeps } from './admin/ops/index.js'
import type { Metrics } from './metrics/index.js'
import type { Logger } from './logger.js'
import type { CitizenOidcVerifier } from './identity/citizen-oidc.js'
import type { ReportStore } from './conformance/index.js'
import type { TrustList } from './documents/index.js'
import type { BlobStore, DossierStore, Outbox } from './exchange/index.js'
import type { ReferenceAssets } from './discovery/reference-page.js'
import type { Telemetry } from './telemetry/index.js'

export interface ReadinessResult {
  ok: boolean
  latencyMs?: number
  detail?: string
}

/**
 * One dependency `/readyz` reports. A critical one (the database, the audit store) makes the
 * gateway unready; a registry is not critical: when one is down the gateway still serves the
 * others and reports itself degraded.
 */
export interface ReadinessCheck {
  name: string
  critical: boolean
  check(signal: AbortSignal): Promise<ReadinessResult>
}

/** Who may call, and how tokens are issued and checked. */
export interface IdentityDeps {
  registry: AgencyRegistry
  tokens: AccessTokens
  /** Shared by all instances: refuses replayed assertions and signed contexts. */
  store: SharedStore
  /** The gateway's issuer URL (token audience, assertion audience). */
  issuer: string
  /** The public keys published at `/.well-known/jwks.json`. */
  jwks: () => { keys: object[] }
  /**
   * Every key the gateway ever signed with and when, published at
   * `/.well-known/lgsp-key-history.json`: receipts and checkpoints stay verifiable after rotations.
   */
  keyHistory: () => { keys: JWK[] }
  /** The gateway's keys, for its own token types (citizen, staff). */
  signingKeys: SigningKeys
  /**
   * The clock the token endpoint and caller authentication judge `iat`/`exp` by (ms since
   * epoch); the access tokens carry their own. Tests pin it to check the bounds to the second.
   * @default Date.now
   */
  now?: () => number
  /**
   * Keys derived from the gateway keys for values only the gateway reads back: the paging
   * cursors are sealed with them, so they rotate with `lgsp keys rotate`.
   */
  sealing: SealingKeys
  /**
   * The national e-ID (OpenID Connect): its ID tokens name citizens on their own channels, and
   * the citizen's page logs in with it (given the client secret). Absent: only the sandbox citizen
   * token, outside production.
   */
  citizenEid?: CitizenEid
}

export interface CitizenEid {
  verifier: CitizenOidcVerifier
  clientId: string
  /** For the code exchange of the citizen's web login; absent: no web login. */
  clientSecret?: string
  /** The assurance level the web login asks for. */
  acr?: string
}

/** Everything `createGateway` needs, built once at the entry, so the core never chooses an adapter. */
export interface GatewayDeps {
  connectors: Connectors
  identity: IdentityDeps
  /** The active agency policies (deny by default: an agency without a grant reads nothing). */
  policies: PolicyRuntime
  /**
   * The audit trail: every data request, token request and citizen history read is
   * one event, committed before its response leaves; `hash` keys the subjects' hashes.
   */
  audit: {
    sink: AuditSink
    instance: string
    hash: KeyedHash
    /** The store to search (admin API, citizen history); without it those routes are absent. */
    reader?: Queryable
  }
  /** Keyed hash (HMAC) for `hash` masks; without it a `hash` mask redacts. */
  keyedHash?: KeyedHash
  /**
   * The conformance reports recorded for partner agencies: shown on the console's exchange page,
   * and required (green, under the contract in force) before the clients of an agency whose
   * policy says `exchange.requireConformance` get tokens. Absent: no report is required or shown.
   */
  conformance?: ReportStore
  /**
   * ES256 and SHA-256 for signed answers and receipts; the Node entry gives node:crypto's, far
   * cheaper per call. @default WebCrypto
   */
  signatureCrypto?: SignatureCrypto
  /** `production` turns off GraphiQL and development conveniences. */
  mode: 'development' | 'test' | 'production'
  /**
   * Runs data requests as compiled plans (graphql-jit), once per document: less CPU per request.
   * Off where a runtime forbids generating code (workerd). @default true
   */
  compiledExecution?: boolean
  /**
   * GraphiQL's development token helper, outside production. It trusts a loopback socket peer as
   * "this machine": off where the caller's address comes from a header (workerd). @default true
   */
  devTokenHelper?: boolean
  /** Largest request body in bytes. @default 262144 */
  bodyLimitBytes?: number
  /** Longest a request to an audited route may take, in ms. @default 15000 */
  requestTimeoutMs?: number
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins?: string[]
  /**
   * Agency rate limits and quotas on `/graphql`, and attempt limits on `/oauth/token`. The entry
   * always wires one (memory, or Redis with per-instance failover); absent: nothing is limited.
   */
  rateLimiter?: RateLimiter & { readonly degraded?: boolean }
  /**
   * Where grant limits per subject and per officer are counted, shared by every instance.
   * @default identity.store (the same Redis, or memory for one instance)
   */
  counters?: SharedStore
  /** The caller's network address (Node: the socket's), for per-address limits. @default none: 'unknown' */
  clientIp?: (c: Context) => string | undefined
  /** The operator and auditor console; needs `audit.reader`. Absent: no console pages. */
  console?: ConsoleDeps
  /**
   * The operator commands over HTTP (`/admin/api/ops/*`), for the CLI while this gateway holds
   * the database. Absent: not served.
   */
  operations?: OperationsApiDeps
  /**
   * The script and styles of the REST API's reference page (`/docs`), read when it is first asked
   * for (Node: `readSwaggerUiAssets` from the installed package). Absent: `/openapi.json` only.
   */
  referenceAssets?: () => Promise<ReferenceAssets>
  /** Extra readiness checks (database, Redis …) added by later capabilities. */
  readiness?: ReadinessCheck[]
  logger?: Logger
  /** Request, upstream, rate-limit and audit metrics (Node: prom-client, served apart). @default none */
  metrics?: Metrics
  /**
   * Spans of each request and its steps (Node: the SDK with an OTLP exporter, when
   * OTEL_EXPORTER_OTLP_ENDPOINT is set). @default off: the caller's traceparent is passed on as it came
   */
  telemetry?: Telemetry
  /**
   * The dossier exchange: dossiers and their steps (each with its audit event and outbox messages
   * in one transaction), and the document parts. Absent: the exchange's fields answer that it is
   * not enabled, and `/v1/blobs` is not served.
   */
  exchange?: {
    store: DossierStore
    blobs: BlobStore
    outbox: Outbox
    onCommitted?: () => void
    /** What document signatures are checked against. @default none: every signed part is UNTRUSTED */
    trust?: () => TrustList
  }
}
