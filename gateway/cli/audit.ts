import { createWriteStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { OperationError } from '../admin/ops/index.js'
import { AuditQueryError, csvHeader, csvRow, jsonlRow, parseAuditQuery } from '../audit/index.js'
import type { Config } from '../config.js'
import { parseConfig } from '../config.js'
import { connectOperations, type Operations } from './operations-client.js'
import { auditUsage } from './usage.js'

async function verify(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true })
  return withOperations(config, 'verify', async (ops) => {
    // Retention may never have cut events younger than the legal floor (90 days, the default).
    const report = await ops.verifyAudit()
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
    } else {
      for (const problem of report.problems)
        process.stdout.write(
          `FAIL ${problem.writer}${problem.seq === undefined ? '' : ` seq ${problem.seq}`}${problem.id ? ` (event ${problem.id})` : ''}: ${problem.message}\n`,
        )
      for (const warning of report.warnings)
        process.stdout.write(`warn ${warning.writer}${warning.seq === undefined ? '' : ` from seq ${warning.seq}`}: ${warning.message}\n`)
      process.stdout.write(
        `${report.ok ? 'OK' : 'FAILED'}: ${report.chains} chains, ${report.events} events, ${report.checkpoints} checkpoints, ${report.problems.length} problems, ${report.warnings.length} warnings\n`,
      )
    }
    return report.ok ? 0 : 1
  })
}

/** Runs `fn` with the operations (the running gateway's, else the database's); a refusal is a message. */
async function withOperations(config: Config, sub: string, fn: (ops: Operations) => Promise<number>): Promise<number> {
  let ops: Operations | undefined
  try {
    ops = await connectOperations(config)
    return await fn(ops)
  } catch (error) {
    if (!(error instanceof OperationError)) throw error
    process.stderr.write(`lgsp audit ${sub}: ${error.message}\n`)
    return error.status === 400 ? 2 : 1
  } finally {
    await ops?.close()
  }
}

const FILTER_FLAGS = {
  from: 'from',
  to: 'to',
  agency: 'agency',
  client: 'client',
  'end-user': 'endUser',
  purpose: 'purpose',
  decision: 'decision',
  code: 'code',
  kind: 'kind',
  subject: 'subject',
  'case-id': 'caseId',
  'request-id': 'requestId',
} as const

async function exportEvents(config: Config, args: string[]): Promise<number> {
  const options = Object.fromEntries(Object.keys(FILTER_FLAGS).map((flag) => [flag, { type: 'string' as const }]))
  const { values } = parseArgs({ args, options: { ...options, format: { type: 'string' }, out: { type: 'string' } }, strict: true })
  const format = values.format ?? 'jsonl'
  if (format !== 'jsonl' && format !== 'csv') {
    process.stderr.write('--format must be jsonl or csv\n')
    return 2
  }
  const filters: Record<string, string> = {}
  const flags = values as Record<string, string | undefined>
  for (const [flag, name] of Object.entries(FILTER_FLAGS)) if (flags[flag] !== undefined) filters[name] = flags[flag]
  // Checked before anything opens: a bad filter is a usage error, not a half-written file.
  try {
    parseAuditQuery(filters)
  } catch (error) {
    if (error instanceof AuditQueryError) {
      process.stderr.write(`${error.message}\n`)
      return 2
    }
    throw error
  }
  return withOperations(config, 'export', async (ops) => {
    const out = values.out ? createWriteStream(values.out, { mode: 0o600 }) : process.stdout
    const write = (text: string) => new Promise<void>((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())))
    let count = 0
    if (format === 'csv') await write(csvHeader())
    let cursor: string | undefined
    do {
      const page = await ops.exportPage(filters, cursor, format)
      for (const event of page.events) await write(format === 'csv' ? csvRow(event) : jsonlRow(event))
      count += page.events.length
      cursor = page.nextCursor
    } while (cursor)
    if (values.out) await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve))
    process.stderr.write(`${count} events exported (via ${ops.via})\n`)
    return 0
  })
}

async function retention(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { days: { type: 'string' } }, strict: true })
  // Checked by the operation itself (a whole number of days, at least 90), wherever it runs.
  const days = values.days === undefined ? config.AUDIT_RETENTION_DAYS : Number(values.days)
  return withOperations(config, 'retention', async (ops) => {
    const result = await ops.retention(days)
    process.stdout.write(`removed ${result.deleted} events older than ${result.cutoff} from ${result.chains} chains\n`)
    return 0
  })
}

export async function auditCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const config = parseConfig(process.env)
  switch (sub) {
    case 'verify':
      return verify(config, rest)
    case 'export':
      return exportEvents(config, rest)
    case 'retention':
      return retention(config, rest)
    default:
      process.stderr.write(`Usage:\n${auditUsage}`)
      return 2
  }
}
