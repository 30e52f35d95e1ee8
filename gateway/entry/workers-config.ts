/**
 * The Workers entry's configuration: the same variables as the Node entry's, read from the
 * Worker's bindings (`[vars]` and secrets) and parsed by the same schema, plus what workerd needs
 * that Node can default: a PostgreSQL server (no embedded database there), the registries' URLs
 * (no sandboxes), the gateway keys and the hash secret as secrets (no data directory).
 */
import { ConfigError, parseConfig, parseDescribedUpstreams, settingsNeededBy, type Config, type DescribedUpstreamSetting } from '../config.js'
import type { ConnectorPlan } from '../../connectors/described/index.js'
import { createGatewayKeys, createSecretKeyStore, type GatewayKeys } from '../identity/keys/index.js'

/** What runs on Node and not here, said once when the Worker first serves. */
export const NOT_ON_WORKERD = [
  'the embedded database (PGlite): DATABASE_URL, or a Hyperdrive binding, names PostgreSQL',
  'the sandbox registries: every UPSTREAM_*_URL is required',
  'the operator console, the operations API and the metrics listener (Node entry)',
  'the dossier exchange (its delivery worker runs in the Node entry)',
  'compiled execution (the runtime forbids generated code): documents run on graphql-js',
  'client certificates towards registries (mTLS)',
] as const

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
  const config = parseConfig(settings)
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
  const config = parseConfig(settings)
  const problems: string[] = []
  const database = databaseOf(env, config, settings)
  if (!database) problems.push('DATABASE_URL: is required on workerd (or a HYPERDRIVE binding): there is no embedded database here')
  if (!config.UPSTREAM_POPULATION_URL) problems.push('UPSTREAM_POPULATION_URL: is required on workerd: there are no sandbox registries here')
  const gatewayKeys = config.GATEWAY_KEYS
  if (!gatewayKeys) problems.push('GATEWAY_KEYS: is required on workerd: the key file (DATA_DIR/keys/gateway-keys.json) as a secret')
  if (!config.HASH_SECRET) problems.push('HASH_SECRET: is required on workerd: there is no data directory to keep a generated one')
  for (const name of OBJECT_BINDINGS) {
    if (!env[name] || typeof env[name] !== 'object') problems.push(`${name}: the Durable Object binding is missing (see wrangler.toml)`)
  }
  let described: DescribedUpstreamSetting[] = []
  try {
    described = parseDescribedUpstreams(
      settings,
      plans.map(settingsNeededBy),
      // Every source needs its URL here, as in production: the replay sandboxes are Node's.
      true,
    )
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    problems.push(...error.problems)
  }
  for (const plan of plans)
    if (plan.clientCertificate) problems.push(`connector ${plan.name}: asks for a client certificate, which the Workers entry cannot present`)
  if (problems.length > 0) throw new ConfigError(problems)
  return { config, database: database!, gatewayKeys: gatewayKeys!, hashSecret: config.HASH_SECRET!, described }
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
