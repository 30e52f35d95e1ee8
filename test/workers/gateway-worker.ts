/**
 * The gateway's own Workers entry (the top-level wrangler.toml) on workerd, on 127.0.0.1, for the
 * tests and the benchmark: given what the Node entry would read from its environment and data
 * directory, as bindings. Its issuer is its own address, so the port is chosen before it starts.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { freePort } from '../services/process.js'
import { repoRoot } from '../gateway-process.js'
import { startTestWorker, type StartedWorker } from './start-worker.js'

/** The key file a Node gateway wrote in its data directory: what GATEWAY_KEYS holds. */
export const readGatewayKeyFile = (dataDir: string) => readFile(join(dataDir, 'keys', 'gateway-keys.json'), 'utf8')

/**
 * `settings`: the variables as the Node entry takes them (DATABASE_URL with PGUSER, UPSTREAM_*,
 * HASH_SECRET …) plus GATEWAY_KEYS. NODE_ENV defaults to `test`; GATEWAY_ISSUER to the address.
 */
export async function startGatewayWorker(settings: Record<string, string>): Promise<StartedWorker> {
  const port = await freePort()
  return startTestWorker(
    join(repoRoot, 'wrangler.toml'),
    { NODE_ENV: 'test', LOG_LEVEL: 'warn', GATEWAY_ISSUER: `http://127.0.0.1:${port}`, ...settings },
    { port },
  )
}
