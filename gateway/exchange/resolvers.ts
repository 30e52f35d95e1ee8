import type { IResolvers } from '@graphql-tools/utils'
import { GraphQLError, type GraphQLResolveInfo } from 'graphql'
import { isPin, STEP_FIELDS } from '../../connectors/index.js'
import { matches, type KeyedHash } from '../../policies/index.js'
import type { AuditEvent } from '../audit/index.js'
import { checkDocumentSignature, emptyTrustList, type TrustList } from '../documents/index.js'
import { codeToStatus, type ErrorCode } from '../errors.js'
import type { GatewayContext } from '../graphql/context.js'
import type { PolicyRuntime } from '../policy/index.js'
import type { BlobStore } from './blob-store.js'
import { requestHash } from './idempotency.js'
import { isMessageId, type Outbox } from './outbox.js'
import type { CopyType, Dossier, DossierPart, DossierStore, StepOptions, StepResult } from './dossier-store.js'
import { receiptSecret } from './receipt.js'
import { portalCode, vietnameseName } from './status.js'
import { mayHandle, stepCondition } from './step-grants.js'
import { stepsFrom, type DossierStep } from './transitions.js'

/** What the exchange's resolvers work with, built once by the gateway. */
export interface ExchangeService {
  store: DossierStore
  blobs: BlobStore
  /** Where systems that read an inbox find their messages and acknowledge them. */
  outbox: Outbox
  policies: PolicyRuntime
  /** The audit trail's keyed hash: the applicant appears in a step's event only as this. */
  hash: KeyedHash
  /** This process's name in the trail. */
  instance: string
  now?: () => Date
  /**
   * The certificates document signatures are checked against (trusted roots, intermediates, CRLs).
   * @default none: every signed part is UNTRUSTED
   */
  trust?: () => TrustList
  /** Told after each step commits (the delivery worker wakes, so a push waits for no idle pause). */
  onCommitted?: () => void
}

/** The step of each mutation (the partners' contract names the mutation of each step). */
export const STEP_MUTATIONS = Object.fromEntries(Object.entries(STEP_FIELDS).map(([step, field]) => [field, step])) as {
  readonly [S in keyof typeof STEP_FIELDS as (typeof STEP_FIELDS)[S]]: S
}

/** A dossier as the schema shows it: the names a grant's `where` on Dossier reads. */
export interface DossierView {
  code: string
  procedure: string
  channel: 1 | 2 | 3
  applicantPin: string | null
  applicantTaxCode: string | null
  communeCode: string | null
  receivingAgency: string
  handlingAgency: string | null
  holder: string
  status: Dossier['status']
  statusCode: number
  statusName: string
  receivedAt: string
  dueAt: string | null
  finishedAt: string | null
  version: number
}

const INBOX_MAX = 200
const DOSSIER_CODE = /^[A-Z0-9][A-Z0-9.]{1,39}-\d{6,8}-\d{4,10}$/

export function dossierView(dossier: Dossier): DossierView {
  const citizen = isPin(dossier.applicant)
  return {
    code: dossier.code,
    procedure: dossier.procedure,
    channel: dossier.channel,
    applicantPin: citizen ? dossier.applicant : null,
    applicantTaxCode: citizen ? null : dossier.applicant,
    communeCode: dossier.commune,
    receivingAgency: dossier.receivingAgency,
    handlingAgency: dossier.handlingAgency,
    holder: dossier.holder,
    status: dossier.status,
    statusCode: portalCode(dossier.status),
    statusName: vietnameseName(dossier.status),
    receivedAt: dossier.receivedAt,
    dueAt: dossier.dueAt,
    finishedAt: dossier.finishedAt,
    version: dossier.version,
  }
}

/** A refusal in the error contract: its code, its HTTP status, and the reason the audit event keeps. */
function refusal(code: ErrorCode, message: string, reason: string, status: number = codeToStatus[code]): GraphQLError {
  return new GraphQLError(message, { extensions: { code, origin: 'caller', reason, http: { status } } })
}

/** The store's refusals in the error contract. */
function refusalOf(result: Extract<StepResult, { ok: false }>): GraphQLError {
  switch (result.code) {
    case 'NOT_HOLDER':
      return refusal('FORBIDDEN', result.message, 'NOT_HOLDER')
    case 'NOT_FOUND':
      return refusal('NOT_FOUND', result.message, 'DOSSIER_NOT_FOUND')
    case 'ALREADY_EXISTS':
      return refusal('BAD_USER_INPUT', result.message, 'DOSSIER_EXISTS', 409)
    case 'BAD_USER_INPUT':
      return refusal('BAD_USER_INPUT', result.message, 'INVALID_STEP')
    default:
      return refusal(result.code, result.message, result.code)
  }
}

const notEnabled = () => refusal('NOT_FOUND', 'The dossier exchange is not enabled on this gateway', 'EXCHANGE_DISABLED')

interface PartInput {
  name: string
  copyType: CopyType
  sha256: string
  signatureSha256?: string | null
}

/** A part as the schema shows it: where to fetch it, and its signature's check. */
function partView(part: DossierPart, step: number) {
  const signature = part.signature
  return {
    ...part,
    step,
    contentPath: `/v1/blobs/${part.sha256}`,
    signature: signature
      ? {
          ...signature,
          reason: part.signatureReason ?? null,
          signaturePath: signature.detachedSha256 ? `/v1/blobs/${signature.detachedSha256}` : null,
        }
      : // Stored before the gateway checked signatures.
        { status: 'UNSIGNED', reason: 'not checked: stored before the gateway checked signatures', signaturePath: null },
  }
}

/** The signature statuses of a step's parts, in order, for its audit event (`VALID,UNSIGNED`). */
const signatureSummary = (parts: readonly DossierPart[]) => parts.map((part) => part.signature?.status ?? 'UNSIGNED').join(',')

interface StepArgs {
  code: string
  expectedVersion?: number | null
  note?: string | null
  to?: string
  parts?: PartInput[] | null
}

interface SubmitInput {
  code: string
  procedure: string
  channel: 1 | 2 | 3
  applicantPin?: string | null
  applicantTaxCode?: string | null
  communeCode?: string | null
  dueAt?: string | null
  parts?: PartInput[] | null
  note?: string | null
}

const NOTE_MAX = 2000
const NAME_MAX = 300

/**
 * Resolvers for `schemas/exchange.graphql.ts`. Each mutation is one step: the caller's grants
 * for the step (their `where` on Dossier: procedure, commune) must cover the dossier, the parts it
 * adds must be stored and within the procedure's limits, and the store then decides the step by
 * the state machine and applies it, with its audit event and outbox messages, in one transaction.
 * A dossier the caller is no party to is answered as a missing one.
 */
export function createExchangeResolvers(service: ExchangeService | undefined): IResolvers<unknown, GatewayContext> {
  const now = service?.now ?? (() => new Date())

  /** The dossier, if the caller's agency received, holds, handles or has handled it. */
  async function visible(service: ExchangeService, code: string, agency: string): Promise<Dossier | null> {
    const dossier = await service.store.get(code)
    if (!dossier) return null
    if (dossier.receivingAgency === agency || dossier.holder === agency || dossier.handlingAgency === agency) return dossier
    const progress = await service.store.progress(code)
    return progress.some((entry) => entry.agency === agency) ? dossier : null
  }

  /** Refuses unless the grants that allowed this mutation cover the dossier (procedure, commune). */
  function checkCovered(ctx: GatewayContext, info: GraphQLResolveInfo, view: DossierView): void {
    const coordinate = `${info.parentType.name}.${info.fieldName}`
    const policy = ctx.state.policy
    const active = service!.policies.current()
    const agency = active.agencies.get(ctx.caller.agencyId)
    const allowed = policy?.decision.coordinates.find((c) => c.coordinate === coordinate)
    const grants = allowed?.allowed ? allowed.grants : []
    const condition = agency ? stepCondition(agency, grants, active.variables.get(agency.agency) ?? {}) : null
    if (!condition || !matches(condition, view)) {
      throw refusal(
        'FORBIDDEN',
        `${coordinate}: the grants that allow it (${grants.join(', ') || 'none'}) do not cover procedure ${view.procedure}${view.communeCode ? ` in commune ${view.communeCode}` : ''}`,
        'PROCEDURE_NOT_GRANTED',
      )
    }
  }

  /** The parts as stored, each checked against the procedure's limits. */
  async function resolveParts(procedureCode: string, inputs: readonly PartInput[] | null | undefined): Promise<DossierPart[]> {
    if (!inputs || inputs.length === 0) return []
    const procedure = service!.policies.current().procedures.get(procedureCode)
    if (!procedure) throw refusal('BAD_USER_INPUT', `Procedure ${procedureCode} is not in the procedure catalogue`, 'UNKNOWN_PROCEDURE')
    const limits = procedure.parts
    if (inputs.length > limits.maxCount)
      throw refusal('BAD_USER_INPUT', `A step may add at most ${limits.maxCount} parts for procedure ${procedureCode}`, 'TOO_MANY_PARTS')
    const parts: DossierPart[] = []
    for (const [index, input] of inputs.entries()) {
      const name = input.name.trim()
      if (name.length === 0 || name.length > NAME_MAX) throw refusal('BAD_USER_INPUT', `parts[${index}]: a name of 1 to ${NAME_MAX} characters`, 'INVALID_PART')
      const stored = await service!.blobs.stat(input.sha256)
      if (!stored) {
        throw refusal(
          'BAD_USER_INPUT',
          `parts[${index}] (${name}): nothing is stored under ${input.sha256}; upload it first to PUT /v1/blobs/{sha256}`,
          'PART_NOT_UPLOADED',
        )
      }
      if (!limits.mediaTypes.includes(stored.mediaType)) {
        throw refusal(
          'BAD_USER_INPUT',
          `parts[${index}] (${name}): ${stored.mediaType} is not accepted for procedure ${procedureCode} (accepted: ${limits.mediaTypes.join(', ')})`,
          'PART_MEDIA_TYPE',
        )
      }
      if (stored.size > limits.maxBytes) {
        throw refusal(
          'PAYLOAD_TOO_LARGE',
          `parts[${index}] (${name}): ${stored.size} bytes; procedure ${procedureCode} takes parts of at most ${limits.maxBytes}`,
          'PART_TOO_LARGE',
        )
      }
      const part: DossierPart = { name, copyType: input.copyType, mediaType: stored.mediaType, size: stored.size, sha256: stored.sha256 }
      const checked = await checkSignature(index, part, input.signatureSha256 ?? undefined)
      if (limits.requireSignature && checked.signature?.status !== 'VALID') {
        const status = checked.signature?.status ?? 'UNSIGNED'
        throw refusal(
          'SIGNATURE_REQUIRED',
          `parts[${index}] (${name}): procedure ${procedureCode} requires a valid digital signature on every part; this one is ${status}${checked.signatureReason ? `: ${checked.signatureReason}` : ''}`,
          `SIGNATURE_${status}`,
        )
      }
      parts.push(checked)
    }
    return parts
  }

  /**
   * The part with its signature checked: a detached CMS signature when one is given (uploaded
   * first, like the content), else the PDF's own; against the province's trust list.
   */
  async function checkSignature(index: number, part: DossierPart, signatureSha256: string | undefined): Promise<DossierPart> {
    let signature: Uint8Array | undefined
    if (signatureSha256 !== undefined) {
      const stored = await service!.blobs.get(signatureSha256)
      if (!stored) {
        throw refusal(
          'BAD_USER_INPUT',
          `parts[${index}] (${part.name}): no signature is stored under ${signatureSha256}; upload it first to PUT /v1/blobs/{sha256}`,
          'SIGNATURE_NOT_UPLOADED',
        )
      }
      signature = stored.bytes
    }
    const content = await service!.blobs.get(part.sha256)
    if (!content) throw refusal('BAD_USER_INPUT', `parts[${index}] (${part.name}): nothing is stored under ${part.sha256}`, 'PART_NOT_UPLOADED')
    const found = await checkDocumentSignature({
      content: content.bytes,
      mediaType: part.mediaType,
      ...(signature ? { signature } : {}),
      trust: service!.trust?.() ?? emptyTrustList(),
      now: now(),
    })
    return {
      ...part,
      signature: {
        status: found.status,
        ...(found.signer ? { signer: found.signer.slice(0, 300) } : {}),
        ...(found.signedAt ? { signedAt: found.signedAt } : {}),
        ...(signatureSha256 !== undefined ? { detachedSha256: signatureSha256 } : {}),
      },
      ...(found.reason ? { signatureReason: found.reason.slice(0, 1000) } : {}),
    }
  }

  function checkNote(note: string | null | undefined): void {
    if (note !== null && note !== undefined && note.length > NOTE_MAX)
      throw refusal('BAD_USER_INPUT', `A note is at most ${NOTE_MAX} characters`, 'INVALID_NOTE')
  }

  /** The step's options: who acts, its key and the hash of what it asks, and its audit event. */
  async function stepOptions(ctx: GatewayContext, info: GraphQLResolveInfo, args: unknown, extra: Partial<StepOptions>): Promise<StepOptions> {
    const key = ctx.idempotencyKey
    if (key === undefined) throw refusal('BAD_USER_INPUT', 'A dossier step needs an Idempotency-Key header', 'IDEMPOTENCY_KEY_REQUIRED')
    const policy = ctx.state.policy
    const hash = await requestHash({ field: info.fieldName, args })
    const event = ({ dossier, step, seq, at }: { dossier: Dossier; step: DossierStep; seq: number; at: Date }): AuditEvent => ({
      v: 1,
      id: crypto.randomUUID(),
      at: at.toISOString(),
      kind: 'dossier.step',
      requestId: ctx.requestId,
      ...(ctx.trace?.traceId ? { traceId: ctx.trace.traceId } : {}),
      instance: service!.instance,
      agency: ctx.caller.agencyId,
      client: ctx.caller.clientId,
      ...(ctx.requestContext.endUser ? { endUser: ctx.requestContext.endUser } : {}),
      ...(ctx.requestContext.purpose ? { purpose: ctx.requestContext.purpose } : {}),
      caseId: dossier.code,
      ...(policy ? { policyVersion: policy.version, grants: policy.decision.grantsUsed } : {}),
      decision: 'ok',
      status: 200,
      subjects: [service!.hash(dossier.applicant)],
      latencyMs: 0,
      detail: {
        step,
        seq,
        status: portalCode(dossier.status),
        holder: dossier.holder,
        procedure: dossier.procedure,
        // What each added part's signature check found, in order: the trail shows what was accepted unsigned.
        ...(extra.parts?.length ? { signatures: signatureSummary(extra.parts) } : {}),
      },
    })
    return {
      actor: ctx.caller.agencyId,
      officer: ctx.requestContext.endUser,
      idempotencyKey: key,
      requestHash: hash,
      event,
      ...(ctx.trace?.traceparent ? { traceparent: ctx.trace.traceparent } : {}),
      ...extra,
    }
  }

  function applied(ctx: GatewayContext, result: StepResult): DossierView {
    if (!result.ok) throw refusalOf(result)
    service?.onCommitted?.()
    ctx.audit?.identifiers.add(result.dossier.applicant)
    return dossierView(result.dossier)
  }

  async function submit(_: unknown, { input }: { input: SubmitInput }, ctx: GatewayContext, info: GraphQLResolveInfo): Promise<DossierView> {
    if (!service) throw notEnabled()
    const applicant = input.applicantPin ?? input.applicantTaxCode
    if (!applicant || (input.applicantPin && input.applicantTaxCode)) {
      throw refusal('BAD_USER_INPUT', 'Name the applicant: applicantPin for a citizen or applicantTaxCode for an enterprise, not both', 'INVALID_APPLICANT')
    }
    ctx.audit?.identifiers.add(applicant)
    if (!DOSSIER_CODE.test(input.code)) {
      throw refusal('BAD_USER_INPUT', 'A dossier code is <receiving unit>-<date>-<sequence>, e.g. G09.20-20261204-0000001', 'INVALID_DOSSIER_CODE')
    }
    const procedure = service.policies.current().procedures.get(input.procedure)
    if (!procedure) throw refusal('BAD_USER_INPUT', `Procedure ${input.procedure} is not in the procedure catalogue`, 'UNKNOWN_PROCEDURE')
    checkNote(input.note)
    const at = now()
    const dueAt = input.dueAt ?? (procedure.dueDays ? new Date(at.getTime() + procedure.dueDays * 86_400_000).toISOString() : null)
    const draft: Dossier = {
      code: input.code,
      procedure: input.procedure,
      channel: input.channel,
      applicant,
      commune: input.communeCode ?? null,
      dueAt,
      receivingAgency: ctx.caller.agencyId,
      handlingAgency: null,
      holder: ctx.caller.agencyId,
      status: 'NEW',
      receivedAt: at.toISOString(),
      finishedAt: null,
      version: 1,
    }
    checkCovered(ctx, info, dossierView(draft))
    const parts = await resolveParts(input.procedure, input.parts)
    const options = await stepOptions(ctx, info, { input }, { parts, note: input.note ?? null })
    return applied(
      ctx,
      await service.store.submit({ code: draft.code, procedure: draft.procedure, channel: draft.channel, applicant, commune: draft.commune, dueAt }, options),
    )
  }

  function step(name: Exclude<DossierStep, 'submit'>) {
    return async (_: unknown, args: StepArgs, ctx: GatewayContext, info: GraphQLResolveInfo): Promise<DossierView> => {
      if (!service) throw notEnabled()
      checkNote(args.note)
      const current = await visible(service, args.code, ctx.caller.agencyId)
      // A dossier the caller is no party to is answered as a missing one: its existence is not told.
      if (!current) throw refusal('NOT_FOUND', `No dossier ${args.code} that your agency received, holds or handled`, 'DOSSIER_NOT_FOUND')
      ctx.audit?.identifiers.add(current.applicant)
      checkCovered(ctx, info, dossierView(current))
      if (name === 'transfer') {
        const active = service.policies.current()
        const target = args.to === undefined ? undefined : active.agencies.get(args.to)
        if (!target || !mayHandle(target, dossierView(current), active.variables.get(target.agency) ?? {}, now())) {
          throw refusal(
            'BAD_USER_INPUT',
            `Agency ${args.to} may not handle procedure ${current.procedure}: no grant of it covers this dossier`,
            'TARGET_NOT_GRANTED',
          )
        }
      }
      const parts = await resolveParts(current.procedure, args.parts)
      const options = await stepOptions(ctx, info, args, {
        note: args.note ?? null,
        parts,
        ...(args.expectedVersion !== null && args.expectedVersion !== undefined ? { expectedVersion: args.expectedVersion } : {}),
        ...(args.to !== undefined ? { target: args.to } : {}),
      })
      return applied(ctx, await service.store.step(args.code, name, options))
    }
  }

  const mutations: Record<string, unknown> = {
    submitDossier: submit,
    acknowledgeDossierMessages: async (_: unknown, args: { messageIds: string[] }, ctx: GatewayContext) => {
      if (!service) throw notEnabled()
      if (args.messageIds.length > INBOX_MAX) throw refusal('BAD_USER_INPUT', `Acknowledge at most ${INBOX_MAX} messages at once`, 'TOO_MANY_MESSAGES')
      const bad = args.messageIds.find((id) => !isMessageId(id))
      if (bad !== undefined) throw refusal('BAD_USER_INPUT', `Not a message id: ${bad.slice(0, 60)}`, 'INVALID_MESSAGE_ID')
      return service.outbox.acknowledge(ctx.caller.agencyId, args.messageIds)
    },
  }
  for (const [field, name] of Object.entries(STEP_MUTATIONS)) if (name !== 'submit') mutations[field] = step(name)

  return {
    // The schema's enum names over the store's values.
    IntakeChannel: { IN_PERSON: 1, ONLINE: 2, POSTAL: 3 },
    CopyType: { ORIGINAL: 0, COPY: 1, ELECTRONIC: 2 },
    DossierStep: Object.fromEntries(
      (Object.values(STEP_MUTATIONS) as DossierStep[]).map((value) => [value.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase(), value]),
    ),
    Query: {
      dossier: async (_: unknown, args: { code: string }, ctx: GatewayContext) => {
        if (!service) throw notEnabled()
        const dossier = await visible(service, args.code, ctx.caller.agencyId)
        if (dossier) ctx.audit?.identifiers.add(dossier.applicant)
        return dossier ? dossierView(dossier) : null
      },
      dossierInbox: async (_: unknown, args: { first: number }, ctx: GatewayContext) => {
        if (!service) throw notEnabled()
        if (!Number.isInteger(args.first) || args.first < 1 || args.first > INBOX_MAX) {
          throw refusal('BAD_USER_INPUT', `first must be between 1 and ${INBOX_MAX}`, 'INVALID_PAGE_SIZE')
        }
        const messages = await service.outbox.inbox(ctx.caller.agencyId, args.first)
        for (const { payload } of messages) ctx.audit?.identifiers.add(payload.applicant)
        return messages.map(({ id, payload }) => ({
          messageId: id,
          dossierCode: payload.dossier,
          seq: payload.seq,
          step: payload.step,
          status: payload.statusName,
          agency: payload.agency,
          officer: payload.officer,
          note: payload.note,
          at: payload.at,
          parts: payload.parts.map((part) => partView(part, payload.seq)),
        }))
      },
    },
    InboxMessage: {
      dossier: async (message: { dossierCode: string }, _: unknown, ctx: GatewayContext) => {
        const dossier = await visible(service!, message.dossierCode, ctx.caller.agencyId)
        return dossier ? dossierView(dossier) : null
      },
    },
    Mutation: mutations,
    Dossier: {
      parts: async (view: DossierView) => (await service!.store.parts(view.code)).map((part) => partView(part, part.seq)),
      progress: (view: DossierView) => service!.store.progress(view.code),
      nextSteps: (view: DossierView) => stepsFrom(view.status),
      receiptSecret: (view: DossierView, _: unknown, ctx: GatewayContext) =>
        view.receivingAgency === ctx.caller.agencyId ? receiptSecret(view.code, service!.hash) : null,
    },
  }
}
