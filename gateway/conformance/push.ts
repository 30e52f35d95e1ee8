/**
 * One push as the gateway makes it (the receiver's wire, signed by RFC 9421 over RFC 9530), and
 * the ways the kit spoils it on purpose: no signature, the body changed after signing, another
 * key under the same kid, a signature that has expired, a signature made for another receiver.
 */
import { pushTarget } from '../exchange/index.js'
import {
  PUSH_SIGNATURE_TTL_S,
  readAnswer,
  signPush,
  type PartnerWire,
  type PushOutcome,
  type PushSigningKey,
  type StepMessage,
} from '../../connectors/index.js'

export type Spoil = 'none' | 'unsigned' | 'tampered-body' | 'wrong-key' | 'expired' | 'other-target'

export interface PushAttempt {
  url: string
  /** null: no answer (refused connection, timeout). */
  status: number | null
  /** The start of the answer, for the evidence. */
  answer: string
  ms: number
  outcome: PushOutcome
}

export interface Pusher {
  /** The receiver's base URL; the wire adds its path. */
  target: string
  wire: PartnerWire
  key: PushSigningKey
  /** Longest wait for an answer. */
  timeoutMs: number
  fetch?: typeof fetch
}

/** A key of the same kid that the receiver cannot hold: what a forger would sign with. */
export async function foreignKey(kid: string): Promise<PushSigningKey> {
  const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
  return { kid, privateKey }
}

/** Pushes `message` (or `body` in its place) to the receiver, spoiled as asked. */
export async function push(
  pusher: Pusher,
  message: StepMessage,
  spoil: Spoil = 'none',
  options: { body?: string; foreign?: PushSigningKey } = {},
): Promise<PushAttempt> {
  // Where the gateway's delivery worker would push it: the kit must test the same URL.
  const url = pushTarget(pusher.target, pusher.wire, message)
  const body = options.body ?? pusher.wire.encode(message)
  const signed = await signPush({
    url: spoil === 'other-target' ? url.replace(/^https?:\/\/[^/]+/, 'https://he-thong-khac.example') : url,
    body,
    messageId: message.messageId,
    key: spoil === 'wrong-key' ? (options.foreign ?? (await foreignKey(pusher.key.kid))) : pusher.key,
    contentType: pusher.wire.contentType,
    ...(spoil === 'expired' ? { now: new Date(Date.now() - (PUSH_SIGNATURE_TTL_S + 120) * 1000) } : {}),
  })
  const headers: Record<string, string> = { ...signed, ...pusher.wire.headers?.(message) }
  if (spoil === 'unsigned') {
    delete headers.signature
    delete headers['signature-input']
  }
  const sent = spoil === 'tampered-body' ? `${body} ` : body
  const started = performance.now()
  try {
    const res = await (pusher.fetch ?? fetch)(url, { method: 'POST', headers, body: sent, redirect: 'manual', signal: AbortSignal.timeout(pusher.timeoutMs) })
    const text = await res.text()
    return {
      url,
      status: res.status,
      answer: text.slice(0, 300),
      ms: Math.round(performance.now() - started),
      outcome: readAnswer(pusher.wire, res.status, text),
    }
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${pusher.timeoutMs} ms`
        : `no answer: ${error instanceof Error ? error.message : String(error)}`
    return { url, status: null, answer: '', ms: Math.round(performance.now() - started), outcome: { ok: false, error: reason } }
  }
}
