/**
 * The audit writer and verifier on both database adapters: group commit, chains, checkpoints,
 * fail-closed behaviour, several writers on one store, and every kind of tampering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bothDatabases } from '../../test/services/databases.js'
import { testEvent, testSigner } from '../../test/audit-fixture.js'
import { migrate, type Database } from '../database/index.js'
import { openPostgres } from '../database/postgres.node.js'
import { applyRetention, AuditUnavailableError, createAuditWriter, CSV_COLUMNS, csvField, csvRow, jsonlRow, verifyAuditTrail } from './index.js'
import { groupCommitDelay } from './writer.js'
import { sleep } from '../../test/waiting.js'

const { adapters, server, fresh } = bothDatabases('audit')

describe.each(adapters)('audit writer on $name', (adapter) => {
  let db: Database
  beforeAll(async () => {
    db = await adapter.open()
    await migrate(db)
  })
  afterAll(async () => {
    await db?.close()
  })

  it('commits concurrent events in batches, each promise resolving after its commit, and the trail verifies', async () => {
    const { sign, jwks } = await testSigner()
    const writer = createAuditWriter({ db, instance: 'gw-a', sign, checkpointEvery: 100 })
    const events = Array.from({ length: 500 }, () => testEvent())
    await Promise.all(
      events.map(async (event) => {
        await writer.record(event)
        // Resolved means committed: the row is there now.
        const rows = await db.query('select 1 from audit_events where id = $1', [event.id])
        expect(rows).toHaveLength(1)
      }),
    )
    await writer.close()
    const chains = await db.query<{ writer: string; n: number; max: number }>(
      'select writer, count(*)::int8 as n, max(seq) as max from audit_events group by writer',
    )
    expect(chains).toEqual([{ writer: writer.writer, n: 500, max: 500 }])
    // Group commit: far fewer transactions than events.
    expect(writer.status()).toMatchObject({ committed: 500 })
    expect(writer.status().transactions).toBeLessThan(100)
    const report = await verifyAuditTrail(db, { jwks })
    expect(report, JSON.stringify(report, null, 2)).toMatchObject({ ok: true, events: 500, problems: [], warnings: [] })
    expect(report.checkpoints).toBeGreaterThanOrEqual(3) // origin, at least one per 100 events, final
  })

  it('refuses to update or delete an event outside the retention job', async () => {
    await expect(db.query("update audit_events set agency = 'x'")).rejects.toThrow(/append-only/)
    await expect(db.query('delete from audit_events')).rejects.toThrow(/append-only/)
    await expect(db.query('delete from audit_checkpoints')).rejects.toThrow(/append-only/)
  })
})

/** Writes a closed chain of 20 events with a checkpoint every 5, on a fresh in-memory store. */
async function closedTrail() {
  // A fresh PostgreSQL database per case (fast); the SQL is the one PGlite runs too.
  const db = openPostgres({ url: await fresh() })
  await migrate(db)
  const { sign, jwks } = await testSigner()
  const writer = createAuditWriter({ db, instance: 'gw-t', sign, checkpointEvery: 5, flushDelayMs: 0 })
  // One at a time: one event per transaction, so checkpoints fall at 5, 10, 15, 20.
  for (let i = 0; i < 20; i++) await writer.record(testEvent({ agency: `agency-${i}` }))
  await writer.close()
  const id = async (seq: number) => (await db.query<{ id: string }>('select id from audit_events where seq = $1', [seq]))[0]!.id
  return { db, jwks, writer: writer.writer, id }
}

/** Runs SQL as someone who bypassed the append-only triggers (a DBA, an attacker with the disk). */
async function tamper(db: Database, statements: Array<[string, unknown[]?]>) {
  await db.transaction(async (tx) => {
    await tx.query('set local session_replication_role = replica')
    for (const [sql, params] of statements) await tx.query(sql, params ?? [])
  })
}

describe('group commit waits longer only when companions are coming', () => {
  // (mean gap between arrivals, shortest wait, longest wait) → wait
  it.each([
    { gap: Number.POSITIVE_INFINITY, min: 2, max: 10, wait: 2, why: 'first event ever: no rate known' },
    { gap: 50, min: 2, max: 10, wait: 2, why: 'light load: no companion within the longest wait' },
    { gap: 10, min: 2, max: 10, wait: 2, why: 'a companion only at the very end: not worth it' },
    { gap: 5, min: 2, max: 10, wait: 10, why: 'steady load: wait the longest' },
    { gap: 0.5, min: 2, max: 10, wait: 7.5, why: 'heavy load: just long enough for a full batch' },
    { gap: 0.01, min: 2, max: 10, wait: 2, why: 'flood: the batch fills in the shortest wait' },
    { gap: 1, min: 0, max: 0, wait: 0, why: 'a fixed delay of 0 (tests) stays 0' },
  ])('$why: gap $gap ms → $wait ms', ({ gap, min, max, wait }) => {
    expect(groupCommitDelay(gap, min, max)).toBeCloseTo(wait, 6)
  })
})

describe('tampering with the trail is detected and named', () => {
  it('an untouched trail verifies, with no warning', async () => {
    const { db, jwks } = await closedTrail()
    const report = await verifyAuditTrail(db, { jwks })
    expect(report, JSON.stringify(report)).toMatchObject({ ok: true, events: 20, checkpoints: 6, problems: [], warnings: [] })
    await db.close()
  })

  const cases: Array<{
    name: string
    apply: (db: Database, ctx: { writer: string; id: (seq: number) => Promise<string> }) => Promise<void>
    seq: number | undefined
    message: RegExp
  }> = [
    {
      name: 'altering an event body',
      apply: (db) => tamper(db, [["update audit_events set body = replace(body, 'agency-7', 'agency-x') where seq = 8"]]),
      seq: 8,
      message: /altered: its hash does not match/,
    },
    {
      name: 'altering a search column only',
      apply: (db) => tamper(db, [["update audit_events set agency = 'someone-else' where seq = 8"]]),
      seq: 8,
      message: /column agency differs/,
    },
    {
      name: 'deleting an event in the middle',
      apply: (db) => tamper(db, [['delete from audit_events where seq = 8']]),
      seq: 9,
      message: /events 8…8 are missing/,
    },
    {
      name: 'deleting the newest event',
      apply: (db) => tamper(db, [['delete from audit_events where seq = 20']]),
      seq: 20,
      message: /events 20…20 are missing/,
    },
    {
      name: 'reordering two events (swapping their sequence numbers)',
      apply: (db) =>
        tamper(db, [
          ['update audit_events set seq = -1 where seq = 8'],
          ['update audit_events set seq = 8 where seq = 9'],
          ['update audit_events set seq = 9 where seq = -1'],
        ]),
      seq: 8,
      message: /does not link to event 7|altered/,
    },
    {
      name: 'inserting an event after the chain was closed',
      apply: async (db, { writer }) => {
        const last = (await db.query<Record<string, unknown>>('select * from audit_events where seq = 20'))[0]!
        const { linkHash } = await import('./index.js')
        const body = String(last.body).replace(String(last.id), '00000000-0000-4000-8000-000000000021')
        const hash = await linkHash(writer, 21, String(last.hash), body)
        await tamper(db, [
          [
            `insert into audit_events (writer, seq, id, at, kind, request_id, agency, client, end_user, purpose, case_id, decision, code, status, subjects, withheld_until, body, prev_hash, hash)
           select writer, 21, '00000000-0000-4000-8000-000000000021', at, kind, request_id, agency, client, end_user, purpose, case_id, decision, code, status, subjects, withheld_until, $1, $2, $3 from audit_events where seq = 20`,
            [body, last.hash, hash],
          ],
        ])
      },
      seq: 21,
      message: /added after the chain was closed/,
    },
    {
      name: 'inserting an invented chain',
      apply: (db) =>
        tamper(db, [
          [
            `insert into audit_events (writer, seq, id, at, kind, request_id, agency, client, end_user, purpose, case_id, decision, code, status, subjects, withheld_until, body, prev_hash, hash)
           select 'forged/1', 1, '00000000-0000-4000-8000-000000000099', at, kind, request_id, agency, client, end_user, purpose, case_id, decision, code, status, subjects, withheld_until, body, prev_hash, hash from audit_events where seq = 1`,
          ],
        ]),
      seq: 1,
      message: /no signed origin/,
    },
    {
      name: 'rewriting an event and recomputing every later hash',
      apply: async (db, { writer }) => {
        const { linkHash } = await import('./index.js')
        const rows = await db.query<{ seq: number; body: string; prev_hash: string }>(
          'select seq, body, prev_hash from audit_events where seq >= 8 order by seq',
        )
        let prev = rows[0]!.prev_hash
        const statements: Array<[string, unknown[]]> = []
        for (const row of rows) {
          const body = row.seq === 8 ? row.body.replace('agency-7', 'agency-x') : row.body
          const hash = await linkHash(writer, row.seq, prev, body)
          statements.push([
            'update audit_events set body = $1, prev_hash = $2, hash = $3, agency = $4 where seq = $5',
            [body, prev, hash, row.seq === 8 ? 'agency-x' : `agency-${row.seq - 1}`, row.seq],
          ])
          prev = hash
        }
        await tamper(db, statements)
      },
      seq: 10,
      message: /differs from the signed checkpoint at seq 10/,
    },
  ]

  it.each(cases)('$name', async ({ apply, seq, message }) => {
    const trail = await closedTrail()
    await apply(trail.db, trail)
    const report = await verifyAuditTrail(trail.db, { jwks: trail.jwks })
    expect(report.ok).toBe(false)
    const first = report.problems[0]!
    expect(first, JSON.stringify(report.problems, null, 2)).toMatchObject({ seq })
    expect(first.message).toMatch(message)
    await trail.db.close()
  })

  it("a checkpoint signed by a key that is not the gateway's is refused", async () => {
    const { db } = await closedTrail()
    const other = await testSigner()
    const report = await verifyAuditTrail(db, { jwks: other.jwks })
    expect(report.ok).toBe(false)
    expect(report.problems[0]!.message).toMatch(/signature does not verify/)
    await db.close()
  })
})

describe('when the store fails', () => {
  it('records reject fast while PostgreSQL is down, resume by themselves after it restarts, and the trail verifies', async () => {
    const { url } = await server().createDatabase('audit_outage')
    const db = openPostgres({ url, connectionTimeoutMs: 500, onError: () => undefined })
    await migrate(db)
    const { sign, jwks } = await testSigner()
    const writer = createAuditWriter({ db, instance: 'gw-o', sign, commitTimeoutMs: 1000 })
    try {
      for (let i = 0; i < 10; i++) await writer.record(testEvent())
      const firstChain = writer.writer
      await server().kill()
      const started = Date.now()
      const failures = await Promise.allSettled(Array.from({ length: 5 }, () => writer.record(testEvent())))
      expect(failures.every((f) => f.status === 'rejected' && f.reason instanceof AuditUnavailableError)).toBe(true)
      expect(Date.now() - started).toBeLessThan(1500)
      expect(writer.status().healthy).toBe(false)
      await server().restart()
      let ok = false
      for (let i = 0; i < 40 && !ok; i++) {
        ok = await writer.record(testEvent()).then(
          () => true,
          () => false,
        )
        if (!ok) await sleep(100)
      }
      expect(ok).toBe(true)
      expect(writer.status().healthy).toBe(true)
      expect(writer.writer).not.toBe(firstChain)
      await writer.close()
      const report = await verifyAuditTrail(db, { jwks })
      expect(report, JSON.stringify(report, null, 2)).toMatchObject({ ok: true, problems: [], warnings: [] })
      expect(report.chains).toBe(2)
    } finally {
      await writer.close()
      await db.close()
    }
  }, 60_000)
})

describe('retention', () => {
  it('removes old events only up to a signed checkpoint; the rest still verifies; a cut younger than the minimum is reported', async () => {
    const { db, jwks } = await closedTrail()
    // Everything is "old" for a cutoff an hour ahead: cut through the final checkpoint (seq 20).
    const tooFar = await applyRetention(db, new Date(Date.now() + 3_600_000))
    expect(tooFar).toMatchObject({ chains: 1, deleted: 20 })
    expect(await db.query('select 1 from audit_events')).toHaveLength(0)
    expect(await verifyAuditTrail(db, { jwks, minRetentionMs: 0 })).toMatchObject({ ok: true, problems: [] })
    await db.close()

    // A chain cut in the middle: events 1–10 removed (checkpoint at 10), 11–20 kept and verified.
    const second = await closedTrail()
    const checkpointAt = (await second.db.query<{ at: Date }>('select at from audit_checkpoints where seq = 10'))[0]!.at
    const cut = await applyRetention(second.db, new Date(checkpointAt.getTime() + 1))
    expect(cut.deleted).toBe(10)
    const remaining = await second.db.query<{ seq: number }>('select seq from audit_events order by seq')
    expect(remaining.map((r) => r.seq)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20])
    expect(await verifyAuditTrail(second.db, { jwks: second.jwks, minRetentionMs: 0 })).toMatchObject({ ok: true, problems: [] })
    // The same cut judged against the legal minimum (90 days) is a problem: these events were new.
    const strict = await verifyAuditTrail(second.db, { jwks: second.jwks })
    expect(strict.ok).toBe(false)
    expect(strict.problems[0]).toMatchObject({ writer: second.writer, seq: 11 })
    expect(strict.problems[0]!.message).toMatch(/younger than the retention minimum/)
    // Deleting the next events by hand (not at a checkpoint, no retention record) is tampering.
    await tamper(second.db, [['delete from audit_events where seq <= 12']])
    const after = await verifyAuditTrail(second.db, { jwks: second.jwks, minRetentionMs: 0 })
    expect(after.problems[0]!.message).toMatch(/events before seq 13 are missing/)
    await second.db.close()
  })
})

describe('export formats', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    [['a', 'b'], 'a;b'],
    [undefined, ''],
    [42, '42'],
  ])('csvField(%j) = %s', (value, expected) => {
    expect(csvField(value)).toBe(expected)
  })

  it('a CSV row has one field per column and a JSONL row is the event itself', () => {
    const event = testEvent({ endUser: '=cmd', coordinates: { requested: ['Query.citizen'], returned: ['Query.citizen', 'Citizen.name'] } })
    const row = csvRow(event)
    expect(row.endsWith('\r\n')).toBe(true)
    expect(row.split(',').length).toBe(CSV_COLUMNS.length)
    expect(row).toContain("'=cmd")
    expect(row).toContain('Query.citizen;Citizen.name')
    expect(JSON.parse(jsonlRow(event))).toEqual(event)
  })
})
