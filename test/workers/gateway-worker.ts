/**
 * The gateway's own Workers entry (the top-level wrangler.toml) on workerd, on 127.0.0.1, for the
 * tests and the benchmark: given what the Node entry would read from its environment and data
 * directory, as bindings. Its issuer is its own address, so the port is chosen before it starts.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { migrate } from '../../gateway/database/index.js'
import { openPostgres } from '../../gateway/database/postgres.node.js'
import { openPolicyStore } from '../../gateway/entry/policies.js'
import { createFileKeyStore } from '../../gateway/identity/keys/file-key-store.node.js'
import { ensureKeySet } from '../../gateway/identity/keys/index.js'
import type { PolicyFile } from '../../policies/index.js'
import { freePort } from '../services/process.js'
import { repoRoot } from '../gateway-process.js'
import { startTestWorker, type StartedWorker } from './start-worker.js'

/**
 * A new gateway key set written into `dataDir` as the Node entry keeps it, and the file's text:
 * what GATEWAY_KEYS holds, so a Node gateway on that directory and a Worker sign with one key.
 */
export async function writeGatewayKeyFile(dataDir: string): Promise<string> {
  await createFileKeyStore({ dir: dataDir }).save(await ensureKeySet(null, Date.now()))
  return readFile(join(dataDir, 'keys', 'gateway-keys.json'), 'utf8')
}

/** Migrates the database and makes `files` its active policy version: a Worker bootstraps from nothing else. */
export async function applyPolicies(url: string, files: PolicyFile[], by: { author: string; message: string }): Promise<void> {
  const db = openPostgres({ url })
  try {
    await migrate(db)
    await openPolicyStore(db).apply(files, by)
  } finally {
    await db.close()
  }
}

/** The longest the Worker's first build may take (a busy machine, a fresh database to migrate). */
const FIRST_BUILD_MS = 120_000

/**
 * `settings`: the variables as the Node entry takes them (DATABASE_URL with PGUSER, UPSTREAM_*,
 * HASH_SECRET …) plus GATEWAY_KEYS. NODE_ENV defaults to `test`; GATEWAY_ISSUER to the address.
 * Resolves once the gateway is built and answers.
 */
export async function startGatewayWorker(settings: Record<string, string>): Promise<StartedWorker> {
  const port = await freePort()
  const worker = await startTestWorker(
    join(repoRoot, 'wrangler.toml'),
    { NODE_ENV: 'test', LOG_LEVEL: 'warn', GATEWAY_ISSUER: `http://127.0.0.1:${port}`, ...settings },
    { port },
  )
  // The first request builds the gateway and waits for it (requests meanwhile get 503): made
  // here, so a failure to start shows at once, and no caller's first request, with a deadline
  // of its own, meets a gateway still building on a busy machine.
  const problem = await fetch(`${worker.url}/healthz`, { signal: AbortSignal.timeout(FIRST_BUILD_MS) }).then(
    async (health) => (health.status === 200 ? null : `${health.status} ${await health.text()}`),
    (error: unknown) => String(error),
  )
  if (problem !== null) {
    await worker.stop()
    throw new Error(`the Workers entry did not start: ${problem}`)
  }
  return worker
}
