import { createWriteStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { applyRetention, csvHeader, csvRow, jsonlRow, parseAuditQuery, searchAudit, verifyAuditTrail, AuditQueryError } from '../audit/index.js'
import type { Config } from '../config.js'
import { parseConfig } from '../config.js'
import { nodeSha256 } from '../entry/audit.js'
import { openDatabase } from '../entry/database.js'
import { createKeyedHash } from '../identity/keys/keyed-hash.node.js'
import { openCliKeys, recordCliAction } from './cli-audit.js'
import { auditUsage } from './usage.js'

const DAY_MS = 86_400_000

async function verify(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true })
  const db = await openDatabase(config)
  const keys = await openCliKeys(config)
  try {
    // Retention may never have cut events younger than the legal floor (90 days, the default).
    const report = await verifyAuditTrail(db, { jwks: keys.historicJwks(), sha256: nodeSha256 })
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
  } finally {
    keys.close()
    await db.close()
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
  const filters: Record<string, unknown> = {}
  const flags = values as Record<string, string | undefined>
  for (const [flag, name] of Object.entries(FILTER_FLAGS)) if (flags[flag] !== undefined) filters[name] = flags[flag]
  let query
  try {
    query = parseAuditQuery({ ...filters, limit: 500 })
  } catch (error) {
    if (error instanceof AuditQueryError) {
      process.stderr.write(`${error.message}\n`)
      return 2
    }
    throw error
  }
  const db = await openDatabase(config)
  const hash = await createKeyedHash({
    dataDir: config.DATA_DIR,
    production: config.NODE_ENV === 'production',
    ...(config.HASH_SECRET ? { secret: config.HASH_SECRET } : {}),
  })
  const out = values.out ? createWriteStream(values.out, { mode: 0o600 }) : process.stdout
  const write = (text: string) => new Promise<void>((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())))
  let count = 0
  try {
    if (format === 'csv') await write(csvHeader())
    let cursor: string | undefined
    do {
      const page = await searchAudit(db, { ...query, ...(cursor ? { cursor } : {}) }, hash)
      for (const event of page.events) await write(format === 'csv' ? csvRow(event) : jsonlRow(event))
      count += page.events.length
      cursor = page.nextCursor
    } while (cursor)
    if (values.out) await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve))
    const { subject, ...shown } = filters
    await recordCliAction(config, db, 'audit.exported', {
      format,
      events: count,
      ...(subject ? { subject: hash(String(subject)) } : {}),
      ...Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, String(v)])),
    })
    process.stderr.write(`${count} events exported\n`)
    return 0
  } finally {
    await db.close()
  }
}

async function retention(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { days: { type: 'string' } }, strict: true })
  const days = values.days === undefined ? config.AUDIT_RETENTION_DAYS : Number(values.days)
  if (!Number.isInteger(days) || days < 90) {
    process.stderr.write('--days must be a whole number of at least 90 (TCVN 11930 level 3 keeps logs 3 months)\n')
    return 2
  }
  const db = await openDatabase(config)
  try {
    const result = await applyRetention(db, new Date(Date.now() - days * DAY_MS))
    await recordCliAction(config, db, 'audit.retention', { days, cutoff: result.cutoff, chains: result.chains, deleted: result.deleted })
    process.stdout.write(`removed ${result.deleted} events older than ${result.cutoff} from ${result.chains} chains\n`)
    return 0
  } finally {
    await db.close()
  }
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
