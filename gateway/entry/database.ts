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

/** `/readyz`: without its database the gateway can neither load policies nor (later) audit. */
export const databaseReadiness = (db: Database): ReadinessCheck => ({ name: 'database', critical: true, check: (signal) => db.ping(signal) })
