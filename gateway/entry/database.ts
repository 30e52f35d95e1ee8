import { join } from 'node:path'
import type { Config } from '../config.js'
import type { ReadinessCheck } from '../deps.js'
import type { Logger } from '../logger.js'
import { migrate, type Database } from '../database/index.js'
import { openPglite } from '../database/pglite.node.js'
import { openPostgres } from '../database/postgres.node.js'

/**
 * Opens the database the configuration names (DATABASE_URL: a PostgreSQL server shared by every
 * instance; unset: PGlite in DATA_DIR/pglite) and brings its schema up to date. The gateway and
 * the CLI both open it here, so they always agree on where the data is.
 */
export async function openDatabase(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>, logger?: Logger): Promise<Database> {
  const db = config.DATABASE_URL
    ? openPostgres({ url: config.DATABASE_URL, onError: (error) => logger?.warn({ err: error }, 'database connection lost; the pool reconnects') })
    : await openPglite({ dataDir: join(config.DATA_DIR, 'pglite') })
  try {
    const applied = await migrate(db)
    if (applied.length > 0) logger?.info({ migrations: applied, database: db.kind }, 'database migrated')
    return db
  } catch (error) {
    await db.close()
    throw error
  }
}

/**
 * What the embedded database does not promise, for the log at start in production: PGlite writes
 * each commit to the operating system (a crash of the gateway loses nothing committed) but runs
 * without `fsync`, and its file layer has none, so a power loss can lose the last commits.
 * Null where there is nothing to say: PostgreSQL, or outside production.
 */
export function embeddedDurabilityNotice(config: Pick<Config, 'DATABASE_URL' | 'NODE_ENV'>): string | null {
  if (config.DATABASE_URL || config.NODE_ENV !== 'production') return null
  return 'embedded database (PGlite): commits reach the operating system but are not forced to disk (no fsync); a power loss or kernel crash can lose the last audit events and policy changes: set DATABASE_URL to run on PostgreSQL where that matters'
}

/** `/readyz`: without its database the gateway can neither load policies nor (later) audit. */
export const databaseReadiness = (db: Database): ReadinessCheck => ({ name: 'database', critical: true, check: (signal) => db.ping(signal) })
