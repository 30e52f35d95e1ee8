/**
 * Durable dossier steps per second, and how long a step takes to reach its receiver. A benchmark,
 * not a test: it prints numbers and asserts nothing.
 *
 * On the embedded PGlite (on disk, as `npm start` runs it) and on PostgreSQL (started here, on
 * loopback): each step is the whole write a mutation makes (dossier row locked and raised, its
 * progress entry, its audit event on a step chain, one or two outbox messages, the answer kept
 * under its Idempotency-Key), from `concurrency` dossiers moving at once. Then the same with the
 * delivery worker running: every message pushed over HTTP (signed, as in production) to a receiver
 * on 127.0.0.1, and the push latency measured from the step's commit time to its arrival.
 *
 *   node --import tsx load-tests/exchange-throughput.ts [--dossiers N] [--concurrency C] [--workers W] [--chains N] [--only pglite|postgres]
 *
 * Targets: ≥ 1,000 steps per second on PostgreSQL on a 2-core machine; p99 push latency ≤ 1 s.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { generateKeyPair } from 'jose'
import { partnerWire, signPush } from '../connectors/index.js'
import { createCheckpointSigner, createStepChains } from '../gateway/audit/index.js'
import { migrate, type Database } from '../gateway/database/index.js'
import { openPglite } from '../gateway/database/pglite.node.js'
import { openPostgres } from '../gateway/database/postgres.node.js'
import { nodeSha256 } from '../gateway/entry/audit.js'
import { createDeliveryWorker, createDossierStore, createOutbox, httpPush, type DossierStep } from '../gateway/exchange/index.js'
import { startPostgres } from '../test/services/postgres.js'

const { values } = parseArgs({
  options: {
    dossiers: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '32' },
    workers: { type: 'string', default: '4' },
    chains: { type: 'string', default: '16' },
    only: { type: 'string' },
  },
})
const DOSSIERS = Number(values.dossiers)
const CONCURRENCY = Number(values.concurrency)
const WORKERS = Number(values.workers)
const CHAINS = Number(values.chains)
const DESK = 'mot-cua-phuong-hong-ha'
const DEPT = 'vpdk-dat-dai-ha-noi'

/** The steps of one dossier after submission, each with who takes it: seven in all. */
const PATH: Array<[Exclude<DossierStep, 'submit'>, string, string?]> = [
  ['accept', DESK],
  ['transfer', DESK, DEPT],
  ['requestSupplement', DEPT],
  ['supplement', DESK],
  ['finish', DEPT],
  ['returnResult', DESK],
]

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

async function receiver(): Promise<{ url: string; latencies: number[]; close(): Promise<void> }> {
  const latencies: number[] = []
  const seen = new Set<string>()
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      const id = String(request.headers['idempotency-key'])
      if (!seen.has(id)) {
        seen.add(id)
        latencies.push(Date.now() - Date.parse((JSON.parse(body) as { at: string }).at))
      }
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    latencies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

async function run(name: string, db: Database): Promise<void> {
  await migrate(db)
  const { privateKey } = await generateKeyPair('ES256')
  const key = { kid: 'bench', privateKey }
  const chains = createStepChains({ sign: createCheckpointSigner(() => key), sha256: nodeSha256, chains: CHAINS })
  const store = createDossierStore(db, { audit: chains })
  let counter = 0
  let run = 0
  const event = (actor: string) => ({
    actor,
    event: ({ dossier, step, seq, at }: { dossier: { code: string }; step: string; seq: number; at: Date }) => ({
      v: 1 as const,
      id: crypto.randomUUID(),
      at: at.toISOString(),
      kind: 'dossier.step' as const,
      requestId: crypto.randomUUID(),
      instance: 'bench',
      agency: actor,
      caseId: dossier.code,
      decision: 'ok' as const,
      status: 200,
      subjects: ['AAAAAAAAAAAAAAAAAAAAAA'],
      latencyMs: 0,
      detail: { step, seq },
    }),
  })

  /** `dossiers` dossiers through their whole path, `concurrency` at a time; returns steps and seconds. */
  async function steps(dossiers: number): Promise<{ steps: number; seconds: number }> {
    run += 1
    let next = 0
    let done = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < dossiers) {
          next += 1
          const code = `G09.20-2026${String(run).padStart(4, '0')}-${String(++counter).padStart(7, '0')}`
          const submitted = await store.submit(
            { code, procedure: '1.004227', channel: 2, applicant: '001085000101' },
            { ...event(DESK), idempotencyKey: `k-${code}-0`, requestHash: 'a'.repeat(64) },
          )
          if (!submitted.ok) throw new Error(submitted.message)
          for (const [index, [step, actor, target]] of PATH.entries()) {
            const result = await store.step(code, step, {
              ...event(actor),
              ...(target ? { target } : {}),
              idempotencyKey: `k-${code}-${index + 1}`,
              requestHash: 'a'.repeat(64),
            })
            if (!result.ok) throw new Error(result.message)
          }
          done += PATH.length + 1
        }
      }),
    )
    return { steps: done, seconds: (performance.now() - started) / 1000 }
  }

  const plain = await steps(DOSSIERS)
  process.stdout.write(
    `${name.padEnd(9)} steps only      ${plain.steps} steps in ${plain.seconds.toFixed(2)} s = ${Math.round(plain.steps / plain.seconds)} steps/s (concurrency ${CONCURRENCY})\n`,
  )

  // Everything written so far is delivered first (not measured), so the latencies are the new steps'.
  const target = await receiver()
  const outbox = createOutbox(db, { leaseMs: 30_000 })
  const push = httpPush({
    endpointOf: () => ({ url: target.url, wire: partnerWire('canonical') }),
    sign: (request) => signPush({ ...request, key }),
    timeoutMs: 5000,
  })
  const workers = Array.from({ length: WORKERS }, () => createDeliveryWorker({ outbox, push, batch: 64, idleMs: 20 }))
  await Promise.all(workers.map((worker) => worker.drain(100_000)))
  target.latencies.length = 0
  for (const worker of workers) worker.start()
  const delivered = await steps(DOSSIERS)
  const messages = delivered.steps + DOSSIERS * 4 // the portal hears of every step; the next holder of four of them
  const drainStarted = performance.now()
  while (target.latencies.length < messages && performance.now() - drainStarted < 120_000) await new Promise((resolve) => setTimeout(resolve, 20))
  const tail = (performance.now() - drainStarted) / 1000
  for (const worker of workers) await worker.stop()
  await target.close()
  const sorted = [...target.latencies].sort((a, b) => a - b)
  process.stdout.write(
    `${name.padEnd(9)} with delivery  ${delivered.steps} steps in ${delivered.seconds.toFixed(2)} s = ${Math.round(delivered.steps / delivered.seconds)} steps/s; ` +
      `${sorted.length}/${messages} pushes (${WORKERS} workers, signed), the last ${tail.toFixed(2)} s after the last step; ` +
      `push latency p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1)} ms\n`,
  )
  await chains.seal(db)
}

const work = mkdtempSync(join(tmpdir(), 'lgsp-bench-exchange-'))
try {
  process.stdout.write(`${DOSSIERS} dossiers × ${PATH.length + 1} steps each, per database\n`)
  if (values.only !== 'postgres') {
    const pglite = await openPglite({ dataDir: join(work, 'pglite') })
    try {
      await run('pglite', pglite)
    } finally {
      await pglite.close()
    }
  }
  if (values.only === 'pglite') process.exit(0)
  const server = await startPostgres({ durable: true })
  try {
    const database = await server.createDatabase('bench_exchange')
    const postgres = openPostgres({ url: database.url, max: 20 })
    try {
      await run('postgres', postgres)
    } finally {
      await postgres.close()
    }
  } finally {
    await server.stop()
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
