import DataLoader from 'dataloader'
import type { GraphQLError } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Citizen, ConnectorContext, Enterprise, Page, Pager, RegistryLoaders } from '../kit/index.js'
import { positionPager } from '../kit/paging.js'
import { createWorld, serveSandbox, type SandboxServer } from '../kit/sandbox/index.js'
import { type BusinessConnector, createDescribedBusinessConnector } from './described-fixture.node.js'
import { createBusinessSandbox } from './sandbox/server.js'

const world = createWorld({ citizens: 400, parcels: 150, enterprises: 100 })
/** The resolvers the engine makes of the described registry (`described/`); the cases were the hand-written ones'. */
const implementations = [{ implementation: 'described', create: createDescribedBusinessConnector }]

describe.each(implementations)('$implementation', ({ create }) => {
  let server: SandboxServer
  let business: BusinessConnector

  beforeAll(async () => {
    server = await serveSandbox('business', createBusinessSandbox(world))
    business = create({ baseUrl: server.url })
  })
  afterAll(async () => {
    await server.close()
  })

  /**
   * The pager as the gateway provides it, minus its keys and policy (the gateway's own tests cover
   * those): cuts pages with the kit, cursors are plain positions `p<N>`.
   */
  const pager: Pager = positionPager

  type Resolver = (parent: unknown, args: unknown, ctx: ConnectorContext) => unknown
  const resolver = (type: string, field: string) => (business.resolvers as Record<string, Record<string, Resolver>>)[type]![field]!

  /** A context as the gateway builds it. The population loader is a stand-in that records PINs. */
  function context() {
    const askedPins: string[] = []
    const citizen = new DataLoader<string, Citizen | null>(async (pins) => {
      askedPins.push(...pins)
      return pins.map((pin) => ({ pin }) as Citizen)
    })
    const loaders = { ...business.createLoaders({ requestId: 'resolver-test' }), citizen } as unknown as RegistryLoaders
    return { ctx: { scope: { requestId: 'resolver-test' }, loaders, pager } satisfies ConnectorContext, askedPins }
  }

  describe('business resolvers', () => {
    it('Query.enterprise goes through the enterprise loader (one call for many)', async () => {
      const { ctx } = context()
      server.resetHits()
      const codes = [world.enterprises[1]!.code, world.enterprises[2]!.code, 'unknown-but-scalar-checked']
      const results = (await Promise.all(codes.map((code) => resolver('Query', 'enterprise')(null, { code }, ctx)))) as Array<Enterprise | null>
      expect(server.hits()).toBe(1)
      expect(results.map((e) => e?.nameVi ?? null)).toEqual([world.enterprises[1]!.name, world.enterprises[2]!.name, null])
    })

    it('Query.enterprises pages with cursors and primes the loader', async () => {
      const { ctx } = context()
      const enterprises = resolver('Query', 'enterprises')
      const expected = world.enterprises.filter((e) => e.status === 'ACTIVE')
      server.resetHits()
      const first = (await enterprises(null, { filter: { status: 'ACTIVE' }, first: 10 }, ctx)) as Page<Enterprise>
      expect(server.hits()).toBe(2)
      expect(first.totalCount).toBe(expected.length)
      expect(first.nodes.map((n) => n.code)).toEqual(expected.slice(0, 10).map((e) => e.code))
      expect(first.pageInfo.endCursor).toBe('p10')
      const second = (await enterprises(null, { filter: { status: 'ACTIVE' }, first: 10, after: first.pageInfo.endCursor }, ctx)) as Page<Enterprise>
      expect(second.nodes.map((n) => n.code)).toEqual(expected.slice(10, 20).map((e) => e.code))
      server.resetHits()
      await resolver('Query', 'enterprise')(null, { code: first.nodes[3]!.code }, ctx)
      expect(server.hits()).toBe(0)
    })

    it('filter.province and filter.name reach the registry', async () => {
      const { ctx } = context()
      const page = (await resolver('Query', 'enterprises')(null, { filter: { province: '79', name: '  ' }, first: 100 }, ctx)) as Page<Enterprise>
      expect(page.nodes.map((n) => n.code)).toEqual(world.enterprises.filter((e) => e.address.provinceCode === '79').map((e) => e.code))
    })

    it.each([
      ['first above 100', { first: 101 }],
      ['first 0', { first: 0 }],
      ['a forged cursor', { after: 'bm90LWEtY3Vyc29y' }],
      ['a commune code as province', { filter: { province: '00097' } }],
    ])('%s → BAD_USER_INPUT', async (_label, args) => {
      const { ctx } = context()
      await expect(Promise.resolve().then(() => resolver('Query', 'enterprises')(null, args, ctx))).rejects.toSatisfy(
        (error: GraphQLError) => error.extensions?.code === 'BAD_USER_INPUT',
      )
    })

    it('an offset past the end is an empty page', async () => {
      const { ctx } = context()
      const page = (await resolver('Query', 'enterprises')(null, { after: 'p5000' }, ctx)) as Page<Enterprise>
      expect(page.nodes).toEqual([])
      expect(page.totalCount).toBe(world.enterprises.length)
      expect(page.pageInfo.hasNextPage).toBe(false)
    })

    it('LegalRepresentative.citizen loads the PIN through the population loader, batched', async () => {
      const { ctx, askedPins } = context()
      const e = world.enterprises[6]!
      const record = (await resolver('Query', 'enterprise')(null, { code: e.code }, ctx)) as Enterprise
      const citizens = (await Promise.all(record.legalRepresentatives.map((rep) => resolver('LegalRepresentative', 'citizen')(rep, {}, ctx)))) as Citizen[]
      expect(citizens.map((c) => c.pin)).toEqual(e.representatives.map((r) => r.pin))
      expect(askedPins).toEqual([...new Set(e.representatives.map((r) => r.pin))])
      expect(await resolver('LegalRepresentative', 'citizen')({ ...record.legalRepresentatives[0], pin: null }, {}, ctx)).toBeNull()
    })
  })
})
