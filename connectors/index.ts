/**
 * The connectors' public surface for the gateway: build the registry connectors from their base
 * URLs (population by its hand-written client; land, business and every other source by their
 * descriptions and the one engine). The gateway imports connectors only through this file (an import rule the architecture test checks).
 */
import type { ResilienceOptions } from './kit/index.js'
import type { RegistryConnector, RegistryLoaders, RequestScope, UpstreamTransport } from './kit/index.js'
import { createPopulationConnector } from './population/index.js'
import { createDescribedConnector, type ConnectorPlan } from './described/index.js'
export type { ConnectorPlan } from './described/index.js'

export {
  adminUnitResolvers,
  withPredecessorCodes,
  ConnectorError,
  isConnectorError,
  type ConnectorContext,
  type ConnectorName,
  type HealthReport,
  type RegistryConnector,
  type RegistryLoaders,
  type RequestScope,
  type UpstreamAttempt,
  type UpstreamCall,
  type UpstreamSpan,
  type UpstreamTransport,
  type ResilienceOptions,
  type CircuitStateName,
  cutPage,
  type ListWindow,
  type PageArgs,
  type Pager,
  type PageSource,
  positionPager,
  fetchWithoutRedirects,
  RedirectRefusedError,
} from './kit/index.js'

export {
  isPin,
  portalTime,
  STEP_FIELDS,
  readAnswer,
  stepMessageSchema,
  signatureStatusSchema,
  stepNameSchema,
  type CopyType,
  type MessagePart,
  type PartSignature,
  type SignatureStatus,
  type PartnerWire,
  type PushOutcome,
  type StatusName,
  type StepMessage,
  type StepName,
  type WireName,
} from './partners/message.js'
export {
  PUSH_COVERED,
  PUSH_SIGNATURE_ALG,
  PUSH_SIGNATURE_TAG,
  PUSH_SIGNATURE_TTL_S,
  RESPONSE_COVERED,
  RESPONSE_SIGNATURE_TAG,
  pushIdempotencyKey,
  signPush,
  signResponse,
  verifyPush,
  verifyResponse,
  type PushSigningKey,
  type PushVerdict,
} from './partners/signatures.js'
export { webSignatureCrypto, type SignatureCrypto } from './partners/signature-crypto.js'
export {
  createGatewayClient,
  newIdempotencyKey,
  retryAfterSeconds,
  sha256Hex,
  stepOperation,
  SUBMIT_MUTATION,
  versionAfter,
  requestAccessToken,
  signClientAssertion,
  clientAssertionForm,
  type GatewayAnswer,
  type GatewayClient,
  type GatewayClientOptions,
  type PartReference,
  type StepRequest,
} from './partners/gateway-client.js'
export { partnerWire, PARTNER_WIRES } from './partners/wires.js'

/** A source connected by description, and where to reach it. */
export interface DescribedSourceOptions {
  plan: ConnectorPlan
  baseUrl: string
  /** For a mapping with `auth: apiKey`: from `UPSTREAM_<NAME>_API_KEY`, never from its files. */
  apiKey?: string
  /** For a mapping with `auth: soapHeader`: from `UPSTREAM_<NAME>_USERNAME` and `_PASSWORD`. */
  credentials?: { username: string; password: string }
  /** For a mapping with `auth: oauthClientCredentials`: from `UPSTREAM_<NAME>_CLIENT_ID` and `_CLIENT_SECRET`. */
  oauthClient?: { id: string; secret: string }
  /** From `UPSTREAM_<NAME>_TOKEN_URL`: where tokens are asked for, if not where the description says. */
  tokenUrl?: string
  /** For a mapping with `clientCertificate: true`: the transport presenting the certificate (the entry builds it). */
  tlsTransport?: UpstreamTransport
}

export interface ConnectorsOptions {
  population: { baseUrl: string; apiKey: string }
  /** The land registry, connected by its description (`connectors/land/described`). */
  land: DescribedSourceOptions
  /** The business registry, connected by its description (`connectors/business/described`). */
  business: DescribedSourceOptions
  /** Sources connected by description (connectors/described): each adds its types and root fields. @default none */
  described?: readonly DescribedSourceOptions[]
  /** Deadline of one upstream call. @default 3000 */
  timeoutMs?: number
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** How registry requests leave; the Node entry pools them (kit/pooled-transport.node.ts). @default over `fetch` */
  transport?: UpstreamTransport
  /** Bulkhead, circuit breaker and retries per registry. @default off */
  resilience?: ResilienceOptions
  /**
   * No call may wait on a promise another request settles, because the runtime cancels such a
   * request (workerd): the bulkhead has no queue, a call that never settled (its request
   * cancelled) frees its slot and its half-open probe after a while, and a described source's
   * token request is not shared while in flight. @default false
   */
  requestsStandAlone?: boolean
}

export interface DescribedSource {
  plan: ConnectorPlan
  connector: RegistryConnector
}

export interface Connectors {
  population: RegistryConnector
  land: RegistryConnector
  business: RegistryConnector
  described: readonly DescribedSource[]
}

/** Every registry connector, hand-written and described: for readiness, circuits and metrics. */
export function allConnectors(connectors: Connectors): RegistryConnector[] {
  return [connectors.population, connectors.land, connectors.business, ...connectors.described.map((source) => source.connector)]
}

/**
 * Resilience where requests stand alone: no queue, and a call that outlives any deadline (its
 * request cancelled) taken as abandoned. A mapping may shorten the operator's deadline, never
 * lengthen it, so the operator's bounds every call.
 */
const standAlone = (resilience: ResilienceOptions, timeoutMs = 3000): ResilienceOptions => ({ ...resilience, abandonedAfterMs: timeoutMs + 5000 })

export function createConnectors(options: ConnectorsOptions): Connectors {
  const shared = {
    timeoutMs: options.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.resilience ? { resilience: options.requestsStandAlone ? standAlone(options.resilience, options.timeoutMs) : options.resilience } : {}),
  }
  const described = ({ plan, baseUrl, apiKey, credentials, oauthClient, tokenUrl, tlsTransport }: DescribedSourceOptions) =>
    // The engine takes the shorter of the operator's deadline and the mapping's own: a mapping
    // may shorten its source's, never lengthen the one the operator set for every registry.
    createDescribedConnector(plan, {
      ...shared,
      baseUrl,
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(credentials === undefined ? {} : { credentials }),
      ...(oauthClient === undefined ? {} : { oauthClient }),
      ...(tokenUrl === undefined ? {} : { tokenUrl }),
      ...(tlsTransport === undefined ? {} : { tlsTransport }),
      ...(options.requestsStandAlone ? { requestsStandAlone: true } : {}),
    })
  return {
    population: createPopulationConnector({ ...shared, ...options.population }),
    land: described(options.land),
    business: described(options.business),
    described: (options.described ?? []).map((source) => ({ plan: source.plan, connector: described(source) })),
  }
}

/** Builds the per-request loaders of every registry: the only place they are put together. */
export function createRegistryLoaders(connectors: Connectors, scope: RequestScope): RegistryLoaders {
  const loaders = {
    ...connectors.population.createLoaders(scope),
    ...connectors.land.createLoaders(scope),
    ...connectors.business.createLoaders(scope),
  }
  // Once per request: no intermediate objects when no source is described.
  for (const source of connectors.described) Object.assign(loaders, source.connector.createLoaders(scope))
  return loaders as RegistryLoaders
}
