/**
 * Property: in one response, a value that is masked anywhere appears unmasked nowhere.
 *
 * Random operations (one to three root fields with identifiers drawn from a small pool of related
 * people, their households, the enterprises they represent and the parcels they hold; selections
 * down to depth 5 with aliases, a field selected twice, inline and named fragments) are sent as
 * each of the seven sandbox agencies, under one of its purposes, with the documents that ship.
 *
 * The plain value of every masked position comes from a twin of the agency: the same grants,
 * `where` filters and context, but no masks. The twin answers the same operation; wherever its
 * answer differs from the agency's, the agency's value was masked there, and the twin's value is
 * what was hidden. That value must then not occur anywhere in the agency's response (data or
 * errors). The property knows nothing of coordinates or classes: it holds or fails on the
 * response alone.
 *
 * fast-check prints the seed and the shrunk counterexample on failure; replay with
 * `FC_SEED=<seed> FC_PATH=<path>` (FC_RUNS changes the number of runs).
 */
import { makeExecutableSchema } from '@graphql-tools/schema'
import fc from 'fast-check'
import { getNamedType, isLeafType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withPredecessorCodes } from '../../connectors/index.js'
import { grantAllows, type AgencyDocument, type Grant } from '../../policies/index.js'
import { typeDefs } from '../../schemas/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { createTestClient, type TestClient } from '../identity.js'
import { loadSandboxPolicies, sandboxAgencies, tokenFor, type SandboxAgencies } from './sandbox-agencies.js'

const NUM_RUNS = Number(process.env.FC_RUNS ?? 300)
const MAX_DEPTH = 5
const schema = makeExecutableSchema({ typeDefs })
const queryType = schema.getQueryType()!
const hongHa = new Set(withPredecessorCodes(['00097']))

let gw: TestGateway
let agencies: SandboxAgencies
const twins = new Map<string, TestClient>()
const tokens = new Map<string, string>()

/** The agency's twin: the same grants, filters and requirements, without a single mask. */
function twinOf(agency: AgencyDocument, client: TestClient): AgencyDocument {
  return {
    ...agency,
    agency: client.agencyId,
    clients: [{ id: client.clientId, suspended: false, dev: false, jwks: { keys: [client.publicJwk as never] } }],
    grants: agency.grants.map((grant) => {
      const { mask: _mask, ...unmasked } = grant as Grant & { plain?: unknown }
      delete (unmasked as { plain?: unknown }).plain
      return unmasked as Grant
    }),
  }
}

beforeAll(async () => {
  agencies = await sandboxAgencies(await loadSandboxPolicies())
  const twinDocuments: AgencyDocument[] = []
  for (const agency of agencies.set.agencies) {
    const client = await createTestClient(`${agency.agency}-twin-client`, `${agency.agency}-twin`)
    twins.set(agency.agency, client)
    twinDocuments.push(twinOf(agency, client))
  }
  gw = await createTestGateway({
    world: { citizens: 1500, parcels: 600, enterprises: 300 },
    policies: () => ({ agencies: [...agencies.set.agencies, ...twinDocuments], purposes: agencies.set.purposes }),
    timeoutMs: 5000,
  })
  for (const agency of agencies.set.agencies) {
    tokens.set(agency.agency, await tokenFor(gw.identity, agencies, agency.agency))
    tokens.set(`${agency.agency}-twin`, await gw.identity.token(twins.get(agency.agency)!))
  }
})
afterAll(() => gw?.close())

// ---------------------------------------------------------------------------------------------
// Operations, steered by what the agency's grants list for the purpose.
// ---------------------------------------------------------------------------------------------

interface View {
  agency: AgencyDocument
  purpose: string
}

interface FieldSel {
  name: string
  /** none; under a fresh alias; or selected twice, once plainly and once under an alias */
  alias: 'none' | 'fresh' | 'twice'
  /** 0 in place, 1 inline fragment on the type, 2 inline fragment without a type, 3 named fragment */
  wrap: 0 | 1 | 2 | 3
  children: Tree | null
}
interface Tree {
  type: string
  fields: FieldSel[]
  fallback: string
}
type Arg = string | number | { pin: string }
interface Root {
  field: string
  args: Array<[string, Arg]>
  children: Tree | null
}

function listedBy(view: View): (coordinate: string) => boolean {
  // Grants that need a signed context never serve these requests (nothing here signs one).
  const grants = view.agency.grants.filter((grant) => grant.purposes.includes(view.purpose) && !grant.require.signedContext)
  return (coordinate) => grants.some((grant) => grantAllows(grant, coordinate))
}

const objectTypeOf = (field: GraphQLField<unknown, unknown>): GraphQLObjectType | null => {
  const named = getNamedType(field.type)
  return isObjectType(named) ? named : null
}

function satisfiable(type: GraphQLObjectType, depth: number, listed: (c: string) => boolean): boolean {
  return Object.values(type.getFields()).some((field) => {
    if (!listed(`${type.name}.${field.name}`)) return false
    const child = objectTypeOf(field)
    return !child || (depth > 0 && satisfiable(child, depth - 1, listed))
  })
}

const treeCache = new Map<string, fc.Arbitrary<Tree>>()
function treeArb(view: View, type: GraphQLObjectType, depth: number): fc.Arbitrary<Tree> {
  const key = `${view.agency.agency}/${view.purpose}/${type.name}/${depth}`
  const cached = treeCache.get(key)
  if (cached) return cached
  const listed = listedBy(view)
  const usable = Object.values(type.getFields()).filter((field) => {
    // Counts and page info over row-filtered lists are refused whatever the grants list.
    if (/Connection$/.test(type.name) && field.name !== 'nodes') return false
    if (!listed(`${type.name}.${field.name}`)) return false
    const child = objectTypeOf(field)
    return !child || (depth > 0 && satisfiable(child, depth - 1, listed))
  })
  const fieldArbs = usable.map((field) => {
    const child = objectTypeOf(field)
    const sel = fc.record({
      name: fc.constant(field.name),
      alias: fc.constantFrom<FieldSel['alias']>('none', 'none', 'none', 'fresh', 'twice'),
      wrap: fc.constantFrom<FieldSel['wrap']>(0, 0, 0, 0, 1, 2, 3),
      children: child ? treeArb(view, child, depth - 1) : fc.constant(null),
    })
    // Cross-shrinking lets a failure shrink a field away (to null), to the smallest operation.
    return fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(null), weight: 1 }, { arbitrary: sel, weight: 1 })
  })
  const leaf = usable.find((field) => isLeafType(getNamedType(field.type)))
  const arb = fc.record({
    type: fc.constant(type.name),
    fields: (fieldArbs.length ? fc.tuple(...fieldArbs) : fc.constant([])).map((list) => list.filter((f): f is FieldSel => f !== null)),
    fallback: fc.constant(leaf?.name ?? '__typename'),
  })
  treeCache.set(key, arb)
  return arb
}

/** Aliases per operation, under graphql-armor's 20 (an operation past it is refused whole). */
const ALIAS_BUDGET = 16

class Renderer {
  private count = 0
  private aliases = 0
  readonly fragments: string[] = []

  tree(tree: Tree): string {
    const groups: string[][] = [[], [], [], []]
    for (const field of tree.fields) {
      const children = field.children ? ` ${this.tree(field.children)}` : ''
      // An object selected twice would double the operation: only leaves are.
      const alias = this.aliases >= ALIAS_BUDGET ? 'none' : field.alias === 'twice' && field.children ? 'fresh' : field.alias
      if (alias !== 'fresh') groups[field.wrap]!.push(`${field.name}${children}`)
      if (alias !== 'none') {
        this.aliases++
        groups[field.wrap]!.push(`x${this.count++}_${field.name}: ${field.name}${children}`)
      }
    }
    if (groups.every((g) => g.length === 0)) groups[0]!.push(tree.fallback)
    const parts = [...groups[0]!]
    if (groups[1]!.length) parts.push(`... on ${tree.type} { ${groups[1]!.join(' ')} }`)
    if (groups[2]!.length) parts.push(`... { ${groups[2]!.join(' ')} }`)
    if (groups[3]!.length) {
      const name = `F${this.count++}`
      this.fragments.push(`fragment ${name} on ${tree.type} { ${groups[3]!.join(' ')} }`)
      parts.push(`...${name}`)
    }
    return `{ ${parts.join(' ')} }`
  }

  root(root: Root, index: number): string {
    const literal = (value: Arg): string => (typeof value === 'object' ? `{ pin: ${JSON.stringify(value.pin)} }` : JSON.stringify(value))
    const args = root.args.length ? `(${root.args.map(([name, value]) => `${name}: ${literal(value)}`).join(', ')})` : ''
    if (index > 0) this.aliases++
    return `${index > 0 ? `r${index}: ` : ''}${root.field}${args}${root.children ? ` ${this.tree(root.children)}` : ''}`
  }
}

function render(roots: Root[]): string {
  const renderer = new Renderer()
  const body = roots.map((root, i) => renderer.root(root, i)).join(' ')
  return [`{ ${body} }`, ...renderer.fragments].join(' ')
}

interface Cluster {
  pins: string[]
  households: string[]
  enterprises: string[]
  parcels: string[]
}

/**
 * Identifiers that lead to each other, one cluster per operation, so that its roots and links
 * meet the same people by several paths: a family (household members, their spouses and parents,
 * their households), or a Hà Nội enterprise whose representatives hold land in Hà Nội (the
 * representatives, the parcels and their co-holders, their families' households).
 */
function clusters(world: TestGateway['world']): Cluster[] {
  const relativesOf = (pin: string) => {
    const p = world.personByPin.get(pin)
    return p ? [p.spousePin, p.fatherPin, p.motherPin].filter((x): x is string => !!x && world.personByPin.has(x)) : []
  }
  const families = [
    ...world.households.filter((h) => hongHa.has(h.address.communeCode)).slice(0, 10),
    ...world.households.filter((h) => !hongHa.has(h.address.communeCode)).slice(0, 4),
  ].map((household): Cluster => {
    const members = household.members.map((m) => m.pin)
    const pins = [...new Set([...members, ...members.flatMap(relativesOf)])]
    return { pins, households: [...new Set([household.id, ...pins.map((pin) => world.personByPin.get(pin)!.householdId)])], enterprises: [], parcels: [] }
  })
  const parcelsHanoi = world.parcels.filter((p) => p.address.provinceCode === '01')
  const firms = world.enterprises
    .filter((e) => e.address.provinceCode === '01')
    .map((enterprise): Cluster | null => {
      const reps = enterprise.representatives.map((r) => r.pin)
      const parcels = parcelsHanoi.filter((p) => p.holders.some((h) => reps.includes(h.id)))
      if (parcels.length === 0) return null
      const pins = [
        ...new Set([...reps, ...parcels.flatMap((p) => p.holders.filter((h) => h.kind === 'PERSON').map((h) => h.id)), ...reps.flatMap(relativesOf)]),
      ]
      return {
        pins,
        households: [...new Set(pins.map((pin) => world.personByPin.get(pin)!.householdId))],
        enterprises: [enterprise.code],
        parcels: parcels.map((p) => p.key),
      }
    })
    .filter((c): c is Cluster => c !== null)
    .slice(0, 12)
  expect(families.length).toBeGreaterThan(5)
  expect(firms.length).toBeGreaterThan(3)
  return [...families, ...firms]
}

/** The arguments of each root field, drawn from the cluster (or, where it has none, from anywhere). */
function argArbs(world: TestGateway['world'], cluster: Cluster): Record<string, fc.Arbitrary<Array<[string, Arg]>>> {
  const from = <T>(own: T[], anywhere: T[]) => fc.constantFrom(...(own.length ? own : anywhere))
  const pin = from(
    cluster.pins,
    world.people.slice(0, 20).map((p) => p.pin),
  )
  const communes = ['00097', ...new Set(world.parcels.filter((p) => cluster.parcels.includes(p.key)).map((p) => p.address.communeCode))]
  const first = fc.integer({ min: 1, max: 4 })
  return {
    administrativeUnit: fc.constantFrom(...communes).map((code) => [['code', code]]),
    citizen: pin.map((p) => [['pin', p]]),
    verifyCitizen: pin.map((p) => {
      const person = world.personByPin.get(p)!
      return [
        ['pin', p],
        ['name', [person.family, person.middle, person.given].filter(Boolean).join(' ')],
        ['birthDate', person.birthDate],
      ]
    }),
    household: from(
      cluster.households,
      world.households.slice(0, 5).map((h) => h.id),
    ).map((id) => [['id', id]]),
    enterprise: from(
      cluster.enterprises,
      world.enterprises.slice(0, 5).map((e) => e.code),
    ).map((code) => [['code', code]]),
    enterprises: first.map((n) => [['first', n]]),
    landParcel: from(
      cluster.parcels,
      world.parcels.slice(0, 5).map((p) => p.key),
    ).map((key) => [['key', key]]),
    landParcels: fc
      .tuple(
        fc.oneof(
          pin.map((p): [string, Arg] => ['holder', { pin: p }]),
          fc.constantFrom(...communes).map((c): [string, Arg] => ['commune', c]),
        ),
        first,
      )
      .map(([selector, n]) => [selector, ['first', n]]),
  }
}

interface Case {
  agency: string
  purpose: string
  caseId: boolean
  endUser: boolean
  roots: Root[]
}

function caseArb(world: TestGateway['world']): fc.Arbitrary<Case> {
  const related = clusters(world)
  const rootFields = Object.keys(argArbs(world, related[0]!))
  const views = agencies.set.agencies
    .flatMap((agency) => [...new Set(agency.grants.flatMap((g) => g.purposes))].map((purpose) => ({ agency, purpose })))
    .filter((view) => rootFields.some((field) => listedBy(view)(`${queryType.name}.${field}`)))
  const present = fc.oneof({ arbitrary: fc.constant(true), weight: 6 }, { arbitrary: fc.constant(false), weight: 1 })
  // Views with masks more often: that is where a value can be hidden on one path and not another.
  const weighted = views.map((view) => ({
    arbitrary: fc.constant(view),
    weight: view.agency.grants.some((g) => g.purposes.includes(view.purpose) && g.mask) ? 3 : 1,
  }))
  return fc.tuple(fc.oneof(...weighted), fc.constantFrom(...related)).chain(([view, cluster]) => {
    const args = argArbs(world, cluster)
    const listed = listedBy(view)
    const roots = rootFields.filter((field) => listed(`${queryType.name}.${field}`))
    const root: fc.Arbitrary<Root> = fc.constantFrom(...roots).chain((field) => {
      const child = objectTypeOf(queryType.getFields()[field]!)
      return fc.record({ field: fc.constant(field), args: args[field]!, children: child ? treeArb(view, child, MAX_DEPTH - 1) : fc.constant(null) })
    })
    return fc.record({
      agency: fc.constant(view.agency.agency),
      purpose: fc.constant(view.purpose),
      caseId: present,
      endUser: present,
      roots: fc.array(root, { minLength: 1, maxLength: 3 }),
    })
  })
}

// ---------------------------------------------------------------------------------------------
// The property.
// ---------------------------------------------------------------------------------------------

interface Hidden {
  path: string
  shown: unknown
  plain: string
}

/** Every leaf of a value, as text (a masked object hides all of them). */
function leaves(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) leaves(item, out)
  else if (value && typeof value === 'object') for (const child of Object.values(value)) leaves(child, out)
  else if (value !== null && value !== undefined) out.push(String(value))
  return out
}

/** Where the agency's answer differs from its unmasked twin's: what was hidden there. */
function hiddenValues(masked: unknown, plain: unknown, path: string, out: Hidden[], problems: string[]): void {
  if (masked === plain) return
  if (Array.isArray(masked) && Array.isArray(plain)) {
    if (masked.length !== plain.length) problems.push(`${path}: ${masked.length} items, the twin has ${plain.length}`)
    masked.forEach((item, i) => hiddenValues(item, plain[i], `${path}[${i}]`, out, problems))
    return
  }
  if (masked && plain && typeof masked === 'object' && typeof plain === 'object' && !Array.isArray(masked) && !Array.isArray(plain)) {
    for (const [key, value] of Object.entries(masked)) hiddenValues(value, (plain as Record<string, unknown>)[key], `${path}.${key}`, out, problems)
    return
  }
  if (masked === null || plain === null || plain === undefined) {
    problems.push(`${path}: ${JSON.stringify(masked)}, the twin answered ${JSON.stringify(plain)}`)
    return
  }
  for (const value of leaves(plain)) out.push({ path, shown: masked, plain: value })
}

describe('property: a value masked anywhere in a response is masked everywhere in it', () => {
  it('all seven sandbox agencies, random operations', async () => {
    const stats = { runs: 0, withData: 0, masked: 0, byAgency: {} as Record<string, number>, refused: 0, refusedBy: {} as Record<string, number> }
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined
    await fc.assert(
      fc.asyncProperty(caseArb(gw.world), async (c) => {
        stats.runs++
        const query = render(c.roots)
        const headers: Record<string, string> = { 'x-purpose': c.purpose }
        if (c.caseId) headers['x-case-id'] = 'HS-2026-000123'
        if (c.endUser) headers['x-end-user'] = 'can-bo-01'
        const masked = await gw.graphql(query, undefined, { ...headers, authorization: `Bearer ${tokens.get(c.agency)}` })
        // No operation a caller can write is a failure of ours: a refusal is a 4xx with its code.
        const failure = (res: typeof masked) => res.status >= 500 || (res.body.errors ?? []).some((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR')
        if (failure(masked))
          throw new Error(
            `a failure of ours (${masked.status})\nagency: ${c.agency}, purpose: ${c.purpose}\nquery: ${query}\nresponse: ${JSON.stringify(masked.body).slice(0, 2000)}`,
          )
        if (!masked.body.data) {
          stats.refused++
          const code = String(masked.body.errors?.[0]?.extensions?.code)
          stats.refusedBy[code] = (stats.refusedBy[code] ?? 0) + 1
          return
        }
        const twin = await gw.graphql(query, undefined, { ...headers, authorization: `Bearer ${tokens.get(`${c.agency}-twin`)}` })
        if (failure(twin))
          throw new Error(`a failure of ours in the twin (${twin.status})\nquery: ${query}\nresponse: ${JSON.stringify(twin.body).slice(0, 2000)}`)
        stats.withData++
        stats.byAgency[c.agency] = (stats.byAgency[c.agency] ?? 0) + 1
        const hidden: Hidden[] = []
        const problems: string[] = []
        hiddenValues(masked.body.data, twin.body.data, 'data', hidden, problems)
        stats.masked += hidden.length
        const text = JSON.stringify(masked.body)
        for (const h of hidden) {
          if (h.plain.length < 4) continue // too short to tell a leak from a coincidence
          if (text.includes(h.plain))
            problems.push(`${h.plain} is hidden at ${h.path} (shown as ${JSON.stringify(h.shown)}) yet appears unmasked elsewhere in the response`)
        }
        if (problems.length) {
          throw new Error(
            `${problems.join('\n')}\nagency: ${c.agency}, purpose: ${c.purpose}\nquery: ${query}\nheaders: ${JSON.stringify(headers)}\nresponse: ${text.slice(0, 3000)}`,
          )
        }
      }),
      { numRuns: NUM_RUNS, ...(seed !== undefined ? { seed } : {}), ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) },
    )
    console.info(`class property runs: ${JSON.stringify(stats)}`)
    // The property proves little unless operations come back with data and masks, for every agency.
    expect(stats.withData).toBeGreaterThan(NUM_RUNS / 3)
    expect(stats.masked).toBeGreaterThan(NUM_RUNS / 5)
    expect(Object.keys(stats.byAgency).sort()).toEqual(agencies.set.agencies.map((a) => a.agency).sort())
  }, 180_000)
})
