// The embedded PostgreSQL (PGlite) on a thread of its own: see pglite-worker.node.ts, which starts
// this file and speaks to it. Plain JavaScript on purpose: a worker thread is started from a
// file, and this one must load under any runner (tsx, vitest, plain node) without a TypeScript
// loader. It only forwards statements; the protocol is typed on the other side.
//
// Messages in:  { id, op: 'query', sql, params, tx?, prepare? } | { id, op: 'begin' }
//               | { id, op: 'end', tx, commit } | { id, op: 'close' }
// Messages out: { id, value } | { id, error: { name, message, code } }
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'
import { preparedStatements } from './pglite-prepared.node.mjs'

const port = parentPort
if (!port) throw new Error('pglite-thread.node.mjs runs as a worker thread only')

/** Thrown inside PGlite's transaction callback to roll it back without an error to report. */
const ROLLBACK = Symbol('rollback')

/** Open transactions by id: their statement runner, how to finish them, and their outcome. */
const transactions = new Map()
let nextTransaction = 0

const pg = await PGlite.create(workerData?.dataDir ? workerData.dataDir : undefined)
const prepared = preparedStatements(pg)

function begin() {
  const tx = ++nextTransaction
  return new Promise((ready, fail) => {
    const open = { query: null, finish: null, outcome: null }
    let started = false
    open.outcome = pg
      .transaction(async (handle) => {
        open.query = (sql, params, prepare) =>
          prepare === undefined ? handle.query(sql, params).then((result) => result.rows) : prepared.queryInTransaction(handle, prepare, sql, params)
        const commit = await new Promise((finish) => {
          open.finish = finish
          transactions.set(tx, open)
          started = true
          ready(tx)
        })
        if (!commit) throw ROLLBACK
      })
      .catch((error) => {
        if (error !== ROLLBACK) throw error
      })
      .finally(() => transactions.delete(tx))
    // A transaction that could not even begin is the caller's error; a later one is end()'s.
    open.outcome.catch((error) => {
      if (!started) fail(error)
    })
  })
}

async function end(tx, commit) {
  const open = transactions.get(tx)
  if (!open) throw new Error(`no open transaction ${tx}`)
  open.finish(commit)
  await open.outcome
  return null
}

async function handle(message) {
  switch (message.op) {
    case 'query': {
      if (message.tx !== undefined) {
        const open = transactions.get(message.tx)
        if (!open) throw new Error(`no open transaction ${message.tx}`)
        return open.query(message.sql, message.params, message.prepare)
      }
      if (message.prepare !== undefined) return prepared.query(message.prepare, message.sql, message.params)
      return (await pg.query(message.sql, message.params)).rows
    }
    case 'begin':
      return begin()
    case 'end':
      return end(message.tx, message.commit)
    case 'close':
      await pg.close()
      return null
    default:
      throw new Error(`unknown operation ${String(message.op)}`)
  }
}

function serialiseError(error) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  return { name: error.name, message: error.message, ...(typeof error.code === 'string' ? { code: error.code } : {}) }
}

port.on('message', (message) => {
  handle(message).then(
    (value) => port.postMessage({ id: message.id, value }),
    (error) => port.postMessage({ id: message.id, error: serialiseError(error) }),
  )
})
port.postMessage({ ready: true })
