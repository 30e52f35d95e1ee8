/**
 * The contract between the gateway and the systems it delivers dossier steps to: the message of
 * one step in the gateway's own names (each partner's wire turns it into its vendor's shape), and
 * what a receiver's answer means. The gateway's outbox stores exactly this.
 */

/** Copy type (LoaiBan): 0 original, 1 copy, 2 electronic. */
export type CopyType = 0 | 1 | 2

/** A document part: its content is fetched from the gateway by hash (`/v1/blobs/{sha256}`). */
export interface MessagePart {
  name: string
  copyType: CopyType
  mediaType: string
  size: number
  sha256: string
}

/** The steps of the dossier state machine, by the gateway's names. */
export type StepName =
  | 'submit'
  | 'accept'
  | 'reject'
  | 'transfer'
  | 'addProgress'
  | 'requestSupplement'
  | 'supplement'
  | 'askFees'
  | 'confirmFees'
  | 'withdraw'
  | 'stop'
  | 'finish'
  | 'returnResult'

/** The portal's status names (TrangThaiHoSo 1–10). */
export type StatusName =
  | 'NEW'
  | 'ACCEPTED'
  | 'REJECTED'
  | 'PROCESSING'
  | 'SUPPLEMENT_REQUESTED'
  | 'FEES_DUE'
  | 'WITHDRAWN'
  | 'STOPPED'
  | 'PROCESSED'
  | 'RESULT_RETURNED'

/**
 * One step, as the systems that must hear of it are sent it: the dossier as it now stands, the
 * step, and the parts the step added. Enough to act on without calling back.
 */
export interface StepMessage {
  /** Receivers deduplicate on it: a message may arrive more than once. */
  messageId: string
  dossier: string
  /** The step's number in the dossier: a receiver gets them in this order. */
  seq: number
  step: StepName
  /** The portal's status code after the step (1–10). */
  status: number
  statusName: StatusName
  holder: string
  /** The agency that took the step, and its officer. */
  agency: string
  officer: string | null
  note: string | null
  at: string
  procedure: string
  channel: 1 | 2 | 3
  /** A PIN or a tax code. */
  applicant: string
  commune: string | null
  receivingAgency: string
  handlingAgency: string | null
  receivedAt: string
  dueAt: string | null
  finishedAt: string | null
  version: number
  parts: MessagePart[]
}

/**
 * What a receiver's answer means: acknowledged, or why not. `permanent`: the receiver refused the
 * payload itself (it will refuse it again), so retrying cannot help: a dead letter at once.
 */
export type PushOutcome = { ok: true } | { ok: false; error: string; permanent?: boolean }

/** A receiving system's wire: how a message is written for it, and how its answer is read. */
export interface PartnerWire {
  name: WireName
  contentType: string
  /** The path under the receiver's endpoint a message goes to. @default the endpoint itself */
  path?(message: StepMessage): string
  /** Extra headers (a SOAPAction). */
  headers?(message: StepMessage): Record<string, string>
  encode(message: StepMessage): string
  /** What a 2xx answer says (a vendor may answer 200 with an error inside). */
  acknowledged(body: string): PushOutcome
  /** A non-2xx answer the wire reads by its own rules (a SOAP fault is a 500 whoever is at fault); null: by status. */
  failure?(status: number, body: string): PushOutcome | null
}

export type WireName = 'canonical' | 'igate' | 'opencps' | 'soap' | 'portal'

/**
 * The answer to a push, read by HTTP status first: a 4xx is the receiver refusing this payload
 * (permanent, with its own words), except 401 (its copy of the gateway's keys may be behind a
 * rotation), 408 and 429; anything else non-2xx is a failure to retry; a 2xx is what the wire says.
 */
export function readAnswer(wire: PartnerWire, status: number, body: string): PushOutcome {
  if (status >= 200 && status < 300) return wire.acknowledged(body)
  const own = wire.failure?.(status, body)
  if (own) return own
  const said = body.replace(/\s+/g, ' ').trim().slice(0, 300)
  if (status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 429)
    return { ok: false, error: `refused (HTTP ${status}): ${said}`, permanent: true }
  return { ok: false, error: `HTTP ${status}${said ? `: ${said}` : ''}` }
}

/** Vietnam's time (UTC+7, no daylight saving), as the portal writes it: yyyyMMddHHmmss. */
export function portalTime(iso: string | null): string | null {
  if (iso === null) return null
  const local = new Date(new Date(iso).getTime() + 7 * 3_600_000).toISOString()
  return local.slice(0, 19).replace(/[-:T]/g, '')
}

/** Whether an applicant id is a PIN (12 digits) rather than a tax code. */
export const isPin = (applicant: string): boolean => /^\d{12}$/.test(applicant)
