import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { holderKey, type RequestScope, type UpstreamCall } from '../kit/index.js'
import { createWorld, serveSandbox, type SandboxServer, type WorldParcel } from '../kit/sandbox/index.js'
import { parseXml } from './sandbox/soap.js'
import { createLandSandbox, type LandSandbox } from './sandbox/index.js'
import { createDescribedLandConnector, type LandConnector } from './described-fixture.node.js'

const world = createWorld({ citizens: 400, parcels: 150, enterprises: 100 })
const TIMEOUT_MS = 300
/**
 * The deadline of the connector the answering cases use: generous, since a first SOAP call on a
 * busy machine (two test files at once on two cores) can take longer than the 300 ms the
 * hanging-registry case measures.
 */
const ANSWERING_DEADLINE_MS = 5000

const keysHeldBy = (id: string) => world.parcels.filter((p) => p.holders.some((h) => h.id === id)).map((p) => p.key)
const inCommune = (code: string) => world.parcels.filter((p) => p.sheetCommuneCode === code || p.address.communeCode === code)
const holdersOf = (kind: 'PERSON' | 'ENTERPRISE') => [...new Set(world.parcels.flatMap((p) => p.holders.filter((h) => h.kind === kind).map((h) => h.id)))]

// Records picked from the world, so every assertion compares against real generated values.
const person = holdersOf('PERSON').find((pin) => keysHeldBy(pin).length >= 2) as string
const enterprise = holdersOf('ENTERPRISE')[0] as string
const legacyParcel = world.parcels.find((p) => p.sheetCommuneCode !== p.address.communeCode) as WorldParcel
const busyCommune = [...new Set(world.parcels.map((p) => p.address.communeCode))].sort((a, b) => inCommune(b).length - inCommune(a).length)[0] as string
const pinWithoutLand = world.people.find((p) => keysHeldBy(p.pin).length === 0)?.pin as string

/**
 * The registry connected by description (`described/`, no code). These cases were written for the
 * hand-written client it replaced and ran against both until then: each one it answered, the
 * engine must answer alike. One implementation today; a second (another runtime's) joins here.
 */
const implementations = [
  {
    implementation: 'described',
    create: createDescribedLandConnector,
    calls: { byKey: 'land.TraCuuThuaDat', byCommune: 'land.TraCuuThuaDatTheoXa' },
  },
]

let sandbox: LandSandbox
let server: SandboxServer
const scope = (requestId = 'req-land-test', calls?: UpstreamCall[]): RequestScope => ({
  requestId,
  ...(calls ? { recordCall: (call: UpstreamCall) => calls.push(call) } : {}),
})

beforeAll(async () => {
  sandbox = createLandSandbox(world)
  server = await serveSandbox('land', sandbox)
})
afterEach(() => {
  server.setFaults({ latencyMs: 0, errorRate: 0, malformedRate: 0, hang: false })
  server.resetHits()
})
afterAll(async () => {
  await server.close()
})

describe.each(implementations)('$implementation', ({ create: createLandConnector, calls: labels }) => {
  let land: LandConnector
  beforeAll(() => {
    land = createLandConnector({ baseUrl: server.url, timeoutMs: ANSWERING_DEADLINE_MS })
  })

  describe('land connector: parcel by key', () => {
    it('reads a parcel and maps it to the world values', async () => {
      const source = world.parcels[5] as WorldParcel
      const parcel = await land.parcel(source.key, scope())
      expect(parcel?.parcelKey).toBe(source.key)
      expect(parcel?.area).toBe(source.area)
      expect(parcel?.mapSheetNo).toBe(source.mapSheetNo)
      expect(parcel?.uses.map((u) => u.typeCode)).toEqual(source.uses.map((u) => u.code))
      expect(parcel?.holders.map((h) => [h.name, h.pin ?? h.taxCode])).toEqual(source.holders.map((h) => [h.name, h.id]))
      expect(parcel?.certificates.map((c) => c.issuedOn)).toEqual(source.certificates.map((c) => c.issuedOn))
      expect(parcel?.origin?.name).toBe(source.origin)
    })

    it('keeps the pre-2025 map-sheet commune and the current address commune', async () => {
      const parcel = await land.parcel(legacyParcel.key, scope())
      expect(parcel?.communeCode).toBe(legacyParcel.sheetCommuneCode)
      expect(parcel?.address?.communeCode).toBe(legacyParcel.address.communeCode)
    })

    it('answers null for a parcel the registry does not have', async () => {
      const missing = '00097.999.9999'
      expect(world.parcels.some((p) => p.key === missing)).toBe(false)
      expect(await land.parcel(missing, scope())).toBeNull()
      expect(server.hits()).toBe(1)
    })

    it('answers null for a malformed key without calling the registry', async () => {
      expect(await land.parcel('97-12-345', scope())).toBeNull()
      expect(server.hits()).toBe(0)
    })
  })

  describe('land connector: parcels by holder', () => {
    it('groups parcels per holder in request order, [] for holders without land', async () => {
      const results = await land.parcelsByHolders([{ pin: person }, { taxCode: enterprise }, { pin: pinWithoutLand }, { pin: 'not-a-pin' }], scope())
      const keys = results.map((r) => (Array.isArray(r) ? r.map((p) => p.parcelKey).sort() : r))
      expect(keys).toEqual([keysHeldBy(person).sort(), keysHeldBy(enterprise).sort(), [], []])
      expect(server.hits()).toBe(1)
    })

    it('batches every load of one tick into one call, and caches per request', async () => {
      const loaders = land.createLoaders(scope())
      const pins = holdersOf('PERSON').slice(0, 12)
      const results = await Promise.all([
        ...pins.map((pin) => loaders.parcelsByHolder.load(holderKey({ pin }))),
        loaders.parcelsByHolder.load(holderKey({ taxCode: enterprise })),
      ])
      expect(server.hits()).toBe(1)
      expect(results.map((list) => list.map((p) => p.parcelKey).sort())).toEqual([...pins, enterprise].map((id) => keysHeldBy(id).sort()))
      await loaders.parcelsByHolder.load(holderKey({ pin: pins[0] as string }))
      expect(server.hits()).toBe(1)
    })

    it('chunks at maxBatchSize', async () => {
      const small = createLandConnector({ baseUrl: server.url, timeoutMs: ANSWERING_DEADLINE_MS, maxBatchSize: 2 })
      const loaders = small.createLoaders(scope())
      await Promise.all(
        holdersOf('PERSON')
          .slice(0, 5)
          .map((pin) => loaders.parcelsByHolder.load(holderKey({ pin }))),
      )
      expect(server.hits()).toBe(3)
    })

    it('rejects a maxBatchSize the registry would refuse', () => {
      expect(() => createLandConnector({ baseUrl: server.url, maxBatchSize: 101 })).toThrow(TypeError)
    })

    it('fails only the key whose record is malformed', async () => {
      const broken = structuredClone(world)
      const bad = broken.parcels.find((p) => p.holders.some((h) => h.id === person)) as WorldParcel
      ;(bad.uses[0] as { code: string }).code = 'XYZ'
      const brokenServer = await serveSandbox('land-broken', createLandSandbox(broken))
      try {
        const connector = createLandConnector({ baseUrl: brokenServer.url, timeoutMs: ANSWERING_DEADLINE_MS })
        const loaders = connector.createLoaders(scope())
        const [personResult, enterpriseResult] = await Promise.allSettled([
          loaders.parcelsByHolder.load(holderKey({ pin: person })),
          loaders.parcelsByHolder.load(holderKey({ taxCode: enterprise })),
        ])
        expect(brokenServer.hits()).toBe(1)
        expect(personResult.status).toBe('rejected')
        expect((personResult as PromiseRejectedResult).reason).toMatchObject({ connector: 'land', code: 'UPSTREAM_BAD_RESPONSE' })
        expect(enterpriseResult.status).toBe('fulfilled')
        expect((enterpriseResult as PromiseFulfilledResult<Array<{ parcelKey: string }>>).value.map((p) => p.parcelKey).sort()).toEqual(
          keysHeldBy(enterprise).sort(),
        )
      } finally {
        await brokenServer.close()
      }
    })
  })

  describe('land connector: parcels by commune', () => {
    it('pages through every parcel whose sheet or current commune matches', async () => {
      const expected = inCommune(busyCommune)
        .map((p) => p.key)
        .sort()
      expect(expected.length).toBeGreaterThanOrEqual(3)
      const first = await land.parcelsByCommune(busyCommune, { offset: 0, limit: 2 }, scope())
      expect(first.totalCount).toBe(expected.length)
      expect(first.items).toHaveLength(2)
      const rest = await land.parcelsByCommune(busyCommune, { offset: 2, limit: 100 }, scope())
      expect(2 + rest.items.length).toBe(rest.totalCount)
      expect([...first.items, ...rest.items].map((p) => p!.parcelKey).sort()).toEqual(expected)
      for (const parcel of [...first.items, ...rest.items]) {
        expect([parcel!.communeCode, parcel!.address?.communeCode]).toContain(busyCommune)
      }
    })

    it('finds a legacy-sheet parcel under its pre-2025 commune', async () => {
      const page = await land.parcelsByCommune(legacyParcel.sheetCommuneCode, { offset: 0, limit: 100 }, scope())
      expect(page.items.map((p) => p!.parcelKey)).toContain(legacyParcel.key)
    })

    it('answers an empty page for a commune without parcels', async () => {
      const page = await land.parcelsByCommune('99999', { offset: 0, limit: 10 }, scope())
      expect(page).toEqual({ items: [], totalCount: 0 })
    })
  })

  describe('land connector: faults', () => {
    const key = (world.parcels[0] as WorldParcel).key

    it('times out a hanging registry within timeoutMs', async () => {
      server.setFaults({ hang: true })
      const impatient = createLandConnector({ baseUrl: server.url, timeoutMs: TIMEOUT_MS })
      const started = performance.now()
      await expect(impatient.parcel(key, scope())).rejects.toMatchObject({ connector: 'land', code: 'UPSTREAM_TIMEOUT' })
      const elapsed = performance.now() - started
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20)
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1500)
    })

    it('reports HTTP 503 as UPSTREAM_UNAVAILABLE', async () => {
      server.setFaults({ errorRate: 1 })
      await expect(land.parcel(key, scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
      await expect(land.parcelsByHolders([{ pin: person }], scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
    })

    it('reports a truncated body as UPSTREAM_BAD_RESPONSE', async () => {
      server.setFaults({ malformedRate: 1 })
      await expect(land.parcel(key, scope())).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
      await expect(land.parcelsByCommune(busyCommune, { offset: 0, limit: 5 }, scope())).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
      const loaders = land.createLoaders(scope())
      await expect(loaders.parcelsByHolder.load(holderKey({ pin: person }))).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
    })

    it('reports a soap:Client fault as UPSTREAM_BAD_RESPONSE', async () => {
      const wrongAction: typeof fetch = (input, init) =>
        fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), soapaction: '"http://datdai.gov.vn/XoaThuaDat"' } })
      const connector = createLandConnector({ baseUrl: server.url, timeoutMs: ANSWERING_DEADLINE_MS, fetch: wrongAction })
      await expect(connector.parcel(key, scope())).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', context: { status: 400 } })
    })

    it('reports a wrong endpoint (404) as UPSTREAM_UNAVAILABLE', async () => {
      const connector = createLandConnector({ baseUrl: `${server.url}/khong-co`, timeoutMs: ANSWERING_DEADLINE_MS })
      await expect(connector.parcel(key, scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
    })

    it('records each call for audit and metrics, failures included', async () => {
      const calls: UpstreamCall[] = []
      await land.parcel(key, scope('req-calls', calls))
      server.setFaults({ errorRate: 1 })
      await land.parcelsByCommune(busyCommune, { offset: 0, limit: 5 }, scope('req-calls', calls)).catch(() => undefined)
      expect(calls).toMatchObject([
        { connector: 'land', operation: labels.byKey, status: 200 },
        { connector: 'land', operation: labels.byCommune, status: 503, error: 'UPSTREAM_UNAVAILABLE' },
      ])
    })
  })

  describe('land connector: credentials', () => {
    const credentials = { username: 'lgsp-gateway', password: 'sandbox-secret' }
    let secured: SandboxServer
    beforeAll(async () => {
      secured = await serveSandbox('land-secured', createLandSandbox(world, { credentials }))
    })
    afterAll(async () => {
      await secured.close()
    })

    it('works with the right account', async () => {
      const connector = createLandConnector({ baseUrl: secured.url, timeoutMs: ANSWERING_DEADLINE_MS, credentials })
      expect((await connector.parcel((world.parcels[1] as WorldParcel).key, scope()))?.parcelKey).toBe((world.parcels[1] as WorldParcel).key)
    })

    it.each([
      ['a wrong password', { username: credentials.username, password: 'wrong' }],
      ['no account', undefined],
    ])('answers %s with UPSTREAM_UNAVAILABLE', async (_name, given) => {
      const connector = createLandConnector({ baseUrl: secured.url, timeoutMs: ANSWERING_DEADLINE_MS, ...(given ? { credentials: given } : {}) })
      await expect(connector.parcel((world.parcels[1] as WorldParcel).key, scope())).rejects.toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        context: { status: 401 },
      })
      expect(await connector.health()).toMatchObject({ ok: false, detail: 'UPSTREAM_UNAVAILABLE' })
    })
  })

  describe('land connector: request id, health, WSDL', () => {
    it('forwards the request id as x-request-id and as MaYeuCau', async () => {
      await land.parcel((world.parcels[2] as WorldParcel).key, scope('req-7f3a'))
      expect(sandbox.lastRequest).toEqual({ requestId: 'req-7f3a', maYeuCau: 'req-7f3a', operation: 'TraCuuThuaDat' })
      const seen = (await (await fetch(`${server.url}/__sandbox/last-request`)).json()) as { requestId: string }
      expect(seen.requestId).toBe('req-7f3a')
    })

    it('reports health with the cheap KiemTraKetNoi call', async () => {
      const report = await land.health()
      expect(report.ok).toBe(true)
      expect(report.latencyMs).toBeGreaterThanOrEqual(0)
      expect(sandbox.lastRequest.operation).toBe('KiemTraKetNoi')
      server.setFaults({ errorRate: 1 })
      expect(await land.health()).toMatchObject({ ok: false, detail: 'UPSTREAM_UNAVAILABLE' })
      server.setFaults({ errorRate: 0, hang: true })
      // Its own short-deadline connector: the shared one waits ANSWERING_DEADLINE_MS.
      const impatient = createLandConnector({ baseUrl: server.url, timeoutMs: TIMEOUT_MS })
      expect(await impatient.health()).toMatchObject({ ok: false, detail: 'UPSTREAM_TIMEOUT' })
    })

    it('never throws from health, even with nothing listening', async () => {
      const gone = await serveSandbox('land-gone', createLandSandbox(world))
      await gone.close()
      const connector = createLandConnector({ baseUrl: gone.url, timeoutMs: ANSWERING_DEADLINE_MS })
      expect(await connector.health()).toMatchObject({ ok: false, detail: 'UPSTREAM_UNAVAILABLE' })
    })
  })
})

describe('land sandbox: WSDL', () => {
  it('serves a well-formed WSDL 1.1 describing the four operations', async () => {
    const response = await fetch(`${server.url}/ws/DatDai.asmx?WSDL`)
    expect(response.headers.get('content-type')).toContain('text/xml')
    const raw = await response.text()
    // parseXml validates well-formedness; attributes are dropped, so names are checked on the text.
    const wsdl = parseXml(raw) as { definitions: { portType: { operation: unknown[] }; binding: { operation: unknown[] }; message: unknown[] } }
    expect(wsdl.definitions.portType.operation).toHaveLength(4)
    expect(wsdl.definitions.binding.operation).toHaveLength(4)
    expect(wsdl.definitions.message).toHaveLength(9)
    for (const op of ['TraCuuThuaDat', 'TraCuuThuaDatTheoChuSuDung', 'TraCuuThuaDatTheoXa', 'KiemTraKetNoi']) {
      expect(raw).toContain(`<wsdl:operation name="${op}"><wsdl:input message="tns:${op}SoapIn"/>`)
      expect(raw).toContain(`<soap:operation soapAction="http://datdai.gov.vn/${op}" style="document"/>`)
    }
    expect(raw).toContain(`<soap:address location="${server.url}/ws/DatDai.asmx"/>`)
  })

  it('refuses a request that is not text/xml', async () => {
    const response = await fetch(`${server.url}/ws/DatDai.asmx`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(response.status).toBe(415)
  })
})
