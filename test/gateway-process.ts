/**
 * The gateway as its own process (`node --import tsx gateway/entry/node.ts`), as `npm start`
 * runs it: started with a given environment, ready once its banner has printed, stopped by pid.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { killAndWait } from './services/process.js'
import { sleep } from './waiting.js'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Runs `lgsp <args>` (bin/lgsp.js) with `env`, as an operator does beside the gateway; rejects on a non-zero exit. */
export const runLgsp = (env: Record<string, string>, ...args: string[]) =>
  promisify(execFile)(process.execPath, ['bin/lgsp.js', ...args], { cwd: repoRoot, env })

/**
 * The environment a process test gives a gateway: nothing inherited but PATH and HOME, a port
 * the kernel picks, and a small sandbox world (fast to generate); `settings` adds or overrides.
 */
export function gatewayEnv(settings: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LOG_LEVEL: 'warn',
    PORT: '0',
    SANDBOX_CITIZENS: '200',
    SANDBOX_PARCELS: '60',
    SANDBOX_ENTERPRISES: '60',
    ...settings,
  }
}

export interface GatewayProcess {
  child: ChildProcess
  /** `http://127.0.0.1:<port>`, read from the banner. */
  url: string
  /** Everything printed so far, stdout and stderr. */
  output(): string
  /** SIGTERM (the gateway drains and exits), SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>
}

/**
 * Started once `ready` holds of its output. By default: the banner's example (`-d '…'`), its last
 * line, printed only with a sandbox registry; with every registry configured, `Issuer:` (the
 * banner is one write, printed once the server listens).
 */
export async function startGatewayProcess(
  env: Record<string, string>,
  options: { timeoutMs?: number; ready?: (output: string) => boolean } = {},
): Promise<GatewayProcess> {
  const ready = options.ready ?? ((output: string) => output.includes("-d '"))
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/entry/node.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (chunk) => (out += chunk))
  child.stderr?.on('data', (chunk) => (out += chunk))
  const stop = () => killAndWait(child, 'SIGTERM')
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  while (!ready(out)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop()
      throw new Error(`gateway did not start: ${out}`)
    }
    await sleep(50)
  }
  const url = /Gateway:\s+(\S+)\/graphql/.exec(out)?.[1]
  if (!url) throw new Error(`no gateway URL in the banner: ${out}`)
  return { child, url, output: () => out, stop }
}
