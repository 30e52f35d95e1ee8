import { z } from 'zod'
import type { ConnectorPlan } from '../connectors/index.js'

/** A URL with one of the protocols, and no credentials, query or fragment (they would end up in logs). */
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(
      z
        .url({ protocol: new RegExp(`^(${protocols.join('|')})$`) })
        .refine((value) => {
          const url = new URL(value)
          return !url.username && !url.password && !url.search && !url.hash
        }, 'must not carry credentials, a query or a fragment')
        .optional(),
    )
    .optional()

/** Digits only: `z.coerce` alone would read "" as 0 and "0x50" as 80. */
const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback)

const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) => integer(1, max, fallback)

/** One Redis URL, or a comma-separated list of cluster nodes. */
const redisUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(
    z
      .string()
      .refine(
        (value) => value.split(',').every((part) => /^rediss?:\/\/[^\s/?#]+(\/\d{1,2})?$/.test(part.trim())),
        'must be redis://host:port (or rediss://), or a comma-separated list of them',
      )
      .optional(),
  )
  .optional()

const trustedIssuersSchema = z
  .array(
    z
      .object({
        issuer: z.url(),
        jwksUri: z.url({ protocol: /^https$/ }),
        audience: z.string().min(1),
        agencyClaim: z.string().min(1).optional(),
        clientClaim: z.string().min(1).optional(),
      })
      .strict(),
  )
  .max(20)

/** Every setting and its own check; the checks across settings follow, per runtime. */
const settingsObject = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z
    .string()
    .regex(/^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-fA-F:]+\]?|[A-Za-z0-9.-]+)$/, 'must be an IP address or a host name')
    .default('127.0.0.1'),
  PORT: integer(0, 65535, 8080),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  REDIS_URL: redisUrl,
  POLICIES_DIR: z.string().min(1).default('policies'),
  /** Apply POLICIES_DIR at every start (a new version when it changed); otherwise only the first start does. */
  POLICIES_APPLY_ON_START: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  GATEWAY_ISSUER: optionalUrl(['http', 'https']),
  /**
   * The Workers entry's gateway keys: the text of the key file the Node entry keeps in
   * DATA_DIR/keys/gateway-keys.json (sealed with GATEWAY_KEYS_PASSPHRASE), set as a secret.
   * The Node entry reads the file itself and ignores this.
   */
  GATEWAY_KEYS: z.string().min(1).optional(),
  /** Encrypts the gateway's private signing keys at rest (AES-256-GCM, scrypt). Required in production. */
  GATEWAY_KEYS_PASSPHRASE: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Key of the keyed hashes (HMAC-SHA-256) the gateway shows or stores instead of identifiers:
   * `hash` masks now, audit subjects later. Required in production; in development one is
   * generated into DATA_DIR/keys/hash-secret.
   */
  HASH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** JSON array of trusted external issuers: [{ issuer, jwksUri, audience, agencyClaim?, clientClaim? }]. */
  TRUSTED_ISSUERS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return []
      try {
        return trustedIssuersSchema.parse(JSON.parse(value))
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of { issuer, jwksUri (https), audience, agencyClaim?, clientClaim? }' })
        return z.NEVER
      }
    }),
  UPSTREAM_POPULATION_URL: optionalUrl(['http', 'https']),
  UPSTREAM_POPULATION_API_KEY: z.string().min(8).optional(),
  UPSTREAM_LAND_URL: optionalUrl(['http', 'https']),
  /** The land registry's account (its SOAP header); its mapping asks for one. */
  UPSTREAM_LAND_USERNAME: z.string().trim().min(1).optional(),
  UPSTREAM_LAND_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  UPSTREAM_BUSINESS_URL: optionalUrl(['http', 'https']),
  /** The business registry's key (`x-api-key`); its mapping asks for one. */
  UPSTREAM_BUSINESS_API_KEY: z.string().min(8, 'must be at least 8 characters').optional(),
  /** The national e-ID as an OpenID Connect provider (its issuer): citizens' ID tokens are accepted from it. */
  CITIZEN_OIDC_ISSUER: optionalUrl(['http', 'https']),
  /** The gateway's client id at the e-ID provider (the ID tokens' audience). */
  CITIZEN_OIDC_CLIENT_ID: z.string().min(1).max(200).optional(),
  /** The gateway's client secret at the e-ID provider: enables the citizen's web login (/v1/citizen/login). */
  CITIZEN_OIDC_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The ID-token claim holding the citizen's PIN. */
  CITIZEN_OIDC_PIN_CLAIM: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_:.-]{0,63}$/)
    .default('pin'),
  /** Assurance levels (acr) accepted, comma-separated; unset: any. */
  CITIZEN_OIDC_ACR: z
    .string()
    .optional()
    .transform((value) =>
      value
        ? value
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean)
        : [],
    ),
  /** The national public-service portal's dossier sync endpoint (unset: the sandbox portal, outside production). */
  PORTAL_URL: optionalUrl(['http', 'https']),
  /**
   * A directory of PEM files (`*.pem`, `*.crt`, `*.crl`): the roots dossier parts' signatures are
   * trusted under (self-signed certificates), intermediates, and CRLs. Unset: outside production a
   * sandbox hierarchy generated at start (written to DATA_DIR/sandbox-pki); in production none,
   * so every signed part is UNTRUSTED.
   */
  TRUST_LIST_DIR: z.string().min(1).optional(),
  /** Delivery attempts before a dossier message becomes a dead letter. */
  EXCHANGE_MAX_ATTEMPTS: positiveInt(8, 100),
  /** The first retry of a failed delivery waits up to this long (ms); each later one up to twice as long… */
  EXCHANGE_RETRY_BASE_MS: positiveInt(1000, 600_000),
  /** …and none longer than this (ms). */
  EXCHANGE_RETRY_MAX_MS: positiveInt(300_000, 86_400_000),
  /**
   * How long a claimed message is not offered to another worker (ms): longer than a push may
   * take, since a message still being pushed when its lease runs out is pushed twice.
   */
  EXCHANGE_LEASE_MS: positiveInt(30_000, 3_600_000),
  /**
   * How many gateway instances share the rate limits: while Redis cannot answer, each instance
   * enforces its share (limit ÷ instances) on its own.
   */
  RATE_LIMIT_INSTANCES: positiveInt(1, 1000),
  /**
   * How long a rate-limit decision waits for Redis. A decision it misses is refused (429, retry
   * shortly), since Redis may have counted it: long enough that a busy machine rarely misses
   * it, short enough that a hung Redis costs little (three misses in a row and the instance
   * decides alone).
   */
  RATE_DECISION_TIMEOUT_MS: positiveInt(250, 5000),
  /** Deadline for one upstream call, headers and body. */
  UPSTREAM_TIMEOUT_MS: positiveInt(3000, 60_000),
  /** Largest request body accepted, in bytes. */
  BODY_LIMIT_BYTES: positiveInt(256 * 1024, 10 * 1024 * 1024),
  /** Longest a data request may take end to end; beyond, 503 (the registries' own deadline is shorter). */
  REQUEST_TIMEOUT_MS: positiveInt(15_000, 120_000),
  /** Hosts a `jwksUri` (client or trusted issuer) may point at, comma-separated; required in production when any is used. */
  JWKS_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]{1,253}$/, 'host names only (no scheme, port or path)'))),
  /** Browser origins allowed to call the API (CORS), comma-separated; unset: none. */
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const origins = (value ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean)
      for (const origin of origins) {
        let url: URL | null = null
        try {
          url = new URL(origin)
        } catch {
          url = null
        }
        if (!url || url.origin !== origin || !(url.protocol === 'https:' || url.hostname === '127.0.0.1' || url.hostname === 'localhost')) {
          ctx.addIssue({ code: 'custom', message: `${origin} is not an origin (https://host[:port]; http only for localhost)` })
          return z.NEVER
        }
      }
      return origins
    }),
  SANDBOX_SEED: integer(0, 2 ** 31 - 1, 2025),
  SANDBOX_CITIZENS: positiveInt(10_000, 1_000_000),
  SANDBOX_PARCELS: positiveInt(3_000, 1_000_000),
  SANDBOX_ENTERPRISES: positiveInt(2_000, 1_000_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** This instance's name in the audit trail (its chains are `INSTANCE_ID/<start>-<random>`). */
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'letters, digits and . _ : - (at most 64)')
    .optional(),
  /** Longest wait for an audit commit before a data request fails closed with 503. */
  AUDIT_COMMIT_TIMEOUT_MS: positiveInt(2000, 60_000),
  /** `lgsp audit retention` removes events older than this (TCVN 11930 level 3: at least 90). */
  AUDIT_RETENTION_DAYS: integer(90, 36_500, 365),
  /** Port of the Prometheus `/metrics` listener, apart from the API port (0: any free port). Unset: no listener. */
  METRICS_PORT: z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(0).max(65535)).optional(),
  /** Address the `/metrics` listener binds: loopback unless a scraper on the network needs it (then set METRICS_TOKEN). */
  METRICS_HOST: z
    .string()
    .regex(/^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-fA-F:]+\]?|[A-Za-z0-9.-]+)$/, 'must be an IP address or a host name')
    .default('127.0.0.1'),
  /** When set, `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Base URL of an OTLP/HTTP collector (Jaeger, Tempo, an OpenTelemetry Collector): spans go to
   * `<url>/v1/traces`. Unset: no spans are made (the caller's traceparent is only passed on).
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(['http', 'https']),
  /** The `service.name` the spans are recorded under. */
  OTEL_SERVICE_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits and . _ - (at most 100)')
    .default('lgsp-gateway'),
})

/** Where the configuration is read: the Node entry, or the Workers entry on workerd. */
export type Runtime = 'node' | 'workerd'

/** The checks across settings. workerd serves no exchange (no portal) and cannot derive its issuer from a port. */
const crossChecks =
  (runtime: Runtime) =>
  (config: z.infer<typeof settingsObject>, ctx: z.RefinementCtx): void => {
    // Never send the sandbox's well-known key to a real registry.
    if (config.CITIZEN_OIDC_ISSUER && !config.CITIZEN_OIDC_CLIENT_ID) {
      ctx.addIssue({ code: 'custom', path: ['CITIZEN_OIDC_CLIENT_ID'], message: 'is required when CITIZEN_OIDC_ISSUER is set' })
    }
    if (config.UPSTREAM_POPULATION_URL && !config.UPSTREAM_POPULATION_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['UPSTREAM_POPULATION_API_KEY'], message: 'is required when UPSTREAM_POPULATION_URL is set' })
    }
    // The land and business registries' credentials, as their mappings ask (checked again, alike, with every described source's).
    for (const variable of ['UPSTREAM_LAND_USERNAME', 'UPSTREAM_LAND_PASSWORD'] as const)
      if (config.UPSTREAM_LAND_URL && !config[variable])
        ctx.addIssue({ code: 'custom', path: [variable], message: 'is required when UPSTREAM_LAND_URL is set' })
    if (config.UPSTREAM_BUSINESS_URL && !config.UPSTREAM_BUSINESS_API_KEY)
      ctx.addIssue({ code: 'custom', path: ['UPSTREAM_BUSINESS_API_KEY'], message: 'is required when UPSTREAM_BUSINESS_URL is set' })
    if (config.NODE_ENV !== 'production') return
    // Metrics name agencies and their traffic: off the loopback, only with a scrape token.
    if (config.METRICS_PORT !== undefined && !['127.0.0.1', '::1', '[::1]', 'localhost'].includes(config.METRICS_HOST) && !config.METRICS_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_TOKEN'], message: 'is required in production when METRICS_HOST is not a loopback address' })
    }
    if (config.GATEWAY_ISSUER && !config.GATEWAY_ISSUER.startsWith('https://')) {
      ctx.addIssue({ code: 'custom', path: ['GATEWAY_ISSUER'], message: 'must be https in production' })
    }
    // Production never talks to the built-in sandbox registries.
    for (const name of ['UPSTREAM_POPULATION_URL', 'UPSTREAM_LAND_URL', 'UPSTREAM_BUSINESS_URL'] as const) {
      if (!config[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required in production (sandbox registries are for development)' })
    }
    if (!config.GATEWAY_ISSUER && runtime === 'node') ctx.addIssue({ code: 'custom', path: ['GATEWAY_ISSUER'], message: 'is required in production' })
    if (!config.PORTAL_URL && runtime === 'node')
      ctx.addIssue({ code: 'custom', path: ['PORTAL_URL'], message: 'is required in production (the sandbox portal is for development)' })
    if (!config.HASH_SECRET) ctx.addIssue({ code: 'custom', path: ['HASH_SECRET'], message: 'is required in production (keyed hashes of identifiers)' })
    if (!config.GATEWAY_KEYS_PASSPHRASE)
      ctx.addIssue({ code: 'custom', path: ['GATEWAY_KEYS_PASSPHRASE'], message: 'is required in production (private keys are encrypted at rest)' })
  }

/**
 * The gateway's configuration, read from the environment once at the entry. Unknown
 * variables are ignored; a bad value stops start-up with a message naming the variable.
 */
export const configSchema = settingsObject.superRefine(crossChecks('node'))
const schemaOf: Record<Runtime, typeof configSchema> = { node: configSchema, workerd: settingsObject.superRefine(crossChecks('workerd')) }

export type Config = z.infer<typeof configSchema>

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/**
 * The population registry's API key: the configured one for the configured registry, the built-in
 * sandbox's own for the sandbox. A real key never goes to the sandbox, nor the sandbox's well-known
 * key to a real registry (the schema refuses a registry URL without its key).
 */
export function populationApiKey(config: Config, sandboxKey: string): string {
  if (!config.UPSTREAM_POPULATION_URL) return sandboxKey
  if (!config.UPSTREAM_POPULATION_API_KEY) throw new ConfigError(['UPSTREAM_POPULATION_API_KEY: is required when UPSTREAM_POPULATION_URL is set'])
  return config.UPSTREAM_POPULATION_API_KEY
}

/** The issuer URL: configured, or derived from where a development gateway listens. */
export const issuerOf = (config: Config): string =>
  (config.GATEWAY_ISSUER ?? `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`).replace(/\/$/, '')

/** Parses raw environment values; throws `ConfigError` naming every bad variable. Never echoes values. */
export function parseConfig(raw: Record<string, string | undefined>, runtime: Runtime = 'node'): Config {
  const result = schemaOf[runtime].safeParse(raw)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`)
  throw new ConfigError(problems)
}

/**
 * A source connected by description, as its settings are named: `UPSTREAM_<NAME>_URL`, and
 * `_API_KEY`, `_USERNAME` with `_PASSWORD`, or `_CLIENT_ID` with `_CLIENT_SECRET` (and
 * `_TOKEN_URL`), as its mapping's `auth` asks; `_CLIENT_CERT` and `_CLIENT_KEY` (and `_CA`), PEM
 * files, when it asks for a client certificate.
 */
export interface DescribedUpstreamSetting {
  connector: string
  /** Unset: the replay sandbox generated from its description (development only). */
  url?: string
  apiKey?: string
  /** The account a SOAP source takes in a header (`auth: soapHeader`). */
  credentials?: { username: string; password: string }
  /** The OAuth client a source asks a token for (`auth: oauthClientCredentials`), and where, if not where its description says. */
  oauthClient?: { id: string; secret: string }
  tokenUrl?: string
  /** The client certificate a source asks for (`clientCertificate: true`): PEM files, read by the Node entry. */
  certificateFiles?: { cert: string; key: string; ca?: string }
}

/** `social-insurance` → `UPSTREAM_SOCIAL_INSURANCE`: the prefix of a described source's settings. */
export function upstreamPrefix(connector: string): string {
  return `UPSTREAM_${connector.toUpperCase().replaceAll('-', '_')}`
}

/**
 * The settings of the sources connected by description, validated as the fixed ones are: a URL
 * (http or https, no credentials), a key of at least 8 characters where the source's mapping asks
 * for one and a URL is set, and in production a URL for every one (the replay sandbox is for
 * development). The names are known only once the connectors are read, so this runs after them.
 */
/** What a described source's settings must hold, by its mapping: what `parseDescribedUpstreams` checks. */
export const settingsNeededBy = (plan: Pick<ConnectorPlan, 'name' | 'auth' | 'clientCertificate'>) => ({
  name: plan.name,
  needsApiKey: plan.auth.kind === 'apiKey',
  needsAccount: plan.auth.kind === 'soapHeader',
  needsClient: plan.auth.kind === 'oauthClientCredentials',
  needsCertificate: plan.clientCertificate,
})

export function parseDescribedUpstreams(
  raw: Record<string, string | undefined>,
  connectors: ReadonlyArray<{ name: string; needsApiKey: boolean; needsAccount?: boolean; needsClient?: boolean; needsCertificate?: boolean }>,
  production: boolean,
): DescribedUpstreamSetting[] {
  const problems: string[] = []
  const url = optionalUrl(['http', 'https'])
  const settings = connectors.map(({ name, needsApiKey, needsAccount = false, needsClient = false, needsCertificate = false }) => {
    const prefix = upstreamPrefix(name)
    const parsedUrl = url.safeParse(raw[`${prefix}_URL`] ?? '')
    if (!parsedUrl.success) problems.push(`${prefix}_URL: ${parsedUrl.error.issues[0]?.message ?? 'invalid'}`)
    const target = parsedUrl.success ? parsedUrl.data : undefined
    const apiKey = raw[`${prefix}_API_KEY`]?.trim() || undefined
    if (target && needsApiKey && !apiKey) problems.push(`${prefix}_API_KEY: is required when ${prefix}_URL is set (the ${name} mapping asks for an API key)`)
    if (apiKey && apiKey.length < 8) problems.push(`${prefix}_API_KEY: must be at least 8 characters`)
    if (production && !target) problems.push(`${prefix}_URL: is required in production (sandbox registries are for development)`)
    /** A name and its secret, set together: the name trimmed, the secret exactly as given. */
    const pair = (suffixes: [string, string], needed: boolean, asks: string, minSecret: number) => {
      const [first, second] = suffixes.map((suffix) => `${prefix}_${suffix}`) as [string, string]
      const id = raw[first]?.trim() || undefined
      const secret = raw[second] || undefined
      if (target && needed && (!id || !secret))
        problems.push(`${first}, ${second}: are required when ${prefix}_URL is set (the ${name} mapping asks for ${asks})`)
      if (secret && secret.length < minSecret) problems.push(`${second}: must be at least ${minSecret} characters`)
      return id && secret ? ([id, secret] as const) : undefined
    }
    const account = pair(['USERNAME', 'PASSWORD'], needsAccount, 'an account', 8)
    const credentials = account ? { username: account[0], password: account[1] } : undefined
    const client = pair(['CLIENT_ID', 'CLIENT_SECRET'], needsClient, 'OAuth client credentials', 16)
    const oauthClient = client ? { id: client[0], secret: client[1] } : undefined
    const parsedTokenUrl = url.safeParse(raw[`${prefix}_TOKEN_URL`] ?? '')
    if (!parsedTokenUrl.success) problems.push(`${prefix}_TOKEN_URL: ${parsedTokenUrl.error.issues[0]?.message ?? 'invalid'}`)
    const tokenUrl = parsedTokenUrl.success ? parsedTokenUrl.data : undefined
    const [cert, key, ca] = ['CLIENT_CERT', 'CLIENT_KEY', 'CA'].map((suffix) => raw[`${prefix}_${suffix}`]?.trim() || undefined)
    if (target && needsCertificate && (!cert || !key))
      problems.push(`${prefix}_CLIENT_CERT, ${prefix}_CLIENT_KEY: are required when ${prefix}_URL is set (the ${name} mapping asks for a client certificate)`)
    const certificateFiles = cert && key ? { cert, key, ...(ca ? { ca } : {}) } : undefined
    return {
      connector: name,
      ...(target ? { url: target } : {}),
      ...(apiKey ? { apiKey } : {}),
      ...(credentials ? { credentials } : {}),
      ...(oauthClient ? { oauthClient } : {}),
      ...(tokenUrl ? { tokenUrl } : {}),
      ...(certificateFiles ? { certificateFiles } : {}),
    }
  })
  if (problems.length) throw new ConfigError(problems)
  return settings
}
