/**
 * PGlite on a worker thread (`pglite-thread.node.mjs`), behind the same database port. PostgreSQL
 * compiled to WebAssembly runs every statement on the thread that calls it: in process, each
 * audit commit took the request thread's time (a third of it under load, as profiled). On its
 * own thread, the commit runs beside request handling, as a PostgreSQL
 * server's does. Statements and rows cross by structured clone, which keeps Dates, arrays and
 * bigints.
 *
 * The worker holds the event loop only while a statement is pending, as the in-process
 * adapter does: a forgotten `close()` does not keep a CLI alive, an awaited query is never cut
 * short. If the thread dies, every pending and later call rejects: the audit trail then fails
 * closed (AUDIT_UNAVAILABLE), it never silently drops an event.
 */
import { Worker } from 'node:worker_threads'
import { pingWith, preparedNames, type Database, type Queryable, type QueryOptions } from './database.js'

type Operation =
  | { op: 'query'; sql: string; params: unknown[]; tx?: number | undefined; prepare?: string | undefined }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' }

interface Reply {
  id?: number
  ready?: boolean
  value?: unknown
  error?: { name: string; message: string; code?: string }
}

interface Waiting {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

const threadFile = new URL('./pglite-thread.node.mjs', import.meta.url)

class PgliteWorkerDatabase implements Database {
  readonly kind = 'pglite' as const
  readonly #worker: Worker
  readonly #unlock: () => Promise<void>
  readonly #waiting = new Map<number, Waiting>()
  #nextId = 0
  readonly #checkName = preparedNames()
  #failure: Error | null = null
  #closed: Promise<void> | null = null

  constructor(worker: Worker, unlock: () => Promise<void>) {
    this.#worker = worker
    this.#unlock = unlock
    worker.on('message', (reply: Reply) => this.#answer(reply))
    worker.on('error', (error) => this.#fail(error))
    worker.on('exit', (code) => this.#fail(new Error(`the embedded database thread stopped (exit code ${code})`)))
    worker.unref()
  }

  #answer(reply: Reply): void {
    if (reply.id === undefined) return
    const waiting = this.#waiting.get(reply.id)
    if (!waiting) return
    this.#waiting.delete(reply.id)
    if (this.#waiting.size === 0) this.#worker.unref()
    if (reply.error)
      waiting.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }, reply.error.code ? { code: reply.error.code } : {}))
    else waiting.resolve(reply.value)
  }

  #fail(error: Error): void {
    this.#failure ??= error
    for (const waiting of this.#waiting.values()) waiting.reject(this.#failure)
    this.#waiting.clear()
  }

  #call<T>(operation: Operation): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure)
    const id = ++this.#nextId
    return new Promise<T>((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref()
      this.#waiting.set(id, { resolve: resolve as (value: unknown) => void, reject })
      this.#worker.postMessage({ id, ...operation })
    })
  }

  /** One statement, on the handle or inside transaction `tx`; a prepared one's name checked here. */
  async #query<R>(sql: string, params: unknown[], options: QueryOptions | undefined, tx?: number): Promise<R[]> {
    const prepare = options?.prepare
    if (prepare !== undefined) this.#checkName(prepare, sql)
    return this.#call<R[]>({ op: 'query', sql, params, tx, prepare })
  }

  query<R = Record<string, unknown>>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<R[]> {
    return this.#query<R>(sql, params, options)
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const tx = await this.#call<number>({ op: 'begin' })
    let result: T
    try {
      result = await fn({ query: <R>(sql: string, params: unknown[] = [], options?: QueryOptions) => this.#query<R>(sql, params, options, tx) })
    } catch (error) {
      await this.#call({ op: 'end', tx, commit: false }).catch(() => undefined)
      throw error
    }
    await this.#call({ op: 'end', tx, commit: true })
    return result
  }

  ping(signal: AbortSignal) {
    return pingWith(() => this.query('select 1'), signal)
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      try {
        if (!this.#failure) await this.#call({ op: 'close' })
      } finally {
        this.#failure ??= new Error('the embedded database is closed')
        await this.#worker.terminate()
        await this.#unlock()
      }
    })()
    return this.#closed
  }
}

/** Starts the thread and waits until PGlite is open there (or its error). */
export async function startPgliteWorker(dataDir: string | undefined, unlock: () => Promise<void>): Promise<Database> {
  const worker = new Worker(threadFile, { workerData: { dataDir } })
  // Only these listeners are removed afterwards: Worker keeps listeners of its own.
  let onMessage: ((reply: Reply) => void) | undefined
  let onError: ((error: Error) => void) | undefined
  let onExit: ((code: number) => void) | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      onMessage = (reply) => (reply.ready ? resolve() : reject(new Error('the embedded database thread did not start')))
      onError = reject
      onExit = (code) => reject(new Error(`the embedded database thread stopped while starting (exit code ${code})`))
      worker.once('message', onMessage).once('error', onError).once('exit', onExit)
    })
  } catch (error) {
    await worker.terminate()
    throw error
  } finally {
    if (onMessage) worker.off('message', onMessage)
    if (onError) worker.off('error', onError)
    if (onExit) worker.off('exit', onExit)
  }
  return new PgliteWorkerDatabase(worker, unlock)
}
