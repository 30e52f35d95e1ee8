/**
 * The database port: one PostgreSQL dialect (`$1` parameters) served by PGlite in a
 * single process or by a PostgreSQL server shared by every instance. Runtime-neutral: the
 * adapters (`pglite.node.ts`, `postgres.node.ts`) hold the Node resources and only entries import them.
 */

export interface QueryOptions {
  /**
   * A statement run on every request: the adapter keeps it parsed and planned under this name on
   * each connection, and runs it with one round trip (PGlite) or without its parse (PostgreSQL).
   * The answer is the one the plain statement gives. A name stands for one statement for the
   * life of the handle: the same name with another statement is refused.
   */
  prepare?: string
}

/** Runs one SQL statement and returns its rows. Adapters parse `int8` as a number in both. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<R[]>
}

/**
 * The statements named so far on one handle: refuses a name given to a second statement. Every
 * adapter checks with it, before the name reaches the database (`pg` would only notice on a
 * connection that had already prepared it, so not every time; PGlite not at all).
 */
export function preparedNames(): (name: string, sql: string) => void {
  const named = new Map<string, string>()
  return (name, sql) => {
    const known = named.get(name)
    if (known === undefined) named.set(name, sql)
    else if (known !== sql) throw new Error(`the prepared statement ${name} names another statement`)
  }
}

export interface DatabasePing {
  ok: boolean
  latencyMs?: number
  detail?: string
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres'
  /**
   * Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when
   * it throws (the error is rethrown). Use only `tx` inside: the outer handle may wait for it.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /** A cheap round trip for `/readyz`; never throws, answers by the time `signal` aborts. */
  ping(signal: AbortSignal): Promise<DatabasePing>
  /** Closes connections (and, for PGlite, flushes the data dir). Idempotent. */
  close(): Promise<void>
}

/**
 * `select 1` raced against the signal, for adapters' `ping`: a hung server must not hold
 * `/readyz` past its deadline.
 */
export async function pingWith(query: () => Promise<unknown>, signal: AbortSignal, now: () => number = () => performance.now()): Promise<DatabasePing> {
  const started = now()
  if (signal.aborted) return { ok: false, detail: 'timeout' }
  let onAbort: (() => void) | undefined
  const aborted = new Promise<DatabasePing>((resolve) => {
    onAbort = () => resolve({ ok: false, detail: 'timeout' })
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([
      query().then(
        (): DatabasePing => ({ ok: true, latencyMs: now() - started }),
        (error: unknown): DatabasePing => ({ ok: false, detail: error instanceof Error ? error.message : 'query failed' }),
      ),
      aborted,
    ])
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}

const INT8_OID = 20

/**
 * The type parsers for `pg` (both PostgreSQL adapters): int8 (count(*), sums) read as a number,
 * as PGlite returns it, so callers see one behaviour; every other type as `pg` reads it. Values
 * beyond 2^53 are not expected in this schema (identity columns are int4).
 */
export function int8AsNumber<P extends (oid: number, format?: 'text' | 'binary') => unknown>(pgParser: P): { getTypeParser: P } {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? (value: string) => Number(value) : pgParser(oid, format ?? 'text'))) as P,
  }
}

/**
 * How both `pg` adapters pass a statement: with its name when it is to be kept prepared (`pg`
 * prepares a named statement once per connection and then only binds and executes it). With
 * `named: false` the name is only checked, never sent: a connection per call gains nothing from
 * it, and a pooler in transaction mode in front (PgBouncer before 1.21) would refuse it.
 */
export function pgStatements(
  options: { named?: boolean } = {},
): (sql: string, params: unknown[], queryOptions?: QueryOptions) => { text: string; values: unknown[]; name?: string } {
  const check = preparedNames()
  const named = options.named ?? true
  return (sql, values, queryOptions) => {
    if (queryOptions?.prepare === undefined) return { text: sql, values }
    check(queryOptions.prepare, sql)
    return named ? { name: queryOptions.prepare, text: sql, values } : { text: sql, values }
  }
}
