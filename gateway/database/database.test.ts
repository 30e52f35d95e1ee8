/**
 * One conformance suite for both adapters of the database port: the embedded PGlite and a real
 * PostgreSQL server (test/services/postgres.ts), so code written against the port behaves the
 * same on a laptop and in a cluster.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPostgresPerCall } from './postgres.workers.js'
import { startPostgres, type PostgresService } from '../../test/services/postgres.js'
import { migrate, migrations, pingWith, type Database, type Migration, type Queryable } from './index.js'
import { openPglite } from './pglite.node.js'
import { openPostgres } from './postgres.node.js'
import { sleep } from '../../test/waiting.js'

let server: PostgresService
beforeAll(async () => {
  server = await startPostgres()
})
afterAll(async () => {
  await server?.stop()
})

interface Adapter {
  name: string
  kind: Database['kind']
  /** Keeps a statement named with `prepare` prepared on its connection (a connection per call does not). */
  keepsPrepared: boolean
  open(): Promise<Database>
}

let counter = 0
const adapters: Adapter[] = [
  { name: 'pglite', kind: 'pglite', keepsPrepared: true, open: () => openPglite() },
  { name: 'pglite on a worker thread', kind: 'pglite', keepsPrepared: true, open: () => openPglite({ thread: 'worker' }) },
  {
    name: 'postgres',
    kind: 'postgres',
    keepsPrepared: true,
    async open() {
      const { url } = await server.createDatabase(`conformance_${++counter}`)
      return openPostgres({ url })
    },
  },
  {
    // The Workers runtime's adapter (a connection per call), run here under Node on the same server.
    name: 'postgres, a connection per call',
    kind: 'postgres',
    keepsPrepared: false,
    async open() {
      const { url } = await server.createDatabase(`conformance_${++counter}`)
      return openPostgresPerCall({ url })
    },
  },
]

describe.each(adapters)('database port on $name', (adapter) => {
  let db: Database
  beforeAll(async () => {
    db = await adapter.open()
    await db.query('create table items (id integer primary key, label text not null, tags jsonb, at timestamptz default now())')
  })
  afterAll(async () => {
    await db?.close()
  })

  it('says which kind it is', () => {
    expect(db.kind).toBe(adapter.kind)
  })

  it('binds $n parameters and returns typed rows (jsonb parsed, int8 as number, timestamptz as Date)', async () => {
    await db.query('insert into items (id, label, tags) values ($1, $2, $3)', [1, "it's", JSON.stringify(['a', 'b'])])
    const rows = await db.query<{ id: number; label: string; tags: string[]; at: Date; n: number }>(
      'select id, label, tags, at, count(*) over () as n from items where id = $1',
      [1],
    )
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ id: 1, label: "it's", tags: ['a', 'b'], n: 1 })
    expect(rows[0]?.at).toBeInstanceOf(Date)
  })

  it('commits a transaction that resolves', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query('insert into items (id, label) values ($1, $2)', [2, 'two'])
      return (await tx.query<{ label: string }>('select label from items where id = 2'))[0]?.label
    })
    expect(result).toBe('two')
    expect(await db.query('select 1 from items where id = 2')).toHaveLength(1)
  })

  it('rolls back a transaction that throws, and rethrows its error', async () => {
    const failure = db.transaction(async (tx) => {
      await tx.query('insert into items (id, label) values ($1, $2)', [3, 'three'])
      throw new Error('changed my mind')
    })
    await expect(failure).rejects.toThrow('changed my mind')
    expect(await db.query('select 1 from items where id = 3')).toHaveLength(0)
  })

  it('rolls back on an SQL error and stays usable', async () => {
    await expect(db.transaction((tx) => tx.query('insert into items (id, label) values (2, $1)', ['duplicate']))).rejects.toThrow(/duplicate key|unique/)
    expect((await db.query<{ label: string }>('select label from items where id = 2'))[0]?.label).toBe('two')
  })

  it('answers ping with a latency', async () => {
    const ping = await db.ping(AbortSignal.timeout(1000))
    expect(ping.ok).toBe(true)
    expect(ping.latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('migrates once, records it, and a second run applies nothing', async () => {
    expect(await migrate(db)).toEqual(migrations.map((m) => m.id))
    expect(await migrate(db)).toEqual([])
    expect((await db.query<{ id: string }>('select id from schema_migrations order by id')).map((r) => r.id)).toEqual(migrations.map((m) => m.id))
  })

  it('a failing migration applies nothing of itself or of the ones before it in the run', async () => {
    const list: Migration[] = [
      ...migrations,
      { id: '9000_good', statements: ['create table later_good (id integer)'] },
      { id: '9001_bad', statements: ['create table later_bad (id integer)', 'select * from no_such_table'] },
    ]
    await expect(migrate(db, list)).rejects.toThrow(/migration 9001_bad failed/)
    expect(await db.query("select 1 from schema_migrations where id like '9%'")).toHaveLength(0)
    await expect(db.query('select * from later_good')).rejects.toThrow()
  })

  describe('a statement kept prepared answers as the plain one', () => {
    // Values that stress serialising (quotes, backslashes, braces, commas, NULL-looking text,
    // non-ASCII) and parsing (int8, jsonb, timestamptz, arrays, nulls), each run plain and then
    // prepared twice: the first prepared run parses the statement, the second reuses it.
    const awkward = ['', 'a,b', '{x}', '"quoted"', 'back\\slash', 'NULL', 'null', 'Nguyễn Thị Hồng', "it's", ' spaced ']
    const cases: Array<{ name: string; sql: string; params: unknown[] }> = [
      {
        name: 'scalars of each type',
        sql: 'select $1::int4 as i, $2::int8 as big, $3::text as t, $4::boolean as b, $5::timestamptz as at, $6::jsonb as j',
        params: [7, 9007199254740991, "it's", true, '2026-12-06T02:00:00.000Z', JSON.stringify({ a: [1, 'x'] })],
      },
      { name: 'nulls', sql: 'select $1::text as t, $2::int4 as i, $3::text[] as a', params: [null, null, null] },
      { name: 'awkward text', sql: 'select $1::text as t', params: [awkward.join('|')] },
      { name: 'text arrays', sql: 'select $1::text[] as a, cardinality($1::text[]) as n', params: [awkward] },
      { name: 'an empty array', sql: 'select $1::text[] as a, coalesce(cardinality($1::text[]), -1) as n', params: [[]] },
      {
        name: 'unnest of parallel arrays',
        sql: 'select t.k, t.v from unnest($1::text[], $2::int8[]) as t(k, v) order by t.v',
        params: [
          ['b', 'a', 'NULL'],
          [2, 1, 3],
        ],
      },
      { name: 'no rows', sql: 'select id from items where id = $1', params: [-1] },
      { name: 'a count (int8)', sql: 'select count(*) as n from items where id > $1', params: [0] },
      {
        name: 'a Date, an object and bytes',
        sql: 'select $1::timestamptz as at, $2::jsonb as j, $3::bytea as b',
        params: [new Date('2026-12-06T02:00:00.000Z'), { a: [1, 'x'], b: null }, new Uint8Array([0, 1, 255])],
      },
    ]
    it.each(cases)('$name', async ({ name, sql, params }) => {
      const plain = await db.query(sql, params)
      const statement = `conformance_${name.replace(/\W+/g, '_')}`
      expect(await db.query(sql, params, { prepare: statement })).toEqual(plain)
      expect(await db.query(sql, params, { prepare: statement })).toEqual(plain)
    })

    it('writes, and reports a constraint violation as the plain statement does, and stays usable', async () => {
      const insert = 'insert into items (id, label) values ($1, $2)'
      await db.query(insert, [40, 'forty'], { prepare: 'conformance_insert_item' })
      const plainError = await db.query(insert, [40, 'again']).catch((error: Error) => error)
      const preparedError = await db.query(insert, [40, 'again'], { prepare: 'conformance_insert_item' }).catch((error: Error) => error)
      expect(preparedError).toBeInstanceOf(Error)
      expect((preparedError as Error).message).toBe((plainError as Error).message)
      expect(plainError).toHaveProperty('code', '23505')
      expect(preparedError).toHaveProperty('code', '23505')
      await db.query(insert, [41, 'forty-one'], { prepare: 'conformance_insert_item' })
      expect(await db.query('select id, label from items where id in (40, 41) order by id')).toEqual([
        { id: 40, label: 'forty' },
        { id: 41, label: 'forty-one' },
      ])
    })

    it('inside a transaction: rolled back with it, committed with it; prepared in a rollback, still usable', async () => {
      const insert = 'insert into items (id, label) values ($1, $2)'
      const rolledBack = db.transaction(async (tx) => {
        await tx.query(insert, [50, 'fifty'], { prepare: 'conformance_insert_in_tx' })
        throw new Error('changed my mind')
      })
      await expect(rolledBack).rejects.toThrow('changed my mind')
      expect(await db.query('select 1 from items where id = 50')).toHaveLength(0)
      await db.transaction((tx) => tx.query(insert, [51, 'fifty-one'], { prepare: 'conformance_insert_in_tx' }))
      await db.query(insert, [52, 'fifty-two'], { prepare: 'conformance_insert_in_tx' })
      expect((await db.query<{ id: number }>('select id from items where id between 50 and 59 order by id')).map((r) => r.id)).toEqual([51, 52])
    })

    it("outside a transaction, never runs inside another caller's open transaction", async () => {
      const insert = 'insert into items (id, label) values ($1, $2)'
      let inside!: () => void
      const opened = new Promise<void>((resolve) => (inside = resolve))
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      const other = db.transaction(async (tx) => {
        await tx.query(insert, [60, 'in the other transaction'])
        inside()
        await held
        throw new Error('rolled back')
      })
      await opened
      const outside = db.query(insert, [61, 'on its own'], { prepare: 'conformance_insert_outside' })
      release()
      await expect(other).rejects.toThrow('rolled back')
      await outside
      expect((await db.query<{ id: number }>('select id from items where id in (60, 61) order by id')).map((r) => r.id)).toEqual([61])
    })

    it('is kept prepared on its connection, where the adapter keeps one', async () => {
      const sql = 'select $1::int4 + 1 as next'
      const seen = await db.transaction(async (tx) => {
        expect(await tx.query(sql, [1], { prepare: 'conformance_kept' })).toEqual([{ next: 2 }])
        return tx.query<{ statement: string }>('select statement from pg_prepared_statements where name = $1', ['conformance_kept'])
      })
      expect(seen.map((row) => row.statement)).toEqual(adapter.keepsPrepared ? [sql] : [])
    })

    it('rolls its transaction back when it fails inside it', async () => {
      const insert = 'insert into items (id, label) values ($1, $2)'
      const failing = db.transaction(async (tx) => {
        await tx.query(insert, [70, 'seventy'], { prepare: 'conformance_insert_then_fail' })
        await tx.query(insert, [70, 'seventy again'], { prepare: 'conformance_insert_then_fail' })
      })
      await expect(failing).rejects.toThrow(/duplicate key|unique/)
      expect(await db.query('select 1 from items where id = 70')).toHaveLength(0)
    })

    it('is prepared again after a first attempt failed for a reason that passed', async () => {
      const sql = 'select count(*) as n from items_later'
      await expect(db.query(sql, [], { prepare: 'conformance_later' })).rejects.toThrow(/items_later/)
      await db.query('create table items_later (id integer)')
      expect(await db.query(sql, [], { prepare: 'conformance_later' })).toEqual([{ n: 0 }])
    })

    it('through a handle kept past its transaction, does what the plain statement does there', async () => {
      let kept: Queryable | undefined
      await db.transaction(async (tx) => {
        kept = tx
      })
      const outcome = (promise: Promise<unknown>) =>
        promise.then(
          (rows) => ({ rows }),
          (error: Error) => ({ error: error.message.replace(/\d+/g, 'N') }),
        )
      const plain = await outcome(kept!.query('select 1 as one'))
      expect(await outcome(kept!.query('select 1 as one', [], { prepare: 'conformance_after_end' }))).toEqual(plain)
    })

    it('refuses a name given to another statement, even after that statement failed to parse', async () => {
      await expect(db.query('selec 1', [], { prepare: 'conformance_taken' })).rejects.toThrow(/syntax/)
      await expect(db.query('select 1 as one', [], { prepare: 'conformance_taken' })).rejects.toThrow(/names another statement/)
      expect(await db.query('select 1 as one', [], { prepare: 'conformance_other' })).toEqual([{ one: 1 }])
    })
  })

  it('refuses to update or delete a policy version (immutable)', async () => {
    await db.query("insert into policy_versions (author, digest, files, diff) values ('t', $1, '[]', '')", ['0'.repeat(64)])
    await expect(db.query("update policy_versions set author = 'x'")).rejects.toThrow(/immutable/)
    await expect(db.query('delete from policy_versions')).rejects.toThrow(/immutable/)
  })
})

describe('PGlite on disk', () => {
  it('keeps data across reopen, and one data dir is opened by one process at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgsp-pglite-'))
    try {
      const dataDir = join(dir, 'pglite')
      const first = await openPglite({ dataDir })
      await migrate(first)
      await first.query('insert into schema_migrations (id) values ($1)', ['marker'])
      await expect(openPglite({ dataDir })).rejects.toThrow(`in use by process ${process.pid}`)
      await first.close()
      // A lock left by a process that died is taken over.
      writeFileSync(`${dataDir}.lock`, '4194000')
      const again = await openPglite({ dataDir })
      expect(await again.query("select 1 from schema_migrations where id = 'marker'")).toHaveLength(1)
      expect(await migrate(again)).toEqual([])
      await again.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('PostgreSQL with several instances', () => {
  it('two instances migrating at once apply each migration once', async () => {
    const { url } = await server.createDatabase('concurrent_migrate')
    const [one, two] = [openPostgres({ url }), openPostgres({ url })]
    try {
      const [a, b] = await Promise.all([migrate(one), migrate(two)])
      expect([...a, ...b].sort()).toEqual(migrations.map((m) => m.id))
      expect(await one.query('select id from schema_migrations')).toHaveLength(migrations.length)
    } finally {
      await Promise.all([one.close(), two.close()])
    }
  })
})

describe('PostgreSQL outages', () => {
  it('ping reports a dead server within its deadline, and the pool recovers after a restart', async () => {
    const { url } = await server.createDatabase('outage')
    const errors: Error[] = []
    const db = openPostgres({ url, connectionTimeoutMs: 500, onError: (error) => errors.push(error) })
    try {
      expect((await db.ping(AbortSignal.timeout(1000))).ok).toBe(true)
      await server.kill()
      const started = Date.now()
      const ping = await db.ping(AbortSignal.timeout(1000))
      expect(ping.ok).toBe(false)
      expect(Date.now() - started).toBeLessThan(1500)
      await server.restart()
      let ok = false
      for (let i = 0; i < 20 && !ok; i++) ok = (await db.ping(AbortSignal.timeout(1000))).ok
      expect(ok).toBe(true)
    } finally {
      await db.close()
    }
  }, 60_000)

  it('a connection broken inside a transaction, between two statements, fails that transaction, not the process', async () => {
    const { url } = await server.createDatabase('broken_in_transaction')
    const db = openPostgres({ url })
    try {
      const attempt = db.transaction(async (tx) => {
        const [own] = await tx.query<{ pid: number }>('select pg_backend_pid() as pid')
        // Another session ends this one while it waits between statements, as a killed server
        // does: the server's FATAL message arrives when no query is active on the connection.
        await db.query('select pg_terminate_backend($1)', [own?.pid])
        await sleep(200)
        await tx.query('select 1')
      })
      await expect(attempt).rejects.toThrow()
      expect(await db.query('select 1 as one')).toEqual([{ one: 1 }])
    } finally {
      await db.close()
    }
  })
})

describe('pingWith', () => {
  it('answers timeout when the query outlives the signal', async () => {
    const controller = new AbortController()
    const pending = pingWith(() => new Promise(() => undefined), controller.signal)
    controller.abort()
    expect(await pending).toEqual({ ok: false, detail: 'timeout' })
  })
  it('answers the error message when the query fails', async () => {
    expect(await pingWith(() => Promise.reject(new Error('boom')), AbortSignal.timeout(1000))).toEqual({ ok: false, detail: 'boom' })
  })
})
