import { buildSchema, defaultFieldResolver, graphql, type GraphQLFieldResolver } from 'graphql'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { typeDefs } from '../../schemas/index.js'
import { adminUnitResolvers, type ConnectorContext, type RegistryLoaders } from '../kit/index.js'
import { createWorld, serveSandbox, type SandboxServer, type WorldPerson } from '../kit/sandbox/index.js'
import { createPopulationConnector, type PopulationConnector } from './connector.js'
import { createPopulationSandbox, POPULATION_SANDBOX_API_KEY } from './sandbox/index.js'

/**
 * The resolvers executed by graphql-js against the canonical SDL and the real sandbox over HTTP.
 * Resolver maps are looked up by a field resolver, so no schema-building package is needed.
 */

const world = createWorld({ citizens: 400, parcels: 150, enterprises: 100 })
const schema = buildSchema(typeDefs.join('\n'))
let server: SandboxServer
let population: PopulationConnector
let fieldResolver: GraphQLFieldResolver<unknown, ConnectorContext>

const fullName = (p: WorldPerson) => [p.family, p.middle, p.given].filter(Boolean).join(' ')

beforeAll(async () => {
  server = await serveSandbox('population', createPopulationSandbox(world))
  population = createPopulationConnector({ baseUrl: server.url, apiKey: POPULATION_SANDBOX_API_KEY, timeoutMs: 2_000 })
  const maps = [adminUnitResolvers, population.resolvers] as Array<Record<string, Record<string, unknown>>>
  fieldResolver = (source, args, ctx, info) => {
    for (const map of maps) {
      const resolve = map[info.parentType.name]?.[info.fieldName]
      if (typeof resolve === 'function') return resolve(source, args, ctx, info)
    }
    return defaultFieldResolver(source, args, ctx, info)
  }
})
afterEach(() => server.resetHits())
afterAll(async () => {
  await server?.close()
})

async function run(source: string, variables: Record<string, unknown> = {}) {
  const scope = { requestId: `gql-${Math.random()}` }
  // Only the population loaders exist here; the others are another connector's business.
  // The population registry pages nothing.
  const pager = { page: () => Promise.reject(new Error('population pages nothing')) }
  const contextValue: ConnectorContext = { scope, loaders: population.createLoaders(scope) as RegistryLoaders, pager }
  return graphql({ schema, source, variableValues: variables, contextValue, fieldResolver })
}

describe('population resolvers', () => {
  it('serves a citizen with birth registration place, household, members and parents', async () => {
    const child = world.people.find((p) => p.fatherPin !== null && p.birthProvincePrefix === '074') ?? world.people.find((p) => p.fatherPin !== null)!
    const household = world.households.find((h) => h.id === child.householdId)!
    const father = world.personByPin.get(child.fatherPin!)!
    const result = await run(
      `query ($pin: PIN!) {
        citizen(pin: $pin) {
          pin name { full } birthDate sex
          birthRegistrationPlace { code name validTo }
          residence { permanent { province { code } commune { code } detail } }
          father { pin citizen { name { full } } }
          household {
            householdId relationToHead { name }
            household { id head { pin name { full } } members { pin relationToHead { name } citizen { name { full } } } }
          }
        }
      }`,
      { pin: child.pin },
    )
    expect(result.errors).toBeUndefined()
    const citizen = (result.data as any).citizen
    expect(citizen).toMatchObject({
      pin: child.pin,
      name: { full: fullName(child) },
      birthDate: child.birthDate,
      sex: child.sex,
      residence: {
        permanent: { province: { code: child.permanent.provinceCode }, commune: { code: child.permanent.communeCode }, detail: child.permanent.detail },
      },
      father: { pin: father.pin, citizen: { name: { full: fullName(father) } } },
      household: { householdId: household.id, relationToHead: { name: child.relationToHead } },
    })
    // The PIN prefix names a 63-era province: resolved as it stood before the 2025 reform.
    expect(citizen.birthRegistrationPlace).toMatchObject({ code: child.birthProvincePrefix.slice(1), validTo: expect.any(String) })
    if (child.birthProvincePrefix === '074') expect(citizen.birthRegistrationPlace.name).toBe('Bình Dương')
    const membership = citizen.household.household
    expect(membership.head).toEqual({ pin: household.headPin, name: { full: fullName(world.personByPin.get(household.headPin)!) } })
    expect(membership.members).toEqual(
      household.members.map((m) => ({
        pin: m.pin,
        relationToHead: { name: m.relation },
        citizen: { name: { full: fullName(world.personByPin.get(m.pin)!) } },
      })),
    )
    // citizen, household, then everyone else in one batch each: far fewer calls than records.
    expect(server.hits()).toBeLessThanOrEqual(4)
  })

  it('costs one call for a citizen asked twice, and one for several citizens asked together', async () => {
    const [a, b, c] = [world.people[1]!, world.people[2]!, world.people[3]!]
    const twice = await run(`query ($pin: PIN!) { x: citizen(pin: $pin) { pin } y: citizen(pin: $pin) { name { full } } }`, { pin: a.pin })
    expect(twice.data).toEqual({ x: { pin: a.pin }, y: { name: { full: fullName(a) } } })
    expect(server.hits()).toBe(1)
    server.resetHits()
    const three = await run(
      `{ a: citizen(pin: "${a.pin}") { pin } b: citizen(pin: "${b.pin}") { pin } c: citizen(pin: "${c.pin}") { pin } none: citizen(pin: "001099999999") { pin } }`,
    )
    expect(three.data).toEqual({ a: { pin: a.pin }, b: { pin: b.pin }, c: { pin: c.pin }, none: null })
    expect(server.hits()).toBe(1)
  })

  it('verifies a citizen and serves a household', async () => {
    const person = world.people[9]!
    const household = world.households[4]!
    const result = await run(
      `query ($pin: PIN!, $name: String!, $birth: PartialDate!, $id: ID!) {
        yes: verifyCitizen(pin: $pin, name: $name, birthDate: $birth) { pin match }
        no: verifyCitizen(pin: $pin, name: "Không Phải Tên", birthDate: $birth) { match }
        household(id: $id) { id head { pin } members { pin } address { province { code } } }
      }`,
      { pin: person.pin, name: fullName(person).toLowerCase(), birth: person.birthDate, id: household.id },
    )
    expect(result.errors).toBeUndefined()
    expect(result.data).toEqual({
      yes: { pin: person.pin, match: true },
      no: { match: false },
      household: {
        id: household.id,
        head: { pin: household.headPin },
        members: household.members.map((m) => ({ pin: m.pin })),
        address: { province: { code: household.address.provinceCode } },
      },
    })
  })

  it('turns a registry failure into a field error carrying the connector error', async () => {
    server.setFaults({ errorRate: 1 })
    try {
      const result = await run(`{ citizen(pin: "${world.people[0]!.pin}") { pin } }`)
      expect(result.data).toEqual({ citizen: null })
      expect(result.errors?.[0]?.originalError).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'population' })
    } finally {
      server.setFaults({ errorRate: 0 })
    }
  })
})
