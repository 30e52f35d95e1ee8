import type { IResolvers } from '@graphql-tools/utils'
import DataLoader from 'dataloader'
import { buildSchema, graphql, isObjectType, isScalarType, type GraphQLFieldResolver, type GraphQLScalarType, type GraphQLSchema } from 'graphql'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { scalarResolvers, typeDefs } from '../../schemas/index.js'
import { adminUnitResolvers, type ConnectorContext, type Pager, type RegistryLoaders } from '../kit/index.js'
import { positionPager } from '../kit/paging.js'
import { createWorld, serveSandbox, type SandboxServer, type WorldParcel } from '../kit/sandbox/index.js'
import { createLandSandbox } from './sandbox/index.js'
import { createDescribedLandConnector, type LandConnector } from './described-fixture.node.js'

/**
 * The resolvers executed through the real canonical schema against the sandbox over HTTP. The
 * population and business loaders are stand-ins built from the same world (those registries
 * are other connectors' business); the land loader is the connector's own.
 */
const world = createWorld({ citizens: 400, parcels: 150, enterprises: 100 })
const keysHeldBy = (id: string) =>
  world.parcels
    .filter((p) => p.holders.some((h) => h.id === id))
    .map((p) => p.key)
    .sort()
const personHolders = [...new Set(world.parcels.flatMap((p) => p.holders.filter((h) => h.kind === 'PERSON').map((h) => h.id)))]
const pin = personHolders.find((id) => keysHeldBy(id).length >= 2) as string
const coupleParcel = world.parcels.find((p) => p.holders.length === 2) as WorldParcel
const enterpriseParcel = world.parcels.find((p) => p.holders[0]?.kind === 'ENTERPRISE') as WorldParcel
const legacyParcel = world.parcels.find((p) => p.sheetCommuneCode !== p.address.communeCode) as WorldParcel
const enterpriseByCode = new Map(world.enterprises.map((e) => [e.code, e]))

/** The canonical SDL with resolver maps attached, the way makeExecutableSchema would (graphql only). */
function executableSchema(resolverMaps: Array<IResolvers<any, any>>): GraphQLSchema {
  const built = buildSchema(typeDefs.join('\n'))
  for (const map of resolverMaps) {
    for (const [typeName, value] of Object.entries(map)) {
      const type = built.getType(typeName)
      if (isScalarType(type)) {
        const scalar = value as GraphQLScalarType
        Object.assign(type, { serialize: scalar.serialize, parseValue: scalar.parseValue, parseLiteral: scalar.parseLiteral })
      } else if (isObjectType(type)) {
        for (const [field, resolve] of Object.entries(value as Record<string, GraphQLFieldResolver<unknown, unknown>>)) {
          const target = type.getFields()[field]
          if (!target) throw new TypeError(`no field ${typeName}.${field} in the schema`)
          target.resolve = resolve
        }
      }
    }
  }
  return built
}

/**
 * The pager as the gateway provides it, minus its keys and policy (the gateway's own tests cover
 * those): cuts pages with the kit, cursors are plain positions `p<N>`.
 */
const pager: Pager = positionPager

/** The resolvers the engine makes of the described registry (`described/`); the cases were the hand-written ones'. */
const implementations = [{ implementation: 'described', create: createDescribedLandConnector }]

let server: SandboxServer
let land: LandConnector
let schema: GraphQLSchema

function context(requestId = 'req-resolvers'): ConnectorContext {
  const scope = { requestId }
  const loaders: RegistryLoaders = {
    citizen: new DataLoader(async (pins) =>
      pins.map((p) => {
        const person = world.personByPin.get(p)
        if (!person) return null
        const full = [person.family, person.middle, person.given].filter(Boolean).join(' ')
        return { pin: person.pin, name: { family: person.family, middle: person.middle, given: person.given, full } } as never
      }),
    ),
    household: new DataLoader(async (ids) => ids.map(() => null)),
    enterprise: new DataLoader(async (codes) =>
      codes.map((code) => {
        const found = enterpriseByCode.get(code)
        return found ? ({ code: found.code, nameVi: found.name } as never) : null
      }),
    ),
    ...land.createLoaders(scope),
  }
  return { scope, loaders, pager }
}

async function run(source: string, variableValues?: Record<string, unknown>) {
  const result = await graphql({ schema, source, contextValue: context(), ...(variableValues ? { variableValues } : {}) })
  return result as { data?: Record<string, any> | null; errors?: ReadonlyArray<{ message: string; extensions: Record<string, unknown> }> }
}

beforeAll(async () => {
  server = await serveSandbox('land', createLandSandbox(world))
})
afterEach(() => server.resetHits())
afterAll(async () => {
  await server.close()
})

describe.each(implementations)('$implementation', ({ create }) => {
  beforeAll(() => {
    land = create({ baseUrl: server.url, timeoutMs: 1000 })
    schema = executableSchema([scalarResolvers, adminUnitResolvers, land.resolvers])
  })

  describe('Query.landParcel', () => {
    it('serves a parcel with its holders linked to citizens, and their other parcels in one batch', async () => {
      const result = await run(
        `query($key: String!) { landParcel(key: $key) { parcelKey area uses { typeCode until }
         holders { kind name pin role { name } person { pin name { full } landParcels { parcelKey } } } } }`,
        { key: coupleParcel.key },
      )
      expect(result.errors).toBeUndefined()
      const parcel = result.data?.landParcel
      expect(parcel.parcelKey).toBe(coupleParcel.key)
      expect(parcel.area).toBe(coupleParcel.area)
      expect(parcel.holders.map((h: any) => [h.pin, h.name, h.role.name, h.person.name.full])).toEqual(
        coupleParcel.holders.map((h) => [h.id, h.name, h.role, h.name]),
      )
      for (const [i, holder] of coupleParcel.holders.entries()) {
        expect(parcel.holders[i].person.landParcels.map((p: any) => p.parcelKey).sort()).toEqual(keysHeldBy(holder.id))
      }
      // One call for the parcel, one batched call for both holders' parcels.
      expect(server.hits()).toBe(2)
    })

    it('links an enterprise holder and its parcels', async () => {
      const code = enterpriseParcel.holders[0]!.id
      const result = await run(
        `query($key: String!) { landParcel(key: $key) { holders { kind taxCode person { pin } enterprise { code nameVi landParcels { parcelKey } } } } }`,
        { key: enterpriseParcel.key },
      )
      expect(result.errors).toBeUndefined()
      const holder = result.data?.landParcel.holders[0]
      expect(holder).toMatchObject({ kind: 'ENTERPRISE', taxCode: code, person: null, enterprise: { code, nameVi: enterpriseByCode.get(code)?.name } })
      expect(holder.enterprise.landParcels.map((p: any) => p.parcelKey).sort()).toEqual(keysHeldBy(code))
    })

    it('names the pre-2025 commune a map sheet was numbered in', async () => {
      const result = await run(`query($key: String!) { landParcel(key: $key) { commune { code validTo successors { code } } address { commune { code } } } }`, {
        key: legacyParcel.key,
      })
      expect(result.errors).toBeUndefined()
      const parcel = result.data?.landParcel
      expect(parcel.commune.code).toBe(legacyParcel.sheetCommuneCode)
      expect(parcel.commune.validTo).not.toBeNull()
      expect(parcel.commune.successors.map((s: any) => s.code)).toContain(legacyParcel.address.communeCode)
      expect(parcel.address.commune.code).toBe(legacyParcel.address.communeCode)
    })

    it('answers null for an unknown parcel', async () => {
      const result = await run(`{ landParcel(key: "00097.999.9999") { parcelKey } }`)
      expect(result.errors).toBeUndefined()
      expect(result.data?.landParcel).toBeNull()
    })

    it('refuses a malformed key before calling the registry', async () => {
      const result = await run(`{ landParcel(key: "00097-12-345") { parcelKey } }`)
      expect(result.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT')
      expect(server.hits()).toBe(0)
    })
  })

  describe('Query.landParcels', () => {
    const query = `query($holder: LandHolderInput, $commune: AdminCode, $first: Int, $after: String) {
    landParcels(holder: $holder, commune: $commune, first: $first, after: $after) {
      totalCount nodes { parcelKey commune { code } address { commune { code } } } pageInfo { hasNextPage endCursor } } }`

    it("pages a holder's parcels with opaque cursors", async () => {
      const expected = keysHeldBy(pin)
      const first = await run(query, { holder: { pin }, first: 1 })
      expect(first.errors).toBeUndefined()
      expect(first.data?.landParcels.totalCount).toBe(expected.length)
      expect(first.data?.landParcels.pageInfo.hasNextPage).toBe(true)
      const rest = await run(query, { holder: { pin }, first: 100, after: first.data?.landParcels.pageInfo.endCursor })
      expect(rest.data?.landParcels.pageInfo.hasNextPage).toBe(false)
      const keys = [...first.data!.landParcels.nodes, ...rest.data!.landParcels.nodes].map((p: any) => p.parcelKey).sort()
      expect(keys).toEqual(expected)
    })

    it("lists a commune's parcels through the registry", async () => {
      const commune = legacyParcel.address.communeCode
      const expected = world.parcels
        .filter((p) => p.sheetCommuneCode === commune || p.address.communeCode === commune)
        .map((p) => p.key)
        .sort()
      const result = await run(query, { commune, first: 100 })
      expect(result.errors).toBeUndefined()
      expect(result.data?.landParcels.totalCount).toBe(expected.length)
      expect(result.data?.landParcels.nodes.map((p: any) => p.parcelKey).sort()).toEqual(expected)
    })

    it("filters a holder's parcels by commune (sheet or current)", async () => {
      const holder = legacyParcel.holders[0]!
      const ref = holder.kind === 'PERSON' ? { pin: holder.id } : { taxCode: holder.id }
      for (const commune of [legacyParcel.sheetCommuneCode, legacyParcel.address.communeCode]) {
        const result = await run(query, { holder: ref, commune })
        expect(result.errors).toBeUndefined()
        const keys = result.data?.landParcels.nodes.map((p: any) => p.parcelKey)
        expect(keys).toContain(legacyParcel.key)
        for (const node of result.data?.landParcels.nodes ?? []) expect([node.commune.code, node.address.commune.code]).toContain(commune)
      }
    })

    it.each([
      ['neither holder nor commune', {}],
      ['a holder with both pin and taxCode', { holder: { pin: '001085000101', taxCode: world.enterprises[0]!.code } }],
      ['a holder with neither', { holder: {} }],
      ['first above 100', { commune: '00097', first: 101 }],
      ['a province code as commune', { commune: '01' }],
      ['a cursor that was not issued', { commune: '00097', after: 'not-a-cursor' }],
      ['a PIN of 11 digits', { holder: { pin: '00108500010' } }],
    ])('refuses %s with BAD_USER_INPUT and no registry call', async (_name, variables) => {
      const result = await run(query, variables)
      expect(result.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT')
      expect(server.hits()).toBe(0)
    })
  })
})
