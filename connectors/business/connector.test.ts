import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorError, type Enterprise, type UpstreamCall } from '../kit/index.js'
import { createWorld, noFaults, serveSandbox, type SandboxServer, type World, type WorldEnterprise } from '../kit/sandbox/index.js'
import { taxCodeCheckDigit } from '../../schemas/scalars/index.js'
import { type BusinessConnector, createDescribedBusinessConnector } from './described-fixture.node.js'
import { createBusinessSandbox, type BusinessSandbox } from './sandbox/server.js'

const world = createWorld({ citizens: 400, parcels: 150, enterprises: 100 })
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase()
const scope = (requestId = `test-${Math.random().toString(36).slice(2)}`) => ({ requestId })
const TIMEOUT_MS = 300
/**
 * The deadline of the connector the answering cases use: generous, since a first call on a busy
 * machine (several test files at once) can take longer than the 300 ms the hanging-registry cases
 * measure. Only those cases build their own connector with TIMEOUT_MS.
 */
const ANSWERING_DEADLINE_MS = 5000

/** A valid tax code that no enterprise of the world holds. */
function unknownCode(): string {
  for (let serial = 1; ; serial += 1) {
    const nine = `0999${String(serial).padStart(5, '0')}`
    const check = taxCodeCheckDigit(nine)
    const code = `${nine}${check}`
    if (check !== null && !world.enterprises.some((e) => e.code === code)) return code
  }
}

/**
 * The registry connected by description (`described/`, no code). These cases were written for the
 * hand-written client it replaced and ran against both until then: each one it answered, the
 * engine must answer alike. One implementation today; a second (another runtime's) joins here.
 */
const implementations = [{ implementation: 'described', create: createDescribedBusinessConnector, detailCall: 'business.chiTietDoanhNghiep' }]

describe.each(implementations)('$implementation', ({ create, detailCall }) => {
  let sandbox: BusinessSandbox
  let server: SandboxServer
  let business: BusinessConnector

  beforeAll(async () => {
    sandbox = createBusinessSandbox(world)
    server = await serveSandbox('business', sandbox)
    business = create({ baseUrl: server.url, timeoutMs: ANSWERING_DEADLINE_MS })
  })
  afterAll(async () => {
    await server.close()
  })
  afterEach(() => {
    server.setFaults(noFaults)
    server.resetHits()
  })

  function expectMapped(enterprise: Enterprise | null, source: WorldEnterprise) {
    expect(enterprise).not.toBeNull()
    const e = enterprise as Enterprise
    expect(e.code).toBe(source.code)
    expect(e.nameVi).toBe(source.name)
    expect(e.nameShort).toBe(source.shortName)
    expect(e.legalForm).toEqual({ code: String(source.typeId), name: source.typeName })
    expect(e.foundedOn).toBe(source.foundedOn)
    expect(e.lastAmendedOn).toBe(source.lastAmendedOn)
    expect(e.amendmentCount).toBe(source.amendmentCount)
    expect(e.status).toEqual({ code: source.status, name: source.statusName })
    expect(e.charterCapital).toBe(String(source.capital))
    expect(e.headOffice.provinceCode).toBe(source.address.provinceCode)
    expect(e.headOffice.communeCode).toBe(source.address.communeCode)
    expect(e.headOffice.detail).toBe(source.address.detail)
    expect(e.headOffice.legacy?.districtCode ?? null).toBe(source.address.legacyDistrictCode)
    expect(e.businessLines).toEqual(source.activities)
    expect(e.members.map((m) => [m.name, m.amount])).toEqual(source.members.map((m) => [m.name, String(m.amount)]))
    expect(e.branches.map((b) => [b.code, b.kind, b.address?.communeCode])).toEqual(source.branches.map((b) => [b.code, b.kind, b.address.communeCode]))
    expect(e.registrationOffice).toBe(source.registrationOffice)
    expect(e.legalRepresentatives).toHaveLength(source.representatives.length)
    source.representatives.forEach((rep, i) => {
      const person = world.personByPin.get(rep.pin)!
      const mapped = e.legalRepresentatives[i]!
      expect(mapped.pin).toBe(rep.pin)
      expect(mapped.title).toBe(rep.title)
      expect(mapped.name).toEqual({
        family: person.family,
        middle: person.middle,
        given: person.given,
        full: [person.family, person.middle, person.given].filter(Boolean).join(' '),
      })
    })
  }

  describe('enterprise(code)', () => {
    it.each([0, 5, 42, 99])('maps world enterprise #%i from the registry', async (index) => {
      const source = world.enterprises[index]!
      expectMapped(await business.enterprise(source.code, scope()), source)
    })

    it('serves a branch by its 13-digit code as its own record', async () => {
      const parent = world.enterprises.find((e) => e.branches.length > 0)!
      const branch = parent.branches[0]!
      const e = await business.enterprise(branch.code.replace('-', ''), scope())
      expect(e?.code).toBe(branch.code)
      expect(e?.nameVi).toBe(branch.name)
      expect(e?.headOffice.communeCode).toBe(branch.address.communeCode)
      expect(e?.foundedOn).toBe(parent.foundedOn)
      expect(e?.legalRepresentatives.map((r) => r.pin)).toEqual(parent.representatives.map((r) => r.pin))
      expect(e?.charterCapital).toBeNull()
    })

    it('an unknown code is null (registry 404)', async () => {
      server.resetHits()
      expect(await business.enterprise(unknownCode(), scope())).toBeNull()
      expect(server.hits()).toBe(1)
    })

    it('an invalid code is null without calling the registry', async () => {
      server.resetHits()
      expect(await business.enterprise('0199000018', scope())).toBeNull()
      expect(server.hits()).toBe(0)
    })

    it('forwards x-request-id and records the call', async () => {
      const calls: UpstreamCall[] = []
      await business.enterprise(world.enterprises[3]!.code, { requestId: 'req-business-42', recordCall: (call) => calls.push(call) })
      expect(sandbox.lastRequestId()).toBe('req-business-42')
      const viaRoute = (await (await fetch(`${server.url}/__sandbox/last-request-id`)).json()) as { requestId: string }
      expect(viaRoute.requestId).toBe('req-business-42')
      expect(calls).toEqual([expect.objectContaining({ connector: 'business', operation: detailCall, status: 200 })])
    })
  })

  describe('enterprisesByCode and the loader', () => {
    it('answers in request order with null for unknown codes, in one call', async () => {
      const a = world.enterprises[10]!
      const b = world.enterprises[70]!
      server.resetHits()
      const answers = await business.enterprisesByCode([b.code, unknownCode(), a.code, 'not-a-code', b.code], scope())
      expect(server.hits()).toBe(1)
      expect(answers.map((x) => (x instanceof Error ? 'error' : (x?.code ?? null)))).toEqual([b.code, null, a.code, null, b.code])
      expectMapped(answers[2] as Enterprise, a)
    })

    it('N loads in one tick make one registry call; repeats come from the cache', async () => {
      const loaders = business.createLoaders(scope())
      const codes = world.enterprises.slice(0, 30).map((e) => e.code)
      server.resetHits()
      const loaded = await Promise.all(codes.map((code) => loaders.enterprise.load(code)))
      expect(server.hits()).toBe(1)
      expect(loaded.map((e) => e?.nameVi)).toEqual(world.enterprises.slice(0, 30).map((e) => e.name))
      await loaders.enterprise.load(codes[7]!)
      expect(server.hits()).toBe(1)
    })

    it('chunks at maxBatchSize: one call per chunk', async () => {
      const small = create({ baseUrl: server.url, maxBatchSize: 2 })
      const loaders = small.createLoaders(scope())
      server.resetHits()
      await loaders.enterprise.loadMany(world.enterprises.slice(0, 5).map((e) => e.code))
      expect(server.hits()).toBe(3)
    })

    it('rejects a maxBatchSize the registry would refuse', () => {
      expect(() => create({ baseUrl: server.url, maxBatchSize: 101 })).toThrow(TypeError)
    })
  })

  describe('a malformed record in a batch', () => {
    let brokenServer: SandboxServer
    let broken: World
    beforeAll(async () => {
      broken = structuredClone(world)
      // An impossible founding date, as a registry with a bad migration might hold.
      broken.enterprises[1]!.foundedOn = '2021-02-31'
      brokenServer = await serveSandbox('business-broken', createBusinessSandbox(broken))
    })
    afterAll(async () => {
      await brokenServer.close()
    })

    it('fails only its own key', async () => {
      const connector = create({ baseUrl: brokenServer.url })
      const loaders = connector.createLoaders(scope())
      const [good, bad, other] = await loaders.enterprise.loadMany([broken.enterprises[0]!.code, broken.enterprises[1]!.code, broken.enterprises[2]!.code])
      expect(brokenServer.hits()).toBe(1)
      expect((good as Enterprise).nameVi).toBe(broken.enterprises[0]!.name)
      expect(bad).toBeInstanceOf(ConnectorError)
      expect((bad as ConnectorError).code).toBe('UPSTREAM_BAD_RESPONSE')
      expect((other as Enterprise).nameVi).toBe(broken.enterprises[2]!.name)
    })

    it('fails the single lookup with UPSTREAM_BAD_RESPONSE', async () => {
      const connector = create({ baseUrl: brokenServer.url })
      await expect(connector.enterprise(broken.enterprises[1]!.code, scope())).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
    })
  })

  describe('search', () => {
    it('matches names case- and accent-insensitively and returns full records in two calls', async () => {
      const expected = world.enterprises.filter((e) => fold(e.name).includes('thuong mai'))
      expect(expected.length).toBeGreaterThan(3)
      server.resetHits()
      const page = await business.search({ name: 'Thuong MAI', offset: 0, limit: 3 }, scope())
      expect(server.hits()).toBe(2)
      expect(page.totalCount).toBe(expected.length)
      expect(page.items.map((n) => n?.code)).toEqual(expected.slice(0, 3).map((e) => e.code))
      expectMapped(page.items[0]!, expected[0]!)
    })

    it('pages to the end', async () => {
      const expected = world.enterprises.filter((e) => e.address.provinceCode === '01')
      expect(expected.length).toBeGreaterThan(14)
      const seen: string[] = []
      let offset = 0
      for (;;) {
        const page = await business.search({ provinceCode: '01', offset, limit: 7 }, scope())
        expect(page.totalCount).toBe(expected.length)
        seen.push(...page.items.map((n) => n!.code))
        offset += page.items.length
        if (page.items.length === 0 || offset >= page.totalCount) break
      }
      expect(seen).toEqual(expected.map((e) => e.code))
    })

    it('filters by status and province together', async () => {
      const expected = world.enterprises.filter((e) => e.status === 'ACTIVE' && e.address.provinceCode === '79')
      expect(expected.length).toBeGreaterThan(0)
      expect(expected.length).toBeLessThan(world.enterprises.length)
      const page = await business.search({ provinceCode: '79', status: 'ACTIVE', offset: 0, limit: 100 }, scope())
      expect(page.items.map((n) => n?.code)).toEqual(expected.map((e) => e.code))
      expect(page.items.every((n) => n?.status.code === 'ACTIVE' && n.headOffice.provinceCode === '79')).toBe(true)
    })

    it('no match: empty page, one call', async () => {
      server.resetHits()
      const page = await business.search({ name: 'không có công ty nào tên này', offset: 0, limit: 20 }, scope())
      expect(page).toEqual({ items: [], totalCount: 0 })
      expect(server.hits()).toBe(1)
    })
  })

  describe('faults', () => {
    const code = () => world.enterprises[8]!.code

    it('a hanging registry → UPSTREAM_TIMEOUT within timeoutMs', async () => {
      server.setFaults({ hang: true })
      // Its own short-deadline connector: the shared one waits ANSWERING_DEADLINE_MS.
      const impatient = create({ baseUrl: server.url, timeoutMs: TIMEOUT_MS })
      const started = performance.now()
      await expect(impatient.enterprise(code(), scope())).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', connector: 'business' })
      const elapsed = performance.now() - started
      expect(elapsed).toBeGreaterThanOrEqual(250)
      expect(elapsed).toBeLessThan(1500)
    })

    it('a hanging registry times out a loader batch too', async () => {
      server.setFaults({ hang: true })
      const impatient = create({ baseUrl: server.url, timeoutMs: TIMEOUT_MS })
      const loaders = impatient.createLoaders(scope())
      await expect(loaders.enterprise.load(code())).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    })

    it('503s → UPSTREAM_UNAVAILABLE', async () => {
      server.setFaults({ errorRate: 1 })
      await expect(business.enterprise(code(), scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
      await expect(business.search({ offset: 0, limit: 5 }, scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
    })

    it('garbled bodies → UPSTREAM_BAD_RESPONSE', async () => {
      server.setFaults({ malformedRate: 1 })
      await expect(business.enterprise(code(), scope())).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
      await expect(business.enterprisesByCode([code()], scope())).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
    })

    it('an envelope with Status 0 on HTTP 200 → UPSTREAM_UNAVAILABLE', async () => {
      const failing = create({
        baseUrl: 'http://registry.invalid',
        fetch: async () => new Response(JSON.stringify({ Status: 0, Message: 'Lỗi hệ thống', DataCount: 0, Data: null }), { status: 200 }),
      })
      await expect(failing.enterprise(code(), scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
    })
  })

  describe('credentials', () => {
    let keyed: SandboxServer
    beforeAll(async () => {
      keyed = await serveSandbox('business-keyed', createBusinessSandbox(world, { apiKey: 'sandbox-key-1' }))
    })
    afterAll(async () => {
      await keyed.close()
    })

    it('the right key is served', async () => {
      const connector = create({ baseUrl: keyed.url, apiKey: 'sandbox-key-1' })
      expect((await connector.enterprise(code(), scope()))?.code).toBe(code())
      expect((await connector.health()).ok).toBe(true)
    })

    it('a wrong or missing key → UPSTREAM_UNAVAILABLE, and health not ok', async () => {
      for (const apiKey of ['wrong', undefined]) {
        const connector = create({ baseUrl: keyed.url, ...(apiKey ? { apiKey } : {}) })
        await expect(connector.enterprise(code(), scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
        expect(await connector.health()).toMatchObject({ ok: false, detail: 'UPSTREAM_UNAVAILABLE' })
      }
    })

    const code = () => world.enterprises[4]!.code
  })

  describe('health', () => {
    it('is ok when the registry answers', async () => {
      const report = await business.health()
      expect(report.ok).toBe(true)
      expect(report.latencyMs).toBeGreaterThanOrEqual(0)
    })

    it('is not ok, without throwing, when the registry fails or is gone', async () => {
      server.setFaults({ errorRate: 1 })
      expect(await business.health()).toMatchObject({ ok: false, detail: 'UPSTREAM_UNAVAILABLE' })
      server.setFaults({ hang: true })
      // The hang is measured with a short-deadline connector: the shared one waits ANSWERING_DEADLINE_MS.
      const impatient = create({ baseUrl: server.url, timeoutMs: TIMEOUT_MS })
      expect(await impatient.health()).toMatchObject({ ok: false, detail: 'UPSTREAM_TIMEOUT' })
      const gone = create({ baseUrl: 'http://127.0.0.1:9', timeoutMs: TIMEOUT_MS })
      expect(await gone.health()).toMatchObject({ ok: false, detail: 'UPSTREAM_UNAVAILABLE' })
    })
  })
})
