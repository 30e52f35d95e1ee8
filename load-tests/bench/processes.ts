/**
 * The bench's child processes: each target is `server.ts <target>` in its own process, ready when
 * it prints `BENCH_READY <json>`. Every process started here is stopped by `stop()`, and by an
 * exit hook if the runner dies first.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startPostgres, type PostgresService } from '../../test/services/postgres.js'
import { killAndWait } from '../../test/services/process.js'
import { startRedis, type RedisService } from '../../test/services/redis.js'
import { onCpus } from './cpu-placement.js'

/** Where a gateway target hands out fresh access tokens to the runner (they live five minutes). */
export const TOKENS_PATH = '/__bench/tokens'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const live = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

export interface BenchServer<T> {
  child: ChildProcess
  info: T
  stop(): Promise<void>
}

/** The only host the bench loads: it never sends traffic anywhere but this machine's loopback. */
export function assertLoopback(url: string): URL {
  const parsed = new URL(url)
  if (parsed.hostname !== '127.0.0.1') throw new Error(`refusing to load ${url}: the bench only targets servers on 127.0.0.1`)
  return parsed
}

export interface BenchServerOptions {
  /** Node options before the script (`--cpu-prof …`). */
  nodeArgs?: string[]
  /** How long it may take to print BENCH_READY. @default 90 s */
  timeoutMs?: number
  /** Another server script speaking the same protocol (the peer's); `target` is then its label. */
  script?: string
  /** The CPUs it starts on (`taskset -c`, see cpu-placement.ts); else this process's. */
  cpus?: string
}

export async function startBenchServer<T>(target: string, env: Record<string, string>, options: BenchServerOptions = {}): Promise<BenchServer<T>> {
  const { nodeArgs = [], timeoutMs = 90_000, script, cpus } = options
  const args = script ? [script] : [join(repoRoot, 'load-tests', 'bench', 'server.ts'), target]
  // taskset execs the command: the child's pid is node's own.
  const [command, ...commandArgs] = onCpus(cpus, [process.execPath, ...nodeArgs, '--import', 'tsx', ...args])
  const child = spawn(command!, commandArgs, {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  child.once('exit', () => live.delete(child))
  let out = ''
  let err = ''
  child.stdout!.on('data', (chunk) => (out += chunk))
  child.stderr!.on('data', (chunk) => (err += chunk))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) await killAndWait(child, 'SIGTERM')
    live.delete(child)
  }
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const line = out.split('\n').find((l) => l.startsWith('BENCH_READY '))
    if (line) return { child, info: JSON.parse(line.slice('BENCH_READY '.length)) as T, stop }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop()
      throw new Error(`bench server ${target} did not start:\n${out}\n${err}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Redis and a durable PostgreSQL (`fsync` on), started at once. Each one that starts goes on
 * `stoppers` before anything is thrown, so a failure of the other leaves no server behind.
 */
export async function startRedisAndPostgres(stoppers: Array<() => Promise<void>>): Promise<{ redis: RedisService; postgres: PostgresService }> {
  const [redis, postgres] = await Promise.allSettled([startRedis(), startPostgres({ durable: true })])
  for (const service of [redis, postgres]) if (service.status === 'fulfilled') stoppers.push(service.value.stop)
  if (redis.status === 'rejected') throw redis.reason
  if (postgres.status === 'rejected') throw postgres.reason
  return { redis: redis.value, postgres: postgres.value }
}
