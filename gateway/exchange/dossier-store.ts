import type { CopyType, MessagePart, SignatureStatus, StepMessage } from '../../connectors/index.js'
import type { AuditEvent } from '../audit/index.js'
import type { Database, Queryable } from '../database/index.js'
import { portalCode, statusOfPortalCode, type DossierStatus } from './status.js'
import { decideStep, type DossierStep, type StepDecision } from './transitions.js'

/** The national public-service portal as a receiver of every step. */
export const PORTAL_RECEIVER = 'portal'

export interface NewDossier {
  code: string
  procedure: string
  /** Intake channel (KenhThucHien): 1 in person, 2 online, 3 public postal service. */
  channel: 1 | 2 | 3
  /** A PIN or a tax code. */
  applicant: string
  /** ISO time the result is due, when the procedure sets one. */
  dueAt?: string | null
  /** The commune the dossier concerns (GSO code), for the grants' jurisdiction conditions. */
  commune?: string | null
}

/**
 * A document part as a step names it: its content is already in the blob store under `sha256`,
 * its signature checked. `signatureReason` (what failed, in words) is kept for the parties'
 * reads; the receiving systems' messages carry the status, the signer and the time.
 */
export type DossierPart = MessagePart & { signatureReason?: string }
export type { CopyType }

/** A part as stored: which step added it. */
export interface StoredPart extends DossierPart {
  seq: number
}

export interface Dossier extends Required<NewDossier> {
  receivingAgency: string
  handlingAgency: string | null
  holder: string
  status: DossierStatus
  receivedAt: string
  finishedAt: string | null
  version: number
}

/** Who asks, and how the request can be told from a retry of itself. */
export interface StepOptions {
  /** The calling agency. */
  actor: string
  officer?: string | null
  note?: string | null
  /** The handling agency a transfer names. */
  target?: string
  /** The version the caller last saw: another one is `VERSION_CONFLICT`. */
  expectedVersion?: number
  /** With `requestHash`: the same key and body get the stored answer, another body `IDEMPOTENCY_CONFLICT`. */
  idempotencyKey?: string
  /** SHA-256 hex of the request as sent (its operation and variables). */
  requestHash?: string
  /** Parts this step adds (submit, supplement). */
  parts?: readonly DossierPart[]
  /** The step's audit event, written in the step's transaction (with `audit`). */
  event?: (step: { dossier: Dossier; step: DossierStep; seq: number; at: Date }) => AuditEvent
  /** The W3C `traceparent` of the step's request, kept with its outbox messages: their deliveries continue its trace. */
  traceparent?: string
}

export type StepResult =
  | { ok: true; dossier: Dossier; seq: number; messages: string[] }
  | {
      ok: false
      code: 'INVALID_TRANSITION' | 'NOT_HOLDER' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'VERSION_CONFLICT' | 'IDEMPOTENCY_CONFLICT' | 'ALREADY_EXISTS'
      message: string
    }

/** A dossier as a desk receives it: NEW, held by the desk, version 1. */
export function newDossier(dossier: NewDossier, actor: string, at: Date): Dossier {
  return {
    code: dossier.code,
    procedure: dossier.procedure,
    channel: dossier.channel,
    applicant: dossier.applicant,
    dueAt: dossier.dueAt ?? null,
    commune: dossier.commune ?? null,
    receivingAgency: actor,
    handlingAgency: null,
    holder: actor,
    status: 'NEW',
    receivedAt: at.toISOString(),
    finishedAt: null,
    version: 1,
  }
}

/** The dossier after `step`, as the state machine decides it (each step raises the version by one), or why the step is refused. */
export function nextDossier(
  current: Dossier,
  step: Exclude<DossierStep, 'submit'>,
  opts: Pick<StepOptions, 'actor' | 'target'>,
  at: Date,
): { ok: true; dossier: Dossier } | Extract<StepDecision, { ok: false }> {
  const decision = decideStep(current, step, opts.actor, opts.target)
  if (!decision.ok) return decision
  return {
    ok: true,
    dossier: {
      ...current,
      status: decision.status,
      holder: decision.holder,
      handlingAgency: decision.handlingAgency,
      finishedAt: decision.status === 'PROCESSED' ? at.toISOString() : current.finishedAt,
      version: current.version + 1,
    },
  }
}

/**
 * The message that tells a receiving system of a step: the dossier as it now stands, the step,
 * and the parts it added (their reasons stay with the parties' reads). The one place it is made:
 * the store writes it to the outbox, the conformance kit pushes the same.
 */
export function stepMessage(
  messageId: string,
  dossier: Dossier,
  step: DossierStep,
  opts: Pick<StepOptions, 'actor' | 'officer' | 'note' | 'parts'>,
  at: Date,
): StepMessage {
  return {
    messageId,
    dossier: dossier.code,
    seq: dossier.version,
    step,
    status: portalCode(dossier.status),
    statusName: dossier.status,
    holder: dossier.holder,
    agency: opts.actor,
    officer: opts.officer ?? null,
    note: opts.note ?? null,
    at: at.toISOString(),
    procedure: dossier.procedure,
    channel: dossier.channel,
    applicant: dossier.applicant,
    commune: dossier.commune,
    receivingAgency: dossier.receivingAgency,
    handlingAgency: dossier.handlingAgency,
    receivedAt: dossier.receivedAt,
    dueAt: dossier.dueAt,
    finishedAt: dossier.finishedAt,
    version: dossier.version,
    parts: (opts.parts ?? []).map(({ signatureReason: _reason, ...part }) => part),
  }
}

export interface ProgressEntry {
  seq: number
  agency: string
  officer: string | null
  step: DossierStep
  note: string | null
  at: string
  status: DossierStatus
}

export interface OutboxMessage {
  id: string
  seq: number
  receiver: string
  payload: Record<string, unknown>
  state: 'pending' | 'delivered' | 'dead'
}

/** Where a step's audit event goes: appended inside the step's own transaction. */
export interface StepAudit {
  append(tx: Queryable, event: AuditEvent, key: string): Promise<void>
}

export interface DossierStoreOptions {
  now?: () => Date
  newId?: () => string
  /** The audit chains each step's event is written to, in the step's transaction. */
  audit?: StepAudit
}

interface DossierRow {
  code: string
  procedure: string
  channel: number
  applicant: string
  receiving_agency: string
  handling_agency: string | null
  holder: string
  status: number
  received_at: Date
  due_at: Date | null
  finished_at: Date | null
  version: number
  commune: string | null
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

function dossierOf(row: DossierRow): Dossier {
  return {
    code: row.code,
    procedure: row.procedure,
    channel: row.channel as 1 | 2 | 3,
    applicant: row.applicant,
    receivingAgency: row.receiving_agency,
    handlingAgency: row.handling_agency,
    holder: row.holder,
    status: statusOfPortalCode(row.status)!,
    receivedAt: iso(row.received_at)!,
    dueAt: iso(row.due_at),
    finishedAt: iso(row.finished_at),
    version: row.version,
    commune: row.commune,
  }
}

/** A refusal that ends the transaction, rolling back whatever it wrote. */
class Refusal extends Error {
  constructor(readonly result: Extract<StepResult, { ok: false }>) {
    super(result.message)
  }
}

const isUniqueViolation = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'

/**
 * Dossiers and their steps on the database port. Each step is one transaction: the dossier row
 * (locked, its version checked and raised), its progress entry and one outbox message per system
 * that must hear of it (the national portal always, and the agency that holds the dossier next
 * when that is not the one acting), and the answer kept under the request's Idempotency-Key. A
 * refused step writes nothing; a step retried with its key is applied once.
 */
export function createDossierStore(db: Database, options: DossierStoreOptions = {}) {
  const now = options.now ?? (() => new Date())
  const newId = options.newId ?? (() => crypto.randomUUID())

  async function remembered(tx: Queryable, agency: string, key: string | undefined, hash: string | undefined): Promise<StepResult | null> {
    if (key === undefined) return null
    const [row] = await tx.query<{ request_hash: string; response: StepResult }>(
      'select request_hash, response from idempotency_keys where agency = $1 and key = $2',
      [agency, key],
    )
    if (!row) return null
    if (row.request_hash !== hash) {
      return { ok: false, code: 'IDEMPOTENCY_CONFLICT', message: `Idempotency-Key ${key} was used for another request: send a new key for a new request` }
    }
    return row.response
  }

  /**
   * Writes a decided step: the dossier row (inserted at submission, updated after), its progress
   * entry, the parts it adds, one outbox message per system that must hear of it, and the answer
   * under the request's Idempotency-Key — in one statement (data-modifying CTEs), so a step costs
   * one round trip of writes whatever it carries. Then its audit event, last, so the chain's lock
   * is held only from there to the commit.
   */
  async function record(tx: Queryable, dossier: Dossier, step: DossierStep, opts: StepOptions, at: Date, created: boolean): Promise<StepResult> {
    // Each step raises the version by one from 1 at submission: the version is the step's number.
    const seq = dossier.version
    const receivers = [PORTAL_RECEIVER, ...(dossier.holder !== opts.actor ? [dossier.holder] : [])]
    const messages = receivers.map(() => newId())
    const parts = opts.parts ?? []
    const payloads = messages.map((messageId) => stepMessage(messageId, dossier, step, opts, at))
    const result: StepResult = { ok: true, dossier, seq, messages }
    const params: unknown[] = []
    const $ = (value: unknown) => `$${params.push(value)}`
    const code = $(dossier.code)
    const status = $(portalCode(dossier.status))
    const when = $(at.toISOString())
    const writes = [
      created
        ? `insert into dossiers (code, procedure, channel, applicant, receiving_agency, handling_agency, holder, status, received_at, due_at, finished_at, version, commune)
           values (${code}, ${$(dossier.procedure)}, ${$(dossier.channel)}, ${$(dossier.applicant)}, ${$(dossier.receivingAgency)}, null, ${$(dossier.holder)},
                   ${status}, ${$(dossier.receivedAt)}, ${$(dossier.dueAt)}, null, 1, ${$(dossier.commune)})`
        : `update dossiers set status = ${status}, holder = ${$(dossier.holder)}, handling_agency = ${$(dossier.handlingAgency)},
             finished_at = ${$(dossier.finishedAt)}, version = ${$(dossier.version)} where code = ${code}`,
      `insert into dossier_progress (dossier, seq, agency, officer, step, note, at, status)
       values (${code}, ${$(seq)}, ${$(opts.actor)}, ${$(opts.officer ?? null)}, ${$(step)}, ${$(opts.note ?? null)}, ${when}, ${status})`,
      `insert into exchange_outbox (id, dossier, seq, receiver, payload, created_at, next_attempt_at, traceparent)
       select m.id::uuid, ${code}, ${$(seq)}, m.receiver, m.payload::jsonb, ${when}, ${when}, ${$(opts.traceparent ?? null)}
       from unnest(${$(messages)}::text[], ${$(receivers)}::text[], ${$(payloads.map((payload) => JSON.stringify(payload)))}::text[]) as m(id, receiver, payload)`,
    ]
    if (parts.length > 0) {
      writes.push(
        `insert into dossier_parts (dossier, seq, position, name, copy_type, media_type, size, sha256,
                                    signature_status, signature_signer, signature_signed_at, signature_reason, signature_sha256)
         select ${code}, ${$(seq)}, p.position - 1, p.name, p.copy_type, p.media_type, p.size, p.sha256,
                p.signature_status, p.signature_signer, p.signature_signed_at, p.signature_reason, p.signature_sha256
         from unnest(${$(parts.map((part) => part.name))}::text[], ${$(parts.map((part) => part.copyType))}::int2[], ${$(parts.map((part) => part.mediaType))}::text[],
                     ${$(parts.map((part) => part.size))}::int4[], ${$(parts.map((part) => part.sha256))}::text[],
                     ${$(parts.map((part) => part.signature?.status ?? null))}::text[], ${$(parts.map((part) => part.signature?.signer ?? null))}::text[],
                     ${$(parts.map((part) => part.signature?.signedAt ?? null))}::timestamptz[], ${$(parts.map((part) => part.signatureReason ?? null))}::text[],
                     ${$(parts.map((part) => part.signature?.detachedSha256 ?? null))}::text[]) with ordinality
           as p(name, copy_type, media_type, size, sha256, signature_status, signature_signer, signature_signed_at, signature_reason, signature_sha256, position)`,
      )
    }
    if (opts.idempotencyKey !== undefined) {
      writes.push(
        `insert into idempotency_keys (agency, key, request_hash, response, created_at)
         values (${$(opts.actor)}, ${$(opts.idempotencyKey)}, ${$(opts.requestHash)}, ${$(JSON.stringify(result))}, ${when})`,
      )
    }
    // Every write a CTE of one statement; foreign keys are checked at its end, when the dossier a
    // new progress entry names exists.
    const [last, ...ctes] = writes.reverse()
    await tx.query(`${ctes.length ? `with ${ctes.map((sql, i) => `w${i} as (${sql})`).join(', ')} ` : ''}${last}`, params)
    if (options.audit && opts.event) await options.audit.append(tx, opts.event({ dossier, step, seq, at }), dossier.code)
    return result
  }

  /** Runs one step's transaction; a refusal rolls it back, a duplicate key racing it is answered from the key. */
  async function once(agency: string, opts: StepOptions, work: (tx: Queryable, at: Date) => Promise<StepResult>): Promise<StepResult> {
    const attempt = () =>
      db.transaction(async (tx) => {
        // Retries of one request wait for each other here, so each finds the answer the first
        // one stored rather than racing it to the dossier.
        if (opts.idempotencyKey !== undefined)
          await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`idempotency\n${agency}\n${opts.idempotencyKey}`])
        const earlier = await remembered(tx, agency, opts.idempotencyKey, opts.requestHash)
        if (earlier) return earlier
        const at = now()
        const result = await work(tx, at)
        if (!result.ok) throw new Refusal(result)
        return result
      })
    try {
      return await attempt()
    } catch (error) {
      if (error instanceof Refusal) return error.result
      // Retries of one key are serialised by the advisory lock and rows are locked per dossier, so
      // the one unique key two requests can race for is a new dossier's code.
      if (isUniqueViolation(error)) return { ok: false, code: 'ALREADY_EXISTS', message: 'A dossier with this code already exists' }
      throw error
    }
  }

  return {
    /** A desk receives a dossier: status NEW, held by the desk. */
    submit(dossier: NewDossier, opts: StepOptions): Promise<StepResult> {
      if (opts.target !== undefined) return Promise.resolve({ ok: false, code: 'BAD_USER_INPUT', message: 'submit names no other agency' })
      return once(opts.actor, opts, async (tx, at) => record(tx, newDossier(dossier, opts.actor, at), 'submit', opts, at, true))
    },

    /** One step on an existing dossier, decided by the state machine. */
    step(code: string, step: Exclude<DossierStep, 'submit'>, opts: StepOptions): Promise<StepResult> {
      return once(opts.actor, opts, async (tx, at) => {
        const [row] = await tx.query<DossierRow>('select * from dossiers where code = $1 for update', [code])
        if (!row) return { ok: false, code: 'NOT_FOUND', message: `No dossier ${code}` }
        const current = dossierOf(row)
        if (opts.expectedVersion !== undefined && opts.expectedVersion !== current.version) {
          return {
            ok: false,
            code: 'VERSION_CONFLICT',
            message: `Dossier ${code} is at version ${current.version}, not ${opts.expectedVersion}: read it again`,
          }
        }
        const next = nextDossier(current, step, opts, at)
        if (!next.ok) return next
        return record(tx, next.dossier, step, opts, at, false)
      })
    },

    /**
     * Open dossiers past their due date, per agency holding them: how many, and the longest
     * overdue (the console's view of who is late).
     */
    async overdue(at: Date = now()): Promise<Array<{ holder: string; count: number; oldestDueAt: string }>> {
      const rows = await db.query<{ holder: string; count: number; oldest: Date }>(
        `select holder, count(*)::int as count, min(due_at) as oldest from dossiers
         where due_at < $1 and status in (1, 2, 4, 5, 6) group by holder order by count(*) desc, holder`,
        [at.toISOString()],
      )
      return rows.map((row) => ({ holder: row.holder, count: Number(row.count), oldestDueAt: iso(row.oldest)! }))
    },

    /** The dossiers of one applicant (a PIN or a tax code), newest first. */
    async byApplicant(applicant: string, limit = 50): Promise<Dossier[]> {
      const rows = await db.query<DossierRow>('select * from dossiers where applicant = $1 order by received_at desc limit $2', [applicant, limit])
      return rows.map(dossierOf)
    },

    async get(code: string): Promise<Dossier | null> {
      const [row] = await db.query<DossierRow>('select * from dossiers where code = $1', [code])
      return row ? dossierOf(row) : null
    },

    async progress(code: string): Promise<ProgressEntry[]> {
      const rows = await db.query<{ seq: number; agency: string; officer: string | null; step: DossierStep; note: string | null; at: Date; status: number }>(
        'select seq, agency, officer, step, note, at, status from dossier_progress where dossier = $1 order by seq',
        [code],
      )
      return rows.map((row) => ({ ...row, seq: Number(row.seq), at: iso(row.at)!, status: statusOfPortalCode(row.status)! }))
    },

    async parts(code: string): Promise<StoredPart[]> {
      const rows = await db.query<{
        seq: number
        name: string
        copy_type: number
        media_type: string
        size: number
        sha256: string
        signature_status: SignatureStatus | null
        signature_signer: string | null
        signature_signed_at: Date | string | null
        signature_reason: string | null
        signature_sha256: string | null
      }>(
        `select seq, name, copy_type, media_type, size, sha256, signature_status, signature_signer, signature_signed_at, signature_reason, signature_sha256
         from dossier_parts where dossier = $1 order by seq, position`,
        [code],
      )
      return rows.map((row) => ({
        seq: Number(row.seq),
        name: row.name,
        copyType: row.copy_type as CopyType,
        mediaType: row.media_type,
        size: Number(row.size),
        sha256: row.sha256,
        ...(row.signature_status
          ? {
              signature: {
                status: row.signature_status,
                ...(row.signature_signer ? { signer: row.signature_signer } : {}),
                ...(row.signature_signed_at ? { signedAt: iso(row.signature_signed_at)! } : {}),
                ...(row.signature_sha256 ? { detachedSha256: row.signature_sha256 } : {}),
              },
            }
          : {}),
        ...(row.signature_reason ? { signatureReason: row.signature_reason } : {}),
      }))
    },

    /** Whether `agency` is a party to a dossier naming the part `sha256` (or its detached signature): who may fetch it. */
    async partVisibleTo(sha256: string, agency: string): Promise<boolean> {
      const rows = await db.query(
        `select 1 from dossier_parts p join dossiers d on d.code = p.dossier
         where (p.sha256 = $1 or p.signature_sha256 = $1) and (d.receiving_agency = $2 or d.holder = $2 or d.handling_agency = $2
           or exists (select 1 from dossier_progress g where g.dossier = d.code and g.agency = $2)) limit 1`,
        [sha256, agency],
      )
      return rows.length > 0
    },

    async outbox(code: string): Promise<OutboxMessage[]> {
      const rows = await db.query<{ id: string; seq: number; receiver: string; payload: Record<string, unknown> | string; state: OutboxMessage['state'] }>(
        'select id, seq, receiver, payload, state from exchange_outbox where dossier = $1 order by seq, created_at, receiver',
        [code],
      )
      return rows.map((row) => ({ ...row, seq: Number(row.seq), payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload }))
    },
  }
}

export type DossierStore = ReturnType<typeof createDossierStore>
export type { StepMessage }
