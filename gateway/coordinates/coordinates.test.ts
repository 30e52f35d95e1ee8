import { makeExecutableSchema } from '@graphql-tools/schema'
import {
  buildSchema,
  execute,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isListType,
  parse,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from 'graphql'
import { describe, expect, it } from 'vitest'
import { scalarResolvers, typeDefs } from '../../schemas/index.js'
import { collectCoordinates, splitCoordinate, type CollectResult } from './index.js'

const schema = makeExecutableSchema({ typeDefs, resolvers: scalarResolvers })

/** Test-only schema with the abstract types the canonical one lacks. */
const abstractSchema = buildSchema(/* GraphQL */ `
  interface Node { id: ID! }
  interface Named { name: String }
  type Person implements Node & Named { id: ID! name: String pin: String pets: [Pet!] }
  type Company implements Node & Named { id: ID! name: String taxCode: String }
  type Dog implements Node { id: ID! name: String barks: Boolean }
  type Cat { name: String meows: Boolean }
  union Pet = Dog | Cat
  union SearchResult = Person | Company | Dog
  type Query { named: Named node(id: ID!): Node search: [SearchResult!]! pet: Pet }
`)

function collect(query: string, operationName?: string | null, on: GraphQLSchema = schema): CollectResult {
  return collectCoordinates(on, parse(query), operationName)
}

function okResult(query: string, operationName?: string | null, on: GraphQLSchema = schema) {
  const result = collect(query, operationName, on)
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`)
  return result
}

interface Case {
  name: string
  query: string
  operationName?: string | null
  expected: string[]
  /** Coordinates that must not appear (already implied by `expected`, kept to state the intent). */
  absent?: string[]
}

const canonicalCases: Case[] = [
  {
    name: 'plain fields',
    query: '{ citizen(pin: "001090000001") { pin name { full } } }',
    expected: ['Citizen.name', 'Citizen.pin', 'PersonName.full', 'Query.citizen'],
  },
  {
    name: 'the same field twice under different aliases',
    query: '{ a: citizen(pin: "1") { pin } b: citizen(pin: "2") { name { given } } }',
    expected: ['Citizen.name', 'Citizen.pin', 'PersonName.given', 'Query.citizen'],
  },
  {
    name: 'a forbidden field behind an alias named like an allowed one',
    query: '{ citizen(pin: "1") { name: pin birthDate: deceasedOn } }',
    expected: ['Citizen.deceasedOn', 'Citizen.pin', 'Query.citizen'],
    absent: ['Citizen.name', 'Citizen.birthDate'],
  },
  {
    name: 'a root field behind an alias named like another root field',
    query: '{ administrativeUnit: citizen(pin: "1") { code: pin } }',
    expected: ['Citizen.pin', 'Query.citizen'],
    absent: ['Query.administrativeUnit', 'AdministrativeUnit.code'],
  },
  {
    name: 'a named fragment',
    query: 'query { citizen(pin: "1") { ...C } } fragment C on Citizen { sex birthDate }',
    expected: ['Citizen.birthDate', 'Citizen.sex', 'Query.citizen'],
  },
  {
    name: 'nested named fragments',
    query: `query { citizen(pin: "1") { ...C } }
      fragment C on Citizen { ...N residence { permanent { ...A } } }
      fragment N on Citizen { name { ...PN } }
      fragment PN on PersonName { full }
      fragment A on Address { detail commune { ...U } }
      fragment U on AdministrativeUnit { code }`,
    expected: [
      'Address.commune',
      'Address.detail',
      'AdministrativeUnit.code',
      'Citizen.name',
      'Citizen.residence',
      'PersonName.full',
      'Query.citizen',
      'ResidenceStatus.permanent',
    ],
  },
  {
    name: 'a fragment spread several times, at several depths',
    query: `{ a: citizen(pin: "1") { ...C } b: citizen(pin: "2") { ...C ...C }
        household(id: "h") { head { ...C } members { citizen { ...C } } } }
      fragment C on Citizen { pin }`,
    expected: ['Citizen.pin', 'Household.head', 'Household.members', 'HouseholdMember.citizen', 'Query.citizen', 'Query.household'],
  },
  {
    name: 'unused fragments are not counted (even broken ones)',
    query: `query { citizen(pin: "1") { pin } }
      fragment Unused on Citizen { legacyIdNumber spouse { pin } }
      fragment UnusedRoot on Query { enterprise(code: "0100109106") { nameVi } }
      fragment UnusedCycle on Citizen { ...UnusedCycle }
      fragment UnusedUnknown on Citizen { ...DoesNotExist }
      fragment UnusedBadType on NoSuchType { x }`,
    expected: ['Citizen.pin', 'Query.citizen'],
    absent: ['Citizen.legacyIdNumber', 'Citizen.spouse', 'Query.enterprise', 'Enterprise.nameVi'],
  },
  {
    name: 'inline fragments with and without a type condition',
    query: `{ citizen(pin: "1") { ... { pin } ... on Citizen { sex ... { hometown } }
        ... @include(if: true) { ethnicity { name } } } ... on Query { household(id: "h") { id } } }`,
    expected: ['Citizen.ethnicity', 'Citizen.hometown', 'Citizen.pin', 'Citizen.sex', 'CodeValue.name', 'Household.id', 'Query.citizen', 'Query.household'],
  },
  {
    name: 'nested cross-registry links',
    query: `{ enterprise(code: "0100109106") { legalRepresentatives { citizen { landParcels {
        holders { enterprise { nameVi landParcels { parcelKey } } person { pin } } } } } } }`,
    expected: [
      'Citizen.landParcels',
      'Citizen.pin',
      'Enterprise.landParcels',
      'Enterprise.legalRepresentatives',
      'Enterprise.nameVi',
      'LandHolder.enterprise',
      'LandHolder.person',
      'LandParcel.holders',
      'LandParcel.parcelKey',
      'LegalRepresentative.citizen',
      'Query.enterprise',
    ],
  },
  {
    name: 'variables and @skip/@include: collected whatever the values',
    query: `query Q($pin: PIN!, $s: Boolean!) { citizen(pin: $pin) {
        pin @skip(if: true) name @include(if: false) { full } ... @skip(if: $s) { sex }
        ...F @include(if: $s) } }
      fragment F on Citizen { hometown @skip(if: $s) }`,
    expected: ['Citizen.hometown', 'Citizen.name', 'Citizen.pin', 'Citizen.sex', 'PersonName.full', 'Query.citizen'],
  },
  {
    name: '__typename at several levels',
    query: '{ __typename citizen(pin: "1") { __typename name { __typename } } t: __typename }',
    expected: ['Citizen.__typename', 'Citizen.name', 'PersonName.__typename', 'Query.__typename', 'Query.citizen'],
  },
  {
    name: 'unknown fields and type conditions are skipped, with their subtrees',
    query: `{ citizen(pin: "1") { pin nope { deeper } ... on Ghost { name } } nothing { citizen { pin } }
        __type: citizen(pin: "2") { sex } }`,
    expected: ['Citizen.pin', 'Citizen.sex', 'Query.citizen'],
  },
  {
    name: 'root introspection',
    query: '{ __schema { types { name fields { name } } } }',
    expected: ['Query.__schema'],
  },
  {
    name: '__type at the root beside data',
    query: '{ __type(name: "Citizen") { fields { name } } citizen(pin: "1") { pin } }',
    expected: ['Citizen.pin', 'Query.__type', 'Query.citizen'],
  },
  {
    name: '__type nested below the root is not a field there',
    query: '{ citizen(pin: "1") { __type(name: "Citizen") { name } __schema { types { name } } pin } }',
    expected: ['Citizen.pin', 'Query.citizen'],
  },
  {
    name: 'introspection reached through a fragment on the root',
    query: '{ ...Q } fragment Q on Query { ... on Query { __schema { queryType { name } } } }',
    expected: ['Query.__schema'],
  },
  {
    name: 'the named operation only',
    query: 'query A { citizen(pin: "1") { pin } } query B { enterprise(code: "0100109106") { nameVi } }',
    operationName: 'B',
    expected: ['Enterprise.nameVi', 'Query.enterprise'],
    absent: ['Query.citizen'],
  },
  {
    name: 'a single named operation with no operationName',
    query: 'query Only { household(id: "h") { id } }',
    operationName: null,
    expected: ['Household.id', 'Query.household'],
  },
]

const abstractCases: Case[] = [
  {
    name: 'a field on an interface counts for every implementation',
    query: '{ named { name } }',
    expected: ['Company.name', 'Named.name', 'Person.name', 'Query.named'],
  },
  {
    name: '__typename on an interface and on a union',
    query: '{ named { __typename } pet { __typename } }',
    expected: ['Cat.__typename', 'Company.__typename', 'Dog.__typename', 'Named.__typename', 'Person.__typename', 'Pet.__typename', 'Query.named', 'Query.pet'],
  },
  {
    name: 'inline fragments on a concrete member of a union',
    query: '{ pet { ... on Dog { barks } ... on Cat { __typename } } }',
    expected: ['Cat.__typename', 'Dog.barks', 'Query.pet'],
    absent: ['Cat.barks', 'Pet.barks'],
  },
  {
    name: 'an interface fragment inside a union',
    query: '{ search { ... on Named { name } ... on Dog { barks } ...N } } fragment N on Node { id }',
    expected: ['Company.id', 'Company.name', 'Dog.barks', 'Dog.id', 'Named.name', 'Node.id', 'Person.id', 'Person.name', 'Query.search'],
  },
  {
    name: 'a field selected directly on a union is not a field (validation reports it)',
    query: '{ pet { name } }',
    expected: ['Query.pet'],
  },
  {
    name: 'nested abstract types',
    query: '{ node(id: "1") { id ... on Person { pin pets { ... on Cat { meows } __typename } } } }',
    expected: [
      'Cat.__typename',
      'Cat.meows',
      'Company.id',
      'Dog.__typename',
      'Dog.id',
      'Node.id',
      'Person.id',
      'Person.pets',
      'Person.pin',
      'Pet.__typename',
      'Query.node',
    ],
  },
]

describe('collectCoordinates: canonical schema', () => {
  it.each(canonicalCases.map((c) => [c.name, c] as const))('%s', (_name, { query, operationName, expected, absent }) => {
    const result = okResult(query, operationName)
    expect(result.coordinates).toEqual(expected)
    for (const coordinate of absent ?? []) expect(result.coordinates).not.toContain(coordinate)
  })

  it.each([
    ['{ __schema { types { name } } }', true, ['__schema']],
    ['{ __type(name: "Citizen") { name } citizen(pin: "1") { pin } }', true, ['__type', 'citizen']],
    ['{ citizen(pin: "1") { __type(name: "Citizen") { name } } }', false, ['citizen']],
    ['{ a: citizen(pin: "1") { pin } b: citizen(pin: "2") { pin } __typename }', false, ['__typename', 'citizen']],
    ['{ ...R } fragment R on Query { household(id: "h") { id } ... { enterprise(code: "0100109106") { code } } }', false, ['enterprise', 'household']],
  ])('introspection flag and root fields: %s', (query, introspection, rootFields) => {
    const result = okResult(query)
    expect(result.introspection).toBe(introspection)
    expect(result.rootFields).toEqual(rootFields)
  })
})

describe('collectCoordinates: abstract types (test-only schema)', () => {
  it.each(abstractCases.map((c) => [c.name, c] as const))('%s', (_name, { query, operationName, expected, absent }) => {
    const result = okResult(query, operationName, abstractSchema)
    expect(result.coordinates).toEqual(expected)
    for (const coordinate of absent ?? []) expect(result.coordinates).not.toContain(coordinate)
  })
})

describe('collectCoordinates: refusals', () => {
  it.each([
    ['several operations, no operationName', 'query A { citizen(pin: "1") { pin } } query B { household(id: "h") { id } }', undefined, /several operations/],
    ['several operations, null operationName', 'query A { citizen(pin: "1") { pin } } { household(id: "h") { id } }', null, /several operations/],
    ['an unknown operationName', 'query A { citizen(pin: "1") { pin } }', 'B', /unknown operation named "B"/],
    ['an operationName for an anonymous operation', '{ citizen(pin: "1") { pin } }', 'A', /unknown operation/],
    [
      'two operations with the same name',
      'query A { citizen(pin: "1") { pin } } query A { household(id: "h") { id } }',
      'A',
      /several operations are named "A"/,
    ],
    ['no operation at all', 'fragment C on Citizen { pin }', undefined, /no operation/],
    [
      'a subscription',
      'subscription S { citizen(pin: "1") { pin } }',
      undefined,
      /only queries and mutations are served \(the document contains a subscription\)/,
    ],
    ['a subscription beside the chosen query', 'query Q { citizen(pin: "1") { pin } } subscription S { x }', 'Q', /contains a subscription/],
    [
      'a fragment cycle A → B → A',
      '{ citizen(pin: "1") { ...A } } fragment A on Citizen { pin ...B } fragment B on Citizen { name { full } ...A }',
      undefined,
      /fragment cycle: A → B → A/,
    ],
    ['a fragment spreading itself', '{ citizen(pin: "1") { ...A } } fragment A on Citizen { name { full } ...A }', undefined, /fragment cycle: A → A/],
    [
      'a cycle behind a shared fragment',
      '{ citizen(pin: "1") { ...S ...A } } fragment S on Citizen { pin } fragment A on Citizen { ...S father { citizen { ...B } } } fragment B on Citizen { ...S ...A }',
      undefined,
      /fragment cycle: A → B → A/,
    ],
    ['a cycle below an unknown field', '{ nothing { ...A } } fragment A on Citizen { ...A }', undefined, /fragment cycle/],
    ['an unknown fragment', '{ citizen(pin: "1") { ...Missing } }', undefined, /unknown fragment "Missing"/],
    [
      'an unknown fragment reached through another',
      '{ citizen(pin: "1") { ...A } } fragment A on Citizen { ...Missing }',
      undefined,
      /unknown fragment "Missing"/,
    ],
    [
      'a fragment defined twice',
      '{ citizen(pin: "1") { ...A } } fragment A on Citizen { pin } fragment A on Citizen { name { full } }',
      undefined,
      /defined more than once/,
    ],
  ])('%s → ok: false', (_name, query, operationName, reason) => {
    const started = performance.now()
    const result = collect(query, operationName)
    expect(performance.now() - started).toBeLessThan(500)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.reason).toMatch(reason)
  })
})

describe('collectCoordinates: size', () => {
  it('a wide and deep document of 5,000+ fields', () => {
    const group = (i: number) => `a${i}: citizen(pin: "${i}") { pin name { full given } residence { permanent { detail } } }`
    const wide = `{ ${Array.from({ length: 834 }, (_, i) => group(i)).join(' ')} }`
    const depth = 500
    const deep = `{ citizen(pin: "1") { ${'father { citizen { '.repeat(depth)}pin${' } }'.repeat(depth)} } }`
    const wideDoc = parse(wide, { maxTokens: 1_000_000 })
    const deepDoc = parse(deep, { maxTokens: 1_000_000 })

    let started = performance.now()
    const wideResult = collectCoordinates(schema, wideDoc)
    const wideMs = performance.now() - started
    started = performance.now()
    const deepResult = collectCoordinates(schema, deepDoc)
    const deepMs = performance.now() - started
    console.info(`coordinates: wide 834×6 = 5004 fields in ${wideMs.toFixed(1)} ms; deep ${2 * depth + 2} fields in ${deepMs.toFixed(1)} ms`)

    expect(wideResult.ok && wideResult.coordinates).toEqual([
      'Address.detail',
      'Citizen.name',
      'Citizen.pin',
      'Citizen.residence',
      'PersonName.full',
      'PersonName.given',
      'Query.citizen',
      'ResidenceStatus.permanent',
    ])
    expect(deepResult.ok && deepResult.coordinates).toEqual(['Citizen.father', 'Citizen.pin', 'Query.citizen', 'RelatedPerson.citizen'])
    expect(wideMs).toBeLessThan(2000)
    expect(deepMs).toBeLessThan(2000)
  })

  it('fragments spread exponentially (2^25 paths) are walked once each', () => {
    const levels = 25
    const fragments = [`fragment F0 on Citizen { pin name { full } }`]
    for (let i = 1; i <= levels; i++) {
      fragments.push(`fragment F${i} on Citizen { ...F${i - 1} ... on Citizen { ...F${i - 1} } }`)
    }
    const document = parse(`{ citizen(pin: "1") { ...F${levels} } } ${fragments.join('\n')}`)

    const started = performance.now()
    const result = collectCoordinates(schema, document)
    const ms = performance.now() - started
    console.info(`coordinates: ${levels} levels of doubled fragment spreads in ${ms.toFixed(1)} ms`)

    expect(result.ok && result.coordinates).toEqual(['Citizen.name', 'Citizen.pin', 'PersonName.full', 'Query.citizen'])
    expect(ms).toBeLessThan(2000)
  })

  it('a long chain of fragments does not overflow the stack', () => {
    const length = 20_000
    const fragments = Array.from({ length }, (_, i) => (i === length - 1 ? `fragment F${i} on Citizen { pin }` : `fragment F${i} on Citizen { ...F${i + 1} }`))
    const document = parse(`{ citizen(pin: "1") { ...F0 } } ${fragments.join(' ')}`, { maxTokens: 1_000_000 })
    const result = collectCoordinates(schema, document)
    expect(result.ok && result.coordinates).toEqual(['Citizen.pin', 'Query.citizen'])
  })
})

/**
 * Soundness against graphql-js itself: every field the executor resolves must be among the
 * collected coordinates. Executed on a copy of the schema with identity scalars and mock data
 * (every list has one item per possible type, so each concrete branch runs).
 */
describe('collectCoordinates: covers what graphql-js executes', () => {
  const canonicalPlain = buildSchema(typeDefs.join('\n'))

  function executedCoordinates(on: GraphQLSchema, query: string, operationName?: string | null): Set<string> {
    const seen = new Set<string>()
    const mock = (type: GraphQLOutputType, depth: number): unknown => {
      const nullable = getNullableType(type)
      if (isListType(nullable)) {
        const item = getNamedType(nullable)
        const count = isAbstractType(item) ? on.getPossibleTypes(item).length : 1
        return Array.from({ length: count }, (_, i) => ({ ...(mock(nullable.ofType, depth) as object), __index: i }))
      }
      if (isCompositeType(nullable)) return depth > 40 ? null : { __depth: depth, __index: 0 }
      if (isEnumType(nullable)) return nullable.getValues()[0]?.value
      if (nullable.name === 'Int' || nullable.name === 'Float') return 1
      if (nullable.name === 'Boolean') return true
      return 'x'
    }
    const fieldResolver: GraphQLFieldResolver<{ __depth?: number }, unknown> = (source, _args, _ctx, info) => {
      seen.add(`${info.parentType.name}.${info.fieldName}`)
      return mock(info.returnType, (source?.__depth ?? 0) + 1)
    }
    const typeResolver: GraphQLTypeResolver<{ __index?: number }, unknown> = (value, _ctx, _info, type) => {
      const possible = on.getPossibleTypes(type)
      return possible[(value.__index ?? 0) % possible.length]?.name
    }
    const result = execute({
      schema: on,
      document: parse(query),
      operationName,
      rootValue: {},
      variableValues: { pin: '1', s: true },
      fieldResolver,
      typeResolver,
    })
    if ('then' in result) throw new Error('unexpected async execution')
    return seen
  }

  const runnable = (cases: Case[]) =>
    cases.filter(({ name }) => !/unknown|union is not a field|nested below|introspection/.test(name)).map((c) => [c.name, c] as const)

  it.each(runnable(canonicalCases))('%s', (_name, { query, operationName }) => {
    const collected = okResult(query, operationName, canonicalPlain).coordinates
    const executed = [...executedCoordinates(canonicalPlain, query, operationName)]
    expect(executed.length).toBeGreaterThan(0)
    expect(executed.filter((c) => !collected.includes(c))).toEqual([])
  })

  it.each(runnable(abstractCases))('%s', (_name, { query, operationName }) => {
    const collected = okResult(query, operationName, abstractSchema).coordinates
    const executed = [...executedCoordinates(abstractSchema, query, operationName)]
    expect(executed.length).toBeGreaterThan(0)
    expect(executed.filter((c) => !collected.includes(c))).toEqual([])
  })
})

describe('splitCoordinate', () => {
  it.each([
    ['Citizen.pin', 'Citizen', 'pin'],
    ['Query.__typename', 'Query', '__typename'],
  ])('%s', (coordinate, typeName, fieldName) => {
    expect(splitCoordinate(coordinate)).toEqual({ coordinate, typeName, fieldName })
  })
})

describe('collectCoordinates: mutations', () => {
  it('walks a mutation from the mutation root, as it walks a query from the query root', () => {
    expect(okResult('mutation M { acceptDossier(code: "X") { status progress { step } } }')).toEqual({
      ok: true,
      coordinates: ['Dossier.progress', 'Dossier.status', 'Mutation.acceptDossier', 'ProgressEntry.step'],
      introspection: false,
      rootFields: ['acceptDossier'],
    })
  })

  it('runs the chosen query beside a mutation, and the chosen mutation beside a query', () => {
    const document = 'query Q { dossier(code: "X") { status } } mutation M { acceptDossier(code: "X") { version } }'
    expect(okResult(document, 'Q').rootFields).toEqual(['dossier'])
    expect(okResult(document, 'M').rootFields).toEqual(['acceptDossier'])
  })

  it.each([
    ['a mutation', 'mutation M { citizen(pin: "1") { pin } }', undefined],
    ['a mutation beside the chosen query', '{ named { name } } mutation M { x }', undefined],
  ])('refuses %s where the schema has no mutation type', (_name, query, operationName) => {
    const result = collect(query, operationName, abstractSchema)
    expect(result).toEqual({ ok: false, reason: 'only queries are served (the document contains a mutation)' })
  })
})
