/**
 * Audit chains written inside another transaction: a dossier step, its progress entry, its
 * outbox messages and its audit event commit together or not at all, so no step is ever applied
 * without its event, and no event records a step that did not happen.
 *
 * The process writer (writer.ts) cannot serve here: it commits its own batches, later. These
 * chains keep their head in a row (`audit_chain_heads`) that each appending transaction locks,
 * so writers in any instance extend a chain one after the other, and a rolled-back step leaves
 * the head where it was. Events are spread over a fixed number of chains by a key (the dossier
 * code): the steps of one dossier are one chain, in order, and steps of different dossiers
 * rarely wait for each other. Chains open with a signed origin and are signed every
 * `checkpointEvery` events and by `seal` (called on an interval), so `lgsp audit verify` checks
 * them like any other chain.
 */
import type { Database, Queryable } from '../database/index.js'
import { GENESIS_HASH, linkBatch, type Sha256 } from './chain.js'
import { canonicalJson } from './canonical.js'
import type { CheckpointSigner } from './checkpoint.js'
import { parseAuditEvent, type AuditEvent } from './event.js'
import { insertCheckpoint, insertEvents } from './store.js'

export interface StepChainsOptions {
  sign: CheckpointSigner
  /** Chains to spread events over. @default 16 */
  chains?: number
  /** Writer id prefix: chain n is `${prefix}/${n}`. @default 'steps' */
  prefix?: string
  /** Sign the head inside the appending transaction after this many unsigned events. @default 100 */
  checkpointEvery?: number
  now?: () => Date
  sha256?: Sha256
}

export interface StepChains {
  /** Validates `event` and appends it inside `tx` to the chain of `key`: committed, or rolled back, with `tx`. */
  append(tx: Queryable, event: AuditEvent, key: string): Promise<void>
  /** Signs a checkpoint at the head of every chain with unsigned events; returns how many it signed. */
  seal(db: Database): Promise<number>
}

/** FNV-1a: a stable, cheap spread of keys over chains (not a security property). */
function chainIndex(key: string, chains: number): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  return (hash >>> 0) % chains
}

export function createStepChains(options: StepChainsOptions): StepChains {
  const chains = options.chains ?? 16
  const prefix = options.prefix ?? 'steps'
  const checkpointEvery = options.checkpointEvery ?? 100
  const now = options.now ?? (() => new Date())
  const { sign } = options
  /** Chains whose head row is known to exist: opening one is skipped after the first time. */
  const opened = new Set<string>()

  async function open(tx: Queryable, writer: string): Promise<void> {
    if (opened.has(writer)) return
    // A concurrent opener waits on the row and then inserts nothing: exactly one signs the origin.
    const created = await tx.query<{ writer: string }>(
      'insert into audit_chain_heads (writer, seq, hash, checkpoint_seq) values ($1, 0, $2, 0) on conflict (writer) do nothing returning writer',
      [writer, GENESIS_HASH],
    )
    if (created.length > 0) await insertCheckpoint(tx, await sign({ writer, seq: 0, hash: GENESIS_HASH, at: now().toISOString(), final: false }))
    // Remembered only once the transaction is past this point; a rollback of the opening one
    // leaves no row, and the next append finds none and opens the chain again.
    else opened.add(writer)
  }

  async function checkpoint(tx: Queryable, writer: string, head: { seq: number; hash: string }): Promise<void> {
    await insertCheckpoint(tx, await sign({ writer, seq: head.seq, hash: head.hash, at: now().toISOString(), final: false }))
    await tx.query('update audit_chain_heads set checkpoint_seq = $2 where writer = $1', [writer, head.seq])
  }

  return {
    async append(tx, input, key) {
      const event = parseAuditEvent(input)
      const writer = `${prefix}/${chainIndex(key, chains)}`
      await open(tx, writer)
      // The lock is taken last in the step, so it is held only for the few statements to commit.
      const [head] = await tx.query<{ seq: string | number; hash: string; checkpoint_seq: string | number }>(
        'select seq, hash, checkpoint_seq from audit_chain_heads where writer = $1 for update',
        [writer],
      )
      if (!head) throw new Error(`audit chain ${writer} has no head`)
      const body = canonicalJson(event)
      const [link] = await linkBatch(writer, { seq: Number(head.seq), hash: head.hash }, [body], options.sha256)
      // The event and the new head in one statement: the lock is held a round trip less.
      await insertEvents(tx, [{ writer, ...link!, body, event }], { thenAdvanceHead: writer })
      if (link!.seq - Number(head.checkpoint_seq) >= checkpointEvery) await checkpoint(tx, writer, link!)
    },

    async seal(db) {
      const unsigned = await db.query<{ writer: string }>(
        'select writer from audit_chain_heads where writer like $1 and seq > checkpoint_seq order by writer',
        [`${prefix}/%`],
      )
      let signed = 0
      for (const { writer } of unsigned) {
        signed += await db.transaction(async (tx) => {
          // A chain a step is extending now is skipped: that step, or the next seal, signs it.
          const [head] = await tx.query<{ seq: string | number; hash: string; checkpoint_seq: string | number }>(
            'select seq, hash, checkpoint_seq from audit_chain_heads where writer = $1 for update skip locked',
            [writer],
          )
          if (!head || Number(head.seq) <= Number(head.checkpoint_seq)) return 0
          await checkpoint(tx, writer, { seq: Number(head.seq), hash: head.hash })
          return 1
        })
      }
      return signed
    },
  }
}
