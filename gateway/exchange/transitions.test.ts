/**
 * The dossier state machine by table. The expected moves are written out here from the
 * portal's statuses (1 new → 2 accepted | 3 rejected; 2 → 4 processing; 4 ⇄ 5 supplement;
 * 4 ⇄ 6 fees; 8 stopped; 9 processed → 10 returned; 7 withdrawn while open), not read from the
 * table under test, so a wrong line in it fails here.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DOSSIER_STATUSES, portalCode, statusOfPortalCode, vietnameseName, type DossierStatus } from './status.js'
import { stepNameSchema } from '../../connectors/index.js'
import { decideStep, stepsFrom, type DossierPosition, type DossierStep } from './transitions.js'

type Step = Exclude<DossierStep, 'submit'>
// Every step the message contract names, but submission (which starts a dossier).
const STEPS = stepNameSchema.options.filter((step): step is Step => step !== 'submit')
const STATUSES = DOSSIER_STATUSES.map((s) => s.name)

const DESK = 'mot-cua-phuong-01'
const DEPT = 'so-tnmt-ha-noi'
const OTHER_DEPT = 'so-tu-phap-ha-noi'

/** status → step → [status after, who holds it after]. Anything not listed is INVALID_TRANSITION. */
const LEGAL: Partial<Record<DossierStatus, Partial<Record<Step, [DossierStatus, 'desk' | 'dept' | 'other']>>>> = {
  NEW: { accept: ['ACCEPTED', 'desk'], reject: ['REJECTED', 'desk'], withdraw: ['WITHDRAWN', 'desk'] },
  ACCEPTED: { transfer: ['PROCESSING', 'other'], withdraw: ['WITHDRAWN', 'desk'] },
  PROCESSING: {
    transfer: ['PROCESSING', 'other'],
    addProgress: ['PROCESSING', 'dept'],
    requestSupplement: ['SUPPLEMENT_REQUESTED', 'desk'],
    askFees: ['FEES_DUE', 'desk'],
    withdraw: ['WITHDRAWN', 'dept'],
    stop: ['STOPPED', 'dept'],
    finish: ['PROCESSED', 'desk'],
  },
  SUPPLEMENT_REQUESTED: { supplement: ['PROCESSING', 'dept'], withdraw: ['WITHDRAWN', 'desk'], stop: ['STOPPED', 'desk'] },
  FEES_DUE: { confirmFees: ['PROCESSING', 'dept'], withdraw: ['WITHDRAWN', 'desk'], stop: ['STOPPED', 'desk'] },
  PROCESSED: { returnResult: ['RESULT_RETURNED', 'desk'] },
}

/** Where a dossier in `status` would be held in the flow: at the desk before transfer and when handed back, else at the department. */
function positionIn(status: DossierStatus): DossierPosition {
  const atDept = status === 'PROCESSING'
  const transferred = !['NEW', 'ACCEPTED', 'REJECTED'].includes(status)
  return { status, holder: atDept ? DEPT : DESK, receivingAgency: DESK, handlingAgency: transferred ? DEPT : null }
}

const agencyOf = { desk: DESK, dept: DEPT, other: OTHER_DEPT } as const

describe('dossier steps: every status × every step', () => {
  const cases = STATUSES.flatMap((status) => STEPS.map((step) => [status, step] as const))
  it.each(cases)('%s, %s', (status, step) => {
    const position = positionIn(status)
    const decision = decideStep(position, step, position.holder, step === 'transfer' ? OTHER_DEPT : undefined)
    const legal = LEGAL[status]?.[step]
    if (legal) {
      expect(decision).toEqual({
        ok: true,
        status: legal[0],
        holder: agencyOf[legal[1]],
        handlingAgency: step === 'transfer' ? OTHER_DEPT : position.handlingAgency,
      })
    } else {
      expect(decision).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
      if (!decision.ok) expect(decision.message).toContain(`${step} is not allowed from ${status}`)
    }
  })

  it.each(STATUSES)('from %s, the steps offered are exactly the legal ones', (status) => {
    expect(stepsFrom(status).sort()).toEqual(Object.keys(LEGAL[status] ?? {}).sort())
  })

  it.each(['REJECTED', 'WITHDRAWN', 'STOPPED', 'RESULT_RETURNED'] as const)('%s is final: no step leaves it', (status) => {
    expect(stepsFrom(status)).toEqual([])
  })
})

describe('dossier steps: the holder rule', () => {
  it.each(STEPS)('%s by an agency that does not hold the dossier is refused, whatever the status', (step) => {
    for (const status of STATUSES) {
      const position = positionIn(status)
      const stranger = position.holder === DESK ? DEPT : DESK
      expect(decideStep(position, step, stranger, step === 'transfer' ? OTHER_DEPT : undefined)).toEqual({
        ok: false,
        code: 'NOT_HOLDER',
        message: `Only the agency that holds this dossier (${position.holder}) may ${step} it`,
      })
    }
  })
})

describe('dossier steps: what a step names', () => {
  it.each<[string, DossierPosition, Step, string | undefined, string]>([
    ['a transfer without a target', positionIn('ACCEPTED'), 'transfer', undefined, 'transfer names the agency that will handle the dossier'],
    ['a transfer to the holder itself', positionIn('ACCEPTED'), 'transfer', DESK, 'transfer names another agency than the one that holds the dossier'],
    ['another step naming an agency', positionIn('NEW'), 'accept', DEPT, 'accept names no other agency'],
  ])('%s is bad input', (_case, position, step, target, message) => {
    expect(decideStep(position, step, position.holder, target)).toEqual({ ok: false, code: 'BAD_USER_INPUT', message })
  })

  it('submit is not a step on an existing dossier', () => {
    expect(decideStep(positionIn('NEW'), 'submit' as Step, DESK)).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' })
  })

  it('a step that hands the dossier to a department that was never named is refused', () => {
    const inconsistent: DossierPosition = { status: 'SUPPLEMENT_REQUESTED', holder: DESK, receivingAgency: DESK, handlingAgency: null }
    expect(decideStep(inconsistent, 'supplement', DESK)).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
  })
})

describe('dossier steps: the flow between a desk and a department', () => {
  it('submitted, accepted, transferred, supplement asked and given, finished, returned', () => {
    let position: DossierPosition = { status: 'NEW', holder: DESK, receivingAgency: DESK, handlingAgency: null }
    const trail: Array<[DossierStatus, string]> = []
    const take = (step: Step, actor: string, target?: string) => {
      const decision = decideStep(position, step, actor, target)
      if (!decision.ok) throw new Error(decision.message)
      position = { ...position, status: decision.status, holder: decision.holder, handlingAgency: decision.handlingAgency }
      trail.push([position.status, position.holder])
    }
    take('accept', DESK)
    take('transfer', DESK, DEPT)
    take('addProgress', DEPT)
    take('requestSupplement', DEPT)
    take('supplement', DESK)
    take('finish', DEPT)
    take('returnResult', DESK)
    expect(trail).toEqual([
      ['ACCEPTED', DESK],
      ['PROCESSING', DEPT],
      ['PROCESSING', DEPT],
      ['SUPPLEMENT_REQUESTED', DESK],
      ['PROCESSING', DEPT],
      ['PROCESSED', DESK],
      ['RESULT_RETURNED', DESK],
    ])
  })

  it('property: any sequence of steps keeps the dossier with its desk or its department, and a final status stays final', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...STEPS), fc.constantFrom(DESK, DEPT, OTHER_DEPT)), { maxLength: 40 }), (attempts) => {
        let position: DossierPosition = { status: 'NEW', holder: DESK, receivingAgency: DESK, handlingAgency: null }
        for (const [step, actor] of attempts) {
          const before = position
          const decision = decideStep(position, step, actor, step === 'transfer' ? (actor === DEPT ? OTHER_DEPT : DEPT) : undefined)
          if (!decision.ok) continue
          expect(actor).toBe(before.holder)
          expect(stepsFrom(before.status)).toContain(step)
          position = { ...position, status: decision.status, holder: decision.holder, handlingAgency: decision.handlingAgency }
          expect([position.receivingAgency, position.handlingAgency]).toContain(position.holder)
        }
      }),
    )
  })
})

describe('dossier statuses: the portal codes', () => {
  it.each(DOSSIER_STATUSES.map((s) => [s.code, s.name, s.vi] as const))('%i is %s (%s), both ways', (code, name, vi) => {
    expect(portalCode(name)).toBe(code)
    expect(statusOfPortalCode(code)).toBe(name)
    expect(vietnameseName(name)).toBe(vi)
  })

  it('the codes are 1 to 10, once each', () => {
    expect(DOSSIER_STATUSES.map((s) => s.code)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  })

  it.each([0, 11, -1, 4.5, Number.NaN])('%s is no status', (code) => {
    expect(statusOfPortalCode(code)).toBeNull()
  })
})
