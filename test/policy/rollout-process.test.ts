/**
 * Policy roll-out across instances (issue #4 acceptance): two gateway processes on one real
 * PostgreSQL; `lgsp policy apply` changes what both allow within 5 s, without a restart, and
 * `lgsp policy rollback` restores it. The change: the tax office's connectivity-check grant is
 * moved from KIEM_TRA_KET_NOI to another purpose, so the same request goes from 200 to refused.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPostgres, type PostgresService } from '../services/postgres.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const work = mkdtempSync(join(tmpdir(), 'lgsp-rollout-'))
const policiesDir = join(work, 'policies')
let server: PostgresService
let env: Record<string, string>
const gateways: Array<{ child: ChildProcess; url: string }> = []
let token = ''

async function startGateway(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/entry/node.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (chunk) => (out += chunk))
  child.stderr?.on('data', (chunk) => (out += chunk))
  const deadline = Date.now() + 90_000
  while (!out.includes("-d '")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`gateway did not start: ${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return { child, url: /Gateway:\s+(\S+)\/graphql/.exec(out)![1]! }
}

const lgsp = (...args: string[]) => promisify(execFile)(process.execPath, ['bin/lgsp.js', ...args], { cwd: root, env })

async function status(url: string): Promise<number> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'KIEM_TRA_KET_NOI' },
    body: JSON.stringify({ query: '{ administrativeUnit(code: "01") { name } }' }),
  })
  await res.text()
  return res.status
}

/** Polls both instances until each answers `expected`; returns how long that took. */
async function bothBecome(expected: number, withinMs: number): Promise<number> {
  const started = Date.now()
  for (;;) {
    const statuses = await Promise.all(gateways.map((g) => status(g.url)))
    if (statuses.every((s) => s === expected)) return Date.now() - started
    if (Date.now() - started > withinMs) throw new Error(`after ${withinMs} ms the instances answer ${statuses.join(', ')}, not ${expected}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

beforeAll(async () => {
  cpSync(join(root, 'policies', 'agencies'), join(policiesDir, 'agencies'), { recursive: true })
  cpSync(join(root, 'policies', 'purposes.yaml'), join(policiesDir, 'purposes.yaml'))
  server = await startPostgres()
  const database = await server.createDatabase('rollout')
  env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LOG_LEVEL: 'warn',
    DATA_DIR: join(work, 'data'),
    POLICIES_DIR: policiesDir,
    PORT: '0',
    GATEWAY_ISSUER: 'http://lgsp.rollout.test',
    DATABASE_URL: database.configUrl,
    PGUSER: 'postgres',
    SANDBOX_CITIZENS: '200',
    SANDBOX_PARCELS: '60',
    SANDBOX_ENTERPRISES: '60',
  }
  // One after the other: the first start generates the shared development keys in DATA_DIR.
  gateways.push(await startGateway())
  gateways.push(await startGateway())
  token = (await lgsp('token', '--agency', 'thue-ha-noi')).stdout.trim()
}, 200_000)

afterAll(async () => {
  for (const { child } of gateways) {
    if (child.exitCode !== null) continue
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
    if (child.exitCode === null) child.kill('SIGKILL')
  }
  await server?.stop()
  rmSync(work, { recursive: true, force: true })
})

describe('policy roll-out across two instances on one PostgreSQL', () => {
  it('apply changes both within 5 s; rollback restores both', async () => {
    expect(await bothBecome(200, 1000)).toBeLessThan(1000)
    const file = join(policiesDir, 'agencies', 'thue-ha-noi.yaml')
    const original = readFileSync(file, 'utf8')
    expect(original).toContain('purposes: [KIEM_TRA_KET_NOI]')
    writeFileSync(file, original.replace('purposes: [KIEM_TRA_KET_NOI]', 'purposes: [QUAN_LY_THUE]'))

    const applied = await lgsp('policy', 'apply', policiesDir, '--author', 'rollout-test', '--message', 'move the connectivity check')
    expect(applied.stdout).toMatch(/version 2/)
    const switchMs = await bothBecome(403, 5000)
    process.stdout.write(`policy apply reached both instances in ${switchMs} ms\n`)

    const rolled = await lgsp('policy', 'rollback')
    expect(rolled.stdout).toMatch(/version 1 is active/)
    const backMs = await bothBecome(200, 5000)
    process.stdout.write(`policy rollback reached both instances in ${backMs} ms\n`)
  }, 60_000)
})
