/**
 * The audit port: where the one event of each request goes. `record` resolves once the event is
 * durable, and rejects when it cannot be: the caller then fails closed. Adapters: the database
 * writer (writer.ts: group commit onto hash chains) and an in-memory sink for tests.
 */
import { parseAuditEvent, type AuditEvent } from './event.js'
import { AuditUnavailableError } from './unavailable.js'

export interface AuditSink {
  record(event: AuditEvent): Promise<void>
}

export interface MemoryAuditSink extends AuditSink {
  readonly events: AuditEvent[]
  /** While true, `record` rejects as an unreachable store does. */
  failing: boolean
}

/** Keeps events in an array, validated as the real writer validates them. */
export function createMemoryAuditSink(): MemoryAuditSink {
  const events: AuditEvent[] = []
  return {
    events,
    failing: false,
    async record(event) {
      if (this.failing) throw new AuditUnavailableError('the audit store is unavailable')
      events.push(parseAuditEvent(event))
    },
  }
}
