import type { DataClassMap } from '../../schemas/data-classes.js'
import type { AgencyDocument } from '../schema/policy.js'
import type { Condition, Grant, MaskSpec, Purpose } from '../schema/grant.js'
import { and, bindCondition, or, TRUE, type BoundCondition, type PolicyVariables } from './conditions.js'
import { grantAllows, grantCoversType, typeOf } from './allow.js'
import { classTable, viewClassMasks } from './classes.js'
import { strictestMask } from './masks.js'

/** What the caller declared about the request, reduced to what grants can require. */
export interface DeclaredContext {
  purpose: string | null
  caseId: boolean
  endUser: boolean
  /** The agency signed the context (X-Request-Context). */
  signed: boolean
}

export interface DecisionInput {
  agency: AgencyDocument
  purposes: ReadonlyMap<string, Purpose>
  context: DeclaredContext
  /** Every `Type.field` the operation can read (from the coordinate collector). */
  coordinates: readonly string[]
  /** The name of the query root type (its `__typename` is always allowed). @default 'Query' */
  queryType?: string
  /** Jurisdiction values for `$jurisdiction.*` in `where`. */
  variables: PolicyVariables
  now: Date
  /**
   * The data classes of the schema the coordinates come from (`dataClassesOf(schema)`), so an
   * identifier added by a described source is treated as its class. @default the hand-written schema's
   */
  dataClasses?: DataClassMap
}

/** Why a coordinate is refused (a reasoned denial: the caller learns which grant could allow it). */
export type DenialReason =
  | 'FIELD_NOT_PERMITTED'
  | 'PURPOSE_NOT_GRANTED'
  | 'GRANT_NOT_IN_FORCE'
  | 'CASE_REQUIRED'
  | 'END_USER_REQUIRED'
  | 'SIGNED_CONTEXT_REQUIRED'

/** The grant that would allow a refused coordinate, so the caller knows what to ask for. */
export interface GrantHint {
  grant: string
  purposes: string[]
  legalBasis: string
}

export type CoordinateDecision =
  | { coordinate: string; allowed: true; grants: string[]; mask?: MaskSpec /** The field's data class, whose treatment it takes. */; dataClass?: string }
  | { coordinate: string; allowed: false; reason: DenialReason; couldAllow?: GrantHint }

export type DecisionCode = 'PURPOSE_REQUIRED' | 'PURPOSE_NOT_ALLOWED' | 'CASE_REQUIRED' | 'FORBIDDEN'

export type Decision =
  | {
      allowed: true
      purpose: Purpose | null
      coordinates: CoordinateDecision[]
      grantsUsed: string[]
      /** Per record type, what a record must satisfy to be visible. Absent type: no filter. */
      rowFilters: ReadonlyMap<string, BoundCondition>
      /** Types some usable grant filters with `where`, read or not (counts over them would leak). */
      restrictedTypes: ReadonlySet<string>
      /** Per coordinate, the mask applied to its values. */
      masks: ReadonlyMap<string, MaskSpec>
      /** Per root coordinate (`Query.enterprises`), the most records it may return. */
      maxRecords: ReadonlyMap<string, number>
      /** Latest `withholdFromSubjectUntil` of the grants used (covert access), if any. */
      withholdFromSubjectUntil: string | null
    }
  | {
      allowed: false
      code: DecisionCode
      message: string
      purpose: Purpose | null
      coordinates: CoordinateDecision[]
      denied: Array<Extract<CoordinateDecision, { allowed: false }>>
    }

export { grantAllows }

/** Bound conditions, per grant and variables object (both immutable): bound once, not per request. */
const boundCache = new WeakMap<Grant, WeakMap<PolicyVariables, Map<string, BoundCondition>>>()

function boundWhere(grant: Grant, typeName: string, condition: Condition, variables: PolicyVariables): BoundCondition {
  let byVariables = boundCache.get(grant)
  if (!byVariables) boundCache.set(grant, (byVariables = new WeakMap()))
  let byType = byVariables.get(variables)
  if (!byType) byVariables.set(variables, (byType = new Map()))
  let result = byType.get(typeName)
  if (!result) byType.set(typeName, (result = bindCondition(condition, variables)))
  return result
}

/** `Type.__typename` is covered where some field of the type is; anything else by the allow-list. */
function covers(grant: Grant, coordinate: string, typeName: string, typename: boolean): boolean {
  return typename ? grantCoversType(grant, typeName) : grantAllows(grant, coordinate)
}

function grantMask(grant: Grant, coordinate: string): MaskSpec | undefined {
  return grant.mask?.[coordinate] ?? grant.mask?.[`${typeOf(coordinate)}.*`]
}

/** A grant applies between its `validFrom` (inclusive) and `validUntil` (exclusive). */
export function grantInForce(grant: Grant, now: Date): boolean {
  const at = now.toISOString()
  if (grant.validFrom && at < new Date(grant.validFrom).toISOString()) return false
  if (grant.validUntil && at >= new Date(grant.validUntil).toISOString()) return false
  return true
}

function unmetRequirement(grant: Grant, context: DeclaredContext): DenialReason | null {
  if (grant.require.caseId && !context.caseId) return 'CASE_REQUIRED'
  if (grant.require.endUser && !context.endUser) return 'END_USER_REQUIRED'
  if (grant.require.signedContext && !context.signed) return 'SIGNED_CONTEXT_REQUIRED'
  return null
}

const hint = (grant: Grant): GrantHint => ({ grant: grant.id, purposes: [...grant.purposes], legalBasis: grant.legalBasis })

const reasonText: Record<DenialReason, string> = {
  FIELD_NOT_PERMITTED: 'no grant of the agency allows it',
  PURPOSE_NOT_GRANTED: 'allowed only for another purpose',
  GRANT_NOT_IN_FORCE: 'the grant that allows it is not in force now',
  CASE_REQUIRED: 'the grant requires a case id (X-Case-Id)',
  END_USER_REQUIRED: 'the grant requires the officer (X-End-User)',
  SIGNED_CONTEXT_REQUIRED: 'the grant requires a signed request context (X-Request-Context)',
}

/** One line per refused coordinate: which, why, and the grant and legal basis that could allow it. */
export function describeDenial(denial: Extract<CoordinateDecision, { allowed: false }>): string {
  const could = denial.couldAllow
    ? ` (grant ${denial.couldAllow.grant}, purposes ${denial.couldAllow.purposes.join(', ')}; ${denial.couldAllow.legalBasis})`
    : ''
  return `${denial.coordinate}: ${reasonText[denial.reason]}${could}`
}

/**
 * Decides an operation for an agency and a declared purpose, before anything is fetched. Pure:
 * same input, same decision; the gateway caches it per agency, purpose, context and document.
 *
 * The rules, deny by default:
 * - a purpose is required, must be in the catalogue, and some grant of the agency must name it;
 * - the grants that count are those naming the purpose, in force now, whose required context
 *   (case id, officer, signature) the request carries; a coordinate must be allowed by one;
 * - `Type.__typename` counts as reading the type: allowed where some field of the type is;
 * - a record of type T is visible when, for every coordinate of T the operation reads, some
 *   grant allowing that coordinate admits the record (its `where` on T, or none). So asking for
 *   one more field can only narrow what is visible, never widen it;
 * - a field of a data class (an identifier: PIN, tax code, household id …) is masked when any
 *   grant naming the purpose masks its class, with the strictest such mask, on every path
 *   (see `viewClassMasks`); validation makes sure no grant of the purpose wants it plain;
 * - any other coordinate is masked when every grant allowing it masks it (the strictest mask
 *   wins, see `strictestMask`); one grant that allows it plainly shows it plainly, as the union
 *   of grants says.
 */
export function decide(input: DecisionInput): Decision {
  const queryType = input.queryType ?? 'Query'
  const { agency, context } = input
  const purpose = context.purpose ? (input.purposes.get(context.purpose) ?? null) : null
  const refuse = (code: DecisionCode, message: string, coordinates: CoordinateDecision[] = []): Decision => ({
    allowed: false,
    code,
    message,
    purpose,
    coordinates,
    denied: coordinates.filter((c): c is Extract<CoordinateDecision, { allowed: false }> => !c.allowed),
  })
  const dataCoordinates = input.coordinates.filter((c) => c !== `${queryType}.__typename`)
  if (!context.purpose) {
    // `{ __typename }` reads nothing: it needs no purpose. Anything else does.
    if (dataCoordinates.length === 0) return allow(purpose, [], [], input, queryType)
    return refuse('PURPOSE_REQUIRED', 'Declare the purpose of this request in X-Purpose')
  }
  if (!purpose) return refuse('PURPOSE_NOT_ALLOWED', `Purpose ${context.purpose} is not in the purpose catalogue`)
  const forPurpose = agency.grants.filter((grant) => grant.purposes.includes(purpose.code))
  if (forPurpose.length === 0) {
    return refuse('PURPOSE_NOT_ALLOWED', `Agency ${agency.agency} has no grant for purpose ${purpose.code}`)
  }
  const current = forPurpose.filter((grant) => grantInForce(grant, input.now))
  const usable = current.filter((grant) => unmetRequirement(grant, context) === null)

  const classes = classTable(agency, input.dataClasses)
  const classMasks = viewClassMasks(agency, purpose.code, input.dataClasses)

  const decisions: CoordinateDecision[] = []
  for (const coordinate of input.coordinates) {
    const typeName = typeOf(coordinate)
    const typename = coordinate.endsWith('.__typename')
    if (typename && typeName === queryType) {
      decisions.push({ coordinate, allowed: true, grants: [] })
      continue
    }
    const allowing: Grant[] = []
    for (const grant of usable) if (covers(grant, coordinate, typeName, typename)) allowing.push(grant)
    if (allowing.length > 0) {
      const dataClass = typename ? undefined : classes.classOf.get(coordinate)
      if (dataClass !== undefined) {
        // An identifier: the view's one treatment of its class, whichever grant allows this path
        // (a value masked on one path must not be readable on another).
        const mask = classMasks.get(dataClass)
        decisions.push({ coordinate, allowed: true, grants: allowing.map((g) => g.id), dataClass, ...(mask ? { mask } : {}) })
        continue
      }
      let mask: MaskSpec | undefined
      for (const [index, grant] of allowing.entries()) {
        const own = grantMask(grant, coordinate)
        // One grant that shows it plainly shows it plainly (the union of grants).
        if (own === undefined) {
          mask = undefined
          break
        }
        mask = index === 0 ? own : strictestMask(mask!, own)
      }
      decisions.push({ coordinate, allowed: true, grants: allowing.map((g) => g.id), ...(mask ? { mask } : {}) })
      continue
    }
    const needsContext = current.find((grant) => covers(grant, coordinate, typeName, typename))
    if (needsContext) {
      decisions.push({ coordinate, allowed: false, reason: unmetRequirement(needsContext, context)!, couldAllow: hint(needsContext) })
      continue
    }
    const notInForce = forPurpose.find((grant) => covers(grant, coordinate, typeName, typename))
    if (notInForce) {
      decisions.push({ coordinate, allowed: false, reason: 'GRANT_NOT_IN_FORCE', couldAllow: hint(notInForce) })
      continue
    }
    const otherPurpose = agency.grants.find((grant) => !grant.purposes.includes(purpose.code) && covers(grant, coordinate, typeName, typename))
    if (otherPurpose) decisions.push({ coordinate, allowed: false, reason: 'PURPOSE_NOT_GRANTED', couldAllow: hint(otherPurpose) })
    else decisions.push({ coordinate, allowed: false, reason: 'FIELD_NOT_PERMITTED' })
  }
  const denied = decisions.filter((d): d is Extract<CoordinateDecision, { allowed: false }> => !d.allowed)
  if (denied.length > 0) {
    // A missing case id is its own code, so a client can prompt the officer for the dossier;
    // anything else that is refused (a field, another purpose's field, a missing officer or
    // signature) is FORBIDDEN.
    const code: DecisionCode = denied.every((d) => d.reason === 'CASE_REQUIRED') ? 'CASE_REQUIRED' : 'FORBIDDEN'
    return refuse(code, `Not allowed for purpose ${purpose.code}: ${denied.map(describeDenial).join('; ')}`, decisions)
  }
  return allow(purpose, decisions, usable, input, queryType)
}

function allow(purpose: Purpose | null, decisions: CoordinateDecision[], usable: Grant[], input: DecisionInput, queryType: string): Decision {
  const byId = new Map(usable.map((grant) => [grant.id, grant]))
  const whereOf = (grant: Grant, typeName: string): BoundCondition => {
    const condition = grant.where?.[typeName]
    return condition ? boundWhere(grant, typeName, condition, input.variables) : TRUE
  }
  // Per type: AND over the coordinates read on it of (OR over the grants allowing each). Many
  // coordinates share the same allowing grants: each distinct set is combined once.
  const perType = new Map<string, Map<string, Grant[]>>()
  const masks = new Map<string, MaskSpec>()
  const maxRecords = new Map<string, number>()
  const used = new Set<string>()
  let withhold: string | null = null
  for (const decision of decisions) {
    if (!decision.allowed) continue
    const typeName = typeOf(decision.coordinate)
    const grants: Grant[] = []
    for (const id of decision.grants) {
      const grant = byId.get(id)
      if (!grant) continue
      grants.push(grant)
      used.add(grant.id)
      if (grant.withholdFromSubjectUntil && (!withhold || grant.withholdFromSubjectUntil > withhold)) withhold = grant.withholdFromSubjectUntil
    }
    if (typeName === queryType) {
      const caps = grants.map((grant) => grant.maxRecords)
      // The union of grants: the most generous grant sets the cap; one without a cap lifts it.
      if (caps.length > 0 && caps.every((cap) => cap !== undefined)) maxRecords.set(decision.coordinate, Math.max(...(caps as number[])))
      continue
    }
    if (decision.mask) masks.set(decision.coordinate, decision.mask)
    let sets = perType.get(typeName)
    if (!sets) perType.set(typeName, (sets = new Map()))
    sets.set(decision.grants.join('\u0000'), grants)
  }
  const rowFilters = new Map<string, BoundCondition>()
  for (const [typeName, sets] of perType) {
    const combined = and([...sets.values()].map((grants) => or(grants.map((grant) => whereOf(grant, typeName)))))
    if (combined.kind !== 'true') rowFilters.set(typeName, combined)
  }
  return {
    allowed: true,
    purpose,
    coordinates: decisions,
    grantsUsed: [...used].sort(),
    rowFilters,
    restrictedTypes: new Set(usable.flatMap((grant) => Object.keys(grant.where ?? {}))),
    masks,
    maxRecords,
    withholdFromSubjectUntil: withhold,
  }
}

/**
 * The coordinates an agency may see for a purpose and context, ignoring `where` (which is about
 * records, not the schema): what its introspection shows. `Type.*` entries are returned as is.
 */
export function visibleCoordinates(agency: AgencyDocument, context: DeclaredContext, now: Date): Set<string> {
  const visible = new Set<string>()
  if (!context.purpose) return visible
  for (const grant of agency.grants) {
    if (!grant.purposes.includes(context.purpose) || !grantInForce(grant, now) || unmetRequirement(grant, context)) continue
    for (const entry of grant.allow) visible.add(entry)
  }
  return visible
}
