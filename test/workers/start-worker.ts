/**
 * Starts a Worker on workerd (wrangler's local mode, no account, no network) on 127.0.0.1 with a
 * free port, and stops it. Persistence off: a test's Durable Objects start empty and leave nothing.
 */
import { unstable_startWorker } from 'wrangler'

export interface StartedWorker {
  url: string
  stop(): Promise<void>
}

/** Plain-text bindings (`[vars]`) to set for this run, e.g. a database URL known only at test time. */
export type WorkerVars = Record<string, string>

export async function startTestWorker(config: string, vars: WorkerVars = {}, options: { port?: number } = {}): Promise<StartedWorker> {
  // Wrangler would otherwise fetch Cloudflare's request metadata and send usage metrics: tests
  // talk to 127.0.0.1 only.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
  process.env.WRANGLER_SEND_METRICS = 'false'
  const worker = await unstable_startWorker({
    config,
    // The CLI derives this from the configuration's flags; the API must be told (else `pg` does not build).
    build: { nodejsCompatMode: (parsed) => (parsed.compatibility_flags?.includes('nodejs_compat') ? 'v2' : null) },
    bindings: Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { type: 'plain_text' as const, value }])),
    dev: {
      server: { hostname: '127.0.0.1', port: options.port ?? 0 },
      inspector: false,
      persist: false,
      watch: false,
      logLevel: 'warn',
      enableContainers: false,
    },
  })
  try {
    await worker.ready
    const url = String(await worker.url).replace(/\/$/, '')
    return { url, stop: () => worker.dispose() }
  } catch (error) {
    await worker.dispose()
    throw error
  }
}
