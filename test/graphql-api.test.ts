import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from './harness.js'
import { sleep } from './waiting.js'

let gw: TestGateway
beforeAll(async () => {
  gw = await createTestGateway({ timeoutMs: 400 })
})
afterAll(async () => gw?.close())
afterEach(() => {
  gw.clearFaults()
  gw.resetHits()
})

const fullName = (p: { family: string; middle: string | null; given: string }) => [p.family, p.middle, p.given].filter(Boolean).join(' ')

const crossRegistryQuery = /* GraphQL */ `
  query ($code: TaxCode!) {
    enterprise(code: $code) {
      code
      nameVi
      legalRepresentatives {
        pin
        citizen {
          pin
          name { full }
          landParcels { parcelKey area uses { typeCode } }
        }
      }
    }
  }
`

describe('one query across the three registries', () => {
  it('returns an enterprise, its representative citizen record and their land parcels', async () => {
    const { enterpriseCode, representativePin, parcelKey } = gw.world.examples
    const res = await gw.graphql(crossRegistryQuery, { code: enterpriseCode })
    expect(res.status, JSON.stringify(res.body, null, 2)).toBe(200)
    expect(res.body.errors).toBeUndefined()
    const enterprise = res.body.data?.enterprise
    const worldEnterprise = gw.world.enterprises.find((e) => e.code === enterpriseCode)!
    expect(enterprise.nameVi).toBe(worldEnterprise.name)
    const rep = enterprise.legalRepresentatives.find((r: any) => r.pin === representativePin)
    expect(rep.citizen.name.full).toBe(fullName(gw.world.personByPin.get(representativePin)!))
    const expectedKeys = gw.world.parcels
      .filter((p) => p.holders.some((h) => h.id === representativePin))
      .map((p) => p.key)
      .sort()
    expect(rep.citizen.landParcels.map((p: any) => p.parcelKey).sort()).toEqual(expectedKeys)
    expect(expectedKeys).toContain(parcelKey)
    expect(gw.sandboxes.business.hits()).toBeGreaterThan(0)
    expect(gw.sandboxes.population.hits()).toBeGreaterThan(0)
    expect(gw.sandboxes.land.hits()).toBeGreaterThan(0)
  })

  it('returns null, not an error, for an enterprise the registry does not have', async () => {
    const res = await gw.graphql('{ enterprise(code: "0199000017") { code } }')
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data?.enterprise).toBeNull()
  })
})

describe('batching of cross-registry links', () => {
  it('resolves 20+ legal representatives with a bounded number of population calls', async () => {
    gw.resetHits()
    const res = await gw.graphql('{ enterprises(first: 25) { nodes { code legalRepresentatives { citizen { pin name { full } } } } } }')
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined()
    const reps = res.body.data?.enterprises.nodes.flatMap((e: any) => e.legalRepresentatives)
    expect(reps.length).toBeGreaterThanOrEqual(20)
    expect(reps.every((r: any) => r.citizen?.pin)).toBe(true)
    // One batch per tick of the resolver tree: a single population call for all representatives.
    expect(gw.sandboxes.population.hits()).toBe(1)
    expect(gw.sandboxes.business.hits()).toBeLessThanOrEqual(2)
  })

  it('resolves household members in one population batch', async () => {
    const household = gw.world.households.find((h) => h.members.length >= 3)!
    gw.resetHits()
    const res = await gw.graphql('query ($id: ID!) { household(id: $id) { id members { pin relationToHead { name } citizen { name { full } } } } }', {
      id: household.id,
    })
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data?.household.members.map((m: any) => m.pin)).toEqual(household.members.map((m) => m.pin))
    expect(res.body.data?.household.members.every((m: any) => m.citizen?.name.full)).toBe(true)
    expect(gw.sandboxes.population.hits()).toBe(2) // the household, then one batch of members
  })
})

describe('a failing registry affects only its own fields', () => {
  it('a hanging population registry gives UPSTREAM_TIMEOUT on citizen fields within the timeout; enterprise data intact', async () => {
    gw.sandboxes.population.setFaults({ hang: true })
    const started = performance.now()
    const res = await gw.graphql(crossRegistryQuery, { code: gw.world.examples.enterpriseCode })
    const elapsed = performance.now() - started
    expect(res.status).toBe(200)
    expect(res.body.data?.enterprise.nameVi).toBeTruthy()
    expect(res.body.data?.enterprise.legalRepresentatives[0].pin).toBeTruthy()
    expect(res.body.data?.enterprise.legalRepresentatives[0].citizen).toBeNull()
    const codes = new Set(res.body.errors?.map((e) => e.extensions?.code))
    expect([...codes]).toEqual(['UPSTREAM_TIMEOUT'])
    expect(res.body.errors?.every((e) => e.extensions?.connector === 'population')).toBe(true)
    expect(res.body.errors?.[0]?.path).toEqual(['enterprise', 'legalRepresentatives', 0, 'citizen'])
    // The deadline fired (the code proves it); the bound only shows nothing waited on the hang.
    expect(elapsed).toBeLessThan(400 * 3 + 2000)
  })

  it('a registry returning garbage gives UPSTREAM_BAD_RESPONSE on the affected fields only', async () => {
    gw.sandboxes.land.setFaults({ malformedRate: 1 })
    const res = await gw.graphql(crossRegistryQuery, { code: gw.world.examples.enterpriseCode })
    expect(res.body.data?.enterprise.nameVi).toBeTruthy()
    const rep = res.body.data?.enterprise.legalRepresentatives.find((r: any) => r.pin === gw.world.examples.representativePin)
    expect(rep.citizen.name.full).toBeTruthy()
    expect(rep.citizen.landParcels).toBeNull()
    const errors = res.body.errors ?? []
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((e) => e.extensions?.code === 'UPSTREAM_BAD_RESPONSE' && e.extensions?.connector === 'land')).toBe(true)
    expect(JSON.stringify(errors)).not.toMatch(/soap|xml|127\.0\.0\.1|stack|\bat \w/i)
  })

  it('a registry answering 503 gives UPSTREAM_UNAVAILABLE', async () => {
    gw.sandboxes.business.setFaults({ errorRate: 1 })
    const res = await gw.graphql('query ($code: TaxCode!) { enterprise(code: $code) { code } }', { code: gw.world.examples.enterpriseCode })
    expect(res.body.data?.enterprise).toBeNull()
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'business', origin: 'upstream' })
  })
})

describe('errors and transport', () => {
  it('refuses an invalid PIN with BAD_USER_INPUT before any upstream call', async () => {
    const res = await gw.graphql('{ citizen(pin: "12345") { pin } }')
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(gw.sandboxes.population.hits()).toBe(0)
  })

  it('gives validation errors a code and the request id', async () => {
    const res = await gw.graphql('{ citizen(pin: "001085000101") { notAField } }', undefined, { 'x-request-id': 'req-test-1' })
    expect(res.headers.get('x-request-id')).toBe('req-test-1')
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', requestId: 'req-test-1' })
  })

  it('refuses form and text bodies (what a cross-site page could post) with 415, and sends no CORS grant', async () => {
    const token = await gw.identity.token()
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await gw.app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${token}`, origin: 'https://evil.example' },
        body: 'query={__typename}',
      })
      expect(res.status, type).toBe(415)
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
    }
    expect(gw.sandboxes.business.hits()).toBe(0)
  })

  it('keeps parser internals out of errors: only code, reason, origin, connector, requestId', async () => {
    const res = await gw.app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.identity.token()}` },
      body: '{nope',
    })
    const body = (await res.json()) as any
    expect(res.status).toBeGreaterThanOrEqual(400)
    for (const error of body.errors ?? [body.error]) {
      const extensions = error.extensions ?? {}
      expect(
        Object.keys(extensions).every((key) => ['code', 'reason', 'origin', 'connector', 'requestId', 'http'].includes(key)),
        JSON.stringify(error),
      ).toBe(true)
      if (extensions.reason !== undefined) expect(extensions.reason).toMatch(/^[A-Z][A-Z0-9_]*$/)
    }
    expect(JSON.stringify(body)).not.toMatch(/SyntaxError|originalError|is not valid JSON|stack/)
  })

  it('generates a request id when none is given', async () => {
    const res = await gw.graphql('{ __typename }')
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('serves administrative units as of a date (code 24 was Bắc Giang before the 2025 reform)', async () => {
    const res = await gw.graphql(
      '{ before: administrativeUnit(code: "24", asOf: "2025-01-01") { name successors { name } } now: administrativeUnit(code: "24") { name predecessors { name } } }',
    )
    expect(res.body.data?.before).toEqual({ name: 'Bắc Giang', successors: [{ name: 'Bắc Ninh' }] })
    expect(res.body.data?.now.name).toBe('Bắc Ninh')
    expect(res.body.data?.now.predecessors.map((p: any) => p.name).sort()).toEqual(['Bắc Giang', 'Bắc Ninh'])
  })

  it('refuses a body over the limit with 413 in the error shape', async () => {
    const res = await gw.app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(300_000)}` }),
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', requestId: expect.any(String) } })
  })

  it('answers GET /graphql for data with 405, and serves GraphiQL to a browser outside production', async () => {
    const api = await gw.app.request('/graphql?query={__typename}')
    expect(api.status).toBe(405)
    expect(await api.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT' } })
    const browser = await gw.app.request('/graphql', { headers: { accept: 'text/html' } })
    expect(browser.status).toBe(200)
    expect(await browser.text()).toContain('GraphiQL')
  })

  it('answers an unknown route with NOT_FOUND in the error shape, with secure headers', async () => {
    const res = await gw.app.request('/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND', requestId: expect.any(String) } })
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
  })

  it('reports health and readiness, degraded when a registry hangs', async () => {
    expect((await gw.app.request('/healthz')).status).toBe(200)
    const ready = await gw.app.request('/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ok' })
    gw.sandboxes.land.setFaults({ hang: true })
    await sleep(2100) // past the readiness cache
    const started = performance.now()
    const degraded = await gw.app.request('/readyz')
    expect(performance.now() - started).toBeLessThan(2500)
    expect(degraded.status).toBe(200)
    const body = await degraded.json()
    expect(body).toMatchObject({ status: 'degraded', checks: { 'registry:land': { ok: false, detail: 'timeout' } } })
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|http|\/api|soap/i)
  })
})
