import { parseArgs } from 'node:util'
import { parseConfig } from '../config.js'
import { openDatabase } from '../entry/database.js'
import { createOutbox, describeWait, isMessageId } from '../exchange/index.js'
import { recordCliAction } from './cli-audit.js'
import { exchangeUsage } from './usage.js'

/** `lgsp exchange …`: the delivery of dossier messages, as an operator sees and mends it. */
export async function exchangeCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub !== 'status' && sub !== 'dead-letters' && sub !== 'redeliver') {
    process.stderr.write(`Usage:\n${exchangeUsage}`)
    return 2
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: { json: { type: 'boolean' }, all: { type: 'boolean' } },
    allowPositionals: sub === 'redeliver',
    strict: true,
  })
  if (sub === 'redeliver') {
    const bad = positionals.filter((id) => !isMessageId(id))
    if (bad.length > 0 || (positionals.length === 0) === !values.all) {
      process.stderr.write(bad.length > 0 ? `Not a message id: ${bad.join(', ')}\n` : 'Name the dead letters to redeliver by id, or --all (not both)\n')
      return 2
    }
  }
  const config = parseConfig(process.env)
  const db = await openDatabase(config)
  try {
    const outbox = createOutbox(db)
    if (sub === 'status') {
      const summary = await outbox.summary()
      if (values.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
      else {
        process.stdout.write(
          `${'receiver'.padEnd(28)} ${'waiting'.padStart(8)} ${'failing'.padStart(8)} ${'dead'.padStart(6)} ${'delivered'.padStart(10)}  oldest  last error\n`,
        )
        for (const r of summary)
          process.stdout.write(
            `${r.receiver.padEnd(28)} ${String(r.pending).padStart(8)} ${String(r.failing).padStart(8)} ${String(r.dead).padStart(6)} ${String(r.delivered).padStart(10)}  ${describeWait(r.oldestPendingMs).padEnd(6)}  ${r.lastError ?? ''}\n`,
          )
        if (summary.length === 0) process.stdout.write('(no messages yet)\n')
      }
      return 0
    }
    const dead = await outbox.deadLetters()
    if (sub === 'dead-letters') {
      if (values.json) process.stdout.write(`${JSON.stringify(dead, null, 2)}\n`)
      else for (const d of dead) process.stdout.write(`${d.id}  ${d.dossier} #${d.seq} → ${d.receiver}  ${d.attempts} attempt(s)  ${d.lastError ?? ''}\n`)
      if (!values.json && dead.length === 0) process.stdout.write('(no dead letters)\n')
      return 0
    }
    const ids = values.all ? dead.map((d) => d.id) : positionals
    let redelivered = 0
    const missing: string[] = []
    for (const id of ids) {
      if (await outbox.redeliver(id)) redelivered += 1
      else missing.push(id)
    }
    // The operator's action is in the trail, whatever it changed.
    await recordCliAction(config, db, 'exchange.redelivered', { redelivered, requested: ids.length, all: values.all === true, ids: ids.slice(0, 20).join(',') })
    process.stdout.write(`${redelivered} dead letter(s) back in the queue${missing.length ? `; not dead letters: ${missing.join(', ')}` : ''}\n`)
    return missing.length > 0 ? 1 : 0
  } finally {
    await db.close()
  }
}
