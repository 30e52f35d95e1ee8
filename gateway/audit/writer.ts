/**
 * The audit writer: group commit onto this process's own hash chain.
 *
 * `record(event)` resolves only once the event is committed. Events that arrive while a commit
 * is in flight wait and go together in the next transaction, so under load one transaction
 * carries hundreds of events and the cost per request is a fraction of a round trip. A record
 * that is not committed within `commitTimeoutMs`, or that finds the queue full, rejects with
 * `AuditUnavailableError`: the caller fails closed.
 *
 * A failed commit leaves its outcome unknown (the connection may have dropped during COMMIT), so
 * the writer never guesses: it continues on a new chain, and once the store answers again it
 * seals the old one with a final checkpoint at whatever head is committed, provided that head is
 * one this writer produced.
 */
import type { Logger } from '../logger.js'
import { unrefTimer } from '../support/index.js'
import type { Database } from '../database/index.js'
import { GENESIS_HASH, linkBatch, type Sha256 } from './chain.js'
import { canonicalJson } from './canonical.js'
import type { CheckpointSigner, SignedCheckpoint } from './checkpoint.js'
import { parseAuditEvent, type AuditEvent } from './event.js'
import { AuditUnavailableError } from './unavailable.js'
import { createOutageLog } from './outage-log.js'
import { chainHead, insertCheckpoint, insertEvents, type ChainedEvent } from './store.js'

/** Events a transaction aims to carry under load before the longest wait is reached. */
const TARGET_BATCH = 16

/**
 * How long the first event of a batch waits for companions, given the mean gap between recent
 * arrivals. A transaction has a fixed cost far above an event's (measured on PGlite: ~1 ms per
 * statement against ~0.15 ms per row), so under load a longer wait buys fewer, fuller
 * transactions and frees CPU for requests. Under light load, when no companion is expected
 * within the longest wait, waiting buys nothing: the shortest wait applies, latency stays low.
 */
export function groupCommitDelay(arrivalGapMs: number, minMs: number, maxMs: number): number {
  if (!(arrivalGapMs < maxMs)) return minMs
  return Math.min(maxMs, Math.max(minMs, arrivalGapMs * (TARGET_BATCH - 1)))
}

export interface AuditWriterOptions {
  db: Database
  /** This process's name in the trail (`gw-1`, `cli`): the prefix of its chains' writer ids. */
  instance: string
  sign: CheckpointSigner
  logger?: Logger
  /** How long a new event waits at least for companions before a commit starts. @default 2 */
  flushDelayMs?: number
  /**
   * How long it may wait at most, when events arrive fast enough to fill a batch in that time:
   * the wait adapts to the arrival rate (see `groupCommitDelay`). Given only `flushDelayMs`, the wait
   * is fixed at that. @default 10
   */
  maxFlushDelayMs?: number
  /** Most events in one transaction. @default 2000 */
  maxBatch?: number
  /** Most events waiting; beyond it `record` rejects at once. @default 50000 */
  maxQueue?: number
  /** Longest wait for a commit before `record` rejects (the store is down or too slow). @default 2000 */
  commitTimeoutMs?: number
  /** Sign a checkpoint after this many events… @default 1000 */
  checkpointEvery?: number
  /** …or this long after the last one, whichever comes first. @default 2000 */
  checkpointIntervalMs?: number
  now?: () => number
  /** @default WebCrypto SHA-256 (see chain.ts) */
  sha256?: Sha256
}

export interface AuditWriterStatus {
  writer: string
  queued: number
  /** False from a failed commit until the next successful one. */
  healthy: boolean
  committed: number
  /** Transactions committed: `committed / transactions` is the mean group-commit batch. */
  transactions: number
  lastCommitMs: number | null
}

export interface AuditWriter {
  /** Chains the event and resolves once it is committed; rejects with AuditUnavailableError. */
  record(event: AuditEvent): Promise<void>
  /** The chain this writer appends to now. */
  readonly writer: string
  status(): AuditWriterStatus
  /** Resolves when every event recorded so far has been committed (or has failed). */
  flush(): Promise<void>
  /** Commits what is queued, signs a final checkpoint and refuses further events. Idempotent. */
  close(): Promise<void>
}

interface Pending {
  event: AuditEvent
  resolve: () => void
  reject: (error: Error) => void
  settled: boolean
}

interface Chain {
  writer: string
  seq: number
  hash: string
  /** The genesis checkpoint (seq 0) is committed. */
  opened: boolean
  sinceCheckpoint: number
  lastCheckpointAt: number
}

/** A chain abandoned after a failed commit, to be sealed when the store answers. */
interface Retired {
  writer: string
  /** Heads this writer may have committed: before and after the failed batch. */
  candidates: Array<{ seq: number; hash: string }>
  /** The failed transaction, which may still finish: sealing waits for it. */
  settled: Promise<unknown>
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('')
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AuditUnavailableError(message)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * @example
 * const audit = createAuditWriter({ db, instance: 'gw-1', sign: createCheckpointSigner(() => keys.signingKey()) })
 * await audit.record(event) // committed when this resolves
 */
export function createAuditWriter(options: AuditWriterOptions): AuditWriter {
  const { db, sign } = options
  const now = options.now ?? Date.now
  const flushDelayMs = options.flushDelayMs ?? 2
  const maxFlushDelayMs = Math.max(flushDelayMs, options.maxFlushDelayMs ?? (options.flushDelayMs === undefined ? 10 : flushDelayMs))
  const maxBatch = options.maxBatch ?? 2000
  const maxQueue = options.maxQueue ?? 50_000
  const commitTimeoutMs = options.commitTimeoutMs ?? 2000
  const checkpointEvery = options.checkpointEvery ?? 1000
  const checkpointIntervalMs = options.checkpointIntervalMs ?? 2000
  const instance = options.instance.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 80) || 'gateway'

  const newChain = (): Chain => ({
    writer: `${instance}/${now().toString(36)}-${randomHex(4)}`,
    seq: 0,
    hash: GENESIS_HASH,
    opened: false,
    sinceCheckpoint: 0,
    lastCheckpointAt: now(),
  })

  let chain = newChain()
  let queue: Pending[] = []
  let retired: Retired[] = []
  let running: Promise<void> | null = null
  let scheduled: ReturnType<typeof setTimeout> | null = null
  let closed = false
  let closing: Promise<void> | null = null
  let healthy = true
  const outages = createOutageLog({ logger: options.logger, writer: () => chain.writer })
  let committed = 0
  let transactions = 0
  let lastCommitMs: number | null = null

  const checkpointTimer = setInterval(
    () => {
      if (chain.sinceCheckpoint > 0 && now() - chain.lastCheckpointAt >= checkpointIntervalMs) kick(0)
    },
    Math.max(50, Math.floor(checkpointIntervalMs / 2)),
  )
  unrefTimer(checkpointTimer)

  /** Mean gap between recent arrivals (ms, moving average), for `groupCommitDelay`. */
  let arrivalGapMs = Number.POSITIVE_INFINITY
  let lastArrival: number | null = null
  function noteArrival(): void {
    const t = performance.now()
    if (lastArrival !== null) {
      const gap = t - lastArrival
      arrivalGapMs = Number.isFinite(arrivalGapMs) ? 0.8 * arrivalGapMs + 0.2 * gap : gap
    }
    lastArrival = t
  }

  const groupDelay = () => groupCommitDelay(arrivalGapMs, flushDelayMs, maxFlushDelayMs)

  function kick(delay: number): void {
    if (running || scheduled) return
    scheduled = setTimeout(() => {
      scheduled = null
      running = drain().finally(() => {
        running = null
        if (queue.length > 0) kick(0)
      })
    }, delay)
  }

  const at = () => new Date(now()).toISOString()

  async function drain(): Promise<void> {
    while (queue.length > 0 || (chain.sinceCheckpoint > 0 && now() - chain.lastCheckpointAt >= checkpointIntervalMs)) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      await commit(batch, false)
      if (!healthy) return
    }
    if (retired.length > 0) await sealRetired()
  }

  /** One transaction: the batch, plus the genesis, periodic or final checkpoint it makes due. */
  async function commit(batch: Pending[], final: boolean): Promise<void> {
    const started = now()
    const current = chain
    let rows: ChainedEvent[] = []
    const checkpoints: SignedCheckpoint[] = []
    let transaction: Promise<void> | null = null
    try {
      const bodies = batch.map((pending) => canonicalJson(pending.event))
      const links = await linkBatch(current.writer, current, bodies, options.sha256)
      rows = links.map((link, i) => ({ writer: current.writer, ...link, body: bodies[i]!, event: batch[i]!.event }))
      const head = rows.length > 0 ? { seq: rows[rows.length - 1]!.seq, hash: rows[rows.length - 1]!.hash } : { seq: current.seq, hash: current.hash }
      if (!current.opened) checkpoints.push(await sign({ writer: current.writer, seq: 0, hash: GENESIS_HASH, at: at(), final: false }))
      const since = current.sinceCheckpoint + rows.length
      const due = final || since >= checkpointEvery || (since > 0 && started - current.lastCheckpointAt >= checkpointIntervalMs)
      if (due && head.seq > 0) checkpoints.push(await sign({ writer: current.writer, seq: head.seq, hash: head.hash, at: at(), final }))
      if (rows.length === 0 && checkpoints.length === 0) return
      // Most batches carry no checkpoint: one INSERT statement is atomic on its own, and skipping
      // BEGIN and COMMIT saves two round trips (PostgreSQL) or two WebAssembly calls (PGlite).
      transaction =
        checkpoints.length === 0
          ? insertEvents(db, rows)
          : db.transaction(async (tx) => {
              for (const checkpoint of checkpoints.filter((c) => c.seq === 0)) await insertCheckpoint(tx, checkpoint)
              await insertEvents(tx, rows)
              for (const checkpoint of checkpoints.filter((c) => c.seq > 0)) await insertCheckpoint(tx, checkpoint)
            })
      await withTimeout(transaction, commitTimeoutMs, `the audit store did not commit within ${commitTimeoutMs} ms`)
      current.seq = head.seq
      current.hash = head.hash
      current.opened = true
      if (checkpoints.some((c) => c.seq > 0)) {
        current.sinceCheckpoint = 0
        current.lastCheckpointAt = started
      } else current.sinceCheckpoint = since
      committed += rows.length
      transactions += 1
      lastCommitMs = now() - started
      outages.committed()
      healthy = true
      for (const pending of batch) settle(pending)
    } catch (error) {
      const reason = error instanceof AuditUnavailableError ? error : new AuditUnavailableError('the audit store is unavailable', { cause: error })
      outages.failed(error, batch.length)
      healthy = false
      for (const pending of batch) settle(pending, reason)
      if (transaction || current.opened) {
        const candidates = [{ seq: current.seq, hash: current.hash }]
        if (rows.length > 0) candidates.push({ seq: rows[rows.length - 1]!.seq, hash: rows[rows.length - 1]!.hash })
        retired.push({ writer: current.writer, candidates, settled: (transaction ?? Promise.resolve()).catch(() => undefined) })
      }
      if (chain === current) chain = newChain()
    }
  }

  /** Final checkpoints for chains abandoned after a failed commit, at their committed head. */
  async function sealRetired(): Promise<void> {
    const remaining: Retired[] = []
    for (const old of retired) {
      try {
        await withTimeout(old.settled, commitTimeoutMs, 'an earlier audit transaction is still running')
        const head = await chainHead(db, old.writer)
        if (!head) continue
        if (!old.candidates.some((c) => c.seq === head.seq && c.hash === head.hash)) {
          options.logger?.error({ writer: old.writer, seq: head.seq }, 'audit chain head is not one this writer committed: not sealed (run lgsp audit verify)')
          continue
        }
        const checkpoint = await sign({ writer: old.writer, seq: head.seq, hash: head.hash, at: at(), final: true })
        await withTimeout(
          db.transaction((tx) => insertCheckpoint(tx, checkpoint)),
          commitTimeoutMs,
          'sealing timed out',
        )
      } catch (error) {
        if (/duplicate key|unique/i.test(String((error as Error)?.message))) continue // already sealed at that head
        remaining.push(old)
      }
    }
    retired = remaining
  }

  function settle(pending: Pending, error?: Error): void {
    if (pending.settled) return
    pending.settled = true
    if (error) pending.reject(error)
    else pending.resolve()
  }

  return {
    get writer() {
      return chain.writer
    },
    record(input) {
      let event: AuditEvent
      try {
        event = parseAuditEvent(input)
      } catch (error) {
        return Promise.reject(error)
      }
      if (closed) return Promise.reject(new AuditUnavailableError('the audit writer is closed'))
      if (queue.length >= maxQueue) return Promise.reject(new AuditUnavailableError('the audit queue is full'))
      return new Promise<void>((resolve, reject) => {
        const pending: Pending = { event, resolve, reject, settled: false }
        queue.push(pending)
        // Bounded wait: a hung store answers the caller with 503 in time, never a hang.
        const timer = setTimeout(
          () => settle(pending, new AuditUnavailableError(`the audit store did not commit within ${commitTimeoutMs} ms`)),
          commitTimeoutMs + maxFlushDelayMs,
        )
        const clear = () => clearTimeout(timer)
        const original = { resolve: pending.resolve, reject: pending.reject }
        pending.resolve = () => {
          clear()
          original.resolve()
        }
        pending.reject = (error) => {
          clear()
          original.reject(error)
        }
        noteArrival()
        kick(queue.length >= maxBatch ? 0 : groupDelay())
      })
    },
    status: () => ({ writer: chain.writer, queued: queue.length, healthy, committed, transactions, lastCommitMs }),
    async flush() {
      while (queue.length > 0 || running || scheduled) {
        if (scheduled) {
          clearTimeout(scheduled)
          scheduled = null
          kick(0)
        }
        await (running ?? new Promise((resolve) => setTimeout(resolve, 1)))
        if (!healthy && queue.length === 0) break
      }
    },
    close() {
      closing ??= (async () => {
        closed = true
        clearInterval(checkpointTimer)
        await this.flush()
        if (running) await running
        if (healthy && chain.opened && chain.seq > 0) await commit([], true)
        if (retired.length > 0) await sealRetired().catch(() => undefined)
        for (const pending of queue) settle(pending, new AuditUnavailableError('the audit writer is closed'))
        queue = []
      })()
      return closing
    },
  }
}
