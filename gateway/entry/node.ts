/**
 * Node entry: parse the configuration once, start the sandbox registries for any upstream left
 * unset (development only), open the database (PGlite in DATA_DIR, or DATABASE_URL) and the
 * policy store, wire the connectors and the dossier exchange (its delivery worker and, in
 * development, the sandbox partner systems) and serve the gateway.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { pino } from 'pino'
import { allConnectors, createConnectors } from '../../connectors/index.js'
import { createPooledTransport } from '../../connectors/kit/pooled-transport.node.js'
import {
  BUSINESS_SANDBOX_API_KEY,
  LAND_SANDBOX_ACCOUNT,
  POPULATION_SANDBOX_API_KEY,
  replayCredentials,
  startReplaySandboxes,
  startSandboxes,
  type Sandboxes,
} from '../../connectors/sandboxes.js'
import { ConnectorFilesError } from '../../connectors/described/index.js'
import { createGateway } from '../app.js'
import { ConfigError, type DescribedUpstreamSetting, parseConfig, parseDescribedUpstreams, populationApiKey, settingsNeededBy, type Config } from '../config.js'
import { readClientCertificate } from './client-certificate.js'
import { servedCanonical } from './canonical.js'
import { actionEvent } from '../audit/index.js'
import { instanceName, nodeSha256, openAuditWriter } from './audit.js'
import { localCredentialHash, newLocalCredential } from '../admin/ops/index.js'
import { removeCredentialFile, writeCredentialFile } from '../admin/ops/credential-file.node.js'
import { renderBanner } from './banner.js'
import { databaseReadiness, embeddedDurabilityNotice, openDatabase } from './database.js'
import { createNodeIdentity } from './identity.js'
import { policySchema, policySetOf, startPolicyRuntime, validatePolicyFiles } from './policies.js'
import { createKeyedHash } from '../identity/keys/keyed-hash.node.js'
import { nodeSignatureCrypto } from '../identity/keys/node-signature-crypto.node.js'
import { readSwaggerUiAssets } from '../discovery/swagger-ui-assets.node.js'
import { createPromMetrics, metricsApp } from '../metrics/prom.node.js'
import { createNodeRateLimiter, nodeClientIp } from './rate-limiter.js'
import { createReportStore } from '../conformance/index.js'
import { startNodeExchange } from './exchange.js'
import { startNodeTracing } from './tracing.js'
import { createPolicyRuntime, type PolicyRuntime } from '../policy/index.js'

/** How long a stopping gateway waits for requests in flight before cutting connections. */
const SHUTDOWN_DRAIN_MS = 10_000
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

/**
 * The address this machine's CLI reaches the listener on: loopback when it listens there or on
 * every address. Bound to one other address only, the CLI has to use a staff token instead.
 */
const loopbackOf = (host: string) =>
  host === '::' || host === '::1' ? '[::1]' : host === '0.0.0.0' || host === 'localhost' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host

function loadConfig(): Config {
  try {
    return parseConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
}

/** A described source's client certificate, or the start stops naming the setting. */
function readDescribedCertificate(connector: string, files: NonNullable<DescribedUpstreamSetting['certificateFiles']>) {
  try {
    return readClientCertificate(connector, files)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
}

/**
 * The sources connected by description under connectors/, and their settings. A folder whose files
 * do not load, or a setting that does not parse, stops start-up with every problem named (file
 * and line, or variable): a source that would answer wrong data never starts.
 */
function loadDescribed(config: Config) {
  try {
    const { plans, registries } = servedCanonical()
    // The land and business registries first: their settings are read as every described source's.
    const all = [registries.land, registries.business, ...plans]
    const settings = parseDescribedUpstreams(process.env, all.map(settingsNeededBy), config.NODE_ENV === 'production')
    const [land, business, ...sources] = all.map((plan, i) => ({ plan, setting: settings[i]! }))
    return { land: land!, business: business!, sources }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ConnectorFilesError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
}

async function main(): Promise<void> {
  const config = loadConfig()
  const { land, business, sources: described } = loadDescribed(config)
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'lgsp-gateway' } })
  // Spans only with an OTLP endpoint; otherwise the caller's traceparent is passed on, at no cost.
  const tracing = startNodeTracing(config, { instance: instanceName(config), logger })
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT)
    logger.info({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: config.OTEL_SERVICE_NAME }, 'tracing: spans exported over OTLP/HTTP')
  // Opened while the sandboxes generate their world: PGlite's first start (initdb) takes seconds.
  const opening = openDatabase(config, logger)
  opening.catch(() => undefined)
  const durability = embeddedDurabilityNotice(config)
  if (durability) logger.warn(durability)
  const needsSandbox = !config.UPSTREAM_POPULATION_URL || !config.UPSTREAM_LAND_URL || !config.UPSTREAM_BUSINESS_URL
  let sandboxes: Sandboxes | undefined
  if (needsSandbox) {
    sandboxes = await startSandboxes({
      seed: config.SANDBOX_SEED,
      citizens: config.SANDBOX_CITIZENS,
      parcels: config.SANDBOX_PARCELS,
      enterprises: config.SANDBOX_ENTERPRISES,
      host: '127.0.0.1',
    })
  }
  // A described source without a URL answers from its description's examples (development only:
  // production requires every URL).
  const replays = await startReplaySandboxes(described.filter(({ setting }) => !setting.url).map(({ plan }) => plan))
  /** A described source as configured, or on its sandbox with the sandbox's own synthetic credentials (and plain HTTP). */
  const sourceOf = (
    { plan, setting }: (typeof described)[number],
    sandbox: () => { baseUrl: string; apiKey?: string; credentials?: { username: string; password: string } },
  ) => {
    const { connector: _name, url, certificateFiles, ...configured } = setting
    return {
      plan,
      ...(url ? { baseUrl: url, ...configured } : sandbox()),
      ...(url && certificateFiles ? { certificate: readDescribedCertificate(plan.name, certificateFiles) } : {}),
      sandbox: !url,
    }
  }
  const describedSources = described.map((source) =>
    sourceOf(source, () => {
      const url = replays.urls.get(source.plan.name)!
      return { baseUrl: url, ...replayCredentials(source.plan, url) }
    }),
  )
  const landSource = sourceOf(land, () => ({ baseUrl: sandboxes!.land.url, credentials: LAND_SANDBOX_ACCOUNT }))
  const businessSource = sourceOf(business, () => ({ baseUrl: sandboxes!.business.url, apiKey: BUSINESS_SANDBOX_API_KEY }))
  const upstreams = {
    population: { url: config.UPSTREAM_POPULATION_URL ?? sandboxes!.population.url, sandbox: !config.UPSTREAM_POPULATION_URL },
    land: { url: landSource.baseUrl, sandbox: landSource.sandbox },
    business: { url: businessSource.baseUrl, sandbox: businessSource.sandbox },
    ...Object.fromEntries(describedSources.map((source) => [source.plan.name, { url: source.baseUrl, sandbox: source.sandbox }])),
  }
  const registryTransport = createPooledTransport()
  // A source that asks for a client certificate gets a pool of its own that presents it.
  const allSources = [landSource, businessSource, ...describedSources]
  const certificatePools = allSources.map((source) => (source.certificate ? createPooledTransport({ tls: source.certificate }) : undefined))
  const [landConnected, businessConnected, ...describedConnected] = allSources.map((source, i) => {
    const tlsTransport = certificatePools[i]?.send ?? (source.plan.clientCertificate ? registryTransport.send : undefined)
    return { ...source, ...(tlsTransport ? { tlsTransport } : {}) }
  })
  const connectors = createConnectors({
    population: { baseUrl: upstreams.population.url, apiKey: populationApiKey(config, POPULATION_SANDBOX_API_KEY) },
    land: landConnected!,
    business: businessConnected!,
    described: describedConnected,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    // Per registry: bulkhead, circuit breaker, retries of reads (connectors/kit/resilience.ts).
    resilience: {},
    // Pooled keep-alive sockets, not `fetch` per call: a third of the request thread, measured.
    transport: registryTransport.send,
  })
  const db = await opening
  // The gateway's policies follow the store's active version: the first now, every later
  // activation (by any instance or `lgsp policy apply|activate|rollback`) within a poll interval.
  let policies: PolicyRuntime | undefined
  const policyRuntime = await startPolicyRuntime({
    db,
    dir: config.POLICIES_DIR,
    logger,
    // Asked for only: a restart must never undo a version an operator applied with the CLI.
    applyDirOnStart: config.POLICIES_APPLY_ON_START || process.argv.includes('--apply-policies'),
    onChange: (snapshot) => {
      // A version that does not load (it passed validation when applied, but the schema may have
      // changed since) throws: the old version keeps serving and the watcher reports it.
      policies?.replace(policySetOf(snapshot.files), snapshot.version)
    },
  })
  const initialSet = policySetOf(policyRuntime.snapshot.files)
  policies = createPolicyRuntime(initialSet, policyRuntime.snapshot.version)
  // Identity reads the same active version: its clients, its development keys, its refusal of
  // development clients in production (the directory may be older or newer than the store).
  const nodeIdentity = await createNodeIdentity(config, logger, initialSet.agencies)
  const keyedHash = await createKeyedHash({ secret: config.HASH_SECRET, dataDir: config.DATA_DIR, production: config.NODE_ENV === 'production' })
  // One chain per process in the same database: every request's event committed before its response.
  const auditWriter = openAuditWriter(db, nodeIdentity.keys, config, logger)
  // A key rotation (lgsp keys rotate, or another instance) is recorded by every instance that
  // switches to the new key: the CLI cannot write to an embedded database this process holds.
  nodeIdentity.onSignerChange((kid, previous) => {
    auditWriter
      .record(
        actionEvent({ kind: 'keys.rotated', actor: 'gateway', instance: instanceName(config), detail: { kid, previous, observedBy: auditWriter.writer } }),
      )
      .catch((error: unknown) => logger.error({ err: error }, 'key rotation not recorded in the audit trail'))
  })
  for (const applied of policyRuntime.applied) {
    await auditWriter.record(
      actionEvent({
        kind: 'policy.applied',
        actor: `gateway:${applied.author}`,
        instance: instanceName(config),
        detail: { version: applied.version, author: applied.author },
      }),
    )
  }
  const rateLimiter = createNodeRateLimiter(config, nodeIdentity.identity.store, logger)
  const metrics = createPromMetrics({
    auditStatus: () => auditWriter.status(),
    registryCircuits: () => allConnectors(connectors).map((connector) => ({ name: connector.name, state: connector.circuit() })),
    rateLimiter: () => ({ kind: rateLimiter.kind, degraded: 'degraded' in rateLimiter ? rateLimiter.degraded : false }),
  })
  const exchange = await startNodeExchange({
    config,
    db,
    keys: nodeIdentity.keys,
    policies,
    logger,
    telemetry: tracing.telemetry,
    devClientKeys: new Map([...nodeIdentity.devClients].map(([id, key]) => [id, key.privateJwk])),
  })
  // The CLI on this machine acts through this process while it holds the database (see README "CLI").
  const operatorCredential = newLocalCredential()
  const app = createGateway({
    connectors,
    exchange: exchange.deps,
    conformance: createReportStore(db),
    identity: nodeIdentity.identity,
    policies,
    keyedHash,
    signatureCrypto: nodeSignatureCrypto,
    referenceAssets: readSwaggerUiAssets,
    audit: { sink: auditWriter, instance: instanceName(config), hash: keyedHash, reader: db },
    mode: config.NODE_ENV,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    corsOrigins: config.CORS_ORIGINS,
    logger,
    readiness: [databaseReadiness(db)],
    rateLimiter,
    clientIp: nodeClientIp,
    console: {
      db,
      policyStore: policyRuntime.store,
      validate: validatePolicyFiles,
      loadSet: policySetOf,
      schema: policySchema(),
      historicJwks: () => nodeIdentity.keys.historicJwks(),
      // Plain-http cookies only where nothing but this machine can see them: development on loopback.
      secureCookies: !(config.NODE_ENV !== 'production' && LOOPBACK.has(config.HOST)),
    },
    operations: {
      db,
      policyStore: policyRuntime.store,
      historicJwks: () => nodeIdentity.keys.historicJwks(),
      loadSet: policySetOf,
      localCredentialHash: await localCredentialHash(operatorCredential),
      sha256: nodeSha256,
    },
    metrics,
    telemetry: tracing.telemetry,
  })
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(started as Server)) as Server
    started.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  // Prometheus scrapes a listener of its own, not the API port (METRICS_PORT; README "Metrics").
  let metricsServer: Server | undefined
  if (config.METRICS_PORT !== undefined) {
    metricsServer = await new Promise<Server>((resolve, reject) => {
      const started = serve(
        { fetch: metricsApp(metrics.registry, config.METRICS_TOKEN).fetch, port: config.METRICS_PORT!, hostname: config.METRICS_HOST },
        () => resolve(started as Server),
      ) as Server
      started.once('error', reject)
    })
    logger.info({ address: metricsServer.address() }, 'metrics listener')
  }
  const gatewayUrl = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`
  await writeCredentialFile(config.DATA_DIR, {
    url: `http://${loopbackOf(config.HOST)}:${port}`,
    credential: operatorCredential,
    pid: process.pid,
    startedAt: new Date().toISOString(),
  })
  process.stdout.write(
    renderBanner({
      gatewayUrl,
      mode: config.NODE_ENV,
      upstreams,
      issuer: nodeIdentity.identity.issuer,
      exchange: exchange.partners(),
      trustList: exchange.trustSource,
      devClients: [...nodeIdentity.devClients.values()].map((key) => ({ clientId: key.clientId, privateKeyPath: key.privateKeyPath })),
      ...(sandboxes
        ? { example: { enterpriseCode: sandboxes.world.examples.enterpriseCode, representativePin: sandboxes.world.examples.representativePin } }
        : {}),
    }),
  )

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now')
      process.exit(1)
    }
    stopping = true
    // First: from now on the CLI opens the database itself rather than a server that is closing.
    void removeCredentialFile(config.DATA_DIR)
    logger.info({ signal }, 'shutting down: no new connections, draining requests in flight')
    // Requests in flight finish (their audit events and responses must not be cut off); idle
    // keep-alive connections close now; whatever is still open after the deadline is cut.
    const forced = setTimeout(() => server.closeAllConnections(), SHUTDOWN_DRAIN_MS)
    forced.unref()
    metricsServer?.close()
    server.close(() => {
      clearTimeout(forced)
      policyRuntime.stop()
      // Deliveries in flight finish (their outcome recorded); what is left waits in the outbox.
      const exchangeClosed = exchange.close().catch((error: unknown) => logger.error({ err: error }, 'dossier exchange did not close cleanly'))
      // The audit writer commits what is queued and signs its chain's final checkpoint first.
      void exchangeClosed
        .then(() => auditWriter.close())
        .catch((error: unknown) => logger.error({ err: error }, 'audit writer did not close cleanly'))
        .finally(() =>
          Promise.allSettled([
            sandboxes?.close(),
            replays.close(),
            registryTransport.close(),
            ...certificatePools.map((pool) => pool?.close()),
            rateLimiter.close().then(() => nodeIdentity.close()),
            db.close(),
            tracing.shutdown(),
          ]).finally(() => process.exit(0)),
        )
    })
    server.closeIdleConnections()
  }
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'))
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((error: unknown) => {
  process.stderr.write(`LGSP Gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
