import type { StepMessage } from '../../connectors/index.js'
import type { Database } from '../database/index.js'
import { retryDelayMs, type BackoffOptions } from './backoff.js'

export interface ClaimedMessage {
  id: string
  dossier: string
  seq: number
  receiver: string
  payload: StepMessage
  /** This delivery's attempt, from 1. */
  attempt: number
  /** The W3C `traceparent` the push carries: the producing step's, or (traced) the delivery's own span. */
  traceparent?: string
}

export interface OutboxOptions {
  now?: () => Date
  /** Attempts before a message becomes a dead letter. @default 8 */
  maxAttempts?: number
  /** How long a claimed message is not offered again (a worker that dies mid-push frees it then). @default 30_000 */
  leaseMs?: number
  backoff?: BackoffOptions
}

interface Row {
  id: string
  dossier: string
  seq: number
  receiver: string
  payload: StepMessage | string
  attempts: number
  traceparent: string | null
}

/** A message id as the outbox writes them (a UUID): anything else is refused before a query. */
export const isMessageId = (value: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)

/** How long a message has waited, for people: `45 s`, `12 min`, `3.5 h`, `—` for nothing waiting. */
export function describeWait(ms: number | null): string {
  if (ms === null) return '—'
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`
  return `${(ms / 3_600_000).toFixed(1)} h`
}

export interface ReceiverSummary {
  receiver: string
  pending: number
  /** Of the pending: those whose last attempt failed. */
  failing: number
  dead: number
  delivered: number
  /** Age of the oldest pending message, ms. */
  oldestPendingMs: number | null
  /** The latest error of a failing message. */
  lastError: string | null
}

/**
 * The delivery side of the exchange outbox. Workers on any number of instances claim due
 * messages with `FOR UPDATE SKIP LOCKED`, so two never take the same one at once; a claim is a
 * lease, so a worker killed mid-push does not lose its messages. A receiver gets a dossier's
 * messages in order: a message waits while an earlier one of the same dossier for the same
 * receiver is still pending (a dead letter no longer holds the ones after it back: one payload a
 * receiver refuses must not stop a dossier's later steps reaching it). Delivery is at least once;
 * each message carries its id, on which receivers deduplicate.
 */
export function createOutbox(db: Database, options: OutboxOptions = {}) {
  const now = options.now ?? (() => new Date())
  const maxAttempts = options.maxAttempts ?? 8
  const leaseMs = options.leaseMs ?? 30_000

  return {
    /**
     * Up to `limit` due messages, each leased to the caller for `leaseMs`. Messages for `skip`
     * (systems that read an inbox instead of receiving pushes) are never claimed: they wait there.
     */
    async claim(limit: number, skip: readonly string[] = []): Promise<ClaimedMessage[]> {
      const at = now()
      const rows = await db.transaction(async (tx) => {
        const due = await tx.query<Row>(
          `select id, dossier, seq, receiver, payload, attempts, traceparent from exchange_outbox o
           where state = 'pending' and next_attempt_at <= $1 and receiver <> all($3::text[])
             and not exists (
               select 1 from exchange_outbox e
               where e.dossier = o.dossier and e.receiver = o.receiver and e.seq < o.seq and e.state = 'pending'
             )
           order by next_attempt_at, dossier, seq
           limit $2
           for update skip locked`,
          [at.toISOString(), limit, skip],
        )
        if (due.length === 0) return []
        await tx.query('update exchange_outbox set attempts = attempts + 1, next_attempt_at = $2 where id = any($1::uuid[])', [
          due.map((row) => row.id),
          new Date(at.getTime() + leaseMs).toISOString(),
        ])
        return due
      })
      return rows.map((row) => ({
        id: row.id,
        dossier: row.dossier,
        seq: Number(row.seq),
        receiver: row.receiver,
        payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
        attempt: Number(row.attempts) + 1,
        ...(row.traceparent ? { traceparent: row.traceparent } : {}),
      }))
    },

    /** The messages waiting in `receiver`'s inbox, oldest first (by dossier step order within a dossier). */
    async inbox(receiver: string, limit: number): Promise<Array<{ id: string; payload: StepMessage }>> {
      const rows = await db.query<{ id: string; payload: StepMessage | string }>(
        `select id, payload from exchange_outbox where receiver = $1 and state = 'pending' order by created_at, dossier, seq limit $2`,
        [receiver, limit],
      )
      return rows.map((row) => ({ id: row.id, payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload }))
    },

    /** `receiver` acknowledges messages of its inbox; returns how many were waiting. Another receiver's ids change nothing. */
    async acknowledge(receiver: string, ids: readonly string[]): Promise<number> {
      if (ids.length === 0) return 0
      const rows = await db.query<{ id: string }>(
        `update exchange_outbox set state = 'delivered', last_error = null where id = any($1::uuid[]) and receiver = $2 and state = 'pending' returning id`,
        [ids, receiver],
      )
      return rows.length
    },

    /** The receivers acknowledged these messages (one statement for a round's worth). */
    async delivered(...ids: string[]): Promise<void> {
      if (ids.length === 0) return
      await db.query(`update exchange_outbox set state = 'delivered', last_error = null where id = any($1::uuid[]) and state = 'pending'`, [ids])
    },

    /**
     * The push failed: retried after a backoff, or a dead letter once the attempts run out.
     * `settled`: the message is no longer pending (another worker delivered it after this one's
     * lease ran out), and this failure changes nothing. `permanent`: a dead letter at once.
     */
    async failed(id: string, error: string, how: { permanent?: boolean } = {}): Promise<'retry' | 'dead' | 'settled'> {
      return db.transaction(async (tx) => {
        const [row] = await tx.query<{ attempts: number }>(`select attempts from exchange_outbox where id = $1 and state = 'pending' for update`, [id])
        if (!row) return 'settled'
        const attempts = Number(row.attempts)
        // A receiver that refused the payload itself will refuse it again: no attempts are wasted on it.
        if (attempts >= maxAttempts || how.permanent) {
          await tx.query(`update exchange_outbox set state = 'dead', last_error = $2 where id = $1`, [id, error.slice(0, 1000)])
          return 'dead'
        }
        const retryAt = new Date(now().getTime() + retryDelayMs(attempts, options.backoff))
        await tx.query('update exchange_outbox set next_attempt_at = $2, last_error = $3 where id = $1', [id, retryAt.toISOString(), error.slice(0, 1000)])
        return 'retry'
      })
    },

    /** A dead letter back in the queue, due now, its attempts counted afresh (an operator's action). */
    async redeliver(id: string): Promise<boolean> {
      const rows = await db.query<{ id: string }>(
        `update exchange_outbox set state = 'pending', attempts = 0, next_attempt_at = $2 where id = $1 and state = 'dead' returning id`,
        [id, now().toISOString()],
      )
      return rows.length === 1
    },

    /**
     * Per receiving system: messages waiting (`pending`), waiting after a failed attempt
     * (`failing`, with the latest error), dead letters, and delivered ones; the oldest waiting
     * message's age. What an operator looks at first (`lgsp exchange status`, the console).
     */
    async summary(): Promise<ReceiverSummary[]> {
      const rows = await db.query<{
        receiver: string
        pending: number
        failing: number
        dead: number
        delivered: number
        oldest: Date | null
        last_error: string | null
      }>(
        `select receiver,
                count(*) filter (where state = 'pending')::int as pending,
                count(*) filter (where state = 'pending' and last_error is not null)::int as failing,
                count(*) filter (where state = 'dead')::int as dead,
                count(*) filter (where state = 'delivered')::int as delivered,
                min(created_at) filter (where state = 'pending') as oldest,
                (array_agg(last_error order by created_at desc) filter (where state = 'pending' and last_error is not null))[1] as last_error
         from exchange_outbox group by receiver order by receiver`,
      )
      const at = now().getTime()
      return rows.map((row) => ({
        receiver: row.receiver,
        pending: Number(row.pending),
        failing: Number(row.failing),
        dead: Number(row.dead),
        delivered: Number(row.delivered),
        oldestPendingMs: row.oldest === null ? null : Math.max(0, at - new Date(row.oldest).getTime()),
        lastError: row.last_error,
      }))
    },

    /** Dead letters, newest first, with the error that ended each. */
    async deadLetters(): Promise<Array<{ id: string; dossier: string; seq: number; receiver: string; attempts: number; lastError: string | null }>> {
      const rows = await db.query<{ id: string; dossier: string; seq: number; receiver: string; attempts: number; last_error: string | null }>(
        `select id, dossier, seq, receiver, attempts, last_error from exchange_outbox where state = 'dead' order by created_at desc, seq desc`,
      )
      return rows.map((row) => ({
        id: row.id,
        dossier: row.dossier,
        seq: Number(row.seq),
        receiver: row.receiver,
        attempts: Number(row.attempts),
        lastError: row.last_error,
      }))
    },
  }
}

export type Outbox = ReturnType<typeof createOutbox>
