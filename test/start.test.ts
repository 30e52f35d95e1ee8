/**
 * `npm start` as a user runs it: a real process with the embedded defaults, the banner's example
 * query sent to it over loopback, and bad configuration refused naming the variable.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { until } from './waiting.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const children: ChildProcess[] = []
const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-start-'))
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})
const baseEnv = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', DATA_DIR: dataDir })

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/entry/node.ts'], {
    cwd: root,
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk) => (stdout += chunk))
  child.stderr?.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, exited, output: () => ({ stdout, stderr }) }
}

/** Every setting production requires, real-looking: what is left to refuse is the development clients. */
const PRODUCTION = {
  NODE_ENV: 'production',
  UPSTREAM_POPULATION_URL: 'https://dancu.example.test',
  UPSTREAM_POPULATION_API_KEY: 'a-real-registry-key',
  UPSTREAM_LAND_URL: 'https://datdai.example.test',
  UPSTREAM_LAND_USERNAME: 'lgsp-gateway',
  UPSTREAM_LAND_PASSWORD: 'a real land password',
  UPSTREAM_BUSINESS_URL: 'https://dkdn.example.test',
  UPSTREAM_BUSINESS_API_KEY: 'a-real-dkdn-key',
  UPSTREAM_SOCIAL_INSURANCE_URL: 'https://bhxh.example.test',
  UPSTREAM_SOCIAL_INSURANCE_API_KEY: 'a-real-bhxh-key',
  PORTAL_URL: 'https://dichvucong.example.test',
  GATEWAY_ISSUER: 'https://lgsp.example.test',
  GATEWAY_KEYS_PASSPHRASE: 'a passphrase of some length',
  HASH_SECRET: 'a hash key of thirty-two characters or more',
}

describe('npm start', () => {
  it('serves the gateway with sandbox registries and the printed example works', async () => {
    const run = start({ PORT: '0', SANDBOX_CITIZENS: '2000', SANDBOX_PARCELS: '600', SANDBOX_ENTERPRISES: '400' })
    const banner = await until(() => (run.output().stdout.includes("-d '") ? run.output().stdout : undefined), {
      withinMs: 30_000,
      everyMs: 50,
      what: 'the banner',
    })
    const url = /Gateway:\s+(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(banner)?.[1]
    expect(url, banner).toBeDefined()
    expect(banner).toMatch(/population\s+http:\/\/127\.0\.0\.1:\d+\s+\(sandbox\)/)
    const body = /-d '(.+)'/.exec(banner)?.[1] as string
    const agency = /lgsp token --agency ([a-z0-9-]+)/.exec(banner)?.[1] as string
    const purpose = /-H 'x-purpose: ([A-Z_]+)'/.exec(banner)?.[1] as string
    expect(purpose, banner).toBeDefined()
    // The printed command, with the environment the gateway runs with (same DATA_DIR and issuer).
    const { stdout: token } = await promisify(execFile)(process.execPath, ['bin/lgsp.js', 'token', '--agency', agency], {
      cwd: root,
      env: { ...baseEnv(), PORT: '0', SANDBOX_CITIZENS: '2000', SANDBOX_PARCELS: '600', SANDBOX_ENTERPRISES: '400' },
    })
    const unauthenticated = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect(unauthenticated.status).toBe(401)
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.trim()}`, 'x-purpose': purpose },
      body,
    })
    const json = (await res.json()) as any
    expect(res.status, JSON.stringify(json)).toBe(200)
    expect(json.errors).toBeUndefined()
    const reps = json.data.enterprise.legalRepresentatives
    expect(json.data.enterprise.nameVi).toBeTruthy()
    expect(reps.some((r: any) => r.citizen?.residence && r.citizen.landParcels.length > 0)).toBe(true)
    // the tax office sees representatives' PINs masked (policies/agencies/thue-ha-noi.yaml)
    for (const rep of reps) if (rep.pin) expect(rep.pin).toMatch(/^\*{8}\d{4}$/)
    // The representative's side, as printed: the tax office's read is in their access history.
    const citizen = /lgsp token --citizen (\d{12})/.exec(banner)?.[1] as string
    expect(citizen, banner).toBeDefined()
    expect(banner).toContain(`curl -s ${url}/v1/access-history`)
    const { stdout: citizenToken } = await promisify(execFile)(process.execPath, ['bin/lgsp.js', 'token', '--citizen', citizen], {
      cwd: root,
      env: { ...baseEnv(), PORT: '0', SANDBOX_CITIZENS: '2000', SANDBOX_PARCELS: '600', SANDBOX_ENTERPRISES: '400' },
    })
    const history = await fetch(`${url}/v1/access-history`, { headers: { authorization: `Bearer ${citizenToken.trim()}` } })
    const reads = (await history.json()) as { entries: Array<{ agency: string; purpose: string }> }
    expect(history.status, JSON.stringify(reads)).toBe(200)
    expect(
      reads.entries.some((entry) => entry.agency === agency && entry.purpose === purpose),
      JSON.stringify(reads),
    ).toBe(true)
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
  }, 60_000)

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ UPSTREAM_LAND_URL: 'ftp://example' }, 'UPSTREAM_LAND_URL'],
    [{ NODE_ENV: 'production' }, 'UPSTREAM_POPULATION_URL'],
    [{ UPSTREAM_TIMEOUT_MS: '-5' }, 'UPSTREAM_TIMEOUT_MS'],
    [{ PORT: '' }, 'PORT'],
    [PRODUCTION, 'development clients'],
    [{ PORT: '0x50' }, 'PORT'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ UPSTREAM_BUSINESS_URL: 'http://user:secret@127.0.0.1:9/' }, 'UPSTREAM_BUSINESS_URL'],
    [{ UPSTREAM_POPULATION_URL: 'http://127.0.0.1:9' }, 'UPSTREAM_POPULATION_API_KEY'],
    // A registry connected by description (connectors/social-insurance): its settings are checked alike.
    [
      // The same without the described registry's settings.
      Object.fromEntries(Object.entries(PRODUCTION).filter(([name]) => !name.startsWith('UPSTREAM_SOCIAL_INSURANCE_'))),
      'UPSTREAM_SOCIAL_INSURANCE_URL: is required in production',
    ],
    [{ UPSTREAM_SOCIAL_INSURANCE_URL: 'http://user:secret@127.0.0.1:9/' }, 'UPSTREAM_SOCIAL_INSURANCE_URL'],
    [{ UPSTREAM_SOCIAL_INSURANCE_URL: 'http://127.0.0.1:9' }, 'UPSTREAM_SOCIAL_INSURANCE_API_KEY'],
    // The land and business registries, connected by their descriptions: their credentials are required alike.
    [{ UPSTREAM_LAND_URL: 'http://127.0.0.1:9' }, 'UPSTREAM_LAND_USERNAME: is required when UPSTREAM_LAND_URL is set'],
    [{ UPSTREAM_LAND_URL: 'http://127.0.0.1:9', UPSTREAM_LAND_USERNAME: 'lgsp' }, 'UPSTREAM_LAND_PASSWORD: is required when UPSTREAM_LAND_URL is set'],
    [{ UPSTREAM_BUSINESS_URL: 'http://127.0.0.1:9' }, 'UPSTREAM_BUSINESS_API_KEY: is required when UPSTREAM_BUSINESS_URL is set'],
  ])(
    'refuses bad configuration %j naming %s',
    async (env, variable) => {
      const run = start(env as Record<string, string>)
      expect(await run.exited).toBe(1)
      expect(run.output().stderr).toContain(variable)
      expect(run.output().stderr).not.toMatch(/\n\s+at /)
      expect(run.output().stderr).not.toContain('secret')
    },
    30_000,
  )
})
