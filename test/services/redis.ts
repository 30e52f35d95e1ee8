/**
 * A real `redis-server` (Debian package) for tests, on 127.0.0.1 and a free port, in a temp dir,
 * with no persistence. Every process started here is stopped by `stop()` or, at the latest, when
 * the test process exits. CI installs the binary with `apt-get install redis-server`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findOnPath } from './binaries.js'
import { freePort, killAndWait } from './process.js'
import { sleep } from '../waiting.js'

export interface RedisService {
  url: string
  port: number
  /** SIGTERM (SIGKILL after 5 s), then removes the temp dir. Idempotent. */
  stop(): Promise<void>
  /** SIGKILL: a crash. The port closes at once; `restart()` brings it back. */
  kill(): Promise<void>
  /** Starts a fresh, empty server on the same port (after `kill()`, or stops the live one first). */
  restart(): Promise<void>
  /** SIGSTOP: the server hangs with its connections open (a stuck or partitioned Redis). */
  pause(): Promise<void>
  /** SIGCONT after `pause()`. */
  resume(): Promise<void>
}

const INSTALL_HINT = 'redis-server is not on PATH: run `apt-get install redis-server` (Debian), or the tests as root (the test setup installs it)'
const live = new Set<ChildProcess>()
let exitHookInstalled = false

/** Path of the redis-server binary on PATH (the test setup puts one there, or stops the run), or null. */
export const findRedisServer = (): string | null => findOnPath('redis-server')

export interface StartRedisOptions {
  /**
   * Start a one-node Redis Cluster (cluster mode on, all 16384 slots on this node), to exercise
   * the Cluster client. @default false
   */
  cluster?: boolean
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisService> {
  const binary = findRedisServer()
  if (!binary) throw new Error(INSTALL_HINT)
  installExitHook()
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-redis-'))
  const cluster = options.cluster ?? false
  let child: ChildProcess | null = await launch(binary, port, dir, cluster)
  if (cluster) await assignAllSlots(port, () => child)
  let stopped = false

  async function terminate(signal: NodeJS.Signals): Promise<void> {
    const current = child
    child = null
    if (current) await killAndWait(current, signal, { continueFirst: true })
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (stopped) return
      stopped = true
      await terminate('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
    kill: () => terminate('SIGKILL'),
    async restart() {
      if (stopped) throw new Error('redis-server was stopped; start a new one')
      await terminate('SIGTERM')
      child = await launch(binary, port, dir, cluster)
    },
    async pause() {
      child?.kill('SIGSTOP')
    },
    async resume() {
      child?.kill('SIGCONT')
    },
  }
}

async function launch(binary: string, port: number, dir: string, cluster: boolean): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, '--logfile', '']
  if (cluster) {
    // Without an announced IP a lone node reports an empty host in CLUSTER SLOTS, and clients
    // cannot route to it. nodes.conf stays in `dir`, so a restart keeps the slots.
    args.push('--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1', '--cluster-config-file', join(dir, 'nodes.conf'))
  }
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(child)
  let output = ''
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  child.once('exit', () => live.delete(child))
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`redis-server failed to start: ${error.message}`)))
    child.once('exit', (code, signal) => reject(new Error(`redis-server exited (${code ?? signal}) before answering PING:\n${output}`)))
  })
  exited.catch(() => undefined)
  const deadline = Date.now() + 10_000
  try {
    for (;;) {
      const answered = await Promise.race([pingOnce(port), exited])
      if (answered) return child
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within 10 s:\n${output}`)
      await sleep(50)
    }
  } catch (error) {
    await killAndWait(child, 'SIGKILL', { continueFirst: true })
    throw error
  }
}

/** Sends PING on a raw socket; true when +PONG comes back within 500 ms. */
async function pingOnce(port: number): Promise<boolean> {
  return (await inlineCommand(port, 'PING'))?.startsWith('+PONG') ?? false
}

/** Gives every slot to this one node and waits (≤ 10 s) until it reports cluster_state:ok. */
async function assignAllSlots(port: number, current: () => ChildProcess | null): Promise<void> {
  const reply = await inlineCommand(port, 'CLUSTER ADDSLOTSRANGE 0 16383')
  if (!reply?.startsWith('+OK')) {
    await killAndWait(current() as ChildProcess, 'SIGKILL', { continueFirst: true })
    throw new Error(`redis-server refused CLUSTER ADDSLOTSRANGE: ${reply}`)
  }
  const deadline = Date.now() + 10_000
  let info: string | null = null
  while (Date.now() < deadline) {
    info = await inlineCommand(port, 'CLUSTER INFO')
    if (info?.includes('cluster_state:ok')) return
    await sleep(50)
  }
  await killAndWait(current() as ChildProcess, 'SIGKILL', { continueFirst: true })
  throw new Error(`one-node cluster on port ${port} not ok within 10 s:\n${info}`)
}

/** One inline command on a fresh raw socket; the whole reply (simple or bulk), or null. */
function inlineCommand(port: number, line: string): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    let reply = ''
    const done = (result: string | null) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(500, () => done(null))
    socket.once('error', () => done(null))
    socket.once('connect', () => socket.write(`${line}\r\n`))
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8')
      const headerEnd = reply.indexOf('\r\n')
      if (headerEnd < 0) return
      const bulk = /^\$(\d+)/.exec(reply)
      if (!bulk) return done(reply)
      const body = reply.slice(headerEnd + 2)
      if (Buffer.byteLength(body) >= Number(bulk[1]) + 2) done(body.slice(0, -2))
    })
  })
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL')
  })
}
