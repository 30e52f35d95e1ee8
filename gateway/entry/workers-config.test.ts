/**
 * The Workers entry's configuration: what workerd requires that Node can default, refused with
 * every problem named; production's rules as on Node, less what workerd does not serve; and the
 * settings given for what it does not serve, named rather than ignored.
 */
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../config.js'
import { servedCanonical } from './canonical.js'
import { NOT_ON_WORKERD, OBJECT_BINDINGS, parseAuditWriterConfig, parseWorkersConfig, unservedSettings } from './workers-config.js'

const objects = Object.fromEntries(OBJECT_BINDINGS.map((name) => [name, {}]))
const valid: Record<string, unknown> = {
  NODE_ENV: 'test',
  DATABASE_URL: 'postgres://127.0.0.1:5432/lgsp',
  PGUSER: 'lgsp',
  PGPASSWORD: 'not-a-real-password',
  UPSTREAM_POPULATION_URL: 'http://127.0.0.1:9001',
  UPSTREAM_POPULATION_API_KEY: 'population-key',
  GATEWAY_KEYS: '{"format":"lgsp-gateway-keys"}',
  HASH_SECRET: 'h'.repeat(32),
  GATEWAY_ISSUER: 'http://127.0.0.1:8787',
  ...objects,
}
const without = (...names: string[]) => Object.fromEntries(Object.entries(valid).filter(([name]) => !names.includes(name)))
const { registries } = servedCanonical()

/** The problems parseWorkersConfig names, or [] when it accepts. */
function problemsOf(env: Record<string, unknown>, plans = [] as Parameters<typeof parseWorkersConfig>[1]): string[] {
  try {
    parseWorkersConfig(env, plans)
    return []
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return error.problems
  }
}

describe('Workers configuration', () => {
  it('accepts the bindings it needs, and reads the database user apart from the URL', () => {
    const parsed = parseWorkersConfig(valid, [])
    expect(parsed.database).toEqual({ url: 'postgres://127.0.0.1:5432/lgsp', user: 'lgsp', password: 'not-a-real-password' })
    expect(parsed.hashSecret).toBe(valid.HASH_SECRET)
  })

  it('prefers a Hyperdrive binding over DATABASE_URL, and needs no URL then', () => {
    const hyperdrive = { connectionString: 'postgres://u:p@hyperdrive.local:5432/lgsp' }
    expect(parseWorkersConfig({ ...valid, HYPERDRIVE: hyperdrive }, []).database).toEqual({ url: hyperdrive.connectionString })
    expect(problemsOf({ ...without('DATABASE_URL'), HYPERDRIVE: hyperdrive })).toEqual([])
  })

  it.each<[string, RegExp]>([
    ['DATABASE_URL', /^DATABASE_URL: is required on workerd/],
    ['UPSTREAM_POPULATION_URL', /^UPSTREAM_POPULATION_URL: is required on workerd/],
    ['GATEWAY_KEYS', /^GATEWAY_KEYS: is required on workerd/],
    ['HASH_SECRET', /^HASH_SECRET: is required on workerd/],
    ['GATEWAY_ISSUER', /^GATEWAY_ISSUER: is required on workerd/],
    ...OBJECT_BINDINGS.map((name): [string, RegExp] => [name, new RegExp(`^${name}: the Durable Object binding is missing`)]),
  ])('refuses bindings without %s, naming it', (name, problem) => {
    const problems = problemsOf(without(name))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(problem)
  })

  it('names every problem at once, and never a value', () => {
    const problems = problemsOf({ ...without('DATABASE_URL', 'GATEWAY_KEYS', 'HASH_SECRET'), HASH_SECRET: 'short-secret-value' })
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'GATEWAY_KEYS', 'HASH_SECRET'])
    expect(problems).toContain('HASH_SECRET: must be at least 32 characters')
    expect(problems.join('\n')).not.toContain('short-secret-value')
  })

  it('refuses a source whose mapping asks for a client certificate, and one without its URL', () => {
    expect(problemsOf(valid, [{ ...registries.land, clientCertificate: true }])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^connector land: asks for a client certificate/)]),
    )
    expect(problemsOf(valid, [registries.business])).toEqual([expect.stringMatching(/UPSTREAM_BUSINESS_URL/)])
  })

  it("holds production to Node's rules, less the portal it does not serve", () => {
    const production = {
      ...valid,
      NODE_ENV: 'production',
      GATEWAY_ISSUER: 'https://lgsp.example.test',
      GATEWAY_KEYS_PASSPHRASE: 'p'.repeat(16),
      UPSTREAM_LAND_URL: 'https://land.example.test',
      UPSTREAM_LAND_USERNAME: 'u',
      UPSTREAM_LAND_PASSWORD: 'land-password',
      UPSTREAM_BUSINESS_URL: 'https://business.example.test',
      UPSTREAM_BUSINESS_API_KEY: 'business-key',
    }
    expect(problemsOf(production)).toEqual([])
    expect(problemsOf({ ...production, GATEWAY_ISSUER: 'http://lgsp.example.test' })).toEqual(['GATEWAY_ISSUER: must be https in production'])
    // Named once, though both the production rules and workerd's require it.
    expect(problemsOf({ ...production, HASH_SECRET: undefined })).toEqual([expect.stringMatching(/^HASH_SECRET: is required in production/)])
    expect(problemsOf({ ...production, GATEWAY_KEYS_PASSPHRASE: undefined })).toEqual([
      expect.stringMatching(/^GATEWAY_KEYS_PASSPHRASE: is required in production/),
    ])
  })

  it('the audit writer needs the database and the keys, and says so', () => {
    expect(parseAuditWriterConfig(valid).database.url).toBe(valid.DATABASE_URL)
    expect(() => parseAuditWriterConfig(without('DATABASE_URL'))).toThrow(ConfigError)
    expect(() => parseAuditWriterConfig(without('GATEWAY_KEYS'))).toThrow(/DATABASE_URL and GATEWAY_KEYS: are required by the audit writer/)
  })

  it('names the settings given for what it does not serve, and only those', () => {
    expect(unservedSettings(valid)).toEqual([])
    const named = unservedSettings({ ...valid, PORTAL_URL: 'https://portal.example.test', CITIZEN_OIDC_ISSUER: 'https://eid.example.test', METRICS_PORT: '' })
    expect(named.map((item) => item.setting)).toEqual(['PORTAL_URL', 'CITIZEN_OIDC_ISSUER'])
    for (const item of named) expect(NOT_ON_WORKERD.map((entry) => entry.what)).toContain(item.notServed)
  })
})
