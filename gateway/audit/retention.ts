/**
 * The retention job: removes events older than the retention period, chain by chain, and only
 * up to a signed checkpoint, so what remains still verifies (the chain then starts right after
 * that checkpoint, recorded in `audit_retention`). Checkpoints are kept: they are small and prove
 * what existed. The job's own run is an audit event, written by the caller.
 */
import type { Database } from '../database/index.js'

export interface RetentionResult {
  cutoff: string
  chains: number
  deleted: number
}

export async function applyRetention(db: Database, cutoff: Date): Promise<RetentionResult> {
  return db.transaction(async (tx) => {
    // The append-only trigger lets this transaction, and only it, delete.
    await tx.query("select set_config('lgsp.audit_retention', 'on', true)")
    const cuts = await tx.query<{ writer: string; through: number }>(
      `select c.writer, max(c.seq) as through from audit_checkpoints c
       left join audit_retention r on r.writer = c.writer
       where c.at < $1 and c.seq > 0 and c.seq > coalesce(r.through_seq, 0)
       group by c.writer`,
      [cutoff.toISOString()],
    )
    let deleted = 0
    for (const cut of cuts) {
      const rows = await tx.query<{ n: number }>(
        'with gone as (delete from audit_events where writer = $1 and seq <= $2 returning 1) select count(*)::int8 as n from gone',
        [cut.writer, cut.through],
      )
      deleted += rows[0]?.n ?? 0
      await tx.query(
        `insert into audit_retention (writer, through_seq, at) values ($1, $2, now())
         on conflict (writer) do update set through_seq = excluded.through_seq, at = excluded.at`,
        [cut.writer, cut.through],
      )
    }
    return { cutoff: cutoff.toISOString(), chains: cuts.length, deleted }
  })
}
