// @ts-check
// Named prepared statements on PGlite, which has none of its own: each `query` call parses and
// plans its statement again and crosses into WebAssembly six times (parse, describe, bind,
// describe, execute, sync). A statement run on every request (the audit trail's insert) is
// parsed once here under its name, and each later run is one crossing: Bind, Describe, Execute
// and Sync together. The audit insert in batches of 12, measured alone: 95-177 µs of CPU per
// event prepared, against 139-324 through `query`. Values are serialised and rows parsed as
// `query` does them (the instance's serializers and parsers by type), so a prepared statement
// answers as the plain one (the conformance suite compares them).
//
// Plain JavaScript on purpose: the worker thread (pglite-thread.node.mjs) loads it without a
// TypeScript loader; the in-process adapter (pglite.node.ts) imports it too.
import { messages as backend, types } from '@electric-sql/pglite'
import { serialize } from 'pg-protocol'

/** @typedef {{ sql: string, parameterTypes: number[] }} Prepared */

/**
 * @param {import('@electric-sql/pglite').PGlite} pg
 */
export function preparedStatements(pg) {
  /** @type {Map<string, Prepared>} */
  const prepared = new Map()

  // Not synced per exchange: like `query`, the caller syncs once, outside a transaction.
  /** @param {Uint8Array[]} parts */
  const exchange = async (parts) => (await pg.execProtocol(Buffer.concat(parts), { syncToFs: false })).messages

  /** @param {string} name @param {string} sql @returns {Promise<Prepared>} */
  async function prepare(name, sql) {
    const messages = await exchange([serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync()])
    const description = messages.find((message) => message instanceof backend.ParameterDescriptionMessage)
    /** @type {Prepared} */
    const statement = { sql, parameterTypes: description ? [...description.dataTypeIDs] : [] }
    prepared.set(name, statement)
    return statement
  }

  /**
   * Runs `sql` as the statement named `name`, preparing it on first use. The caller holds
   * PGlite's query lock (and its transaction lock outside a transaction), as `query` does, and
   * has checked that the name stands for this statement (`preparedNames` in database.ts).
   * @param {string} name
   * @param {string} sql
   * @param {unknown[]} params
   * @returns {Promise<Record<string, unknown>[]>}
   */
  async function run(name, sql, params) {
    const statement = prepared.get(name) ?? (await prepare(name, sql))
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null
      const serializer = pg.serializers[/** @type {number} */ (statement.parameterTypes[i])]
      return serializer ? serializer(value) : String(value)
    })
    const messages = await exchange([serialize.bind({ statement: name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()])
    /** @type {{ name: string, dataTypeID: number }[]} */
    let fields = []
    /** @type {Record<string, unknown>[]} */
    const rows = []
    for (const message of messages) {
      if (message instanceof backend.RowDescriptionMessage) fields = message.fields.map((field) => ({ name: field.name, dataTypeID: field.dataTypeID }))
      else if (message instanceof backend.DataRowMessage)
        rows.push(
          Object.fromEntries(
            message.fields.map((value, i) => {
              const field = /** @type {{ name: string, dataTypeID: number }} */ (fields[i])
              return [field.name, types.parseType(value, field.dataTypeID, pg.parsers)]
            }),
          ),
        )
    }
    return rows
  }

  return {
    /**
     * Outside a transaction: waits for any open transaction, as `pg.query` does, so the
     * statement never runs inside another caller's transaction.
     * @param {string} name @param {string} sql @param {unknown[]} params
     */
    async query(name, sql, params) {
      await pg._checkReady()
      return pg._runExclusiveTransaction(() =>
        pg._runExclusiveQuery(async () => {
          const rows = await run(name, sql, params)
          await pg.syncToFs()
          return rows
        }),
      )
    },
    /**
     * Inside a transaction whose callback is running (its lock is held). A handle kept past its
     * transaction is refused, as PGlite refuses it a plain query: it holds no lock any more, and
     * would run inside whichever transaction is open then.
     * @param {{ closed: boolean }} transaction @param {string} name @param {string} sql @param {unknown[]} params
     */
    async queryInTransaction(transaction, name, sql, params) {
      if (transaction.closed) throw new Error('Transaction is closed')
      await pg._checkReady()
      return pg._runExclusiveQuery(() => run(name, sql, params))
    },
  }
}
