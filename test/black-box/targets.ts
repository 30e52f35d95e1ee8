/**
 * The two runtimes the black-box suites run against, each started over the same world and
 * stopped by the suite: the Node entry as its own process (as `npm start` runs it), and the
 * Workers entry on workerd (wrangler's local mode). Each answers at its own address and is its
 * own issuer; both serve the world's database and sign with the world's keys.
 */
import { gatewayEnv, startGatewayProcess } from '../gateway-process.js'
import { startGatewayWorker } from '../workers/gateway-worker.js'
import type { BlackBoxWorld } from './world.js'

export interface BlackBoxTarget {
  runtime: 'node' | 'workerd'
  /** `http://127.0.0.1:<port>` */
  url: string
  /** The gateway's issuer: tokens' and assertions' audience. */
  issuer: string
  stop(): Promise<void>
}

export async function startNodeTarget(world: BlackBoxWorld): Promise<BlackBoxTarget> {
  const gateway = await startGatewayProcess(gatewayEnv({ ...world.settings, DATA_DIR: world.dataDir }), {
    timeoutMs: 90_000,
    // Every registry configured: no sandbox, so no example ends the banner.
    ready: (output) => /Issuer:\s+\S+/.test(output),
  })
  const issuer = /Issuer:\s+(\S+)/.exec(gateway.output())?.[1]
  if (!issuer) {
    await gateway.stop()
    throw new Error(`the Node gateway's banner names no issuer:\n${gateway.output()}`)
  }
  return { runtime: 'node', url: gateway.url, issuer, stop: gateway.stop }
}

export async function startWorkerdTarget(world: BlackBoxWorld): Promise<BlackBoxTarget> {
  const worker = await startGatewayWorker(world.settings)
  return { runtime: 'workerd', url: worker.url, issuer: worker.url, stop: worker.stop }
}

export const RUNTIMES = [
  { runtime: 'node', start: startNodeTarget },
  { runtime: 'workerd', start: startWorkerdTarget },
] as const
