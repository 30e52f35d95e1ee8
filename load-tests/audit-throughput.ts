/**
 * Audit events committed per second (the target: at least 5,000/s on this 2-core machine), on the
 * embedded PGlite (on disk, as `npm start` runs it) and on a real PostgreSQL server started here
 * on 127.0.0.1. A benchmark, not a test: it prints numbers and asserts nothing.
 *
 * `--concurrency` producers each record an event and wait for its commit before the next, as
 * that many requests in flight would; the writer batches whatever arrives during a commit into
 * the next transaction (group commit). Reported: committed events per second, the wait of one
 * `record` (p50, p99), the mean batch (events per transaction) and this process's CPU time per
 * event (the writer's share of a request's cost). With `--think-ms`, each producer pauses a random
 * 0…think ms between events, as requests arrive unsynchronised behind a gateway.
 *
 *   node --import tsx load-tests/audit-throughput.ts [--seconds 5] [--concurrency 256] [--think-ms 0] [--flush-delay 2]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createAuditWriter, verifyAuditTrail } from '../gateway/audit/index.js'
import { nodeSha256 } from '../gateway/entry/audit.js'
import { migrate, type Database } from '../gateway/database/index.js'
import { openPglite } from '../gateway/database/pglite.node.js'
import { openPostgres } from '../gateway/database/postgres.node.js'
import { testEvent, testSigner } from '../test/audit-fixture.js'
import { findPostgresBin, startPostgres } from '../test/services/postgres.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '256' },
    'think-ms': { type: 'string', default: '0' },
    'flush-delay': { type: 'string' },
  },
})
const SECONDS = Number(values.seconds)
const CONCURRENCY = Number(values.concurrency)
const THINK_MS = Number(values['think-ms'])
const FLUSH_DELAY = values['flush-delay'] === undefined ? {} : { flushDelayMs: Number(values['flush-delay']) }

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/** A realistic event: a granted read with coordinates, grants, subjects and a connector call. */
const sample = () =>
  testEvent({
    endUser: 'can-bo-0042',
    caseId: 'HS-2026-000123',
    operation: { name: 'TraCuuDoanhNghiep', type: 'query', hash: 'a'.repeat(64) },
    coordinates: {
      requested: ['Query.enterprise', 'Enterprise.code', 'Enterprise.nameVi', 'LegalRepresentative.pin'],
      returned: ['Query.enterprise', 'Enterprise.code', 'Enterprise.nameVi', 'LegalRepresentative.pin'],
    },
    grants: ['thue-doanh-nghiep'],
    policyVersion: 3,
    masks: ['LegalRepresentative.pin'],
    subjects: ['kv7_NX-MGwf5fTQX1tMy8j', 'REa9WcEGBEIV4grGv8rPbn'],
    records: 1,
    connectors: [{ connector: 'business', calls: 1, failures: 0, latencyMs: 1.7 }],
  })

async function measure(name: string, db: Database): Promise<Record<string, number | string>> {
  await migrate(db)
  const { sign, jwks } = await testSigner()
  const writer = createAuditWriter({ db, instance: `bench-${name}`, sign, sha256: nodeSha256, ...FLUSH_DELAY })
  // Warm-up: JIT, prepared plans, the first checkpoint.
  await Promise.all(Array.from({ length: 500 }, () => writer.record(sample())))
  const waits: number[] = []
  let committed = 0
  const before = writer.status()
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const stopAt = started + SECONDS * 1000
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < stopAt) {
        const t0 = performance.now()
        await writer.record(sample())
        waits.push(performance.now() - t0)
        committed += 1
        if (THINK_MS > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * THINK_MS))
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const after = writer.status()
  await writer.close()
  const report = await verifyAuditTrail(db, { jwks, sha256: nodeSha256 })
  waits.sort((a, b) => a - b)
  const total = after.committed - before.committed
  return {
    store: name,
    'events/s': Math.round(committed / elapsed),
    'record p50 ms': Number(percentile(waits, 50).toFixed(2)),
    'record p99 ms': Number(percentile(waits, 99).toFixed(2)),
    committed: total,
    'events/commit': Number((total / Math.max(1, after.transactions - before.transactions)).toFixed(1)),
    'CPU µs/event': Math.round((cpu.user + cpu.system) / Math.max(1, total)),
    verified: report.ok ? 'ok' : `FAILED (${report.problems[0]?.message})`,
  }
}

const rows: Array<Record<string, number | string>> = []
const dir = mkdtempSync(join(tmpdir(), 'lgsp-audit-bench-'))
try {
  const pglite = await openPglite({ dataDir: join(dir, 'pglite') })
  try {
    rows.push(await measure('pglite (on disk)', pglite))
  } finally {
    await pglite.close()
  }
  if (findPostgresBin()) {
    const server = await startPostgres({ durable: true })
    try {
      const { url } = await server.createDatabase('audit_bench')
      const db = openPostgres({ url })
      try {
        rows.push(await measure('postgresql', db))
      } finally {
        await db.close()
      }
    } finally {
      await server.stop()
    }
  } else {
    process.stdout.write('PostgreSQL is not installed (apt-get install postgresql): measured PGlite only\n')
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
process.stdout.write(
  `audit group commit, ${CONCURRENCY} producers${THINK_MS ? ` pausing 0–${THINK_MS} ms` : ''}, ${SECONDS} s each (${new Date().toISOString()})\n`,
)
console.table(rows)
