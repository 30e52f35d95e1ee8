/**
 * The audit writer in a Durable Object (the Workers runtime). A Worker cannot group-commit
 * itself: a request may not wait on a promise another request's I/O settles, and the runtime
 * cancels it. Inside one object it may, so the object runs the same writer as a Node process (one
 * hash chain, group commit, signed checkpoints), and each request's Worker waits for its own call
 * to it. The object answers 200 once the event is committed, 503 when it cannot be: the caller
 * then fails closed, as it does when the object cannot be reached at all.
 */
import type { Logger } from '../logger.js'
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
 * the gateway keys for checkpoints) and the log it writes to. A writer that fails to open is
 * opened again on the next event: a store down at the first event must not leave the object
 * refusing forever. The writer logs its own commit failures; the object logs a failed open and
 * any other failure, which no caller sees (they get 503 and fail closed).
 */
export function auditWriterObjectClass<Env>(open: (env: Env) => Promise<AuditWriter>, loggerOf: (env: Env) => Logger) {
  return class AuditWriterObject {
    readonly #env: Env
    readonly #logger: Logger
    #writer: Promise<AuditWriter> | undefined

    constructor(_state: unknown, env: Env) {
      this.#env = env
      this.#logger = loggerOf(env)
    }

    #opened(): Promise<AuditWriter> {
      if (!this.#writer) {
        const opening = open(this.#env)
        opening.catch((error: unknown) => {
          this.#logger.error({ err: error }, 'audit writer not opened; the next event tries again')
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
          const status = (await this.#opened()).status()
          // Open but failing: its last commit did not go through (the writer logged why).
          return status.healthy ? json({ ok: true, ...status }) : json({ ok: false, detail: 'the last commit failed', ...status }, 503)
        } catch {
          return json({ ok: false, detail: 'the writer could not be opened' }, 503)
        }
      }
      if (request.method !== 'POST' || pathname !== '/record') return json({ error: 'not found' }, 404)
      let event: ReturnType<typeof parseAuditEvent>
      try {
        event = parseAuditEvent(await request.json())
      } catch (error) {
        return json({ error: error instanceof AuditEventError ? error.message : 'malformed event' }, 400)
      }
      let writer: AuditWriter
      try {
        writer = await this.#opened()
      } catch {
        return json({ error: 'audit writer not opened' }, 503) // logged where it was opened
      }
      try {
        await writer.record(event)
        return json({ committed: true })
      } catch (error) {
        // The writer logged a store failure already; anything else is a fault to see in the log.
        if (!(error instanceof AuditUnavailableError)) this.#logger.error({ err: error }, 'audit writer failed an event')
        // Never the store's message: it may name hosts or credentials.
        return json({ error: error instanceof AuditUnavailableError ? 'audit store unavailable' : 'audit writer failed' }, 503)
      }
    }
  }
}
