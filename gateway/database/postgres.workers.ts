/**
 * The database port on the Workers runtime: PostgreSQL over the runtime's TCP sockets (`pg` with
 * `nodejs_compat` uses `cloudflare:sockets`), a connection per call. A Worker may not use a
 * socket opened for another request, so there is no pool here: the pooling is the platform's
 * (a Hyperdrive connection string, or a pooler in front of PostgreSQL). Under Node it runs the
 * same (the conformance suite checks it against a real server).
 */
import pg from 'pg'
import { int8AsNumber, pgStatements, pingWith, type Database, type Queryable, type QueryOptions } from './database.js'

export interface PostgresPerCallOptions {
  /** `postgres://user:password@host:port/db`, or a Hyperdrive binding's `connectionString`. */
  url: string
  /** Kept out of the URL, as the Node entry keeps them in PGUSER and PGPASSWORD. */
  user?: string
  password?: string
  /** How long to wait for a connection before a call fails, so a dead server fails fast. @default 2000 */
  connectionTimeoutMs?: number
}

const types = int8AsNumber(pg.types.getTypeParser)

/** Opens the port: nothing connects until the first call. */
export function openPostgresPerCall(options: PostgresPerCallOptions): Database {
  let closed = false

  async function withClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
    if (closed) throw new Error('the database handle is closed')
    const client = new pg.Client({
      connectionString: options.url,
      ...(options.user ? { user: options.user } : {}),
      ...(options.password ? { password: options.password } : {}),
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 2000,
      types,
    })
    // A connection that breaks between statements emits 'error': heard here, the call fails
    // instead of the isolate.
    client.on('error', () => undefined)
    await client.connect()
    try {
      return await use(client)
    } finally {
      await client.end().catch(() => undefined)
    }
  }

  // A connection per call would prepare a named statement every time: names are only checked
  // (the same name with another statement is refused, as on the pooled adapter), never sent.
  const statement = pgStatements({ named: false })
  const query = <R>(sql: string, params: unknown[] = [], options?: QueryOptions) =>
    withClient(async (client) => (await client.query(statement(sql, params, options))).rows as R[])

  return {
    kind: 'postgres',
    query,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      withClient(async (client) => {
        await client.query('begin')
        try {
          const result = await fn({
            query: async <R>(sql: string, params: unknown[] = [], options?: QueryOptions) => (await client.query(statement(sql, params, options))).rows as R[],
          })
          await client.query('commit')
          return result
        } catch (error) {
          // The connection is closed right after either way: a failed rollback changes nothing.
          await client.query('rollback').catch(() => undefined)
          throw error
        }
      }),
    ping: (signal) => pingWith(() => query('select 1'), signal),
    async close() {
      closed = true
    },
  }
}
