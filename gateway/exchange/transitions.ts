import type { StepName } from '../../connectors/index.js'
import type { DossierStatus } from './status.js'

/** The steps a system may take on a dossier: one GraphQL mutation each (named in the partners' message contract). */
export type DossierStep = StepName

/**
 * Who holds the dossier after a step: the same agency, the handling agency (a department), or
 * the receiving agency (the one-stop desk, which deals with the applicant).
 */
export type HolderAfter = 'same' | 'handling' | 'receiving'

export interface Transition {
  step: DossierStep
  /** Statuses the step may start from; null: a new dossier (submit). */
  from: readonly DossierStatus[] | null
  to: DossierStatus
  holder: HolderAfter
}

/**
 * The one table that decides which step is legal from which status, and who holds the dossier
 * after it. A desk submits and accepts or rejects at intake; an accepted dossier is transferred
 * to a department, which processes it and may ask for a supplement (back to the desk, which
 * collects the papers and sends it back), for fees, stop it or finish it; the desk returns the
 * result. The applicant may withdraw while the dossier is open.
 */
export const TRANSITIONS: readonly Transition[] = [
  { step: 'submit', from: null, to: 'NEW', holder: 'receiving' },
  { step: 'accept', from: ['NEW'], to: 'ACCEPTED', holder: 'same' },
  { step: 'reject', from: ['NEW'], to: 'REJECTED', holder: 'same' },
  // From processing too: a department may hand a dossier on to the one that can handle it.
  { step: 'transfer', from: ['ACCEPTED', 'PROCESSING'], to: 'PROCESSING', holder: 'handling' },
  { step: 'addProgress', from: ['PROCESSING'], to: 'PROCESSING', holder: 'same' },
  { step: 'requestSupplement', from: ['PROCESSING'], to: 'SUPPLEMENT_REQUESTED', holder: 'receiving' },
  { step: 'supplement', from: ['SUPPLEMENT_REQUESTED'], to: 'PROCESSING', holder: 'handling' },
  { step: 'askFees', from: ['PROCESSING'], to: 'FEES_DUE', holder: 'receiving' },
  { step: 'confirmFees', from: ['FEES_DUE'], to: 'PROCESSING', holder: 'handling' },
  { step: 'withdraw', from: ['NEW', 'ACCEPTED', 'PROCESSING', 'SUPPLEMENT_REQUESTED', 'FEES_DUE'], to: 'WITHDRAWN', holder: 'same' },
  { step: 'stop', from: ['PROCESSING', 'SUPPLEMENT_REQUESTED', 'FEES_DUE'], to: 'STOPPED', holder: 'same' },
  { step: 'finish', from: ['PROCESSING'], to: 'PROCESSED', holder: 'receiving' },
  { step: 'returnResult', from: ['PROCESSED'], to: 'RESULT_RETURNED', holder: 'same' },
]

const byStep = new Map(TRANSITIONS.map((transition) => [transition.step, transition]))

/** Where a dossier stands: what a step is decided against. */
export interface DossierPosition {
  status: DossierStatus
  /** The agency that holds it now: the only one that may move it. */
  holder: string
  /** The one-stop desk that received it. */
  receivingAgency: string
  /** The department handling it, once transferred. */
  handlingAgency: string | null
}

export type StepDecision =
  | { ok: true; status: DossierStatus; holder: string; handlingAgency: string | null }
  | { ok: false; code: 'INVALID_TRANSITION' | 'NOT_HOLDER' | 'BAD_USER_INPUT'; message: string }

/**
 * Decides one step on an existing dossier, as `actor` (the calling agency); `target` is the
 * handling agency a transfer names. Pure: the caller stores the result, its progress entry and
 * its messages in one transaction.
 */
export function decideStep(position: DossierPosition, step: Exclude<DossierStep, 'submit'>, actor: string, target?: string): StepDecision {
  const transition = byStep.get(step)
  if (!transition || transition.from === null) return { ok: false, code: 'BAD_USER_INPUT', message: `${step} is not a step on an existing dossier` }
  if (actor !== position.holder) {
    return { ok: false, code: 'NOT_HOLDER', message: `Only the agency that holds this dossier (${position.holder}) may ${step} it` }
  }
  if (!transition.from.includes(position.status)) {
    return {
      ok: false,
      code: 'INVALID_TRANSITION',
      message: `${step} is not allowed from ${position.status}: it moves a dossier from ${transition.from.join(' or ')} to ${transition.to}`,
    }
  }
  if (step === 'transfer') {
    if (!target) return { ok: false, code: 'BAD_USER_INPUT', message: 'transfer names the agency that will handle the dossier' }
    if (target === actor) return { ok: false, code: 'BAD_USER_INPUT', message: 'transfer names another agency than the one that holds the dossier' }
    return { ok: true, status: transition.to, holder: target, handlingAgency: target }
  }
  if (target !== undefined) return { ok: false, code: 'BAD_USER_INPUT', message: `${step} names no other agency` }
  const holder = transition.holder === 'same' ? position.holder : transition.holder === 'receiving' ? position.receivingAgency : position.handlingAgency
  // A step that hands the dossier to its department before any transfer has no one to hand it to.
  if (holder === null) return { ok: false, code: 'INVALID_TRANSITION', message: `${step} needs a handling agency, and this dossier was never transferred` }
  return { ok: true, status: transition.to, holder, handlingAgency: position.handlingAgency }
}

/** The steps legal from a status, in table order (for error messages and the console). */
export const stepsFrom = (status: DossierStatus): DossierStep[] => TRANSITIONS.filter((t) => t.from?.includes(status)).map((t) => t.step)
