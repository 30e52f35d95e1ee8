/**
 * Policy roll-out across instances: two gateway processes on one real
 * PostgreSQL; `lgsp policy apply` changes what both allow within 5 s, without a restart, and
 * `lgsp policy rollback` restores it. The change: the tax office's connectivity-check grant is
 * moved from KIEM_TRA_KET_NOI to another purpose, so the same request goes from 200 to refused.
 */
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot as root, gatewayEnv, startGatewayProcess, type GatewayProcess } from '../gateway-process.js'
import { startPostgres, type PostgresService } from '../services/postgres.js'
import { sleep } from '../waiting.js'

const work = mkdtempSync(join(tmpdir(), 'lgsp-rollout-'))
const policiesDir = join(work, 'policies')
let server: PostgresService
let env: Record<string, string>
const gateways: GatewayProcess[] = []
let token = ''

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
    await sleep(100)
  }
}

beforeAll(async () => {
  cpSync(join(root, 'policies', 'agencies'), join(policiesDir, 'agencies'), { recursive: true })
  cpSync(join(root, 'policies', 'purposes.yaml'), join(policiesDir, 'purposes.yaml'))
  server = await startPostgres()
  const database = await server.createDatabase('rollout')
  env = gatewayEnv({
    DATA_DIR: join(work, 'data'),
    POLICIES_DIR: policiesDir,
    GATEWAY_ISSUER: 'http://lgsp.rollout.test',
    DATABASE_URL: database.configUrl,
    PGUSER: 'postgres',
  })
  // One after the other: the first start generates the shared development keys in DATA_DIR.
  gateways.push(await startGatewayProcess(env, { timeoutMs: 90_000 }))
  gateways.push(await startGatewayProcess(env, { timeoutMs: 90_000 }))
  token = (await lgsp('token', '--agency', 'thue-ha-noi')).stdout.trim()
}, 200_000)

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()))
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

    const applied = await lgsp('policy', 'apply', policiesDir, '--message', 'move the connectivity check')
    expect(applied.stdout).toMatch(/version 2/)
    const switchMs = await bothBecome(403, 5000)
    process.stdout.write(`policy apply reached both instances in ${switchMs} ms\n`)

    const rolled = await lgsp('policy', 'rollback')
    expect(rolled.stdout).toMatch(/version 1 is active/)
    const backMs = await bothBecome(200, 5000)
    process.stdout.write(`policy rollback reached both instances in ${backMs} ms\n`)
  }, 60_000)
})
