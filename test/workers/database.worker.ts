/**
 * A Worker for the Workers database adapter's test on workerd: statements sent over HTTP run
 * through `openPostgresPerCall` against the PostgreSQL the test started, over workerd's sockets.
 */
import { openPostgresPerCall } from '../../gateway/database/postgres.workers.js'

interface Env {
  DATABASE_URL: string
}

interface Statement {
  sql: string
  params?: unknown[]
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const db = openPostgresPerCall({ url: env.DATABASE_URL, connectionTimeoutMs: 1000 })
    const { pathname } = new URL(request.url)
    try {
      if (pathname === '/ping') return Response.json(await db.ping(AbortSignal.timeout(2000)))
      const body = (await request.json()) as { statements: Statement[]; fail?: boolean }
      if (pathname === '/query') {
        const results = []
        for (const statement of body.statements) results.push(await db.query(statement.sql, statement.params))
        return Response.json(results)
      }
      if (pathname === '/transaction') {
        const results = await db.transaction(async (tx) => {
          const rows = []
          for (const statement of body.statements) rows.push(await tx.query(statement.sql, statement.params))
          if (body.fail) throw new Error('the caller asked for a rollback')
          return rows
        })
        return Response.json(results)
      }
      return Response.json({ error: 'not found' }, { status: 404 })
    } catch (error) {
      return Response.json({ error: error instanceof Error ? error.message : 'error' }, { status: 503 })
    } finally {
      await db.close()
    }
  },
}
