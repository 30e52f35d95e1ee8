/**
 * The shared adapter: a PostgreSQL server through a `pg` connection pool. Node-only (sockets);
 * imported by entries, the CLI and tests alone.
 */
import pg from 'pg'
import { int8AsNumber, pgStatements, pingWith, type Database, type Queryable, type QueryOptions } from './database.js'

export interface PostgresOptions {
  /** `postgres://user@host:port/db` (config.ts has refused credentials in it: use PG* variables or .pgpass). */
  url: string
  /** @default 10 */
  max?: number
  /** How long to wait for a connection before a query fails, so a dead server fails fast. @default 2000 */
  connectionTimeoutMs?: number
  /** Called when an idle connection breaks (the server restarted); the pool replaces it. */
  onError?: (error: Error) => void
}

const types = int8AsNumber(pg.types.getTypeParser)

class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const
  private closed: Promise<void> | null = null
  private readonly statement = pgStatements()

  constructor(private readonly pool: pg.Pool) {}

  async query<R = Record<string, unknown>>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<R[]> {
    return (await this.pool.query(this.statement(sql, params, options))).rows as R[]
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    let broken: Error | undefined
    // A checked-out connection has no listener of the pool's: one that breaks while no statement
    // is running (the server killed between two statements) would emit 'error' unheard and crash
    // the process. Heard here, it fails this transaction and is not handed back.
    const onError = (error: Error) => {
      broken ??= error
    }
    client.on('error', onError)
    try {
      await client.query('begin')
      const result = await fn({
        query: async <R>(sql: string, params: unknown[] = [], options?: QueryOptions) => (await client.query(this.statement(sql, params, options))).rows as R[],
      })
      await client.query('commit')
      return result
    } catch (error) {
      try {
        await client.query('rollback')
      } catch (rollbackError) {
        // The connection is unusable (server gone): do not hand it back to the pool.
        broken ??= rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))
      }
      throw error
    } finally {
      client.removeListener('error', onError)
      client.release(broken)
    }
  }

  ping(signal: AbortSignal) {
    return pingWith(() => this.pool.query('select 1'), signal)
  }

  close(): Promise<void> {
    this.closed ??= this.pool.end()
    return this.closed
  }
}

export function openPostgres(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 2000,
    types,
  })
  // Without a listener an idle connection's error (server restart) would crash the process.
  pool.on('error', (error) => options.onError?.(error))
  return new PostgresDatabase(pool)
}
