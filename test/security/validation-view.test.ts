/**
 * Validation errors speak of the caller's own view of the schema (the one introspection shows
 * it for its purpose), never of the rest. For each sandbox agency and each purpose it holds (and
 * none, and one it does not hold), documents made to draw names out of the full schema: hidden
 * root fields without selections or arguments, unknown fields under hidden types, hidden fields
 * of visible types, hidden types as variable types and fragment conditions. Two checks:
 *  - no message names a hidden type or field the document did not itself write;
 *  - where the document wrote a hidden name, the messages are those for a name that does not
 *    exist at all (same text, the name swapped): a hidden field is as unknown as a made-up one.
 * Documents valid against the full schema are not validation errors: the policy refuses them
 * (403 with the coordinates and the grant that could allow them), as designed.
 */
import { makeExecutableSchema } from '@graphql-tools/schema'
import { getNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType, specifiedScalarTypes, type GraphQLSchema } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { viewSchema } from '../../gateway/graphql/enforce/view-schema.js'
import { visibleCoordinates, type AgencyDocument } from '../../policies/index.js'
import { typeDefs } from '../../schemas/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { loadSandboxPolicies, sandboxAgencies, tokenFor, type SandboxAgencies } from '../policy/sandbox-agencies.js'

const full = makeExecutableSchema({ typeDefs })
let gw: TestGateway
let agencies: SandboxAgencies
const tokens = new Map<string, string>()

beforeAll(async () => {
  agencies = await sandboxAgencies(await loadSandboxPolicies())
  gw = await createTestGateway({ world: { citizens: 60, parcels: 30, enterprises: 30 }, policies: () => agencies.set })
  for (const agency of agencies.set.agencies) tokens.set(agency.agency, await tokenFor(gw.identity, agencies, agency.agency))
}, 60_000)
afterAll(() => gw?.close())

interface Vocabulary {
  types: Set<string>
  /** Field, argument, input field and enum value names. */
  names: Set<string>
}

function vocabulary(schema: GraphQLSchema | null): Vocabulary {
  // Built-in scalars and the root type's name are in every schema: naming them tells nothing.
  const types = new Set<string>([...specifiedScalarTypes.map((t) => t.name), 'Query'])
  const names = new Set<string>()
  for (const type of Object.values(schema?.getTypeMap() ?? {})) {
    if (type.name.startsWith('__')) continue
    types.add(type.name)
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        names.add(field.name)
        if ('args' in field) for (const arg of field.args) names.add(arg.name)
      }
    }
    if (isEnumType(type)) for (const value of type.getValues()) names.add(value.name)
  }
  return { types, names }
}

/** `{ a { b { … } } }` down to each object type of the view: a prefix and the braces that close it. */
function pathsInView(view: GraphQLSchema): Map<string, { open: string; close: string }> {
  const paths = new Map<string, { open: string; close: string }>()
  const query = view.getQueryType()!
  paths.set(query.name, { open: '', close: '' })
  const queue = [query]
  while (queue.length) {
    const type = queue.shift()!
    const here = paths.get(type.name)!
    for (const field of Object.values(type.getFields())) {
      const target = getNamedType(field.type)
      if (!isObjectType(target) || paths.has(target.name)) continue
      paths.set(target.name, { open: `${here.open}${field.name} { `, close: ` }${here.close}` })
      queue.push(target)
    }
  }
  return paths
}

interface Probe {
  document: string
  /** The hidden name the document writes, and its twin: the same document with a made-up name there. */
  hidden?: { name: string; twin: string; twinDocument: string }
}

function probes(view: GraphQLSchema | null): Probe[] {
  const seen = vocabulary(view)
  const out: Probe[] = []
  const withTwin = (template: (name: string) => string, name: string, twin: string) => {
    out.push({ document: template(name), hidden: { name, twin, twinDocument: template(twin) } })
  }
  const fullQuery = full.getQueryType()!
  for (const field of Object.values(fullQuery.getFields())) {
    const visible = view?.getQueryType()?.getFields()[field.name] !== undefined
    const templates = [(n: string) => `{ ${n} }`, (n: string) => `{ ${n} { zzzNope } }`, (n: string) => `{ ${n}(zzzArg: 1) { __typename zzzNope } }`]
    for (const template of templates) {
      if (visible) out.push({ document: template(field.name) })
      else withTwin(template, field.name, 'zzzTwin')
    }
  }
  for (const type of Object.values(full.getTypeMap())) {
    if (type.name.startsWith('__') || seen.types.has(type.name)) continue
    for (const template of [
      (n: string) => `query($v: ${n}) { zzzNope }`,
      (n: string) => `{ ... on ${n} { zzzNope } }`,
      (n: string) => `fragment F on ${n} { zzzNope } { ...F }`,
    ]) {
      withTwin(template, type.name, 'ZzzTwin')
    }
  }
  if (view) {
    for (const [typeName, path] of pathsInView(view)) {
      const fullType = full.getType(typeName)
      if (!isObjectType(fullType)) continue
      out.push({ document: `{ ${path.open}zzzNope${path.close} }` })
      const visibleFields = (view.getType(typeName) as typeof fullType).getFields()
      for (const field of Object.values(fullType.getFields())) {
        if (visibleFields[field.name]) continue
        withTwin((n) => `{ ${path.open}${n} zzzNope${path.close} }`, field.name, 'zzzTwin')
      }
    }
  }
  return out
}

const words = (document: string) => new Set(document.match(/[_A-Za-z][_0-9A-Za-z]*/g) ?? [])

async function validationMessages(agency: string, purpose: string | null, document: string): Promise<string[]> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${tokens.get(agency)}`,
    'x-case-id': 'HS-000123.2026',
    'x-end-user': 'can-bo.nguyen',
    'x-purpose': purpose ?? '',
  }
  const res = await gw.graphql(document, undefined, headers)
  expect(res.status, `${document} → ${JSON.stringify(res.body)}`).toBe(400)
  const errors = res.body.errors ?? []
  for (const error of errors) expect(error.extensions?.code, JSON.stringify(error)).toBe('BAD_USER_INPUT')
  return errors.map((error) => error.message)
}

const contexts = () =>
  agencies.set.agencies.flatMap((agency) => {
    const purposes = [...new Set(agency.grants.flatMap((grant) => grant.purposes))].sort()
    const other = agencies.set.purposes.map((p) => p.code).find((code) => !purposes.includes(code))
    return [...purposes, other ?? null, null].map((purpose) => ({ agency, purpose }))
  })

describe('validation errors stay within the caller’s view', () => {
  it('for every sandbox agency and purpose: no hidden name, and hidden names answered like made-up ones', async () => {
    const violations = new Set<string>()
    let probed = 0
    let twinned = 0
    for (const { agency, purpose } of contexts()) {
      const view = viewSchema(full, visibleCoordinates(agency as AgencyDocument, { purpose, caseId: true, endUser: true, signed: false }, new Date()))
      const seen = vocabulary(view)
      const everything = vocabulary(full)
      const hiddenTypes = new Set([...everything.types].filter((name) => !seen.types.has(name)))
      const hiddenNames = new Set([...everything.names].filter((name) => !seen.names.has(name)))
      const where = `${agency.agency} / ${purpose ?? '(no purpose)'}`
      const twins = new Map<string, string[]>()
      for (const probe of probes(view)) {
        probed++
        const messages = await validationMessages(agency.agency, purpose, probe.document)
        const written = words(probe.document)
        for (const message of messages) {
          for (const [, quoted] of message.matchAll(/"([^"]*)"/g)) {
            for (const name of quoted!.replace(/[[\]!$]/g, '').split('.')) {
              if ((hiddenTypes.has(name) || hiddenNames.has(name)) && !written.has(name)) violations.add(`${where}: ${probe.document} → ${message}`)
            }
          }
        }
        if (probe.hidden) {
          twinned++
          const { name, twin, twinDocument } = probe.hidden
          if (!twins.has(twinDocument)) twins.set(twinDocument, await validationMessages(agency.agency, purpose, twinDocument))
          // Suggestions only ever name the caller's own view; whether one was hidden is not compared.
          const unsuggested = (message: string) => message.replace(/\s*\[Suggestion hidden\]/g, '')
          const mine = messages.map(unsuggested)
          // The made-up name never occurs otherwise, so putting the hidden one back is exact.
          const theirs = twins.get(twinDocument)!.map((m) => unsuggested(m).replace(new RegExp(`\\b${twin}\\b`, 'g'), name))
          if (JSON.stringify(mine) !== JSON.stringify(theirs))
            violations.add(`${where}: ${probe.document} → ${JSON.stringify(messages)}; a made-up name → ${JSON.stringify(twins.get(twinDocument))}`)
        }
      }
    }
    expect([...violations].slice(0, 25), `${violations.size} violations`).toEqual([])
    // The probes did reach hidden parts of the schema for every agency.
    expect(twinned).toBeGreaterThan(500)
    expect(probed).toBeGreaterThan(twinned)
  }, 120_000)

  it('one agency’s messages never reach another through the validation cache', async () => {
    // The same invalid document, first by an agency that may read citizens, then by one that may not.
    const document = '{ citizen { zzzNope } }'
    const wide = await validationMessages('cong-an-phuong-hong-ha', 'QUAN_LY_CU_TRU', document)
    expect(wide.join(' ')).toContain('"Citizen"')
    for (let i = 0; i < 2; i++) {
      const narrow = await validationMessages('mot-cua-phuong-hong-ha', 'XAC_MINH_NHAN_THAN', document)
      expect(narrow.join(' ')).not.toContain('Citizen"')
      expect(narrow.join(' ')).toContain('Cannot query field "citizen" on type "Query"')
    }
    expect(await validationMessages('cong-an-phuong-hong-ha', 'QUAN_LY_CU_TRU', document)).toEqual(wide)
  })

  it('a document valid for the whole schema is still refused by the policy, naming the coordinate and the grant', async () => {
    const res = await gw.graphql('{ citizen(pin: "001085000101") { religion { name } } }', undefined, {
      authorization: `Bearer ${tokens.get('mot-cua-phuong-hong-ha')}`,
      'x-purpose': 'XAC_MINH_NHAN_THAN',
      'x-case-id': 'HS-1',
      'x-end-user': 'can-bo.nguyen',
    })
    expect(res.status).toBe(403)
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(JSON.stringify(res.body.errors?.[0]?.extensions?.denials)).toContain('Query.citizen')
  })
})
