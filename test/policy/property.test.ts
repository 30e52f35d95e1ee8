/**
 * Property-based enforcement test: random query operations generated from the canonical schema
 * (random root fields with real identifiers, random selection sets down to depth 4, aliases,
 * inline and named fragments, `__typename`, literal @skip/@include, arguments inline or in
 * variables) are sent through the whole gateway under a random fixture purpose and random
 * X-Case-Id / X-End-User headers. What the fixture grants allow is computed here, independently
 * of policies/evaluate, and the response is walked alongside the document:
 *
 * 1. an operation that reads any coordinate the grants do not allow gets no data, a policy error
 *    code, and no registry is called; an allowed one gets data and no error, and every response
 *    key maps to an allowed coordinate of the document;
 * 2. every non-null value of a masked coordinate is `*…*dddd`, never a 12-digit PIN: under CU_TRU
 *    every PIN field (the grant masks `Citizen.pin`, so the class: `HouseholdMember.pin` too),
 *    under THUE every PIN field (`LegalRepresentative.pin` masked);
 * 3. no 12-digit PIN appears anywhere under a masked coordinate (CU_TRU, THUE);
 * 4. under CU_TRU every Citizen whose residence.permanent.commune.code is returned is in the
 *    agency's jurisdiction (00097 and its pre-2025 communes 00073, 00094), and a root citizen
 *    that is returned at all lives there.
 *
 * fast-check prints the seed and the shrunk counterexample on failure; replay it with
 * `FC_SEED=<seed> FC_PATH=<path>` (and FC_RUNS to change the number of runs).
 */
import { makeExecutableSchema } from '@graphql-tools/schema'
import fc from 'fast-check'
import { isDeepStrictEqual } from 'node:util'
import {
  getNamedType,
  isLeafType,
  isObjectType,
  Kind,
  parse,
  visit,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QUERY_LIMITS } from '../../gateway/graphql/plugins/use-query-limits.js'
import type { Grant } from '../../policies/index.js'
import { DATA_CLASS_OF, typeDefs } from '../../schemas/index.js'
import { createTestGateway, type GraphQLResponse, type TestGateway } from '../harness.js'
import { fixtureGrants, fixturePolicySet } from './fixture.js'

const PURPOSES = ['XAC_MINH', 'CU_TRU', 'THUE', 'LLTP'] as const
type FixturePurpose = (typeof PURPOSES)[number]
const JURISDICTION = new Set(['00097', '00073', '00094'])
const POLICY_CODES = new Set(['FORBIDDEN', 'CASE_REQUIRED', 'PURPOSE_NOT_ALLOWED'])
const MAX_DEPTH = 4
const NUM_RUNS = Number(process.env.FC_RUNS ?? 150)

const schema: GraphQLSchema = makeExecutableSchema({ typeDefs })
const queryType = schema.getQueryType()!

// ---------------------------------------------------------------------------------------------
// What the fixture allows, computed from fixtureGrants alone.
// ---------------------------------------------------------------------------------------------

interface Context {
  purpose: FixturePurpose
  caseId: boolean
  endUser: boolean
}

interface Allowed {
  has(coordinate: string): boolean
  /** The mask of a coordinate: set when every usable grant allowing it masks it. */
  mask(coordinate: string): string | undefined
}

const typeOfCoordinate = (coordinate: string) => coordinate.slice(0, coordinate.indexOf('.'))
const listsCoordinate = (grant: Grant, coordinate: string) => grant.allow.includes(coordinate) || grant.allow.includes(`${typeOfCoordinate(coordinate)}.*`)

function usableGrants(context: Context): Grant[] {
  return fixtureGrants.filter(
    (grant) =>
      grant.purposes.includes(context.purpose) &&
      (!grant.require.caseId || context.caseId) &&
      (!grant.require.endUser || context.endUser) &&
      !grant.require.signedContext, // the test never signs a request context
  )
}

function allowedFor(context: Context): Allowed {
  const usable = usableGrants(context)
  const fieldAllowed = (coordinate: string) => usable.some((grant) => listsCoordinate(grant, coordinate))
  const has = (coordinate: string): boolean => {
    const typeName = typeOfCoordinate(coordinate)
    if (coordinate.endsWith('.__typename')) {
      if (typeName === queryType.name) return true // the root's own name reveals nothing
      const type = schema.getType(typeName)
      return isObjectType(type) && Object.keys(type.getFields()).some((field) => fieldAllowed(`${typeName}.${field}`))
    }
    return fieldAllowed(coordinate)
  }
  const mask = (coordinate: string): string | undefined => {
    // An identifier (a field of a data class) takes the mask any grant of the purpose puts on its
    // class, by the class's name or on any of its fields, whichever path reads it.
    const dataClass = DATA_CLASS_OF.get(coordinate)
    if (dataClass) {
      const masks = fixtureGrants
        .filter((grant) => grant.purposes.includes(context.purpose))
        .flatMap((grant) =>
          Object.entries(grant.mask ?? {})
            .filter(([key]) => key === dataClass || DATA_CLASS_OF.get(key) === dataClass)
            .map(([, spec]) => spec),
        )
      return masks.length ? String(masks[0]) : undefined
    }
    const allowing = usable.filter((grant) => listsCoordinate(grant, coordinate))
    if (allowing.length === 0) return undefined
    const masks = allowing.map((grant) => grant.mask?.[coordinate] ?? grant.mask?.[`${typeOfCoordinate(coordinate)}.*`])
    return masks.every((m) => m !== undefined) ? String(masks[0]) : undefined
  }
  return { has, mask }
}

/**
 * The record caps, modelled apart from the gateway: per root field, the most generous
 * `maxRecords` of the usable grants listing it (none if one has none); the `first` of every
 * selection of that field in the operation adds up against it.
 */
function overCap(context: Context, operation: Operation): string | null {
  const usable = usableGrants(context)
  const asked = new Map<string, number>()
  for (const root of operation.roots) {
    const first = root.args.find(([name]) => name === 'first')?.[1] as { value?: unknown } | undefined
    if (typeof first?.value === 'number') asked.set(root.field, (asked.get(root.field) ?? 0) + first.value)
  }
  for (const [field, total] of asked) {
    const caps = usable.filter((grant) => listsCoordinate(grant, `Query.${field}`)).map((grant) => grant.maxRecords)
    if (caps.length > 0 && caps.every((cap) => cap !== undefined) && total > Math.max(...(caps as number[]))) return `Query.${field} (${total} records)`
  }
  return null
}

/** Every coordinate a grant of the purpose lists, whatever it requires: steers the generator. */
function purposeFields(purpose: FixturePurpose | null): (coordinate: string) => boolean {
  if (!purpose) return () => true
  const grants = fixtureGrants.filter((grant) => grant.purposes.includes(purpose))
  return (coordinate) => grants.some((grant) => listsCoordinate(grant, coordinate))
}

// ---------------------------------------------------------------------------------------------
// The generated operation: a tree rendered to GraphQL text.
// ---------------------------------------------------------------------------------------------

type Directive = 'none' | 'include-true' | 'skip-false' | 'skip-true' | 'include-false'
/** 0 plain, 1 inline fragment with type condition, 2 inline fragment without, 3 named fragment */
type Wrap = 0 | 1 | 2 | 3

/** none; a fresh alias (`a3_pin: pin`); or, deceptively, the name of another field of the type (`name: pin`). */
type AliasKind = 'none' | 'fresh' | 'other-field'

interface FieldSel {
  name: string
  alias: AliasKind
  directive: Directive
  wrap: Wrap
  children: SelectionTree | null
}

interface SelectionTree {
  type: string
  fields: FieldSel[]
  typename: null | { alias: boolean; wrap: Wrap }
  /** When no field was picked: the selection set cannot be empty. */
  fallback: string
  /** On Citizen: also select the field the CU_TRU row filter reads (residence.permanent.commune.code). */
  probe: null | { wrap: Wrap }
}

type ArgValue = { kind: 'string'; value: string } | { kind: 'int'; value: number } | { kind: 'object'; value: Record<string, ArgValue> }

interface RootSel {
  field: string
  args: Array<[string, ArgValue]>
  viaVariables: boolean
  alias: boolean
  children: SelectionTree | null
}

interface Operation {
  roots: RootSel[]
  named: boolean
  rootTypename: boolean
}

const DIRECTIVES: Directive[] = [
  'none',
  'none',
  'none',
  'none',
  'none',
  'none',
  'none',
  'none',
  'none',
  'none',
  'none',
  'none',
  'include-true',
  'skip-false',
  'skip-true',
  'include-false',
]
const WRAPS: Wrap[] = [0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 3]

function objectTypeOf(field: GraphQLField<unknown, unknown>): GraphQLObjectType | null {
  const named = getNamedType(field.type)
  return isObjectType(named) ? named : null
}

/** A field present with the given probability (shrinks to absent). */
function maybe<T>(arb: fc.Arbitrary<T>, presentPercent: number): fc.Arbitrary<T | null> {
  const present = Math.round(presentPercent * 10)
  return fc.oneof({ arbitrary: fc.constant(null), weight: 1000 - present }, { arbitrary: arb, weight: present })
}

interface Steer {
  purpose: FixturePurpose | null
  strict: boolean
}

/** Whether a selection on the type can be made of listed fields only, within the depth. */
function satisfiable(type: GraphQLObjectType, depth: number, listed: (coordinate: string) => boolean): boolean {
  return Object.values(type.getFields()).some((field) => {
    if (!listed(`${type.name}.${field.name}`)) return false
    const child = objectTypeOf(field)
    return !child || (depth > 0 && satisfiable(child, depth - 1, listed))
  })
}

/**
 * Selection arbitraries per (type, remaining depth, steering purpose), memoised: each field is
 * independently present or not, so shrinking removes fields one at a time. Steered by a purpose,
 * fields its grants list are likely and others rare (most operations would be refused otherwise).
 */
const selectionCache = new Map<string, fc.Arbitrary<SelectionTree>>()
function selectionArb(type: GraphQLObjectType, depth: number, steer: Steer): fc.Arbitrary<SelectionTree> {
  const key = `${type.name}/${depth}/${steer.purpose ?? '*'}/${steer.strict}`
  const cached = selectionCache.get(key)
  if (cached) return cached
  const listed = purposeFields(steer.purpose)
  const fields = Object.values(type.getFields()).filter((field) => depth > 0 || isLeafType(getNamedType(field.type)))
  const fieldArbs = fields.map((field) => {
    const child = objectTypeOf(field)
    const likely = listed(`${type.name}.${field.name}`) && (!child || satisfiable(child, depth - 1, listed))
    const percent = steer.purpose ? (likely ? 60 : steer.strict ? 0 : 1.5) : 20
    if (percent === 0) return fc.constant(null)
    const sel = fc.record({
      name: fc.constant(field.name),
      alias: fc.constantFrom<AliasKind>('none', 'none', 'none', 'fresh', 'other-field'),
      directive: fc.constantFrom(...DIRECTIVES),
      wrap: fc.constantFrom(...WRAPS),
      children: child ? selectionArb(child, depth - 1, steer) : fc.constant(null),
    })
    return maybe(sel, percent)
  })
  const scalars = fields.filter((field) => isLeafType(getNamedType(field.type)))
  const anyListed = Object.keys(type.getFields()).some((name) => listed(`${type.name}.${name}`))
  const fallback = scalars.find((field) => listed(`${type.name}.${field.name}`))?.name ?? (anyListed ? '__typename' : (scalars[0]?.name ?? '__typename'))
  const arb = fc.record({
    type: fc.constant(type.name),
    fields: fc.tuple(...fieldArbs).map((list) => list.filter((f): f is FieldSel => f !== null)),
    typename: maybe(fc.record({ alias: fc.boolean(), wrap: fc.constantFrom(...WRAPS) }), 15),
    fallback: fc.constant(fallback),
    probe: type.name === 'Citizen' ? maybe(fc.record({ wrap: fc.constantFrom(...WRAPS) }), steer.purpose === 'CU_TRU' ? 50 : 3) : fc.constant(null),
  })
  selectionCache.set(key, arb)
  return arb
}

class Renderer {
  private aliasCount = 0
  private fragmentCount = 0
  private variableCount = 0
  readonly fragments: string[] = []
  readonly variableDefinitions: string[] = []
  readonly variables: Record<string, unknown> = {}

  private alias(name: string, aliased: boolean): string {
    return aliased ? `a${this.aliasCount++}_${name}: ${name}` : name
  }

  private directive(directive: Directive): string {
    switch (directive) {
      case 'include-true':
        return ' @include(if: true)'
      case 'include-false':
        return ' @include(if: false)'
      case 'skip-true':
        return ' @skip(if: true)'
      case 'skip-false':
        return ' @skip(if: false)'
      default:
        return ''
    }
  }

  /**
   * An alias that is another field's name, where no selection at this level already uses that
   * response key (so the operation stays valid): a masker or filter keyed by response key instead
   * of field name would be fooled by it.
   */
  private otherFieldAlias(tree: SelectionTree, field: FieldSel, taken: Set<string>): string {
    const names = Object.keys((schema.getType(tree.type) as GraphQLObjectType).getFields())
    const start = this.aliasCount++ % names.length
    for (let i = 0; i < names.length; i++) {
      const candidate = names[(start + i) % names.length]!
      if (candidate !== field.name && !taken.has(candidate)) {
        taken.add(candidate)
        return `${candidate}: ${field.name}`
      }
    }
    return this.alias(field.name, true) // its own name may be another field's alias by now
  }

  selectionSet(tree: SelectionTree): string {
    const groups: string[][] = [[], [], [], []]
    // Response keys used at this level without an alias of ours: field names, the fallback, the probe.
    const taken = new Set<string>(tree.fields.filter((f) => f.alias !== 'other-field').map((f) => f.name))
    taken.add(tree.fallback).add('__typename')
    for (const field of tree.fields) {
      const children = field.children ? ` ${this.selectionSet(field.children)}` : ''
      const name = field.alias === 'other-field' ? this.otherFieldAlias(tree, field, taken) : this.alias(field.name, field.alias === 'fresh')
      groups[field.wrap]!.push(`${name}${this.directive(field.directive)}${children}`)
    }
    if (tree.typename) groups[tree.typename.wrap]!.push(this.alias('__typename', tree.typename.alias))
    // Always under a fresh alias: merged with a `residence` field, its subfields could clash with an other-field alias there.
    if (tree.probe) groups[tree.probe.wrap]!.push(`${this.alias('residence', true)} { permanent { commune { code } } }`)
    if (groups.every((g) => g.length === 0)) groups[0]!.push(tree.fallback)
    const parts = [...groups[0]!]
    if (groups[1]!.length) parts.push(`... on ${tree.type} { ${groups[1]!.join(' ')} }`)
    if (groups[2]!.length) parts.push(`... { ${groups[2]!.join(' ')} }`)
    if (groups[3]!.length) {
      const name = `F${this.fragmentCount++}_${tree.type}`
      this.fragments.push(`fragment ${name} on ${tree.type} { ${groups[3]!.join(' ')} }`)
      parts.push(`...${name}`)
    }
    return `{ ${parts.join(' ')} }`
  }

  private literal(value: ArgValue): string {
    if (value.kind === 'string') return JSON.stringify(value.value)
    if (value.kind === 'int') return String(value.value)
    return `{ ${Object.entries(value.value)
      .map(([k, v]) => `${k}: ${this.literal(v)}`)
      .join(', ')} }`
  }

  private plain(value: ArgValue): unknown {
    if (value.kind !== 'object') return value.value
    return Object.fromEntries(Object.entries(value.value).map(([k, v]) => [k, this.plain(v)]))
  }

  root(root: RootSel, index: number): string {
    const field = queryType.getFields()[root.field]!
    const args = root.args.map(([name, value]) => {
      if (!root.viaVariables) return `${name}: ${this.literal(value)}`
      const variable = `v${this.variableCount++}`
      const argType = field.args.find((a) => a.name === name)!.type
      this.variableDefinitions.push(`$${variable}: ${String(argType)}`)
      this.variables[variable] = this.plain(value)
      return `${name}: $${variable}`
    })
    const alias = root.alias || index > 0 ? `r${index}_${root.field}: ` : ''
    const argText = args.length ? `(${args.join(', ')})` : ''
    const children = root.children ? ` ${this.selectionSet(root.children)}` : ''
    return `${alias}${root.field}${argText}${children}`
  }
}

function render(operation: Operation): { query: string; variables: Record<string, unknown> | undefined } {
  const renderer = new Renderer()
  const roots = operation.roots.map((root, i) => renderer.root(root, i))
  if (operation.rootTypename) roots.push('__typename')
  const defs = renderer.variableDefinitions.length ? `(${renderer.variableDefinitions.join(', ')})` : ''
  const head = operation.named || defs ? `query Generated${defs} ` : ''
  const query = [`${head}{ ${roots.join(' ')} }`, ...renderer.fragments].join(' ')
  return { query, variables: renderer.variableDefinitions.length ? renderer.variables : undefined }
}

// ---------------------------------------------------------------------------------------------
// Walking a document alongside its response.
// ---------------------------------------------------------------------------------------------

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>
  allowed: Allowed
  context: Context
  violations: string[]
  /** Citizen objects met, masked values checked, commune codes checked against the jurisdiction. */
  citizens: number
  maskedChecked: number
  communesChecked: number
}

function included(node: FieldNode | { directives?: readonly DirectiveNode[] }): boolean {
  for (const directive of node.directives ?? []) {
    const arg = directive.arguments?.find((a) => a.name.value === 'if')
    if (!arg || arg.value.kind !== Kind.BOOLEAN) continue
    if (directive.name.value === 'skip' && arg.value.value) return false
    if (directive.name.value === 'include' && !arg.value.value) return false
  }
  return true
}

/** Response key → the field name and the selection sets merged under it (graphql's CollectFields). */
function collectFields(walk: Walk, selectionSet: SelectionSetNode, out = new Map<string, { name: string; sets: SelectionSetNode[] }>()) {
  for (const selection of selectionSet.selections) {
    if (!included(selection)) continue
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value
      const entry = out.get(key) ?? { name: selection.name.value, sets: [] }
      if (entry.name !== selection.name.value) throw new Error(`response key ${key} names two fields`)
      if (selection.selectionSet) entry.sets.push(selection.selectionSet)
      out.set(key, entry)
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collectFields(walk, selection.selectionSet, out)
    } else {
      collectFields(walk, walk.fragments.get(selection.name.value)!.selectionSet, out)
    }
  }
  return out
}

/** Every coordinate the document reads (directives ignored, as the gateway ignores them). */
function documentCoordinates(document: ReturnType<typeof parse>): Set<string> {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]))
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!
  const coordinates = new Set<string>()
  const visit = (type: GraphQLObjectType, set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        coordinates.add(`${type.name}.${selection.name.value}`)
        if (selection.name.value === '__typename' || !selection.selectionSet) continue
        visit(objectTypeOf(type.getFields()[selection.name.value]!)!, selection.selectionSet)
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLObjectType) : type, selection.selectionSet)
      } else {
        const fragment = fragments.get(selection.name.value)!
        visit(schema.getType(fragment.typeCondition.name.value) as GraphQLObjectType, fragment.selectionSet)
      }
    }
  }
  visit(queryType, operation.selectionSet)
  return coordinates
}

const PIN12 = /\d{12}/
const MASKED_LAST4 = /^\*+\d{4}$/

/** Values reached by following field names (through any alias) from an object. */
function valuesAt(walk: Walk, type: GraphQLObjectType, sets: SelectionSetNode[], data: Record<string, unknown>, path: string[]): unknown[] {
  const [head, ...rest] = path
  const fields = new Map<string, { name: string; sets: SelectionSetNode[] }>()
  for (const set of sets) collectFields(walk, set, fields)
  const found: unknown[] = []
  for (const [key, entry] of fields) {
    if (entry.name !== head || !(key in data)) continue
    const value = data[key]
    if (rest.length === 0) found.push(value)
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      found.push(...valuesAt(walk, objectTypeOf(type.getFields()[head]!)!, entry.sets, value as Record<string, unknown>, rest))
    }
  }
  return found
}

function walkValue(walk: Walk, type: GraphQLObjectType, sets: SelectionSetNode[], value: unknown, path: string): void {
  if (value === null || value === undefined) return
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkValue(walk, type, sets, item, `${path}[${i}]`))
    return
  }
  if (typeof value !== 'object') {
    walk.violations.push(`${path}: a scalar where ${type.name} was selected`)
    return
  }
  const data = value as Record<string, unknown>
  const fields = new Map<string, { name: string; sets: SelectionSetNode[] }>()
  for (const set of sets) collectFields(walk, set, fields)
  for (const key of Object.keys(data)) {
    const entry = fields.get(key)
    if (!entry) {
      walk.violations.push(`${path}.${key}: a response key the document does not select`)
      continue
    }
    const coordinate = `${type.name}.${entry.name}`
    if (!walk.allowed.has(coordinate)) walk.violations.push(`${path}.${key}: ${coordinate} is not allowed for ${walk.context.purpose}`)
    const mask = walk.allowed.mask(coordinate)
    const fieldValue = data[key]
    if (mask) {
      for (const item of Array.isArray(fieldValue) ? fieldValue : [fieldValue]) {
        if (item === null || item === undefined) continue
        walk.maskedChecked++
        const text = typeof item === 'string' ? item : JSON.stringify(item)
        if (mask === 'last4' && !MASKED_LAST4.test(text))
          walk.violations.push(`${path}.${key}: ${coordinate} is masked (${mask}) but came back as ${JSON.stringify(item)}`)
        if (PIN12.test(text)) walk.violations.push(`${path}.${key}: a 12-digit PIN under the masked ${coordinate}: ${JSON.stringify(item)}`)
      }
      continue
    }
    if (entry.name === '__typename') {
      if (fieldValue !== type.name) walk.violations.push(`${path}.${key}: __typename ${JSON.stringify(fieldValue)} on ${type.name}`)
      continue
    }
    const child = objectTypeOf(type.getFields()[entry.name]!)
    if (child) walkValue(walk, child, entry.sets, fieldValue, `${path}.${key}`)
  }
  if (type.name === 'Citizen') {
    walk.citizens++
    if (walk.context.purpose === 'CU_TRU') {
      for (const code of valuesAt(walk, type, sets, data, ['residence', 'permanent', 'commune', 'code'])) {
        if (code === null || code === undefined) continue
        walk.communesChecked++
        if (!JURISDICTION.has(String(code))) {
          walk.violations.push(`${path}: a Citizen outside the jurisdiction (permanent commune ${String(code)}) under CU_TRU`)
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The property.
// ---------------------------------------------------------------------------------------------

let gw: TestGateway
/** The same gateway without compiled execution: every answer must be the same as `gw`'s. */
let interpreted: TestGateway
const hits = () => gw.sandboxes.population.hits() + gw.sandboxes.land.hits() + gw.sandboxes.business.hits()

beforeAll(async () => {
  // A generous upstream deadline: this file shares two cores with the rest of the suite.
  ;[gw, interpreted] = await Promise.all([
    createTestGateway({ policies: (identity) => fixturePolicySet(identity), timeoutMs: 5000 }),
    createTestGateway({ policies: (identity) => fixturePolicySet(identity), timeoutMs: 5000, gateway: { compiledExecution: false } }),
  ])
})
afterAll(() => Promise.all([gw?.close(), interpreted?.close()]))

/**
 * An answer with what legitimately differs between two gateways taken out: paging cursors are
 * sealed under each gateway's own keys, and request ids are per request. Compared as values, not
 * text: graphql-jit may order the keys of fields merged from fragments differently (the values,
 * masks and refusals are what a caller relies on, and what this checks).
 */
function comparable(res: GraphQLResponse): unknown {
  return JSON.parse(JSON.stringify({ status: res.status, body: res.body }), (key, value) =>
    // The generator aliases a field as `a<n>_<name>`.
    /(^|_)endCursor$/.test(key) && typeof value === 'string' ? '<cursor>' : key === 'requestId' ? '<id>' : value,
  )
}

function rootArbs(world: TestGateway['world']): Record<string, fc.Arbitrary<Array<[string, ArgValue]>>> {
  const str = (value: string): ArgValue => ({ kind: 'string', value })
  const int = (value: number): ArgValue => ({ kind: 'int', value })
  const inside = world.people.filter((p) => JURISDICTION.has(p.permanent.communeCode))
  const outside = world.people.filter((p) => !JURISDICTION.has(p.permanent.communeCode))
  expect(inside.length).toBeGreaterThan(0)
  expect(outside.length).toBeGreaterThan(0)
  const people = [...inside.slice(0, 40), ...outside.slice(0, 20)]
  const pin = fc.constantFrom(...people.map((p) => p.pin))
  // Households with someone in the jurisdiction first: under CU_TRU the others are mostly nulls.
  const inJurisdiction = (h: (typeof world.households)[number]) =>
    h.members.some((m) => JURISDICTION.has(world.personByPin.get(m.pin)?.permanent.communeCode ?? ''))
  const households = [...world.households.filter(inJurisdiction).slice(0, 30), ...world.households.filter((h) => !inJurisdiction(h)).slice(0, 15)]
  const holderPins = [...new Set(world.parcels.flatMap((p) => p.holders.filter((h) => h.kind === 'PERSON').map((h) => h.id)))]
  const communes = [...new Set(world.parcels.map((p) => p.address.communeCode))]
  const first = fc.integer({ min: 1, max: 5 })
  return {
    administrativeUnit: fc.constantFrom('01', ...communes.slice(0, 10)).map((code) => [['code', str(code)]]),
    citizen: pin.map((p) => [['pin', str(p)]]),
    verifyCitizen: fc.tuple(fc.constantFrom(...people), fc.boolean()).map(([p, right]) => [
      ['pin', str(p.pin)],
      ['name', str(right ? [p.family, p.middle, p.given].filter(Boolean).join(' ') : 'Nguyễn Văn Không')],
      ['birthDate', str(p.birthDate)],
    ]),
    household: fc.constantFrom(...households.map((h) => h.id)).map((id) => [['id', str(id)]]),
    enterprise: fc.constantFrom(...world.enterprises.slice(0, 60).map((e) => e.code)).map((code) => [['code', str(code)]]),
    enterprises: first.map((n) => [['first', int(n)]]),
    landParcel: fc.constantFrom(...world.parcels.slice(0, 60).map((p) => p.key)).map((key) => [['key', str(key)]]),
    landParcels: fc
      .tuple(
        fc.oneof(
          fc.constantFrom(...holderPins.slice(0, 40)).map((p): [string, ArgValue] => ['holder', { kind: 'object', value: { pin: str(p) } }]),
          fc.constantFrom(...communes).map((c): [string, ArgValue] => ['commune', str(c)]),
        ),
        first,
      )
      .map(([selector, n]) => [selector, ['first', int(n)]]),
  }
}

function operationArb(world: TestGateway['world']) {
  const args = rootArbs(world)
  const rootField = (steer: Steer) => {
    const listed = purposeFields(steer.purpose)
    const all = Object.keys(args)
    const likely = all.filter((name) => listed(`${queryType.name}.${name}`))
    if (steer.strict && likely.length) return fc.constantFrom(...likely)
    return steer.purpose && likely.length
      ? fc.oneof({ arbitrary: fc.constantFrom(...likely), weight: 9 }, { arbitrary: fc.constantFrom(...all), weight: 1 })
      : fc.constantFrom(...all)
  }
  const root = (steer: Steer): fc.Arbitrary<RootSel> =>
    rootField(steer).chain((field) => {
      const child = objectTypeOf(queryType.getFields()[field]!)
      return fc.record({
        field: fc.constant(field),
        args: args[field]!,
        viaVariables: fc.boolean(),
        alias: fc.boolean(),
        children: child ? selectionArb(child, MAX_DEPTH - 1, steer) : fc.constant(null),
      })
    })
  // Headers mostly present: the grants that require them are where the interesting reads are.
  const present = fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 })
  // Weighted towards the purposes with masks and row filters.
  const purpose = fc.oneof(
    { arbitrary: fc.constant<FixturePurpose>('CU_TRU'), weight: 4 },
    { arbitrary: fc.constant<FixturePurpose>('THUE'), weight: 3 },
    { arbitrary: fc.constant<FixturePurpose>('LLTP'), weight: 2 },
    { arbitrary: fc.constant<FixturePurpose>('XAC_MINH'), weight: 1 },
  )
  const context = fc.record({ purpose, caseId: present, endUser: present })
  return context.chain((ctx) =>
    fc.record({
      context: fc.constant(ctx),
      // Mostly steered by the declared purpose: strictly (only fields its grants list, so that
      // many operations are allowed and only the required headers decide) or loosely (now and
      // then one field they do not list: a bypass attempt); sometimes by another purpose or by
      // none, so that refusals of every kind come up.
      operation: fc
        .oneof(
          { arbitrary: fc.constant<Steer>({ purpose: ctx.purpose, strict: true }), weight: 5 },
          { arbitrary: fc.constant<Steer>({ purpose: ctx.purpose, strict: false }), weight: 3 },
          { arbitrary: fc.constantFrom<FixturePurpose | null>(null, ...PURPOSES).map((purpose): Steer => ({ purpose, strict: false })), weight: 2 },
        )
        .chain((steer) =>
          fc.record({
            roots: fc.array(root(steer), { minLength: 1, maxLength: 2 }),
            named: fc.boolean(),
            rootTypename: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
          }),
        ),
    }),
  )
}

interface Stats {
  runs: number
  allowed: number
  allowedBy: Record<string, number>
  refused: Record<string, number>
  citizens: number
  maskedChecked: number
  communesChecked: number
}

async function check(context: Context, operation: Operation, stats: Stats): Promise<void> {
  const { query, variables } = render(operation)
  const document = parse(query)
  const allowed = allowedFor(context)
  const coordinates = documentCoordinates(document)
  const notAllowed = [...coordinates].filter((c) => !allowed.has(c))
  const cap = overCap(context, operation)
  if (cap) notAllowed.push(`over the record cap: ${cap}`)
  const headers: Record<string, string> = { 'x-purpose': context.purpose }
  if (context.caseId) headers['x-case-id'] = 'HS-2026-000123'
  if (context.endUser) headers['x-end-user'] = 'can-bo-01'

  gw.resetHits()
  const res: GraphQLResponse = await gw.graphql(query, variables, headers)
  const describeCase = () =>
    `\nquery: ${query}\nvariables: ${JSON.stringify(variables)}\nheaders: ${JSON.stringify(headers)}\nresponse (${res.status}): ${JSON.stringify(res.body).slice(0, 2000)}`
  stats.runs++
  // Compiled execution (graphql-jit) is an optimisation, never a behaviour: the interpreted
  // gateway, on an identical sandbox world, must answer byte for byte alike.
  const reference = await interpreted.graphql(query, variables, headers)
  if (!isDeepStrictEqual(comparable(res), comparable(reference))) {
    throw new Error(
      `compiled and interpreted execution differ${describeCase()}\ninterpreted (${reference.status}): ${JSON.stringify(reference.body).slice(0, 2000)}`,
    )
  }

  // An operation past the shape limits (graphql-armor: aliases) is refused before any policy work,
  // whatever it asks: that must be a QUERY_TOO_COMPLEX with no data and no registry call.
  // Counted as graphql-armor counts them: an alias of `__typename` (or named `__typename`) is
  // on its allow-list, costs nothing to resolve, and is bounded by the token limit anyway.
  let aliases = 0
  const counts = (node: FieldNode) => node.alias !== undefined && node.alias.value !== '__typename' && node.name.value !== '__typename'
  visit(document, { Field: (node) => void (counts(node) ? aliases++ : undefined) })
  if (aliases > QUERY_LIMITS.maxAliases) {
    stats.refused.QUERY_TOO_COMPLEX = (stats.refused.QUERY_TOO_COMPLEX ?? 0) + 1
    const problems: string[] = []
    if (res.body.errors?.[0]?.extensions?.code !== 'QUERY_TOO_COMPLEX') problems.push(`${aliases} aliases, yet not refused as QUERY_TOO_COMPLEX`)
    if ((res.body.data ?? null) !== null) problems.push('data returned past the alias limit')
    if (hits() !== 0) problems.push(`${hits()} registry call(s) past the alias limit`)
    if (problems.length) throw new Error(`${problems.join('; ')}${describeCase()}`)
    return
  }

  // Two verifications in one operation are refused at validation, whatever the grants: one
  // subject per verification, so aliases cannot multiply guesses of a birth date.
  if (operation.roots.filter((r) => r.field === 'verifyCitizen').length > 1) {
    stats.refused.ONE_VERIFICATION_PER_REQUEST = (stats.refused.ONE_VERIFICATION_PER_REQUEST ?? 0) + 1
    const problems: string[] = []
    const errors = res.body.errors ?? []
    // An agency whose view holds no verifyCitizen is told the field is unknown (naming the rule
    // would tell it the field exists); one that can verify is told the rule.
    const seesVerification = allowed.has('Query.verifyCitizen')
    if (errors.length === 0 || errors.some((error) => error.extensions?.code !== 'BAD_USER_INPUT'))
      problems.push('two verifications, yet not refused as BAD_USER_INPUT')
    else if (seesVerification && !errors.some((error) => error.extensions?.reason === 'ONE_VERIFICATION_PER_REQUEST'))
      problems.push('two verifications, yet not refused as ONE_VERIFICATION_PER_REQUEST')
    else if (!seesVerification && errors.some((error) => error.extensions?.reason === 'ONE_VERIFICATION_PER_REQUEST'))
      problems.push('the rule on verifyCitizen named to an agency that cannot see it')
    if ((res.body.data ?? null) !== null) problems.push('data returned for two verifications')
    if (hits() !== 0) problems.push(`${hits()} registry call(s) for two verifications`)
    if (problems.length) throw new Error(`${problems.join('; ')}${describeCase()}`)
    return
  }

  if (notAllowed.length > 0) {
    const code = res.body.errors?.[0]?.extensions?.code
    stats.refused[String(code)] = (stats.refused[String(code)] ?? 0) + 1
    const problems: string[] = []
    if ((res.body.data ?? null) !== null) problems.push(`data returned although ${notAllowed.join(', ')} is not allowed`)
    if (!POLICY_CODES.has(String(code))) problems.push(`refusal code ${String(code)}, not one of ${[...POLICY_CODES].join('/')}`)
    if (hits() !== 0) problems.push(`${hits()} registry call(s) before the refusal`)
    const denial = JSON.stringify(res.body.errors ?? [])
    const echoed = [...query.matchAll(/\d{12}/g)].map((m) => m[0]).filter((pin) => denial.includes(pin))
    if (echoed.length) problems.push(`an identifier of the query in the denial: ${echoed.join(', ')}`)
    if (problems.length) throw new Error(`${problems.join('; ')}${describeCase()}`)
    return
  }

  stats.allowed++
  const byKey = `${context.purpose}:${operation.roots.map((r) => r.field).join('+')}`
  stats.allowedBy[byKey] = (stats.allowedBy[byKey] ?? 0) + 1
  const problems: string[] = []
  if (res.body.errors?.length)
    problems.push(`errors on an operation whose every coordinate is allowed: ${res.body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join(' | ')}`)
  if (!res.body.data || typeof res.body.data !== 'object') problems.push('no data on an allowed operation')
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]))
  const operationNode = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!
  const walk: Walk = { fragments, allowed, context, violations: [], citizens: 0, maskedChecked: 0, communesChecked: 0 }
  if (res.body.data) walkValue(walk, queryType, [operationNode.selectionSet], res.body.data, 'data')
  stats.citizens += walk.citizens
  stats.maskedChecked += walk.maskedChecked
  stats.communesChecked += walk.communesChecked
  problems.push(...walk.violations)

  // A root citizen returned under CU_TRU must live in the jurisdiction, whatever is selected.
  if (context.purpose === 'CU_TRU' && res.body.data) {
    operation.roots.forEach((root, i) => {
      if (root.field !== 'citizen') return
      const key = root.alias || i > 0 ? `r${i}_citizen` : 'citizen'
      const pin = (root.args[0]![1] as { value: string }).value
      const person = gw.world.personByPin.get(pin)!
      if (res.body.data![key] != null && !JURISDICTION.has(person.permanent.communeCode)) {
        problems.push(`data.${key}: citizen ${pin.slice(-4)} (commune ${person.permanent.communeCode}) returned under CU_TRU`)
      }
    })
  }
  if (problems.length) throw new Error(`${problems.join('\n')}${describeCase()}`)
}

describe('property: random operations never read past the fixture grants', () => {
  it('allowed coordinates only, masks hold, rows stay in the jurisdiction', async () => {
    const stats: Stats = { runs: 0, allowed: 0, allowedBy: {}, refused: {}, citizens: 0, maskedChecked: 0, communesChecked: 0 }
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined
    await fc.assert(
      fc.asyncProperty(operationArb(gw.world), async ({ context, operation }) => {
        await check(context, operation as Operation, stats)
      }),
      { numRuns: NUM_RUNS, ...(seed !== undefined ? { seed } : {}), ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) },
    )
    console.info(`property runs: ${JSON.stringify(stats)}`)
    // The generator must reach both sides of the property, and the masks, or it proves little.
    expect(stats.allowed).toBeGreaterThan(NUM_RUNS / 10)
    expect(Object.values(stats.refused).reduce((a, b) => a + b, 0)).toBeGreaterThan(NUM_RUNS / 10)
    expect(stats.maskedChecked).toBeGreaterThan(0)
  }, 120_000)
})
