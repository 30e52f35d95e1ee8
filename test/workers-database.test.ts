/**
 * The database port's Workers adapter (gateway/database/postgres.workers.ts) on workerd itself,
 * against a real PostgreSQL on 127.0.0.1: pg over the runtime's sockets, a connection per call.
 * Its semantics are the port's conformance suite (gateway/database/database.test.ts, under Node);
 * here: that it runs on the Workers runtime at all, commits and rolls back there, serves many
 * requests at once, and fails fast and cleanly when the server is gone.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPostgres, type PostgresService } from './services/postgres.js'
import { freePort } from './services/process.js'
import { startTestWorker, type StartedWorker } from './workers/start-worker.js'

const config = fileURLToPath(new URL('./workers/database.wrangler.toml', import.meta.url))
let postgres: PostgresService
let worker: StartedWorker

beforeAll(async () => {
  postgres = await startPostgres()
  const { url } = await postgres.createDatabase('workers_adapter')
  worker = await startTestWorker(config, { DATABASE_URL: url })
}, 120_000)

afterAll(async () => {
  await worker?.stop()
  await postgres?.stop()
})

async function post(target: StartedWorker, path: string, body: unknown): Promise<{ status: number; value: unknown }> {
  const res = await fetch(`${target.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, value: await res.json() }
}

describe('the Workers database adapter on workerd, against PostgreSQL', () => {
  it('runs statements with parameters; int8 comes back as a number, as on the other adapters', async () => {
    const { status, value } = await post(worker, '/query', {
      statements: [
        { sql: 'create table if not exists notes (id int8 primary key, body text not null)' },
        { sql: 'select $1::int8 + 1 as n, $2::text as t', params: [41, 'Hồng Hà'] },
      ],
    })
    expect(status).toBe(200)
    expect((value as unknown[][])[1]).toEqual([{ n: 42, t: 'Hồng Hà' }])
  })

  it('a transaction commits as a whole, or leaves nothing when it fails', async () => {
    const insert = (id: number) => ({ sql: 'insert into notes (id, body) values ($1, $2)', params: [id, `note ${id}`] })
    expect((await post(worker, '/transaction', { statements: [insert(1), insert(2)] })).status).toBe(200)
    const failed = await post(worker, '/transaction', { statements: [insert(3), insert(4)], fail: true })
    expect(failed.status).toBe(503)
    const { value } = await post(worker, '/query', { statements: [{ sql: 'select id from notes order by id' }] })
    expect((value as Array<Array<{ id: number }>>)[0]!.map((row) => row.id)).toEqual([1, 2])
  })

  it('40 requests at once, each on its own connection, all answered', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(worker, '/query', { statements: [{ sql: 'select $1::int as i, pg_backend_pid() as pid', params: [i] }] })),
    )
    expect(answers.every((a) => a.status === 200)).toBe(true)
    expect(answers.map((a) => (a.value as Array<Array<{ i: number }>>)[0]![0]!.i)).toEqual(Array.from({ length: 40 }, (_, i) => i))
  })

  it('with no server at the address, a call fails within its connection timeout and ping says so', async () => {
    const nowhere = await startTestWorker(config, { DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/postgres` })
    try {
      const started = performance.now()
      const { status } = await post(nowhere, '/query', { statements: [{ sql: 'select 1' }] })
      expect(status).toBe(503)
      expect(performance.now() - started).toBeLessThan(10_000)
      const ping = await fetch(`${nowhere.url}/ping`).then((res) => res.json())
      expect(ping).toMatchObject({ ok: false })
    } finally {
      await nowhere.stop()
    }
  }, 60_000)
})
