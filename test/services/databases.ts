/**
 * Both database adapters for a table of tests: PGlite in memory, and a fresh database on a real
 * PostgreSQL server that this helper starts before the file's tests and stops after them.
 */
import { afterAll, beforeAll } from 'vitest'
import type { Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { openPostgres } from '../../gateway/database/postgres.node.js'
import { startPostgres, type PostgresService } from './postgres.js'

export interface DatabaseAdapter {
  name: 'pglite' | 'postgres'
  open(): Promise<Database>
}

/** Call at the top of a test file; `server()` is the PostgreSQL server once the file's tests run. */
export function bothDatabases(prefix: string): { adapters: DatabaseAdapter[]; server: () => PostgresService; fresh: () => Promise<string> } {
  let server: PostgresService | undefined
  let count = 0
  beforeAll(async () => {
    server = await startPostgres()
  })
  afterAll(async () => {
    await server?.stop()
  })
  const running = () => {
    if (!server) throw new Error('the PostgreSQL server starts in beforeAll: use it inside a test or a hook')
    return server
  }
  /** The URL of a new, empty database on the server. */
  const fresh = async () => (await running().createDatabase(`${prefix}_${++count}`)).url
  return {
    adapters: [
      { name: 'pglite', open: () => openPglite() },
      { name: 'postgres', open: async () => openPostgres({ url: await fresh() }) },
    ],
    server: running,
    fresh,
  }
}
