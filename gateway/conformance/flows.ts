/**
 * The dossiers the kit pushes: four flows that together take every step of the state machine in
 * a legal order, so a receiver that checks the order (the portal does) sees what the gateway
 * would send. Each dossier is moved by the store's own rules (`newDossier`, `nextDossier`) and
 * each message made by the store's own `stepMessage`: a step added to the exchange, or a field
 * added to its message, is pushed here too, unchanged.
 */
import type { StepMessage, StepName } from '../../connectors/index.js'
import { newDossier, nextDossier, stepMessage, type DossierPart } from '../exchange/index.js'

/** The kit's synthetic parties; no real agency or person. */
export const KIT_DESK = 'mot-cua-kiem-thu'
export const KIT_DEPARTMENT = 'so-kiem-thu'
const APPLICANT = '001085000101'

export const FLOWS: readonly (readonly StepName[])[] = [
  ['submit', 'accept', 'transfer', 'addProgress', 'requestSupplement', 'supplement', 'askFees', 'confirmFees', 'finish', 'returnResult'],
  ['submit', 'reject'],
  ['submit', 'accept', 'transfer', 'stop'],
  ['submit', 'withdraw'],
]

const PART: DossierPart = {
  name: 'Đơn đề nghị (mẫu kiểm thử)',
  copyType: 0,
  mediaType: 'application/pdf',
  size: 1024,
  sha256: 'ab'.repeat(32),
  signature: { status: 'VALID', signer: 'Nguyễn Văn Thử' },
}

/** A dossier code in the national form, unique to this run. */
export function kitDossierCode(run: string, flow: number): string {
  return `KIT.${run.slice(0, 6).toUpperCase()}-20261204-${String(flow + 1).padStart(4, '0')}`
}

/** The messages of one flow, in order: each as the gateway writes it after the step. */
export function flowMessages(code: string, steps: readonly StepName[], now: Date, newId: () => string = () => crypto.randomUUID()): StepMessage[] {
  const received = newDossier(
    { code, procedure: '1.004227', channel: 2, applicant: APPLICANT, commune: '00097', dueAt: new Date(now.getTime() + 10 * 86_400_000).toISOString() },
    KIT_DESK,
    now,
  )
  let dossier = received
  return steps.map((step, i) => {
    const at = new Date(now.getTime() + i * 1000)
    const actor = dossier.holder
    if (step !== 'submit') {
      const next = nextDossier(dossier, step, { actor, ...(step === 'transfer' ? { target: KIT_DEPARTMENT } : {}) }, at)
      // The flows are legal by construction; a refusal here is a flow out of step with the table.
      if (!next.ok) throw new Error(`conformance flow ${steps.join(' → ')}: ${next.message}`)
      dossier = next.dossier
    }
    const parts = step === 'submit' || step === 'supplement' ? [{ ...PART, signature: { ...PART.signature!, signedAt: received.receivedAt } }] : []
    return stepMessage(newId(), dossier, step, { actor, officer: 'can-bo-kiem-thu', note: `Bước ${i + 1}: ${step} (bộ kiểm thử tuân thủ)`, parts }, at)
  })
}
