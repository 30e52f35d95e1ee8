import type { JWK } from 'jose'
import { createSandboxApp, createFaultState, type FaultState } from '../../kit/sandbox/index.js'
import { verifyPush, type PushVerdict } from '../signatures.js'
import { createPartnerActor, NO_ACTOR_FAULTS, type ActorFaults, type ActorIdentity } from './actor.js'

/** One message as a receiving system understood it. */
export interface ReceivedMessage {
  messageId: string
  dossier: string
  seq: number
  /** The portal's status code it carried. */
  status: number
  /** The message in the vendor's own shape, as decoded. */
  raw: unknown
}

export interface Answer {
  status: number
  body: string
  contentType: string
}

/** How one vendor's system reads a message and answers. */
export interface PartnerProtocol {
  /** The route it takes messages on. */
  path: string
  /** The message in the body, or why it is malformed (refused, as the real system would). */
  decode(body: string): { ok: true; message: ReceivedMessage } | { ok: false; error: string }
  /** Rules that need what the system already holds (the portal: a progress update for a dossier never synchronised). */
  check?(message: ReceivedMessage, applied: readonly ReceivedMessage[]): string | null
  ack(message: ReceivedMessage): Answer
  refuse(error: string): Answer
}

/**
 * Faults of an exchange partner beyond a registry's (down, slow, 5xx, hang, garbled): a lost
 * acknowledgement, and the mistakes a vendor's system makes that the conformance kit must catch,
 * in what it is sent and (`ActorFaults`) in what it sends back.
 */
export interface ExchangeFaults extends ActorFaults {
  /** Share of messages applied whose acknowledgement is then lost (answered 503), 0–1. */
  lostAckRate: number
  /** Takes pushes without checking their signature. */
  skipSignatureCheck: boolean
  /** Applies a redelivered message again instead of acknowledging it unchanged. */
  skipDedup: boolean
  /** Answers a bad signature with 400 and a malformed payload with 500 (the contract: 401, and a 4xx). */
  wrongStatusCodes: boolean
  /** Waits this long (ms) before every answer. */
  slowAnswerMs: number
}

const NO_EXCHANGE_FAULTS: ExchangeFaults = {
  lostAckRate: 0,
  skipSignatureCheck: false,
  skipDedup: false,
  wrongStatusCodes: false,
  slowAnswerMs: 0,
  ...NO_ACTOR_FAULTS,
}
const SWITCHES = ['skipSignatureCheck', 'skipDedup', 'wrongStatusCodes', ...(Object.keys(NO_ACTOR_FAULTS) as Array<keyof ActorFaults>)] as const

/** The faults in `body` that are well-formed, over `current`; anything else is ignored. */
export function exchangeFaultsFrom(current: ExchangeFaults, body: unknown): ExchangeFaults {
  const next = { ...current }
  if (body === null || typeof body !== 'object') return next
  const b = body as Record<string, unknown>
  if (typeof b.lostAckRate === 'number' && b.lostAckRate >= 0 && b.lostAckRate <= 1) next.lostAckRate = b.lostAckRate
  for (const flag of SWITCHES) if (typeof b[flag] === 'boolean') next[flag] = b[flag]
  if (typeof b.slowAnswerMs === 'number' && Number.isInteger(b.slowAnswerMs) && b.slowAnswerMs >= 0 && b.slowAnswerMs <= 60_000)
    next.slowAnswerMs = b.slowAnswerMs
  return next
}

export interface PartnerSandboxState {
  faults: FaultState
  exchange: ExchangeFaults
  /** Messages applied, in the order they were applied, each once. */
  applied: ReceivedMessage[]
  /** Deliveries of a message already applied (redeliveries after a lost acknowledgement, say). */
  duplicates: number
  /** Messages applied after a later step of the same dossier: a broken order. */
  outOfOrder: number
  /** Pushes refused because their signature did not verify, by reason. */
  refusedSignatures: Map<Exclude<PushVerdict, { ok: true }>['reason'], number>
  /** Payloads refused as malformed, with the system's words. */
  refusedPayloads: string[]
}

export interface PartnerSandboxOptions {
  /** The gateway's public keys: every push must verify under one. Absent: signatures are not checked. */
  jwks?: () => Promise<readonly JWK[]> | readonly JWK[]
  random?: () => number
  /** The agency the system acts for and its client key: with it, the system takes its own steps once connected to a gateway. */
  actor?: ActorIdentity
}

/**
 * A vendor's receiving system as a real HTTP server: it verifies the gateway's signature on every
 * push, decodes the message in its own wire, deduplicates on the message id (a redelivery is
 * acknowledged and changes nothing), counts what it applied and in which order, and answers in its
 * own style. Faults as the registries' sandboxes have, and lost acknowledgements. Several protocols
 * (the portal's two routes) share one history.
 */
export function createPartnerSandbox(protocols: PartnerProtocol | readonly PartnerProtocol[], options: PartnerSandboxOptions = {}) {
  const random = options.random ?? Math.random
  const state: PartnerSandboxState = {
    faults: createFaultState(),
    exchange: { ...NO_EXCHANGE_FAULTS },
    applied: [],
    duplicates: 0,
    outOfOrder: 0,
    refusedSignatures: new Map(),
    refusedPayloads: [],
  }
  const { app } = createSandboxApp(state.faults)
  const seen = new Set<string>()
  const highest = new Map<string, number>()
  const answer = (a: Answer) => new Response(a.body, { status: a.status, headers: { 'content-type': a.contentType } })
  const actor = options.actor ? createPartnerActor(options.actor, () => state.exchange) : null

  app.get('/__sandbox/received', (c) =>
    c.json({
      applied: state.applied,
      duplicates: state.duplicates,
      outOfOrder: state.outOfOrder,
      refusedSignatures: Object.fromEntries(state.refusedSignatures),
      refusedPayloads: state.refusedPayloads,
      acted: actor?.actions ?? [],
    }),
  )
  // The gateway the system calls (the conformance kit's relay, say), or null to stop acting.
  app.put('/__sandbox/act', async (c) => {
    if (!actor) return c.json({ error: 'this system takes no steps of its own' }, 404)
    const body = (await c.req.json().catch(() => null)) as { gateway?: unknown; issuer?: unknown } | null
    if (body?.gateway === null) {
      actor.connect(null)
      return c.json({ connected: false })
    }
    const url = (value: unknown) => typeof value === 'string' && /^https?:\/\/[^/]/.test(value)
    // Only a gateway on this machine: the system signs client assertions for whatever it calls.
    const loopback = (value: unknown) => typeof value === 'string' && /^https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?:\/|$)/.test(value)
    if (!loopback(body?.gateway) || !url(body?.issuer)) return c.json({ error: 'gateway must be an http(s) URL on this machine, issuer an http(s) URL' }, 400)
    actor.connect({ gateway: body!.gateway as string, issuer: body!.issuer as string })
    return c.json({ connected: true, agency: options.actor!.agency, role: options.actor!.role })
  })
  // A desk receives a new dossier and transfers it to `to`: what the kit asks a desk to start with.
  app.post('/__sandbox/start-dossier', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { procedure?: unknown; to?: unknown } | null
    if (typeof body?.procedure !== 'string' || typeof body.to !== 'string') return c.json({ error: 'procedure and to are required' }, 400)
    const code = actor?.startDossier({ procedure: body.procedure, to: body.to })
    return code ? c.json({ code }, 202) : c.json({ error: 'this system is no desk connected to a gateway' }, 404)
  })
  app.put('/__sandbox/exchange-faults', async (c) => {
    state.exchange = exchangeFaultsFrom(state.exchange, await c.req.json().catch(() => null))
    return c.json(state.exchange)
  })
  const receive = (protocol: PartnerProtocol) =>
    app.post(protocol.path, async (c) => {
      const body = await c.req.text()
      const faults = state.exchange
      if (faults.slowAnswerMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.slowAnswerMs))
      if (options.jwks && !faults.skipSignatureCheck) {
        const verdict = await verifyPush({ method: 'POST', url: c.req.url, headers: Object.fromEntries(c.req.raw.headers), body }, await options.jwks())
        if (!verdict.ok) {
          state.refusedSignatures.set(verdict.reason, (state.refusedSignatures.get(verdict.reason) ?? 0) + 1)
          return c.json({ error: `signature: ${verdict.reason}` }, faults.wrongStatusCodes ? 400 : 401)
        }
      }
      const refuse = (error: string) => {
        const refusal = protocol.refuse(error)
        return answer(faults.wrongStatusCodes ? { ...refusal, status: 500, body: 'Internal Server Error', contentType: 'text/plain' } : refusal)
      }
      const decoded = protocol.decode(body)
      if (!decoded.ok) {
        state.refusedPayloads.push(decoded.error)
        return refuse(decoded.error)
      }
      const message = decoded.message
      if (seen.has(message.messageId) && !faults.skipDedup) {
        state.duplicates += 1
        return answer(protocol.ack(message))
      }
      const problem = protocol.check?.(message, state.applied)
      if (problem) {
        state.refusedPayloads.push(problem)
        return refuse(problem)
      }
      seen.add(message.messageId)
      if ((highest.get(message.dossier) ?? 0) > message.seq) state.outOfOrder += 1
      highest.set(message.dossier, Math.max(highest.get(message.dossier) ?? 0, message.seq))
      state.applied.push(message)
      actor?.applied(message.dossier)
      if (state.exchange.lostAckRate > 0 && random() < state.exchange.lostAckRate) return c.text('Service Unavailable', 503)
      return answer(protocol.ack(message))
    })
  for (const protocol of Array.isArray(protocols) ? protocols : [protocols]) receive(protocol)
  return { app, state }
}

export type PartnerSandbox = ReturnType<typeof createPartnerSandbox>
