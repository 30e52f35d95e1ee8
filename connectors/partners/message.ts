/**
 * The contract between the gateway and the systems it delivers dossier steps to: the message of
 * one step in the gateway's own names (each partner's wire turns it into its vendor's shape), and
 * what a receiver's answer means. The gateway's outbox stores exactly this.
 */

import { z } from 'zod'

/** Copy type (LoaiBan): 0 original, 1 copy, 2 electronic. */
export const copyTypeSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]).describe('Loại bản: 0 bản chính, 1 bản sao, 2 bản điện tử')
export type CopyType = z.infer<typeof copyTypeSchema>

const sha256 = z.string().regex(/^[0-9a-f]{64}$/)
const instant = z.string().datetime({ offset: true })
const agencyId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
  .max(64)

/**
 * What the gateway found when it checked a part's signature against the province's trust list:
 * `VALID` (with the signer and the signing time), `INVALID` (the bytes or the signature do not
 * match), `UNTRUSTED` (the signer's chain reaches no trusted root), `EXPIRED` or `REVOKED` (the
 * signer's certificate at the signing time), `UNSIGNED`.
 */
export const signatureStatusSchema = z.enum(['VALID', 'INVALID', 'UNTRUSTED', 'EXPIRED', 'REVOKED', 'UNSIGNED'])
export type SignatureStatus = z.infer<typeof signatureStatusSchema>

export const partSignatureSchema = z
  .object({
    status: signatureStatusSchema,
    /** The signer certificate's common name (with VALID, and with any status once the signature value verified). */
    signer: z.string().min(1).max(300).optional(),
    /** When the signer says it signed (the CMS signingTime attribute). */
    signedAt: z.iso.datetime({ offset: true }).optional(),
    /** The detached CMS signature's own part, when the part was signed apart from its content. */
    detachedSha256: sha256.optional(),
  })
  .strict()
export type PartSignature = z.infer<typeof partSignatureSchema>

/** A document part: its content is fetched from the gateway by hash (`/v1/blobs/{sha256}`). */
export const messagePartSchema = z
  .object({
    name: z.string().min(1).max(300),
    copyType: copyTypeSchema,
    mediaType: z.string().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/),
    size: z
      .number()
      .int()
      .min(0)
      .max(10 * 1024 * 1024),
    sha256,
    /** Checked by the gateway when the part entered the exchange. */
    signature: partSignatureSchema.optional(),
  })
  .strict()
export type MessagePart = z.infer<typeof messagePartSchema>

/** The steps of the dossier state machine, by the gateway's names. */
export const stepNameSchema = z.enum([
  'submit',
  'accept',
  'reject',
  'transfer',
  'addProgress',
  'requestSupplement',
  'supplement',
  'askFees',
  'confirmFees',
  'withdraw',
  'stop',
  'finish',
  'returnResult',
])
export type StepName = z.infer<typeof stepNameSchema>

/** The GraphQL mutation of each step: the one list the gateway's resolvers and the partners' client share. */
export const STEP_FIELDS = {
  submit: 'submitDossier',
  accept: 'acceptDossier',
  reject: 'rejectDossier',
  transfer: 'transferDossier',
  addProgress: 'addDossierProgress',
  requestSupplement: 'requestDossierSupplement',
  supplement: 'supplementDossier',
  askFees: 'askDossierFees',
  confirmFees: 'confirmDossierFees',
  withdraw: 'withdrawDossier',
  stop: 'stopDossier',
  finish: 'finishDossier',
  returnResult: 'returnDossierResult',
} as const satisfies Record<StepName, string>

/** The portal's status names (TrangThaiHoSo 1–10). */
export const statusNameSchema = z.enum([
  'NEW',
  'ACCEPTED',
  'REJECTED',
  'PROCESSING',
  'SUPPLEMENT_REQUESTED',
  'FEES_DUE',
  'WITHDRAWN',
  'STOPPED',
  'PROCESSED',
  'RESULT_RETURNED',
])
export type StatusName = z.infer<typeof statusNameSchema>

/**
 * One step, as the systems that must hear of it are sent it: the dossier as it now stands, the
 * step, and the parts the step added. Enough to act on without calling back. The one definition:
 * the type, the published JSON Schema and the check of what the outbox holds all come from it.
 */
export const stepMessageSchema = z
  .object({
    messageId: z.string().uuid().describe('Receivers deduplicate on it: a message may arrive more than once'),
    dossier: z.string().min(1).max(64).describe('Mã hồ sơ'),
    seq: z.number().int().min(1).describe("The step's number in the dossier: a receiver gets them in this order"),
    step: stepNameSchema,
    status: z.number().int().min(1).max(10).describe("The portal's status code after the step (TrangThaiHoSo)"),
    statusName: statusNameSchema,
    holder: agencyId.describe('The agency that holds the dossier after the step'),
    agency: agencyId.describe('The agency that took the step'),
    officer: z.string().max(200).nullable().describe('The officer who took it'),
    note: z.string().max(2000).nullable(),
    at: instant,
    procedure: z.string().min(1).max(64).describe('Mã thủ tục hành chính'),
    channel: z.union([z.literal(1), z.literal(2), z.literal(3)]).describe('Kênh thực hiện: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích'),
    applicant: z
      .string()
      .regex(/^\d{10}(?:\d{2}|-\d{3})?$/)
      .describe('A PIN (12 digits) or a tax code'),
    commune: z
      .string()
      .regex(/^\d{5}$/)
      .nullable(),
    receivingAgency: agencyId,
    handlingAgency: agencyId.nullable(),
    receivedAt: instant,
    dueAt: instant.nullable(),
    finishedAt: instant.nullable(),
    version: z.number().int().min(1),
    parts: z.array(messagePartSchema).max(200).describe('The parts this step added'),
  })
  .strict()
export type StepMessage = z.infer<typeof stepMessageSchema>

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
