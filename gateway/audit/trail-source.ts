import type { Queryable } from '../database/index.js'

/** One stored audit event as the verifier reads it: the hashed body and the search columns beside it. */
export interface AuditEventRow {
  writer: string
  seq: number
  id: string
  at: Date
  kind: string
  request_id: string
  agency: string | null
  client: string | null
  end_user: string | null
  purpose: string | null
  case_id: string | null
  decision: string
  code: string | null
  status: number
  subjects: string[]
  withheld_until: Date | null
  body: string
  prev_hash: string
  hash: string
}

/** One stored checkpoint: its row, and the JWS that must match it. */
export interface AuditCheckpointRow {
  writer: string
  seq: number
  hash: string
  at: Date
  final: boolean
  jws: string
}

/** What the verifier reads of a trail, so its checks run over any store (and over plain arrays in tests). */
export interface TrailSource {
  /** Every chain: writers with events, checkpoints or a retention cut, in order. */
  writers(): Promise<string[]>
  /** Per writer, the sequence number through which retention removed its events. */
  retention(): Promise<ReadonlyMap<string, number>>
  /** A chain's checkpoints by sequence number (a final one after a plain one at the same number). */
  checkpoints(writer: string): Promise<AuditCheckpointRow[]>
  /** Up to `limit` events of a chain after `afterSeq`, in sequence order. */
  events(writer: string, afterSeq: number, limit: number): Promise<AuditEventRow[]>
}

/** The trail in the database (PGlite or PostgreSQL: one SQL dialect). */
export function sqlTrailSource(db: Queryable): TrailSource {
  return {
    async writers() {
      const rows = await db.query<{ writer: string }>(
        'select writer from audit_events union select writer from audit_checkpoints union select writer from audit_retention order by writer',
      )
      return rows.map((row) => row.writer)
    },
    async retention() {
      const rows = await db.query<{ writer: string; through_seq: number }>('select writer, through_seq from audit_retention')
      return new Map(rows.map((row) => [row.writer, row.through_seq]))
    },
    checkpoints: (writer) =>
      db.query<AuditCheckpointRow>('select writer, seq, hash, at, final, jws from audit_checkpoints where writer = $1 order by seq, final', [writer]),
    events: (writer, afterSeq, limit) =>
      db.query<AuditEventRow>(
        `select writer, seq, id, at, kind, request_id, agency, client, end_user, purpose, case_id, decision, code, status, subjects, withheld_until, body, prev_hash, hash
         from audit_events where writer = $1 and seq > $2 order by seq limit $3`,
        [writer, afterSeq, limit],
      ),
  }
}
