/**
 * The database port: one PostgreSQL dialect (`$1` parameters) served by PGlite in a
 * single process or by a PostgreSQL server shared by every instance. Runtime-neutral: the
 * adapters (`pglite.node.ts`, `postgres.node.ts`) hold the Node resources and only entries import them.
 */

/** Runs one SQL statement and returns its rows. Adapters parse `int8` as a number in both. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>
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
