/**
 * The gateway as the Workers entry builds it: the same `createGateway(deps)` as Node's, with the
 * Workers adapters behind the same ports. PostgreSQL over the runtime's sockets (a connection
 * per call), rate limits, single-use claims and grant counters in Durable Objects, the audit
 * trail through the audit-writer object, gateway keys and the hash secret from secrets, the
 * registries over `fetch`, the described sources and the first policy version from the build.
 *
 * Nothing here may wait on a promise another request settles: workerd cancels such a request.
 * So the gateway is built by the first request while the others are told to come back
 * (workers-start.ts), and the active policy version is re-read by the request that finds it
 * stale (policy-follower.ts).
 */
import { createConnectors } from '../../connectors/index.js'
import { createGateway } from '../app.js'
import { actionEvent, createDurableObjectAuditSink, type AuditSink } from '../audit/index.js'
import { issuerOf } from '../config.js'
import { createReportStore } from '../conformance/report-store.js'
import { openPostgresPerCall } from '../database/postgres.workers.js'
import { migrate, type Database } from '../database/index.js'
import { createAccessTokens, createAgencyRegistry } from '../identity/index.js'
import { keyedHashWithSecret } from '../identity/keys/index.js'
import { createUrlGuardedRemoteKeySet } from '../identity/remote-jwks.js'
import type { Logger } from '../logger.js'
import { createPolicyRuntime } from '../policy/index.js'
import { createPolicyStore, type PolicyStore } from '../policy/store/index.js'
import { createDurableObjectRateLimiter } from '../ratelimit/durable-object.js'
import { createDurableObjectSharedStore } from '../shared-store/durable-object.js'
import type { ObjectNamespace } from '../support/index.js'
import { policyFollower } from './policy-follower.js'
import { policyRulesFor } from './policy-rules.js'
import { type OBJECT_BINDINGS, openSecretGatewayKeys, parseWorkersConfig, type WorkersConfig } from './workers-config.js'
import { canonicalFromTexts, type WorkersTexts } from './workers-texts.js'

export interface WorkersGateway {
  fetch(request: Request, ctx: unknown): Promise<Response>
  settings: WorkersConfig
}

/**
 * The active version, bootstrapped from the build's policy files when the database holds none
 * (as the Node entry bootstraps from POLICIES_DIR); the bootstrap is recorded in the trail.
 */
async function activePolicies(store: PolicyStore, texts: WorkersTexts, audit: AuditSink, instance: string) {
  const active = await store.active()
  if (active) return active
  const result = await store.apply(texts.policies, { author: 'bootstrap', message: 'bootstrap from the Workers build', ifNoneActive: true })
  if (result.created) {
    await audit.record(actionEvent({ kind: 'policy.applied', actor: 'gateway:bootstrap', instance, detail: { version: result.version, author: 'bootstrap' } }))
  }
  const stored = await store.active()
  if (!stored) throw new Error('policy bootstrap stored no active version')
  return stored
}

export async function buildWorkersGateway(env: Record<string, unknown>, texts: WorkersTexts, logger: Logger): Promise<WorkersGateway> {
  const canonical = canonicalFromTexts(texts)
  const rules = policyRulesFor(canonical)
  const { registries, plans } = canonical
  const settings = parseWorkersConfig(env, [registries.land, registries.business, ...plans])
  const { config } = settings
  const namespace = (name: (typeof OBJECT_BINDINGS)[number]) => env[name] as ObjectNamespace
  const instance = config.INSTANCE_ID ?? 'workerd'
  const db: Database = openPostgresPerCall(settings.database)
  // The schema is PostgreSQL's, shared with the Node instances: brought up to date as they do.
  await migrate(db)
  // The writer's own commit timeout answers first; the call's deadline only catches an object gone.
  const audit = createDurableObjectAuditSink(namespace('AUDIT_WRITER'), config.AUDIT_COMMIT_TIMEOUT_MS + 3000)
  const store = createPolicyStore(db, { validate: rules.validate })
  const snapshot = await activePolicies(store, texts, audit, instance)
  const initialSet = rules.setOf(snapshot.files)
  const policies = createPolicyRuntime(initialSet, snapshot.version)

  const keys = await openSecretGatewayKeys(settings.gatewayKeys, config)
  const remoteKeySet = createUrlGuardedRemoteKeySet({ allowedHosts: config.JWKS_ALLOWED_HOSTS, production: config.NODE_ENV === 'production' }, logger)
  const devClients = initialSet.agencies.flatMap((agency) => agency.clients.filter((client) => client.dev).map((client) => client.id))
  if (devClients.length > 0 && config.NODE_ENV === 'production')
    // Not a ConfigError: the active version is the database's, and a fixed one mends it without a deployment.
    throw new Error(`Production refuses development clients (dev: true): ${devClients.join(', ')}. Register their public keys (jwks or jwksUri).`)
  // Without a key no assertion of theirs verifies, and GraphiQL's token helper is not served here.
  if (devClients.length > 0) logger.warn({ clients: devClients }, 'development clients (dev: true) have no keys on workerd: they get no token here')
  const registry = createAgencyRegistry(initialSet.agencies, { remoteKeySet })
  const sharedStore = createDurableObjectSharedStore(namespace('SHARED_STORE'))
  const keyedHash = keyedHashWithSecret(settings.hashSecret)
  const byName = new Map(settings.described.map((setting) => [setting.connector, setting]))
  const sourceOf = (plan: (typeof plans)[number]) => {
    const { connector: _name, url, certificateFiles: _none, ...configured } = byName.get(plan.name)!
    return { plan, baseUrl: url!, ...configured }
  }
  const connectors = createConnectors({
    population: { baseUrl: config.UPSTREAM_POPULATION_URL!, apiKey: config.UPSTREAM_POPULATION_API_KEY ?? '' },
    land: sourceOf(registries.land),
    business: sourceOf(registries.business),
    described: plans.map(sourceOf),
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    resilience: {},
    // No bulkhead queue, no token request shared in flight: each would make one request wait on another.
    requestsStandAlone: true,
  })
  const app = createGateway({
    connectors,
    conformance: createReportStore(db),
    identity: {
      registry,
      tokens: createAccessTokens({ keys, issuer: issuerOf(config), trustedIssuers: config.TRUSTED_ISSUERS, remoteKeySet }),
      store: sharedStore,
      issuer: issuerOf(config),
      jwks: () => keys.jwks(),
      keyHistory: () => keys.keyHistory(),
      signingKeys: keys,
      sealing: keys,
    },
    policies,
    keyedHash,
    audit: { sink: audit, instance, hash: keyedHash, reader: db },
    mode: config.NODE_ENV,
    compiledExecution: false,
    // It takes a loopback peer for this machine; here the address is a header anyone can send.
    devTokenHelper: false,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    corsOrigins: config.CORS_ORIGINS,
    logger,
    readiness: [
      { name: 'database', critical: true, check: (signal) => db.ping(signal) },
      // As on Node, the database (the audit store) is what readiness hangs on. The writer's own state
      // shows as degraded: a request it cannot record fails closed (503) whatever readiness says,
      // and a writer marked failing recovers with the next commit, which an unready instance
      // would never be sent.
      { name: 'audit-writer', critical: false, check: (signal) => audit.ping(signal) },
    ],
    rateLimiter: createDurableObjectRateLimiter(namespace('RATE_LIMITER'), { timeoutMs: config.RATE_DECISION_TIMEOUT_MS }),
    // Set by Cloudflare's edge; on a self-hosted workerd the proxy in front must set it (and strip the caller's).
    clientIp: (c) => c.req.header('cf-connecting-ip'),
  })
  const follow = policyFollower(store, policies, rules, snapshot.version, logger)
  return {
    settings,
    async fetch(request, ctx) {
      await follow()
      return app.fetch(request, {}, ctx as never)
    },
  }
}
