import type { JWK } from 'jose'
import { createSandboxApp, createFaultState, type FaultState } from '../../kit/sandbox/index.js'
import { verifyPush, type PushVerdict } from '../signatures.js'

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

/** Faults of an exchange partner beyond a registry's (down, slow, 5xx, hang, garbled). */
export interface ExchangeFaults {
  /** Share of messages applied whose acknowledgement is then lost (answered 503), 0–1. */
  lostAckRate: number
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
    exchange: { lostAckRate: 0 },
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

  app.get('/__sandbox/received', (c) =>
    c.json({
      applied: state.applied,
      duplicates: state.duplicates,
      outOfOrder: state.outOfOrder,
      refusedSignatures: Object.fromEntries(state.refusedSignatures),
      refusedPayloads: state.refusedPayloads,
    }),
  )
  app.put('/__sandbox/exchange-faults', async (c) => {
    const body = (await c.req.json().catch(() => null)) as Partial<ExchangeFaults> | null
    if (typeof body?.lostAckRate === 'number' && body.lostAckRate >= 0 && body.lostAckRate <= 1) state.exchange.lostAckRate = body.lostAckRate
    return c.json(state.exchange)
  })
  const receive = (protocol: PartnerProtocol) =>
    app.post(protocol.path, async (c) => {
      const body = await c.req.text()
      if (options.jwks) {
        const verdict = await verifyPush({ method: 'POST', url: c.req.url, headers: Object.fromEntries(c.req.raw.headers), body }, await options.jwks())
        if (!verdict.ok) {
          state.refusedSignatures.set(verdict.reason, (state.refusedSignatures.get(verdict.reason) ?? 0) + 1)
          return c.json({ error: `signature: ${verdict.reason}` }, 401)
        }
      }
      const decoded = protocol.decode(body)
      if (!decoded.ok) {
        state.refusedPayloads.push(decoded.error)
        return answer(protocol.refuse(decoded.error))
      }
      const message = decoded.message
      if (seen.has(message.messageId)) {
        state.duplicates += 1
        return answer(protocol.ack(message))
      }
      const problem = protocol.check?.(message, state.applied)
      if (problem) {
        state.refusedPayloads.push(problem)
        return answer(protocol.refuse(problem))
      }
      seen.add(message.messageId)
      if ((highest.get(message.dossier) ?? 0) > message.seq) state.outOfOrder += 1
      highest.set(message.dossier, Math.max(highest.get(message.dossier) ?? 0, message.seq))
      state.applied.push(message)
      if (state.exchange.lostAckRate > 0 && random() < state.exchange.lostAckRate) return c.text('Service Unavailable', 503)
      return answer(protocol.ack(message))
    })
  for (const protocol of Array.isArray(protocols) ? protocols : [protocols]) receive(protocol)
  return { app, state }
}

export type PartnerSandbox = ReturnType<typeof createPartnerSandbox>
