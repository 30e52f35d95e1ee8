/** What process tests read of the audit trail in a PostgreSQL database, and `lgsp audit verify` on it. */
import pg from 'pg'
import { runLgsp } from '../gateway-process.js'

/** The ones of `requestIds` that have an event in `audit_events`. */
export async function recordedRequestIds(dbUrl: string, requestIds: string[]): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: dbUrl })
  await client.connect()
  try {
    const rows = await client.query<{ request_id: string }>('select request_id from audit_events where request_id = any($1::text[])', [requestIds])
    return new Set(rows.rows.map((row) => row.request_id))
  } finally {
    await client.end()
  }
}

/** `lgsp audit verify --json` with `env` (its DATABASE_URL and DATA_DIR): passed or not, and its report. */
export async function verifyTrail(env: Record<string, string>): Promise<{ ok: boolean; report: any }> {
  try {
    const { stdout } = await runLgsp(env, 'audit', 'verify', '--json')
    return { ok: true, report: JSON.parse(stdout) }
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? '{}'
    return { ok: false, report: JSON.parse(stdout || '{}') }
  }
}
