/**
 * The audit writer in a Durable Object (the Workers runtime). A Worker cannot group-commit
 * itself: a request may not wait on a promise another request's I/O settles, and the runtime
 * cancels it. Inside one object it may, so the object runs the same writer as a Node process (one
 * hash chain, group commit, signed checkpoints), and each request's Worker waits for its own call
 * to it. The object answers 200 once the event is committed, 503 when it cannot be: the caller
 * then fails closed, as it does when the object cannot be reached at all.
 */
import { objectClient, type ObjectNamespace } from '../support/index.js'
import { AuditEventError, parseAuditEvent } from './event.js'
import type { AuditSink } from './sink.js'
import { AuditUnavailableError } from './unavailable.js'
import type { AuditWriter } from './writer.js'

/** The object every Worker of a deployment writes through: one chain at a time. */
export const AUDIT_WRITER_OBJECT = 'audit-writer'

export interface DurableObjectAuditSink extends AuditSink {
  ping(signal?: AbortSignal): Promise<{ ok: boolean; latencyMs: number; detail?: string }>
}

/**
 * The Worker's side. `timeoutMs` must exceed the writer's own commit timeout, so a slow store is
 * reported by the writer (the object's 503) before the call gives up.
 */
export function createDurableObjectAuditSink(namespace: ObjectNamespace, timeoutMs: number): DurableObjectAuditSink {
  const client = objectClient(namespace, timeoutMs, (message, { cause }) => new AuditUnavailableError(`audit writer: ${message}`, { cause }))
  return {
    async record(event) {
      await client.call(AUDIT_WRITER_OBJECT, 'record', event)
    },
    // The writer's own object: its answer says whether its writer is open.
    ping: (signal) => client.ping(signal, AUDIT_WRITER_OBJECT),
  }
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/**
 * The object's class, given how it opens its writer from the Worker's bindings (the database,
 * the gateway keys for checkpoints). A writer that fails to open is opened again on the next
 * event: a store down at the first event must not leave the object refusing forever.
 */
export function auditWriterObjectClass<Env>(open: (env: Env) => Promise<AuditWriter>) {
  return class AuditWriterObject {
    readonly #env: Env
    #writer: Promise<AuditWriter> | undefined

    constructor(_state: unknown, env: Env) {
      this.#env = env
    }

    #opened(): Promise<AuditWriter> {
      if (!this.#writer) {
        const opening = open(this.#env)
        opening.catch(() => {
          if (this.#writer === opening) this.#writer = undefined
        })
        this.#writer = opening
      }
      return this.#writer
    }

    async fetch(request: Request): Promise<Response> {
      const { pathname } = new URL(request.url)
      if (pathname === '/ping') {
        try {
          return json({ ok: true, ...(await this.#opened()).status() })
        } catch {
          return json({ ok: false }, 503)
        }
      }
      if (request.method !== 'POST' || pathname !== '/record') return json({ error: 'not found' }, 404)
      let event: ReturnType<typeof parseAuditEvent>
      try {
        event = parseAuditEvent(await request.json())
      } catch (error) {
        return json({ error: error instanceof AuditEventError ? error.message : 'malformed event' }, 400)
      }
      try {
        await (await this.#opened()).record(event)
        return json({ committed: true })
      } catch (error) {
        // Never the store's message: it may name hosts or credentials.
        return json({ error: error instanceof AuditUnavailableError ? 'audit store unavailable' : 'audit writer failed' }, 503)
      }
    }
  }
}
