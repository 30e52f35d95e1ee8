import { DATA_CLASSES, type DataClassMap } from '../../schemas/data-classes.js'
import type { Grant, MaskSpec } from '../schema/grant.js'
import type { AgencyDocument } from '../schema/policy.js'
import { grantAllows, typeOf } from './allow.js'
import { strictestMask } from './masks.js'

/**
 * Data classes in a policy (see schemas/data-classes.ts): an identifier has one treatment per
 * (agency, purpose) view, wherever the schema has it. A grant masks a class by naming it
 * (`mask: { pin: last4 }`) or by masking any field of it (`mask: { Citizen.pin: last4 }` masks
 * every PIN); a grant that shows a class as it is says so (`plain: [pin]`). In a view, a class some
 * grant of the purpose masks is masked on every coordinate of the class the operation reads, with
 * the strictest of those masks; validation refuses a purpose in which one grant masks a class and
 * another shows it plainly, and a grant that reads a class without saying which.
 */
export interface ClassTable {
  /** coordinate → its class */
  classOf: ReadonlyMap<string, string>
  /** class → its coordinates */
  members: ReadonlyMap<string, readonly string[]>
}

const tables = new WeakMap<DataClassMap, WeakMap<AgencyDocument, ClassTable>>()

/**
 * The canonical classes with the agency's own `classes:` added (a field stays in its first class).
 * `canonical` is the classes of the schema being served (schemas/data-classes.ts `dataClassesOf`),
 * which includes the fields of sources connected by description; the hand-written schema's by default.
 */
export function classTable(agency: AgencyDocument, canonical: DataClassMap = DATA_CLASSES): ClassTable {
  let byAgency = tables.get(canonical)
  if (!byAgency) tables.set(canonical, (byAgency = new WeakMap()))
  let table = byAgency.get(agency)
  if (!table) {
    const members = new Map<string, string[]>([...canonical].map(([name, coordinates]) => [name, [...coordinates]]))
    const classOf = new Map<string, string>([...canonical].flatMap(([name, coordinates]) => coordinates.map((c) => [c, name] as const)))
    for (const [name, coordinates] of Object.entries(agency.classes ?? {})) {
      const list = members.get(name) ?? []
      members.set(name, list)
      for (const coordinate of coordinates) {
        if (classOf.has(coordinate)) continue // validation refuses it; the canonical class keeps it
        classOf.set(coordinate, name)
        list.push(coordinate)
      }
    }
    table = { classOf, members }
    byAgency.set(agency, table)
  }
  return table
}

/** What one grant says about one class. */
export interface ClassTreatment {
  /** The class's fields the grant allows. */
  reads: string[]
  /** The mask entries that concern the class: the class itself, a field of it, or `Type.*` over one it reads. */
  masks: Array<{ key: string; spec: MaskSpec }>
  plain: boolean
}

const isClassKey = (key: string) => !key.includes('.')

const treatmentCache = new WeakMap<ClassTable, WeakMap<Grant, ReadonlyMap<string, ClassTreatment>>>()

/** Per class the grant reads, masks or declares plain: what it says about it. */
export function grantClassTreatments(grant: Grant, table: ClassTable): ReadonlyMap<string, ClassTreatment> {
  let byGrant = treatmentCache.get(table)
  if (!byGrant) treatmentCache.set(table, (byGrant = new WeakMap()))
  const cached = byGrant.get(grant)
  if (cached) return cached
  const result = new Map<string, ClassTreatment>()
  const entry = (name: string): ClassTreatment => {
    let treatment = result.get(name)
    if (!treatment) result.set(name, (treatment = { reads: [], masks: [], plain: false }))
    return treatment
  }
  for (const [name, coordinates] of table.members) {
    const reads = coordinates.filter((coordinate) => grantAllows(grant, coordinate))
    if (reads.length > 0) entry(name).reads.push(...reads)
  }
  for (const [key, spec] of Object.entries(grant.mask ?? {})) {
    if (isClassKey(key)) entry(key).masks.push({ key, spec })
    else if (key.endsWith('.*')) {
      // `Type.*` masks the classes of the fields of that type the grant reads.
      const typeName = typeOf(key)
      const classes = new Set(
        [...table.classOf].filter(([coordinate]) => typeOf(coordinate) === typeName && grantAllows(grant, coordinate)).map(([, name]) => name),
      )
      for (const name of classes) entry(name).masks.push({ key, spec })
    } else {
      const name = table.classOf.get(key)
      if (name) entry(name).masks.push({ key, spec })
    }
  }
  for (const name of grant.plain ?? []) entry(name).plain = true
  byGrant.set(grant, result)
  return result
}

/** The one mask of a grant for a class: the strictest of its entries (validation wants them equal). */
export function grantClassMask(treatment: ClassTreatment): MaskSpec | undefined {
  let mask: MaskSpec | undefined
  for (const { spec } of treatment.masks) mask = mask === undefined ? spec : strictestMask(mask, spec)
  return mask
}

const viewCache = new WeakMap<ClassTable, Map<string, ReadonlyMap<string, MaskSpec>>>()

/**
 * The masks of an (agency, purpose) view, per class: the strictest mask any grant naming the
 * purpose puts on the class, whatever the grant requires and whenever it is in force, so the
 * treatment of an identifier does not change with the request's context. A class no grant of the
 * purpose masks is absent (shown as it is).
 */
export function viewClassMasks(agency: AgencyDocument, purpose: string, canonical: DataClassMap = DATA_CLASSES): ReadonlyMap<string, MaskSpec> {
  const table = classTable(agency, canonical)
  let byPurpose = viewCache.get(table)
  if (!byPurpose) viewCache.set(table, (byPurpose = new Map()))
  let masks = byPurpose.get(purpose)
  if (!masks) {
    const combined = new Map<string, MaskSpec>()
    for (const grant of agency.grants) {
      if (!grant.purposes.includes(purpose)) continue
      for (const [name, treatment] of grantClassTreatments(grant, table)) {
        const own = grantClassMask(treatment)
        if (own === undefined) continue
        const current = combined.get(name)
        combined.set(name, current === undefined ? own : strictestMask(current, own))
      }
    }
    masks = combined
    byPurpose.set(purpose, masks)
  }
  return masks
}

export interface ClassProblem {
  path: string
  message: string
}

const showSpec = (spec: MaskSpec) => (typeof spec === 'string' ? spec : JSON.stringify(spec))
const showMasks = (treatment: ClassTreatment) => treatment.masks.map(({ key, spec }) => `${key}: ${showSpec(spec)}`).join(', ')

/**
 * Why an agency document's data classes do not hold together (empty when they do): unknown or
 * doubly assigned classes, a grant that reads a class without saying how to show it, a grant that
 * says two things about one class, and two grants of one purpose of which one masks a class and
 * the other shows it plainly (both named).
 */
export function classProblems(agency: AgencyDocument, canonical: DataClassMap = DATA_CLASSES): ClassProblem[] {
  const problems: ClassProblem[] = []
  const table = classTable(agency, canonical)
  const known = [...table.members.keys()]
  const canonicalOwner = new Map<string, string>([...canonical].flatMap(([name, coordinates]) => coordinates.map((c) => [c, name] as const)))
  const declared = new Map<string, string>()
  for (const [name, coordinates] of Object.entries(agency.classes ?? {})) {
    for (const coordinate of coordinates) {
      const other = canonicalOwner.get(coordinate) ?? declared.get(coordinate)
      if (other && other !== name)
        problems.push({ path: `classes.${name}`, message: `${coordinate} is already in data class ${other}: a field belongs to one class` })
      else if (other === name) problems.push({ path: `classes.${name}`, message: `${coordinate} is listed twice in data class ${name}` })
      declared.set(coordinate, name)
    }
  }
  const treatments = agency.grants.map((grant) => grantClassTreatments(grant, table))
  agency.grants.forEach((grant, index) => {
    for (const key of Object.keys(grant.mask ?? {})) {
      if (isClassKey(key) && !table.members.has(key))
        problems.push({ path: `grants.${index}.mask.${key}`, message: `unknown data class ${key} (known: ${known.join(', ')})` })
    }
    for (const name of grant.plain ?? []) {
      if (!table.members.has(name)) problems.push({ path: `grants.${index}.plain`, message: `unknown data class ${name} (known: ${known.join(', ')})` })
    }
    for (const [name, treatment] of treatments[index]!) {
      if (!table.members.has(name)) continue
      const fields = table.members.get(name)!.join(', ')
      const masked = treatment.masks.length > 0
      if (treatment.reads.length === 0) {
        if (masked)
          problems.push({
            path: `grants.${index}.mask`,
            message: `grant ${grant.id} masks data class ${name} (${showMasks(treatment)}) but reads none of its fields (${fields})`,
          })
        if (treatment.plain)
          problems.push({
            path: `grants.${index}.plain`,
            message: `grant ${grant.id} declares data class ${name} plain but reads none of its fields (${fields})`,
          })
        continue
      }
      if (masked && treatment.plain) {
        problems.push({
          path: `grants.${index}.plain`,
          message: `grant ${grant.id} both masks data class ${name} (${showMasks(treatment)}) and declares it plain`,
        })
      }
      if (new Set(treatment.masks.map(({ spec }) => showSpec(spec))).size > 1) {
        problems.push({
          path: `grants.${index}.mask`,
          message: `grant ${grant.id} masks data class ${name} in more than one way (${showMasks(treatment)}): one mask per class`,
        })
      }
      if (!masked && !treatment.plain) {
        const maskers = agency.grants
          .map((other, j) => ({ other, treatment: treatments[j]!.get(name), shared: other.purposes.filter((p) => grant.purposes.includes(p)) }))
          .filter(({ other, treatment: t, shared }) => other !== grant && t && t.masks.length > 0 && shared.length > 0)
          .map(({ other, treatment: t, shared }) => `grant ${other.id} masks it for ${shared.join(', ')} (${showMasks(t!)})`)
        problems.push({
          path: `grants.${index}`,
          message:
            `grant ${grant.id} reads ${treatment.reads.join(', ')} (data class ${name}) without saying how it is shown` +
            (maskers.length ? `, while ${maskers.join('; ')}` : '') +
            `: add mask: { ${name}: … } or plain: [${name}]`,
        })
      }
    }
  })
  // Within a purpose, a class is masked on every path or plain on every path.
  agency.grants.forEach((plainGrant, p) => {
    for (const [name, plainTreatment] of treatments[p]!) {
      if (!plainTreatment.plain || plainTreatment.masks.length > 0 || plainTreatment.reads.length === 0) continue
      agency.grants.forEach((maskGrant, m) => {
        const maskTreatment = treatments[m]!.get(name)
        if (m === p || !maskTreatment || maskTreatment.masks.length === 0) return
        const shared = maskGrant.purposes.filter((purpose) => plainGrant.purposes.includes(purpose))
        if (shared.length === 0) return
        problems.push({
          path: `grants.${p}.plain`,
          message:
            `data class ${name} is masked by grant ${maskGrant.id} (${showMasks(maskTreatment)}) and plain in grant ${plainGrant.id} ` +
            `(${plainTreatment.reads.join(', ')}) for purpose ${shared.join(', ')}: one treatment per class and purpose, so mask it in both grants or show it plainly in both`,
        })
      })
    }
  })
  return problems
}
