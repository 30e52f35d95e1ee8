/**
 * The Workers entry's configuration: the same variables as the Node entry's, read from the
 * Worker's bindings (`[vars]` and secrets) and parsed by the same schema, plus what workerd needs
 * that Node can default: a PostgreSQL server (no embedded database there), the registries' URLs
 * (no sandboxes), the gateway keys and the hash secret as secrets (no data directory).
 */
import { ConfigError, parseConfig, parseDescribedUpstreams, settingsNeededBy, type Config, type DescribedUpstreamSetting } from '../config.js'
import type { ConnectorPlan } from '../../connectors/described/index.js'
import { createGatewayKeys, createSecretKeyStore, type GatewayKeys } from '../identity/keys/index.js'

/**
 * What runs on Node and not here, said once when the Worker first serves, with the settings that
 * only configure it: one set here is named in the log as not served, rather than ignored quietly
 * (a configuration shared with the Node instances may well carry them).
 */
export const NOT_ON_WORKERD = [
  { what: 'the embedded database (PGlite): DATABASE_URL, or a Hyperdrive binding, names PostgreSQL', settings: [] },
  {
    what: 'the sandbox registries: every UPSTREAM_*_URL is required',
    settings: ['SANDBOX_SEED', 'SANDBOX_CITIZENS', 'SANDBOX_PARCELS', 'SANDBOX_ENTERPRISES'],
  },
  { what: 'the operator console, the operations API and the metrics listener (Node entry)', settings: ['METRICS_PORT', 'METRICS_TOKEN'] },
  {
    what: 'the dossier exchange and its delivery to the portal (Node entry)',
    settings: ['PORTAL_URL', 'EXCHANGE_MAX_ATTEMPTS', 'EXCHANGE_RETRY_BASE_MS', 'EXCHANGE_RETRY_MAX_MS', 'EXCHANGE_LEASE_MS'],
  },
  {
    what: "citizens signing in with the national e-ID (Node entry): a citizen's token is the sandbox's, outside production",
    settings: ['CITIZEN_OIDC_ISSUER', 'CITIZEN_OIDC_CLIENT_ID', 'CITIZEN_OIDC_CLIENT_SECRET'],
  },
  { what: "OpenTelemetry spans: the caller's traceparent is passed on, no span is exported", settings: ['OTEL_EXPORTER_OTLP_ENDPOINT'] },
  { what: 'the REST API reference page (/docs): the OpenAPI document itself is served', settings: [] },
  { what: "a queue at each registry's bulkhead: a call beyond its concurrency is refused at once", settings: [] },
  { what: "GraphiQL's development token helper: tokens come from the token endpoint (or `lgsp token` against a Node instance)", settings: [] },
  { what: 'compiled execution (the runtime forbids generated code): documents run on graphql-js', settings: [] },
  { what: 'client certificates towards registries (mTLS)', settings: [] },
] as const satisfies ReadonlyArray<{ what: string; settings: readonly string[] }>

/** The settings given that configure what is not served here, each with what it would configure. */
export function unservedSettings(env: Record<string, unknown>): Array<{ setting: string; notServed: string }> {
  return NOT_ON_WORKERD.flatMap(({ what, settings }) =>
    settings.filter((setting) => typeof env[setting] === 'string' && env[setting] !== '').map((setting) => ({ setting, notServed: what })),
  )
}

/** The Durable Object bindings wrangler.toml declares. */
export const OBJECT_BINDINGS = ['RATE_LIMITER', 'SHARED_STORE', 'AUDIT_WRITER'] as const

export interface WorkersConfig {
  config: Config
  /** Where PostgreSQL is, and as whom: PGUSER and PGPASSWORD, as for the Node entry (a Hyperdrive string carries its own). */
  database: { url: string; user?: string; password?: string }
  gatewayKeys: string
  hashSecret: string
  described: DescribedUpstreamSetting[]
}

/** Only the bindings that are settings (text): objects and namespaces are not configuration. */
function settingsOf(env: Record<string, unknown>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

/** PostgreSQL as the bindings name it: a Hyperdrive binding, else DATABASE_URL with PGUSER and PGPASSWORD. */
function databaseOf(env: Record<string, unknown>, config: Config, settings: Record<string, string | undefined>): WorkersConfig['database'] | undefined {
  // A Hyperdrive binding, preferred over DATABASE_URL when present.
  const hyperdrive = env.HYPERDRIVE as { connectionString?: string } | undefined
  if (hyperdrive?.connectionString) return { url: hyperdrive.connectionString }
  if (!config.DATABASE_URL) return undefined
  return { url: config.DATABASE_URL, ...(settings.PGUSER ? { user: settings.PGUSER } : {}), ...(settings.PGPASSWORD ? { password: settings.PGPASSWORD } : {}) }
}

/** What the audit-writer object needs of the same bindings: the database and the settings. */
export function parseAuditWriterConfig(env: Record<string, unknown>): Pick<WorkersConfig, 'config' | 'database' | 'gatewayKeys'> {
  const settings = settingsOf(env)
  const config = parseConfig(settings, 'workerd')
  const database = databaseOf(env, config, settings)
  if (!database || !config.GATEWAY_KEYS) throw new ConfigError(['DATABASE_URL and GATEWAY_KEYS: are required by the audit writer'])
  return { config, database, gatewayKeys: config.GATEWAY_KEYS }
}

/**
 * Parses once per isolate; throws ConfigError naming every problem. `plans` are the described
 * sources the build carries, the land and business registries first.
 */
export function parseWorkersConfig(env: Record<string, unknown>, plans: readonly ConnectorPlan[]): WorkersConfig {
  const settings = settingsOf(env)
  const problems: string[] = []
  const collect = (parse: () => void) => {
    try {
      parse()
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      problems.push(...error.problems)
    }
  }
  let config: Config | undefined
  let described: DescribedUpstreamSetting[] = []
  collect(() => (config = parseConfig(settings, 'workerd')))
  // Every source needs its URL here, as in production: the replay sandboxes are Node's.
  collect(() => (described = parseDescribedUpstreams(settings, plans.map(settingsNeededBy), true)))
  // What workerd needs and Node can default, checked on the bindings as given so that every
  // problem is named at once; a setting the shared schema already named is not named twice.
  const named = new Set(problems.map((problem) => problem.split(':')[0]))
  const requireHere = (name: string, present: boolean, why: string) => {
    if (!present && !named.has(name)) problems.push(`${name}: is required on workerd${why}`)
  }
  const given = (name: string) => Boolean(settings[name])
  const hyperdrive = (env.HYPERDRIVE as { connectionString?: string } | undefined)?.connectionString
  requireHere('DATABASE_URL', given('DATABASE_URL') || Boolean(hyperdrive), ' (or a HYPERDRIVE binding): there is no embedded database here')
  requireHere('UPSTREAM_POPULATION_URL', given('UPSTREAM_POPULATION_URL'), ': there are no sandbox registries here')
  requireHere('GATEWAY_KEYS', given('GATEWAY_KEYS'), ': the key file (DATA_DIR/keys/gateway-keys.json) as a secret')
  requireHere('HASH_SECRET', given('HASH_SECRET'), ': there is no data directory to keep a generated one')
  // A Node gateway names itself by the address it listens on; here there is none to derive it from.
  requireHere('GATEWAY_ISSUER', given('GATEWAY_ISSUER'), ': the URL clients reach the gateway at, which names it in its tokens')
  for (const name of OBJECT_BINDINGS) {
    if (!env[name] || typeof env[name] !== 'object') problems.push(`${name}: the Durable Object binding is missing (see wrangler.toml)`)
  }
  for (const plan of plans)
    if (plan.clientCertificate) problems.push(`connector ${plan.name}: asks for a client certificate, which the Workers entry cannot present`)
  const database = config && databaseOf(env, config, settings)
  if (problems.length > 0 || !config || !database) throw new ConfigError(problems)
  return { config, database, gatewayKeys: config.GATEWAY_KEYS!, hashSecret: config.HASH_SECRET!, described }
}

/** The gateway keys from the secret, unsealed with the passphrase when one is set. */
export async function openSecretGatewayKeys(text: string, config: Pick<Config, 'GATEWAY_KEYS_PASSPHRASE'>): Promise<GatewayKeys> {
  const keys = createGatewayKeys({
    store: createSecretKeyStore({ text, ...(config.GATEWAY_KEYS_PASSPHRASE ? { passphrase: config.GATEWAY_KEYS_PASSPHRASE } : {}) }),
    // No timer outlives a request here; the secret does not change while the isolate lives.
    refreshMs: 0,
  })
  await keys.init()
  return keys
}
