import type { AuditEvent, AuditKind } from './event.js'

export interface ActionInput {
  kind: AuditKind
  /** Who: `cli:alice`, `operator:bob`, `gateway` (a start-up action). */
  actor: string
  instance: string
  detail?: AuditEvent['detail']
  requestId?: string
  now?: Date
}

/** The event of an admin, policy or key action (no request, no subject): decision `ok`. */
export function actionEvent(input: ActionInput): AuditEvent {
  const id = crypto.randomUUID()
  return {
    v: 1,
    id,
    at: (input.now ?? new Date()).toISOString(),
    kind: input.kind,
    requestId: input.requestId ?? id,
    instance: input.instance,
    actor: input.actor.slice(0, 200),
    decision: 'ok',
    status: 200,
    subjects: [],
    latencyMs: 0,
    ...(input.detail ? { detail: input.detail } : {}),
  }
}
