import { fetchWithoutRedirects, pushIdempotencyKey, readAnswer, type PartnerWire, type PushOutcome, type StepMessage } from '../../connectors/index.js'
import { unrefTimer } from '../support/index.js'
import { endSpan, SpanKind, type Telemetry } from '../telemetry/index.js'
import type { ClaimedMessage, Outbox } from './outbox.js'

export type { PushOutcome }

/** Sends one message to its receiver. Never throws: a failure is an outcome. */
export type Push = (message: ClaimedMessage) => Promise<PushOutcome>

export interface DeliveryOptions {
  outbox: Outbox
  push: Push
  /** Messages claimed per round. @default 32 */
  batch?: number
  /** Pause between rounds when nothing was due. @default 500 */
  idleMs?: number
  /** Told of each message that became a dead letter (for the log and metrics). */
  onDead?: (message: ClaimedMessage, error: string) => void
  /** Receivers that read an inbox instead of receiving pushes: their messages are left for them. @default none */
  inboxReceivers?: () => readonly string[]
  /** Each push a span continuing its step's trace. @default off: the step's traceparent is sent as stored */
  telemetry?: Telemetry
}

export interface DeliveryRound {
  claimed: number
  delivered: number
  retried: number
  dead: number
}

/**
 * Each push as a client span under the span of the step that wrote the message (its stored
 * `traceparent`), which the receiver gets in `traceparent`: a delivery minutes later, retried or
 * on another instance, still shows in the step's trace. Tracing off, the push is left as it is.
 */
function tracedPush(push: Push, telemetry: Telemetry | undefined): Push {
  if (!telemetry?.enabled) return push
  return async (message) => {
    const delivery = telemetry.start('exchange.deliver', message.traceparent, {
      kind: SpanKind.CLIENT,
      attributes: { 'lgsp.receiver': message.receiver, 'lgsp.message_id': message.id, 'lgsp.seq': message.seq, 'lgsp.attempt': message.attempt },
    })
    let failure: string | undefined = 'push failed'
    try {
      const outcome = await push(delivery.traceparent ? { ...message, traceparent: delivery.traceparent } : message)
      failure = outcome.ok ? undefined : outcome.permanent ? 'refused' : 'not acknowledged'
      delivery.span.setAttribute('lgsp.outcome', outcome.ok ? 'delivered' : (failure ?? 'failed'))
      return outcome
    } finally {
      endSpan(delivery.span, failure)
    }
  }
}

/**
 * The delivery worker: claims due messages from the outbox, pushes each, and records the outcome
 * (delivered, retried after a backoff, or a dead letter). Messages of one round go out together,
 * since the outbox offers at most one message per dossier and receiver at a time, so order holds.
 * Several workers, on one instance or many, share the outbox safely.
 */
export function createDeliveryWorker(options: DeliveryOptions) {
  const batch = options.batch ?? 32
  const idleMs = options.idleMs ?? 500
  const push = tracedPush(options.push, options.telemetry)
  let running: Promise<void> | null = null
  let stopping = false
  let wake: (() => void) | null = null
  let woken = false

  async function round(): Promise<DeliveryRound> {
    const claimed = await options.outbox.claim(batch, options.inboxReceivers?.() ?? [])
    const result: DeliveryRound = { claimed: claimed.length, delivered: 0, retried: 0, dead: 0 }
    const delivered: string[] = []
    await Promise.all(
      claimed.map(async (message) => {
        const outcome = await push(message).catch(
          (error: unknown): PushOutcome => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
        )
        if (outcome.ok) {
          delivered.push(message.id)
          return
        }
        const after = await options.outbox.failed(message.id, outcome.error, { permanent: outcome.permanent === true })
        if (after === 'dead') {
          result.dead += 1
          options.onDead?.(message, outcome.error)
        } else if (after === 'retry') result.retried += 1
      }),
    )
    // The round's acknowledged messages settled together: one statement, not one per message.
    await options.outbox.delivered(...delivered)
    result.delivered = delivered.length
    return result
  }

  return {
    /** One round: what was claimed, and what became of it. */
    round,

    /** Rounds until nothing is due (tests, the CLI's redelivery). */
    async drain(maxRounds = 1000): Promise<DeliveryRound> {
      const total: DeliveryRound = { claimed: 0, delivered: 0, retried: 0, dead: 0 }
      for (let i = 0; i < maxRounds; i++) {
        const done = await round()
        for (const key of Object.keys(total) as Array<keyof DeliveryRound>) total[key] += done[key]
        if (done.claimed === 0) break
      }
      return total
    },

    /** Runs rounds in the background until `stop`; a round that found work is followed at once. */
    start(): void {
      if (running) return
      stopping = false
      running = (async () => {
        while (!stopping) {
          let found = 0
          woken = false
          try {
            found = (await round()).claimed
          } catch {
            // The database is unreachable: try again after the pause; nothing was lost (claims are leases).
          }
          // A step committed during the round may have found nothing claimable yet: go round again.
          if (found === 0 && !stopping && !woken) {
            await new Promise<void>((resolve) => {
              wake = resolve
              unrefTimer(setTimeout(resolve, idleMs))
            })
          }
          wake = null
        }
      })()
    },

    /** A step was just committed: start the next round now rather than after the idle pause. */
    wake(): void {
      woken = true
      wake?.()
    },

    /** Stops after the round in flight. */
    async stop(): Promise<void> {
      stopping = true
      wake?.()
      await running
      running = null
    },
  }
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>

/** Where a receiver takes its messages, and in which vendor's shape. */
export interface ReceiverEndpoint {
  url: string
  wire: PartnerWire
}

/** Signs a push: the headers that prove it came from the gateway (see connectors/partners/signatures.ts). */
export type PushSigner = (request: { url: string; body: string; messageId: string; contentType: string }) => Promise<Record<string, string>>

/** Where a push of `message` goes: the receiver's endpoint, with the path its wire adds. */
export function pushTarget(endpoint: string, wire: PartnerWire, message: StepMessage): string {
  return `${endpoint.replace(/\/$/, '')}${wire.path?.(message) ?? ''}`
}

/**
 * A push over HTTP: the message written in the receiver's wire, POSTed to its endpoint, signed,
 * with the message id in `Idempotency-Key` (receivers deduplicate on it), within `timeoutMs`. The
 * answer is read by the wire's rules: a receiver refusing the payload itself is a permanent failure
 * (a dead letter at once), anything else not acknowledged is retried.
 */
export function httpPush(options: {
  endpointOf: (receiver: string) => ReceiverEndpoint | null
  sign?: PushSigner
  timeoutMs?: number
  fetch?: typeof fetch
}): Push {
  const send = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 5000
  return async (message) => {
    const endpoint = options.endpointOf(message.receiver)
    if (!endpoint) return { ok: false, error: `no endpoint is registered for ${message.receiver}` }
    const step = message.payload
    const url = pushTarget(endpoint.url, endpoint.wire, step)
    const body = endpoint.wire.encode(step)
    const signed = options.sign
      ? await options.sign({ url, body, messageId: message.id, contentType: endpoint.wire.contentType })
      : { 'idempotency-key': pushIdempotencyKey(message.id), 'content-type': endpoint.wire.contentType }
    try {
      const response = await fetchWithoutRedirects(send, url, {
        method: 'POST',
        // The trace the push belongs to (not signed: it says nothing the receiver acts on).
        headers: { ...signed, ...endpoint.wire.headers?.(step), ...(message.traceparent ? { traceparent: message.traceparent } : {}) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      })
      const answer = await response.text().catch(() => '')
      const outcome = readAnswer(endpoint.wire, response.status, answer)
      return outcome.ok ? outcome : { ...outcome, error: `${message.receiver}: ${outcome.error}` }
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'could not connect'
      return { ok: false, error: `${reason} (${message.receiver})` }
    }
  }
}
