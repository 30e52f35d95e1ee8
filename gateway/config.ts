import { z } from 'zod'

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(
      z
        .url({ protocol: new RegExp(`^(${protocols.join('|')})$`) })
        .optional(),
    )
    .optional()

const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().positive().max(max).default(fallback)

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

/**
 * The gateway's configuration, read from the environment once at the entry (DESIGN §3). Unknown
 * variables are ignored; a bad value stops start-up with a message naming the variable.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    DATA_DIR: z.string().min(1).default('data'),
    DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
    REDIS_URL: z.string().trim().optional(),
    POLICIES_DIR: z.string().min(1).default('policies'),
    GATEWAY_ISSUER: optionalUrl(['http', 'https']),
    /** Encrypts the gateway's private signing keys at rest (AES-256-GCM, scrypt). Required in production. */
    GATEWAY_KEYS_PASSPHRASE: z.string().min(16, 'must be at least 16 characters').optional(),
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
    UPSTREAM_BUSINESS_URL: optionalUrl(['http', 'https']),
    /** Deadline for one upstream call, headers and body. */
    UPSTREAM_TIMEOUT_MS: positiveInt(3000, 60_000),
    /** Largest request body accepted, in bytes. */
    BODY_LIMIT_BYTES: positiveInt(256 * 1024, 10 * 1024 * 1024),
    SANDBOX_SEED: z.coerce.number().int().nonnegative().default(2025),
    SANDBOX_CITIZENS: positiveInt(10_000, 1_000_000),
    SANDBOX_PARCELS: positiveInt(3_000, 1_000_000),
    SANDBOX_ENTERPRISES: positiveInt(2_000, 1_000_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV !== 'production') return
    // Production never talks to the built-in sandbox registries.
    for (const name of ['UPSTREAM_POPULATION_URL', 'UPSTREAM_LAND_URL', 'UPSTREAM_BUSINESS_URL'] as const) {
      if (!config[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required in production (sandbox registries are for development)' })
    }
    if (!config.UPSTREAM_POPULATION_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['UPSTREAM_POPULATION_API_KEY'], message: 'is required in production' })
    }
    if (!config.GATEWAY_ISSUER) ctx.addIssue({ code: 'custom', path: ['GATEWAY_ISSUER'], message: 'is required in production' })
    if (!config.GATEWAY_KEYS_PASSPHRASE) ctx.addIssue({ code: 'custom', path: ['GATEWAY_KEYS_PASSPHRASE'], message: 'is required in production (private keys are encrypted at rest)' })
  })

export type Config = z.infer<typeof configSchema>

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/** The issuer URL: configured, or derived from where a development gateway listens. */
export const issuerOf = (config: Config): string =>
  (config.GATEWAY_ISSUER ?? `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`).replace(/\/$/, '')

/** Parses raw environment values; throws `ConfigError` naming every bad variable. Never echoes values. */
export function parseConfig(raw: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(raw)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`)
  throw new ConfigError(problems)
}
