/**
 * The audit trail's SQL, over the database port (one dialect for PGlite and PostgreSQL). A batch
 * of events is one statement (`unnest` of column arrays), so group commit costs one round trip
 * per batch whatever its size; the statement is kept prepared, since every request runs it.
 */
import type { Queryable } from '../database/index.js'
import type { SignedCheckpoint } from './checkpoint.js'
import type { AuditEvent } from './event.js'

export interface ChainedEvent {
  writer: string
  seq: number
  prevHash: string
  hash: string
  /** The canonical JSON of `event`, exactly what was hashed. */
  body: string
  event: AuditEvent
}

const INSERT_EVENTS = `insert into audit_events
  (writer, seq, id, at, kind, request_id, agency, client, end_user, purpose, case_id, decision, code, status, subjects, withheld_until, body, prev_hash, hash)
  select w, s, i::uuid, a::timestamptz, k, r, ag, cl, eu, pu, ca, d, co, st, sj::text[], wh::timestamptz, b, ph, h
  from unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
              $11::text[], $12::text[], $13::text[], $14::int4[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[])
    as t(w, s, i, a, k, r, ag, cl, eu, pu, ca, d, co, st, sj, wh, b, ph, h)`

/**
 * Inserts chained events in one statement. `thenAdvanceHead`: in the same statement, moves that
 * chain's row in `audit_chain_heads` to the last event (the step chains keep their head there).
 */
export async function insertEvents(tx: Queryable, rows: readonly ChainedEvent[], options: { thenAdvanceHead?: string } = {}): Promise<void> {
  if (rows.length === 0) return
  const columns: unknown[][] = Array.from({ length: 19 }, () => new Array(rows.length))
  rows.forEach((row, i) => {
    const e = row.event
    const values = [
      row.writer,
      row.seq,
      e.id,
      e.at,
      e.kind,
      e.requestId,
      e.agency ?? null,
      e.client ?? null,
      e.endUser ?? null,
      e.purpose ?? null,
      e.caseId ?? null,
      e.decision,
      e.code ?? null,
      e.status,
      `{${e.subjects.join(',')}}`,
      e.withheldUntil ?? null,
      row.body,
      row.prevHash,
      row.hash,
    ]
    for (let c = 0; c < values.length; c++) columns[c]![i] = values[c]
  })
  if (options.thenAdvanceHead === undefined) {
    await tx.query(INSERT_EVENTS, columns, { prepare: 'lgsp_audit_insert_events' })
    return
  }
  const last = rows[rows.length - 1]!
  await tx.query(`with inserted as (${INSERT_EVENTS}) update audit_chain_heads set seq = $21, hash = $22 where writer = $20`, [
    ...columns,
    options.thenAdvanceHead,
    last.seq,
    last.hash,
  ])
}

export async function insertCheckpoint(tx: Queryable, checkpoint: SignedCheckpoint): Promise<void> {
  await tx.query('insert into audit_checkpoints (writer, seq, hash, at, final, kid, jws) values ($1, $2, $3, $4, $5, $6, $7)', [
    checkpoint.writer,
    checkpoint.seq,
    checkpoint.hash,
    checkpoint.at,
    checkpoint.final,
    checkpoint.kid,
    checkpoint.jws,
  ])
}

/** The committed head of one chain (after a failed commit whose outcome is unknown). */
export async function chainHead(db: Queryable, writer: string): Promise<{ seq: number; hash: string } | null> {
  const rows = await db.query<{ seq: number; hash: string }>('select seq, hash from audit_events where writer = $1 order by seq desc limit 1', [writer])
  return rows[0] ?? null
}
