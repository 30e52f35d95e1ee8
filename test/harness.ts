/**
 * In-process gateway for tests: the three sandbox registries run as real HTTP servers on
 * 127.0.0.1, the gateway is called through `app.request()` (no port of its own).
 */
import { createConnectors, type ResilienceOptions } from '../connectors/index.js'
import {
  POPULATION_SANDBOX_API_KEY,
  replayCredentials,
  startReplaySandboxes,
  startSandboxes,
  type ReplaySandboxes,
  type Sandboxes,
  type WorldOptions,
} from '../connectors/sandboxes.js'
import { sandboxRegistries, servedCanonical } from '../gateway/entry/canonical.js'
import { createHmac } from 'node:crypto'
import { createAuditWriter, createCheckpointSigner, createMemoryAuditSink } from '../gateway/audit/index.js'
import type { Database } from '../gateway/database/index.js'
import { createGateway, createPolicyRuntime } from '../gateway/index.js'
import { readSwaggerUiAssets } from '../gateway/discovery/swagger-ui-assets.node.js'
import type { PolicySet } from '../policies/index.js'
import type { GatewayDeps } from '../gateway/deps.js'
import type { ConsoleDeps } from '../gateway/admin/console/index.js'
import { agencyDocument, createTestIdentity } from './identity.js'
import { TEST_PURPOSE, testPolicySet } from './policies.js'

/** The keyed hash tests use for subjects (HMAC under a fixed test secret), so they can predict it. */
export const testKeyedHash = (value: string) => createHmac('sha256', 'test-hash-secret').update(value).digest('base64url').slice(0, 22)

export interface TestGatewayOptions {
  world?: WorldOptions
  /** The sources connected by description under connectors/, each over its replay sandbox. @default none */
  described?: boolean
  /** Upstream deadline. @default 1000 */
  timeoutMs?: number
  /** The policies in force. @default the test agency reads everything for KIEM_THU */
  policies?: (identity: Awaited<ReturnType<typeof createTestIdentity>>) => PolicySet
  /**
   * A migrated database for the audit trail: events go through the real writer (group commit,
   * chains signed with the test gateway key) and the search routes are mounted. Default: an
   * in-memory sink, and no search routes.
   */
  auditDb?: Database
  /** Further gateway settings (CORS origins, request timeout …). */
  gateway?: Pick<GatewayDeps, 'corsOrigins' | 'requestTimeoutMs' | 'bodyLimitBytes' | 'compiledExecution' | 'devTokenHelper'>
  /** Bulkhead, circuit breaker and retries per registry, as the entry wires them. @default off */
  resilience?: ResilienceOptions
  /** Rate limits and quotas (and the caller's address for per-address limits). @default none */
  rateLimiter?: GatewayDeps['rateLimiter']
  clientIp?: GatewayDeps['clientIp']
  /** Mounts the console (needs `auditDb`): given the identity and the policy set in force. */
  console?: (parts: { identity: Awaited<ReturnType<typeof createTestIdentity>>; policySet: PolicySet }) => Promise<ConsoleDeps>
  metrics?: GatewayDeps['metrics']
  /** Where grant limits are counted (a store on an injected clock, say). @default the identity's store */
  counters?: GatewayDeps['counters']
  /** `production` as the entry sets it from NODE_ENV (no GraphiQL, no sandbox citizen tokens). @default 'test' */
  mode?: GatewayDeps['mode']
  /** The identity clock (tokens, assertions, signed contexts), in ms since epoch. @default Date.now */
  now?: () => number
  /** The dossier exchange (a store on a migrated database, a blob store). @default not enabled */
  exchange?: GatewayDeps['exchange']
  /** The operations API (`/admin/api/ops/*`). */
  operations?: GatewayDeps['operations']
  /** The national e-ID (OpenID Connect). @default none */
  citizenEid?: GatewayDeps['identity']['citizenEid']
  /** The conformance reports recorded for partners. @default none */
  conformance?: GatewayDeps['conformance']
  /** Where the gateway logs. @default silent */
  logger?: GatewayDeps['logger']
  /** Spans of each request and its steps. @default off */
  telemetry?: GatewayDeps['telemetry']
}

export interface GraphQLResponse {
  status: number
  headers: Headers
  body: {
    data?: Record<string, any> | null
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>
  }
}

export async function createTestGateway(options: TestGatewayOptions = {}) {
  const sandboxes: Sandboxes = await startSandboxes({ citizens: 600, parcels: 300, enterprises: 200, ...options.world })
  const plans = options.described ? servedCanonical().plans : []
  const replays: ReplaySandboxes = await startReplaySandboxes(plans)
  const connectors = createConnectors({
    population: { baseUrl: sandboxes.population.url, apiKey: POPULATION_SANDBOX_API_KEY },
    ...sandboxRegistries({ land: sandboxes.land.url, business: sandboxes.business.url }),
    described: plans.map((plan) => ({ plan, baseUrl: replays.urls.get(plan.name)!, ...replayCredentials(plan, replays.urls.get(plan.name)!) })),
    timeoutMs: options.timeoutMs ?? 1000,
    ...(options.resilience ? { resilience: options.resilience } : {}),
  })
  const identity = await createTestIdentity(options.now ? { now: options.now } : {})
  const policySet = options.policies?.(identity) ?? testPolicySet([agencyDocument('test-agency', [identity.client])])
  const policies = createPolicyRuntime(policySet)
  if (options.policies) identity.registry.replace(policySet.agencies)
  const audit = createMemoryAuditSink()
  const writer = options.auditDb
    ? createAuditWriter({ db: options.auditDb, instance: 'test', sign: createCheckpointSigner(() => identity.keys.signingKey()), flushDelayMs: 0 })
    : null
  const app = createGateway({
    connectors,
    mode: options.mode ?? 'test',
    identity: { ...identity.deps, ...(options.citizenEid ? { citizenEid: options.citizenEid } : {}) },
    policies,
    audit: { sink: writer ?? audit, instance: 'test', hash: testKeyedHash, ...(options.auditDb ? { reader: options.auditDb } : {}) },
    referenceAssets: readSwaggerUiAssets,
    ...options.gateway,
    ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
    ...(options.clientIp ? { clientIp: options.clientIp } : {}),
    ...(options.console ? { console: await options.console({ identity, policySet }) } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.counters ? { counters: options.counters } : {}),
    ...(options.exchange ? { exchange: options.exchange } : {}),
    ...(options.operations ? { operations: options.operations } : {}),
    ...(options.conformance ? { conformance: options.conformance } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
  })
  const defaultToken = await identity.token()

  async function graphql(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
    const res = await app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${defaultToken}`, 'x-purpose': TEST_PURPOSE, ...headers },
      body: JSON.stringify({ query, variables }),
    })
    return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse['body'] }
  }

  function resetHits(): void {
    for (const sandbox of [sandboxes.population, sandboxes.land, sandboxes.business]) sandbox.resetHits()
  }

  function clearFaults(): void {
    for (const sandbox of [sandboxes.population, sandboxes.land, sandboxes.business]) {
      sandbox.setFaults({ latencyMs: 0, errorRate: 0, malformedRate: 0, hang: false })
    }
  }

  return {
    app,
    graphql,
    audit,
    writer,
    identity,
    policies,
    sandboxes,
    replays,
    world: sandboxes.world,
    resetHits,
    clearFaults,
    close: async () => {
      await writer?.close()
      await Promise.all([sandboxes.close(), replays.close()])
    },
  }
}

export type TestGateway = Awaited<ReturnType<typeof createTestGateway>>
