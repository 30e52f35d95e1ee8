/**
 * `lgsp audit verify`: checks every chain in the store, whoever wrote it and however many
 * instances wrote at once. Each chain is read in sequence order, page by page:
 * - every checkpoint's signature verifies under a gateway key and matches its row;
 * - a chain starts at a signed origin (seq 0), or right after a checkpoint where retention cut it;
 * - sequence numbers have no gap, each event links to the previous hash, each hash recomputes
 *   from the canonical body, and the search columns agree with the body;
 * - every checkpoint matches the event at its sequence number; none points past the last event
 *   (deleted tail); nothing follows a final checkpoint.
 * Events after a chain's last checkpoint (a process killed before it could sign) are reported as
 * a warning: they are hash-linked, not yet signed.
 */
import type { JWK } from 'jose'
import type { Queryable } from '../database/index.js'
import { GENESIS_HASH, linkHash, type Sha256 } from './chain.js'
import { verifyCheckpointJws } from './checkpoint.js'
import { auditEventSchema } from './event.js'
import { sqlTrailSource, type AuditCheckpointRow, type AuditEventRow, type TrailSource } from './trail-source.js'

export interface VerifyFinding {
  writer: string
  seq?: number
  id?: string
  message: string
}

export interface VerifyReport {
  ok: boolean
  chains: number
  events: number
  checkpoints: number
  problems: VerifyFinding[]
  warnings: VerifyFinding[]
}

export interface VerifyOptions {
  /** Public keys the gateway signed with (live and archived). */
  jwks: JWK[]
  pageSize?: number
  /** Retention may not have cut events younger than this. @default 90 days (TCVN 11930 level 3) */
  minRetentionMs?: number
  now?: () => number
  /** Stop collecting after this many problems. @default 100 */
  maxProblems?: number
  /** @default WebCrypto SHA-256 */
  sha256?: Sha256
}

const iso = (value: Date | null) => (value === null ? null : value.toISOString())

/** Which search columns disagree with the hashed body (an edit made to hide or mislead a search). */
function columnMismatch(row: AuditEventRow, body: unknown): string | null {
  const parsed = auditEventSchema.safeParse(body)
  if (!parsed.success) return 'body is not a valid audit event'
  const e = parsed.data
  const pairs: Array<[string, unknown, unknown]> = [
    ['id', row.id, e.id],
    ['at', iso(row.at), new Date(e.at).toISOString()],
    ['kind', row.kind, e.kind],
    ['request_id', row.request_id, e.requestId],
    ['agency', row.agency, e.agency ?? null],
    ['client', row.client, e.client ?? null],
    ['end_user', row.end_user, e.endUser ?? null],
    ['purpose', row.purpose, e.purpose ?? null],
    ['case_id', row.case_id, e.caseId ?? null],
    ['decision', row.decision, e.decision],
    ['code', row.code, e.code ?? null],
    ['status', row.status, e.status],
    ['subjects', JSON.stringify(row.subjects), JSON.stringify(e.subjects)],
    ['withheld_until', iso(row.withheld_until), e.withheldUntil ? new Date(e.withheldUntil).toISOString() : null],
  ]
  const bad = pairs.filter(([, stored, signed]) => stored !== signed).map(([name]) => name)
  return bad.length ? `column${bad.length > 1 ? 's' : ''} ${bad.join(', ')} differ${bad.length > 1 ? '' : 's'} from the hashed body` : null
}

/** Verifies every chain in the database; `ok` is false when any problem was found. */
export function verifyAuditTrail(db: Queryable, options: VerifyOptions): Promise<VerifyReport> {
  return verifyTrail(sqlTrailSource(db), options)
}

/** Verifies every chain `source` holds; `ok` is false when any problem was found. */
export async function verifyTrail(source: TrailSource, options: VerifyOptions): Promise<VerifyReport> {
  const pageSize = options.pageSize ?? 5000
  const maxProblems = options.maxProblems ?? 100
  const minRetentionMs = options.minRetentionMs ?? 90 * 86_400_000
  const now = options.now ?? Date.now
  const report: VerifyReport = { ok: true, chains: 0, events: 0, checkpoints: 0, problems: [], warnings: [] }
  const problem = (finding: VerifyFinding) => {
    if (report.problems.length < maxProblems) report.problems.push(finding)
  }

  const writers = await source.writers()
  const retention = await source.retention()

  for (const writer of writers) {
    report.chains += 1
    const checkpointRows = await source.checkpoints(writer)
    report.checkpoints += checkpointRows.length
    // Only checkpoints whose signature verifies and matches their row count as evidence.
    const signed = new Map<number, AuditCheckpointRow>()
    let finalCheckpoint: AuditCheckpointRow | null = null
    for (const row of checkpointRows) {
      const payload = await verifyCheckpointJws(row.jws, options.jwks)
      const matches =
        payload &&
        payload.writer === writer &&
        payload.seq === row.seq &&
        payload.hash === row.hash &&
        payload.final === row.final &&
        new Date(payload.at).getTime() === row.at.getTime()
      if (!matches) {
        problem({ writer, seq: row.seq, message: `checkpoint at seq ${row.seq}: signature does not verify under a gateway key, or does not match its row` })
        continue
      }
      signed.set(row.seq, row)
      if (row.final) finalCheckpoint = row
    }
    const cutThrough = retention.get(writer)
    let prev: { seq: number; hash: string } | null = null
    let first = true
    let lastSeq = 0
    for (;;) {
      const page = await source.events(writer, prev?.seq ?? -1, pageSize)
      for (const row of page) {
        report.events += 1
        const where = { writer, seq: row.seq, id: row.id }
        if (first) {
          first = false
          if (row.seq === 1) {
            if (!signed.has(0)) problem({ ...where, message: 'the chain has no signed origin (seq 0 checkpoint): it was not written by a gateway' })
            if (row.prev_hash !== GENESIS_HASH) problem({ ...where, message: 'the first event does not start from the genesis hash' })
          } else {
            const anchor = signed.get(row.seq - 1)
            if (cutThrough !== row.seq - 1 || !anchor || anchor.hash !== row.prev_hash) {
              problem({ ...where, message: `events before seq ${row.seq} are missing (deleted), and no retention cut at a signed checkpoint explains it` })
            } else if (now() - anchor.at.getTime() < minRetentionMs) {
              problem({ ...where, message: `events before seq ${row.seq} were removed younger than the retention minimum` })
            }
          }
        } else if (prev) {
          if (row.seq !== prev.seq + 1) problem({ ...where, message: `events ${prev.seq + 1}…${row.seq - 1} are missing (deleted)` })
          else if (row.prev_hash !== prev.hash)
            problem({ ...where, message: `does not link to event ${prev.seq} (an event was inserted, replaced or reordered)` })
        }
        const recomputed = await linkHash(writer, row.seq, row.prev_hash, row.body, options.sha256)
        if (recomputed !== row.hash) problem({ ...where, message: 'altered: its hash does not match its content' })
        let body: unknown
        try {
          body = JSON.parse(row.body)
        } catch {
          body = null
        }
        const mismatch = columnMismatch(row, body)
        if (mismatch) problem({ ...where, message: `altered: ${mismatch}` })
        const checkpoint = signed.get(row.seq)
        if (checkpoint && checkpoint.hash !== row.hash) problem({ ...where, message: `differs from the signed checkpoint at seq ${row.seq}` })
        if (finalCheckpoint && row.seq > finalCheckpoint.seq) problem({ ...where, message: `added after the chain was closed at seq ${finalCheckpoint.seq}` })
        prev = { seq: row.seq, hash: row.hash }
        lastSeq = row.seq
      }
      if (page.length < pageSize) break
    }
    const highest = Math.max(0, ...signed.keys())
    if (first && highest > 0 && cutThrough !== highest) problem({ writer, message: `every event of the chain is missing (a checkpoint signed seq ${highest})` })
    else if (highest > lastSeq && !(first && cutThrough === highest))
      problem({ writer, seq: lastSeq + 1, message: `events ${lastSeq + 1}…${highest} are missing (deleted after they were signed)` })
    if (!first && lastSeq > highest && !finalCheckpoint) {
      report.warnings.push({
        writer,
        seq: highest + 1,
        message: `${lastSeq - highest} event(s) after the last signed checkpoint (a writer stopped abruptly or is still writing): hash-linked, not yet signed`,
      })
    }
  }
  report.ok = report.problems.length === 0
  return report
}
