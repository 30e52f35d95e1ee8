/**
 * The embedded adapter: PGlite (PostgreSQL compiled to WebAssembly) in this process, on a
 * worker thread or the calling one, its data in a directory. Node-only (files); imported by
 * entries, the CLI and tests alone.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { PGlite, type Transaction } from '@electric-sql/pglite'
import { pingWith, preparedNames, type Database, type Queryable, type QueryOptions } from './database.js'
import { preparedStatements } from './pglite-prepared.node.mjs'
import { startPgliteWorker } from './pglite-worker.node.js'
import { processAlive } from '../support/process-alive.node.js'

export interface PgliteOptions {
  /** Where the cluster lives (`DATA_DIR/pglite`); omitted: in memory, for tests. */
  dataDir?: string
  /**
   * Where PGlite runs: on a worker thread (see pglite-worker.ts), or on the calling thread.
   * @default 'worker' with a `dataDir` (the gateway, the CLI), 'main' in memory (tests)
   */
  thread?: 'worker' | 'main'
}

/**
 * PGlite has no lock of its own, and two processes writing one data dir corrupt it. A lock file
 * beside the dir holds the owner's pid; a dead owner's lock is taken over.
 */
async function acquireLock(path: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true })
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600)
      await handle.writeFile(String(process.pid))
      await handle.close()
      return () => rm(path, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim())
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) {
        throw new Error(`the embedded database ${dirname(path)} is in use by process ${owner}; stop it first, or use a PostgreSQL server (DATABASE_URL)`)
      }
      await rm(path, { force: true })
    }
  }
  throw new Error(`could not lock the embedded database (${path})`)
}

class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const
  private closed: Promise<void> | null = null
  private readonly prepared: ReturnType<typeof preparedStatements>
  private readonly checkName = preparedNames()

  constructor(
    private readonly pg: PGlite,
    private readonly unlock: () => Promise<void>,
  ) {
    this.prepared = preparedStatements(pg)
  }

  /** One statement, on the handle or inside `transaction`, plain or kept prepared. */
  private async run<R>(sql: string, params: unknown[], options: QueryOptions | undefined, transaction?: Transaction): Promise<R[]> {
    if (options?.prepare === undefined) return (await (transaction ?? this.pg).query<R>(sql, params)).rows
    this.checkName(options.prepare, sql)
    const rows = transaction
      ? await this.prepared.queryInTransaction(transaction, options.prepare, sql, params)
      : await this.prepared.query(options.prepare, sql, params)
    return rows as R[]
  }

  query<R = Record<string, unknown>>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<R[]> {
    return this.run<R>(sql, params, options)
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => fn({ query: <R>(sql: string, params: unknown[] = [], options?: QueryOptions) => this.run<R>(sql, params, options, tx) }))
  }

  ping(signal: AbortSignal) {
    return pingWith(() => this.pg.query('select 1'), signal)
  }

  close(): Promise<void> {
    this.closed ??= this.pg.close().finally(() => this.unlock())
    return this.closed
  }
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  const thread = options.thread ?? (options.dataDir ? 'worker' : 'main')
  const open = (dataDir: string | undefined, unlock: () => Promise<void>) =>
    thread === 'worker' ? startPgliteWorker(dataDir, unlock) : PGlite.create(dataDir).then((pg) => new PgliteDatabase(pg, unlock))
  if (!options.dataDir) return open(undefined, async () => undefined)
  const unlock = await acquireLock(`${options.dataDir}.lock`)
  try {
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
    return await open(options.dataDir, unlock)
  } catch (error) {
    await unlock()
    throw error
  }
}
