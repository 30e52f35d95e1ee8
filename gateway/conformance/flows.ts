/**
 * The dossiers the kit pushes: four flows that together take every step of the state machine
 * (`exchange/transitions.ts`, the gateway's own table) in a legal order, so a receiver that
 * checks the order (the portal does) sees what the gateway would send. Messages are built from
 * the table, not written out: a step added to the exchange is pushed here too.
 */
import type { StepMessage, StepName } from '../../connectors/index.js'
import { portalCode } from '../exchange/status.js'
import { TRANSITIONS } from '../exchange/transitions.js'

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

/** A dossier code in the national form, unique to this run. */
export function kitDossierCode(run: string, flow: number): string {
  return `KIT.${run.slice(0, 6).toUpperCase()}-20261204-${String(flow + 1).padStart(4, '0')}`
}

/** The messages of one flow, in order: each as the gateway writes it after the step. */
export function flowMessages(code: string, steps: readonly StepName[], now: Date, newId: () => string = () => crypto.randomUUID()): StepMessage[] {
  const receivedAt = now.toISOString()
  const dueAt = new Date(now.getTime() + 10 * 86_400_000).toISOString()
  let holder = KIT_DESK
  let handling: string | null = null
  let finishedAt: string | null = null
  return steps.map((step, i) => {
    const transition = TRANSITIONS.find((t) => t.step === step)!
    const agency = holder
    if (step === 'transfer') handling = KIT_DEPARTMENT
    if (transition.holder === 'handling') holder = handling ?? KIT_DEPARTMENT
    if (transition.holder === 'receiving') holder = KIT_DESK
    if (['finish', 'reject', 'withdraw', 'stop'].includes(step)) finishedAt = new Date(now.getTime() + i * 1000).toISOString()
    const withPart = step === 'submit' || step === 'supplement'
    return {
      messageId: newId(),
      dossier: code,
      seq: i + 1,
      step,
      status: portalCode(transition.to),
      statusName: transition.to,
      holder,
      agency,
      officer: 'can-bo-kiem-thu',
      note: `Bước ${i + 1}: ${step} (bộ kiểm thử tuân thủ)`,
      at: new Date(now.getTime() + i * 1000).toISOString(),
      procedure: '1.004227',
      channel: 2,
      applicant: APPLICANT,
      commune: '00097',
      receivingAgency: KIT_DESK,
      handlingAgency: handling,
      receivedAt,
      dueAt,
      finishedAt,
      version: i + 1,
      parts: withPart
        ? [
            {
              name: 'Đơn đề nghị (mẫu kiểm thử)',
              copyType: 0,
              mediaType: 'application/pdf',
              size: 1024,
              sha256: 'ab'.repeat(32),
              signature: { status: 'VALID', signer: 'Nguyễn Văn Thử', signedAt: receivedAt },
            },
          ]
        : [],
    }
  })
}
