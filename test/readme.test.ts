/** Keeps the README's copy-paste example true: its enterprise exists in the default sandbox world. */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createWorld } from '../connectors/sandboxes.js'
import { EXAMPLE_PURPOSE, exampleQuery } from '../gateway/entry/banner.js'
import { ConfigError, configSchema, parseConfig, populationApiKey } from '../gateway/config.js'

describe('README', () => {
  it('names the enterprise the default world picks as its example', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const code = /enterprise\(code: \\"(\d{10})\\"\)/.exec(readme)?.[1]
    expect(code).toBe(createWorld().examples.enterpriseCode)
    // the same query and purpose as the banner prints, which test/start.test.ts runs for real
    expect(readme).toContain(JSON.stringify({ query: exampleQuery(code!) }))
    expect(readme).toContain(`-H 'x-purpose: ${EXAMPLE_PURPOSE}'`)
    expect(readme).toContain('npm install && npm start')
    expect(readme).toContain('npm test')
  })
})

/**
 * The README's configuration table against the configuration schema the gateway starts with:
 * the same variables, each default as documented, and every "required when" both ways.
 */
describe('README configuration table', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1))
  const rows = section
    .split('\n')
    .filter((line) => /^\| `[A-Z]/.test(line))
    .map((line) => {
      const [names = '', defaults = ''] = line
        .split('|')
        .slice(1)
        .map((cell) => cell.trim())
      return { variables: [...names.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!), names, defaults }
    })
  const documented = rows.flatMap((row) => row.variables)
  const rowOf = (variable: string) => rows.find((row) => row.variables.includes(variable))!
  /** Values each variable accepts, for the requirement probes below. */
  const samples: Record<string, string> = {
    UPSTREAM_POPULATION_URL: 'https://dancu.example.test',
    UPSTREAM_LAND_URL: 'https://datdai.example.test',
    UPSTREAM_BUSINESS_URL: 'https://dkdn.example.test',
    UPSTREAM_POPULATION_API_KEY: 'a-registry-key-0001',
    UPSTREAM_LAND_USERNAME: 'lgsp-gateway',
    UPSTREAM_LAND_PASSWORD: 'a-land-password',
    UPSTREAM_BUSINESS_API_KEY: 'a-business-key-0001',
    DATABASE_URL: 'postgres://127.0.0.1:5432/lgsp',
    REDIS_URL: 'redis://127.0.0.1:6379',
    GATEWAY_ISSUER: 'https://lgsp.example.test',
    METRICS_PORT: '9464',
    METRICS_HOST: '0.0.0.0',
  }
  const requirementsOf = (raw: Record<string, string>): string[] => {
    try {
      parseConfig(raw)
      return []
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      return error.problems.map((problem) => problem.split(':')[0]!)
    }
  }

  it('names every variable the gateway reads, and no other', () => {
    expect(rows.length).toBeGreaterThan(15)
    expect([...documented].sort()).toEqual(Object.keys(configSchema.shape).sort())
  })

  it('gives each default as the configuration has it', () => {
    const config = parseConfig({}) as Record<string, unknown>
    // Defaults computed at start-up from other values, not by the schema.
    const derived = new Set(['GATEWAY_ISSUER', 'INSTANCE_ID', 'HASH_SECRET'])
    for (const row of rows) {
      // One default per variable ("`8080` / `127.0.0.1`", "unset, `127.0.0.1`, unset"), or one for all.
      const cells = row.variables.length > 1 && /[,/]/.test(row.defaults) ? row.defaults.split(/\s*[,/]\s*/) : row.variables.map(() => row.defaults)
      expect(cells, row.names).toHaveLength(row.variables.length)
      row.variables.forEach((variable, i) => {
        if (derived.has(variable)) return
        const cell = cells[i]!.trim()
        const value = config[variable]
        const literal = /^`([^`]*)`$/.exec(cell)?.[1]
        if (literal !== undefined) expect(Array.isArray(value) ? JSON.stringify(value) : String(value), `${variable}: ${cell}`).toBe(literal)
        else if (/^(unset|required when)/.test(cell)) expect(Array.isArray(value) ? value.length : value, `${variable}: ${cell}`).toBeFalsy()
        else expect.fail(`${variable}: the default "${cell}" is neither a value, "unset …" nor "required when …"`)
      })
    }
  })

  it('says "required when X is set" exactly where setting X alone stops start-up', () => {
    // What the table claims …
    const claimed = new Map<string, string[]>()
    for (const row of rows) {
      for (const match of row.defaults.matchAll(/required when `([A-Z0-9_]+)` is set/g))
        for (const variable of row.variables) claimed.set(variable, [...(claimed.get(variable) ?? []), match[1]!])
    }
    for (const [variable, conditions] of claimed) {
      for (const condition of conditions) {
        expect(samples[condition], `a sample value for ${condition}`).toBeDefined()
        expect(requirementsOf({ [condition]: samples[condition]! }), `${condition} set, ${variable} unset`).toContain(variable)
        expect(requirementsOf({ [condition]: samples[condition]!, [variable]: samples[variable]! }), `${condition} and ${variable} set`).not.toContain(variable)
      }
    }
    // … and what the schema does: each variable set alone, outside production.
    for (const [condition, value] of Object.entries(samples)) {
      for (const required of requirementsOf({ [condition]: value })) {
        expect(
          claimed.get(required) ?? [],
          `${required} is required when ${condition} is set: the README row must say so (${rowOf(required)?.defaults})`,
        ).toContain(condition)
      }
    }
  })
})

describe('the population registry key', () => {
  it('goes to the registry it was configured for, and never to the built-in sandbox', () => {
    expect(
      populationApiKey(
        parseConfig({ UPSTREAM_POPULATION_URL: 'https://dancu.example.test', UPSTREAM_POPULATION_API_KEY: 'a-registry-key-0001' }),
        'sandbox-key',
      ),
    ).toBe('a-registry-key-0001')
    expect(populationApiKey(parseConfig({}), 'sandbox-key')).toBe('sandbox-key')
    expect(populationApiKey(parseConfig({ UPSTREAM_POPULATION_API_KEY: 'a-registry-key-0001' }), 'sandbox-key')).toBe('sandbox-key')
  })
})

/**
 * The README's layout table against the tree: every folder of gateway/ (two levels down) has a
 * row of its own, or is named as `name/` in its parent's row, so a newcomer finds each one.
 */
describe('README layout table', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const rows = new Map(
    readme
      .split('\n')
      .map((line) => /^\| `(gateway\/[^`]*?)\/?`(?: \(top files\))? \| (.*) \|$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1]!.replace(/\/$/, ''), match[2]!]),
  )
  const root = new URL('..', import.meta.url)
  const foldersOf = (path: string) =>
    readdirSync(new URL(`${path}/`, root), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${path}/${entry.name}`)
  const folders = foldersOf('gateway').flatMap((folder) => [folder, ...foldersOf(folder)])

  it.each(folders)('%s has a row, or its parent names it', (folder) => {
    const parent = folder.slice(0, folder.lastIndexOf('/'))
    const name = folder.slice(folder.lastIndexOf('/') + 1)
    expect(rows.has(folder) || (rows.get(parent) ?? '').includes(`\`${name}/\``), `${folder} is not in the README's layout table`).toBe(true)
  })

  it('has no row for a folder that does not exist', () => {
    expect([...rows.keys()].filter((row) => row !== 'gateway' && !folders.includes(row))).toEqual([])
  })
})
