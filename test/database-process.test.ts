/**
 * The gateway process on a real PostgreSQL server (DATABASE_URL): it migrates and bootstraps the
 * policy store on first start, and `/readyz` follows the database down and back up.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPostgres } from '../gateway/database/postgres.node.js'
import { gatewayEnv, startGatewayProcess, type GatewayProcess } from './gateway-process.js'
import { startPostgres, type PostgresService } from './services/postgres.js'
import { poll } from './waiting.js'

const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-db-process-'))
let server: PostgresService
let gateway: GatewayProcess | undefined
let url: string
let dbUrl: string

beforeAll(async () => {
  server = await startPostgres()
  const database = await server.createDatabase('gateway')
  dbUrl = database.url
  const env = gatewayEnv({
    DATA_DIR: dataDir,
    DATABASE_URL: database.configUrl,
    PGUSER: 'postgres',
    SANDBOX_CITIZENS: '300',
    SANDBOX_PARCELS: '100',
    SANDBOX_ENTERPRISES: '100',
  })
  gateway = await startGatewayProcess(env)
  url = gateway.url
}, 90_000)

afterAll(async () => {
  await gateway?.stop()
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

async function readyz(): Promise<{ status: number; body: { status: string; checks: Record<string, { ok: boolean; critical: boolean }> } }> {
  const res = await fetch(`${url}/readyz`)
  return { status: res.status, body: await res.json() }
}

describe('gateway on PostgreSQL', () => {
  it('migrated the database and bootstrapped policy version 1 from POLICIES_DIR', async () => {
    const db = openPostgres({ url: dbUrl })
    try {
      expect((await db.query<{ id: string }>('select id from schema_migrations')).map((r) => r.id)).toContain('0001_policy_store')
      const versions = await db.query<{ version: number; author: string }>('select version, author from policy_versions')
      expect(versions).toEqual([{ version: 1, author: 'bootstrap' }])
    } finally {
      await db.close()
    }
  })

  it('/readyz reports the database as a critical check that follows the server down and up', async () => {
    const up = await readyz()
    expect(up.body.checks.database, JSON.stringify(up.body)).toEqual(expect.objectContaining({ ok: true, critical: true }))
    await server.kill()
    // Results are cached for 2 s, and a probe has a 1 s deadline.
    const down = await poll(readyz, (r) => r.status === 503, { withinMs: 8000, everyMs: 200 })
    expect(down.status, JSON.stringify(down.body)).toBe(503)
    expect(down.body.checks.database?.ok).toBe(false)
    await server.restart()
    const back = await poll(readyz, (r) => r.body.checks.database?.ok === true, { withinMs: 15_000, everyMs: 200 })
    expect(back.body.checks.database?.ok, JSON.stringify(back.body)).toBe(true)
  }, 40_000)
})
