import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RequestScope, UpstreamCall } from '../kit/index.js'
import { createWorld, serveSandbox, type SandboxServer, type WorldPerson } from '../kit/sandbox/index.js'
import { createPopulationConnector, type PopulationConnector } from './connector.js'
import { createPopulationSandbox, POPULATION_SANDBOX_API_KEY, type PopulationSandbox } from './sandbox/index.js'

const world = createWorld({ citizens: 400, parcels: 150, enterprises: 100 })
const TIMEOUT_MS = 300
/**
 * The deadline of the connector the answering cases use: generous, since a first call on a busy
 * machine (several test files at once) can take longer than the 300 ms the hanging-registry cases
 * measure. Only those cases build their own connector with TIMEOUT_MS.
 */
const ANSWERING_DEADLINE_MS = 5000
const BATCH_ROUTE = 'POST /api/v1/cong-dan/tra-cuu-lo'

let sandbox: PopulationSandbox
let server: SandboxServer
let population: PopulationConnector
let requestCounter = 0
const scope = (extra: Partial<RequestScope> = {}): RequestScope => ({ requestId: `test-${++requestCounter}`, ...extra })

const fullName = (p: WorldPerson) => [p.family, p.middle, p.given].filter(Boolean).join(' ')
function findPerson(label: string, test: (p: WorldPerson) => boolean): WorldPerson {
  const person = world.people.find(test)
  if (!person) throw new Error(`the test world has no ${label}`)
  return person
}
const unknownPin = '001099999999'

beforeAll(async () => {
  sandbox = createPopulationSandbox(world)
  server = await serveSandbox('population', sandbox)
  population = createPopulationConnector({ baseUrl: server.url, apiKey: POPULATION_SANDBOX_API_KEY, timeoutMs: ANSWERING_DEADLINE_MS })
  expect(world.personByPin.has(unknownPin)).toBe(false)
})
afterEach(() => {
  server.setFaults({ latencyMs: 0, errorRate: 0, malformedRate: 0, hang: false })
  server.resetHits()
})
afterAll(async () => {
  await server?.close()
})

describe('citizen(pin)', () => {
  it('maps a world citizen field by field', async () => {
    const person = world.people[5]!
    const citizen = await population.citizen(person.pin, scope())
    expect(citizen).not.toBeNull()
    expect(citizen).toMatchObject({
      pin: person.pin,
      legacyIdNumber: person.legacyIdNumber,
      name: { family: person.family, middle: person.middle, given: person.given, full: fullName(person) },
      birthDate: person.birthDate,
      sex: person.sex,
      birthRegistrationProvinceCode: person.birthProvincePrefix.slice(1),
      hometown: person.hometown,
      ethnicity: { code: person.ethnicity[0], name: person.ethnicity[1] },
      religion: { code: person.religion[0], name: person.religion[1] },
      nationality: [{ code: 'VN', name: 'Việt Nam' }],
      maritalStatus: { code: null, name: person.maritalStatus },
      bloodType: person.bloodType ? { code: person.bloodType, name: person.bloodType } : null,
      household: { householdId: person.householdId, relationToHead: { code: null, name: person.relationToHead } },
      deceasedOn: person.deceasedOn,
    })
    expect(citizen!.residence.permanent).toEqual({
      provinceCode: person.permanent.provinceCode,
      communeCode: person.permanent.communeCode,
      detail: person.permanent.detail,
      legacy: person.permanent.legacyDistrictCode
        ? {
            provinceCode: person.permanent.provinceCode,
            districtCode: person.permanent.legacyDistrictCode,
            communeCode: person.permanent.communeCode,
            text: null,
          }
        : null,
      fullText: null,
    })
    expect(citizen!.dataAsOf).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/)
    expect(server.hits()).toBe(1)
  })

  it('maps name, sex, birth date and birth province of every citizen in the world', async () => {
    const results = await population.citizens(
      world.people.map((p) => p.pin),
      scope(),
    )
    expect(results.map((c) => (c && !(c instanceof Error) ? [c.pin, c.name.full, c.sex, c.birthDate, c.birthRegistrationProvinceCode] : c))).toEqual(
      world.people.map((p) => [p.pin, fullName(p), p.sex, p.birthDate, p.birthProvincePrefix.slice(1)]),
    )
    expect(server.hits()).toBe(Math.ceil(world.people.length / 100))
  })

  it('keeps the legacy district and the CMND number where the record has them', async () => {
    const person = findPerson('person with a legacy district and CMND', (p) => p.permanent.legacyDistrictCode !== null && p.legacyIdNumber !== null)
    const citizen = await population.citizen(person.pin, scope())
    expect(citizen?.legacyIdNumber).toBe(person.legacyIdNumber)
    expect(citizen?.residence.permanent?.legacy?.districtCode).toBe(person.permanent.legacyDistrictCode)
  })

  it('links father, mother and spouse by PIN and name', async () => {
    const child = findPerson('child with both parents', (p) => p.fatherPin !== null && p.motherPin !== null)
    const citizen = await population.citizen(child.pin, scope())
    const father = world.personByPin.get(child.fatherPin!)!
    const mother = world.personByPin.get(child.motherPin!)!
    expect(citizen?.father).toEqual({
      pin: father.pin,
      name: expect.objectContaining({ full: fullName(father) }),
      nationality: { code: 'VN', name: 'Việt Nam' },
    })
    expect(citizen?.mother?.pin).toBe(mother.pin)
    expect(citizen?.mother?.name.full).toBe(fullName(mother))
    const married = await population.citizen(father.pin, scope())
    expect(married?.spouse?.pin).toBe(father.spousePin)
  })

  it('maps temporary residence, current address and residence history', async () => {
    const person = findPerson('mover with a temporary residence', (p) => p.temporary !== null && !p.temporaryAbsence && p.previousPermanent !== null)
    const citizen = await population.citizen(person.pin, scope())
    const residence = citizen!.residence
    expect(residence.temporary).toMatchObject({ address: { communeCode: person.temporary!.address.communeCode }, validUntil: person.temporary!.validUntil })
    expect(residence.current?.communeCode).toBe(person.temporary!.address.communeCode)
    expect(residence.history.map((entry) => entry.kind)).toEqual(['PERMANENT', 'PERMANENT', 'TEMPORARY'])
    expect(residence.history[0]).toMatchObject({ from: person.previousPermanent!.from, to: person.previousPermanent!.movedOn })
    expect(residence.history[1]).toMatchObject({ from: person.permanentSince, to: null, address: { communeCode: person.permanent.communeCode } })
    expect(residence.history[2]?.to).toBe(person.temporary!.validUntil)
  })

  it('defaults the current address to the permanent one', async () => {
    const person = findPerson('person without temporary residence', (p) => p.temporary === null)
    const citizen = await population.citizen(person.pin, scope())
    expect(citizen?.residence.current).toEqual(citizen?.residence.permanent)
    expect(citizen?.residence.temporary).toBeNull()
  })

  it('keeps partial birth dates and dates of death', async () => {
    const partial = findPerson('person with a partial birth date', (p) => p.birthDate.length < 10)
    expect((await population.citizen(partial.pin, scope()))?.birthDate).toBe(partial.birthDate)
    const deceased = findPerson('deceased person', (p) => p.deceasedOn !== null)
    expect((await population.citizen(deceased.pin, scope()))?.deceasedOn).toBe(deceased.deceasedOn)
  })

  it('answers null for an unknown PIN, and for a malformed one without calling', async () => {
    expect(await population.citizen(unknownPin, scope())).toBeNull()
    expect(server.hits()).toBe(1)
    expect(await population.citizen('12345', scope())).toBeNull()
    expect(await population.citizen('../health0000', scope())).toBeNull()
    expect(server.hits()).toBe(1)
  })
})

describe('citizens(pins) and the citizen loader', () => {
  it('answers in key order with null for unknown PINs, in one call', async () => {
    const [a, b, c] = [world.people[40]!, world.people[3]!, world.people[200]!]
    const results = await population.citizens([a.pin, unknownPin, b.pin, c.pin, a.pin], scope())
    expect(results.map((r) => (r && !(r instanceof Error) ? r.pin : r))).toEqual([a.pin, null, b.pin, c.pin, a.pin])
    expect(server.state.hits.get(BATCH_ROUTE)).toBe(1)
    expect(server.hits()).toBe(1)
  })

  it('batches loads made in one tick into one call and caches per request', async () => {
    const loaders = population.createLoaders(scope())
    const people = world.people.slice(10, 17)
    const loaded = await Promise.all(people.map((p) => loaders.citizen.load(p.pin)))
    expect(loaded.map((c) => c?.name.full)).toEqual(people.map(fullName))
    expect(server.hits()).toBe(1)
    await loaders.citizen.load(people[2]!.pin)
    expect(server.hits()).toBe(1)
    expect(await loaders.citizen.load(unknownPin)).toBeNull()
    expect(server.hits()).toBe(2)
  })

  it('chunks at maxBatchSize: one call per chunk', async () => {
    const small = createPopulationConnector({ baseUrl: server.url, apiKey: POPULATION_SANDBOX_API_KEY, maxBatchSize: 10 })
    const pins = world.people.slice(0, 25).map((p) => p.pin)
    const loaded = await small.createLoaders(scope()).citizen.loadMany(pins)
    expect(loaded.map((c) => (c instanceof Error ? c : c?.pin))).toEqual(pins)
    expect(server.state.hits.get(BATCH_ROUTE)).toBe(3)
  })

  it('sends 100 keys in one call (the registry maximum)', async () => {
    const pins = world.people.slice(100, 200).map((p) => p.pin)
    const results = await population.citizens(pins, scope())
    expect(results.every((r) => r !== null && !(r instanceof Error))).toBe(true)
    expect(server.hits()).toBe(1)
  })

  it('fails only the key whose record is malformed', async () => {
    const broken = world.people[21]!
    // A registry bug on one record: the batch answer is rewritten in flight, everything else real.
    const corrupting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (!String(input).endsWith('/tra-cuu-lo')) return response
      const body = (await response.json()) as { DanhSachCongDan: Array<Record<string, unknown>> }
      for (const record of body.DanhSachCongDan) if (record.SoDinhDanh === broken.pin) record.NgayThangNamSinh = '19990231'
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers })
    }
    const connector = createPopulationConnector({ baseUrl: server.url, apiKey: POPULATION_SANDBOX_API_KEY, fetch: corrupting })
    const loaders = connector.createLoaders(scope())
    const [before, bad, after] = await Promise.allSettled([
      loaders.citizen.load(world.people[20]!.pin),
      loaders.citizen.load(broken.pin),
      loaders.citizen.load(world.people[22]!.pin),
    ])
    expect(before).toMatchObject({ status: 'fulfilled', value: { pin: world.people[20]!.pin } })
    expect(after).toMatchObject({ status: 'fulfilled', value: { pin: world.people[22]!.pin } })
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'UPSTREAM_BAD_RESPONSE', connector: 'population' } })
    expect(server.hits()).toBe(1)
  })
})

describe('verify', () => {
  const person = world.people[7]!

  it.each([
    ['exact name and birth date', () => ({ name: fullName(person), birthDate: person.birthDate }), true],
    ['name in capitals with extra spaces', () => ({ name: `  ${fullName(person).toUpperCase().replaceAll(' ', '   ')} `, birthDate: person.birthDate }), true],
    ['decomposed (NFD) name', () => ({ name: fullName(person).normalize('NFD'), birthDate: person.birthDate }), true],
    ['another given name', () => ({ name: `${person.family} ${person.given === 'An' ? 'Bình' : 'An'}`, birthDate: person.birthDate }), false],
    ['another birth year', () => ({ name: fullName(person), birthDate: `${Number(person.birthDate.slice(0, 4)) + 1}${person.birthDate.slice(4)}` }), false],
    ['only the birth year of a full date', () => ({ name: fullName(person), birthDate: person.birthDate.slice(0, 4) }), person.birthDate.length === 4],
  ])('%s → match %s', async (_label, input, expected) => {
    const result = await population.verify({ pin: person.pin, ...input() }, scope())
    expect(result).toEqual({ pin: person.pin, match: expected })
    expect(server.state.hits.get('POST /api/v1/cong-dan/xac-thuc')).toBe(1)
  })

  it('matches a partial birth date as registered', async () => {
    const partial = findPerson('person with a partial birth date', (p) => p.birthDate.length < 10)
    expect(await population.verify({ pin: partial.pin, name: fullName(partial), birthDate: partial.birthDate }, scope())).toEqual({
      pin: partial.pin,
      match: true,
    })
  })

  it('answers no match for an unknown PIN', async () => {
    expect(await population.verify({ pin: unknownPin, name: 'Nguyễn Văn An', birthDate: '1985-03-14' }, scope())).toEqual({ pin: unknownPin, match: false })
  })

  it.each([
    ['a short PIN', { pin: '0010850001', name: 'A B', birthDate: '1985' }],
    ['an impossible birth date', { pin: person.pin, name: 'A B', birthDate: '1985-02-30' }],
    ['an empty name', { pin: person.pin, name: '   ', birthDate: '1985' }],
  ])('rejects %s as BAD_USER_INPUT without calling', async (_label, input) => {
    await expect(population.verify(input, scope())).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } })
    expect(server.hits()).toBe(0)
  })
})

describe('households', () => {
  it('maps a world household', async () => {
    const source = world.households.find((h) => h.members.length >= 3) ?? world.households[0]!
    const household = await population.household(source.id, scope())
    expect(household).toEqual({
      id: source.id,
      headPin: source.headPin,
      members: source.members.map((m) => ({ pin: m.pin, relationToHead: { code: null, name: m.relation } })),
      address: expect.objectContaining({ provinceCode: source.address.provinceCode, communeCode: source.address.communeCode, detail: source.address.detail }),
    })
  })

  it('answers null for an unknown or malformed id', async () => {
    expect(await population.household('HGD-9999999', scope())).toBeNull()
    expect(await population.household('../cong-dan', scope())).toBeNull()
    expect(server.hits()).toBe(1)
  })

  it('batches household loads into one call, in key order', async () => {
    const ids = [world.households[9]!.id, 'HGD-9999999', world.households[2]!.id]
    const loaders = population.createLoaders(scope())
    const loaded = await Promise.all(ids.map((id) => loaders.household.load(id)))
    expect(loaded.map((h) => h?.headPin ?? null)).toEqual([world.households[9]!.headPin, null, world.households[2]!.headPin])
    expect(server.state.hits.get('POST /api/v1/ho-gia-dinh/tra-cuu-lo')).toBe(1)
    expect(server.hits()).toBe(1)
    const direct = await population.households(ids, scope())
    expect(direct.map((h) => (h && !(h instanceof Error) ? h.id : h))).toEqual([ids[0], null, ids[2]])
  })
})

describe('failures', () => {
  const pin = world.people[1]!.pin

  it('a hanging registry → UPSTREAM_TIMEOUT within the deadline', async () => {
    server.setFaults({ hang: true })
    // Its own short-deadline connector: the shared one waits ANSWERING_DEADLINE_MS.
    const impatient = createPopulationConnector({ baseUrl: server.url, apiKey: POPULATION_SANDBOX_API_KEY, timeoutMs: TIMEOUT_MS })
    const started = performance.now()
    await expect(impatient.citizen(pin, scope())).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', connector: 'population' })
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20)
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_000)
    await expect(impatient.createLoaders(scope()).citizen.load(pin)).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
  })

  it('503s → UPSTREAM_UNAVAILABLE', async () => {
    server.setFaults({ errorRate: 1 })
    await expect(population.citizen(pin, scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
    await expect(population.verify({ pin, name: 'A B', birthDate: '1985' }, scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
    const results = await population.citizens([pin, world.people[2]!.pin], scope())
    expect(results).toEqual([expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }), expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' })])
  })

  it('garbled bodies → UPSTREAM_BAD_RESPONSE', async () => {
    server.setFaults({ malformedRate: 1 })
    await expect(population.citizen(pin, scope())).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
    await expect(population.household(world.households[0]!.id, scope())).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
    await expect(population.createLoaders(scope()).citizen.load(pin)).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
  })

  it('a wrong API key → UPSTREAM_UNAVAILABLE (401 from the registry)', async () => {
    const wrongKey = createPopulationConnector({ baseUrl: server.url, apiKey: 'not-the-key' })
    await expect(wrongKey.citizen(pin, scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', context: { status: 401 } })
    await expect(wrongKey.createLoaders(scope()).citizen.load(pin)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
  })

  it('a wrong base path is an error, never a silent "not found"', async () => {
    const misrouted = createPopulationConnector({ baseUrl: `${server.url}/lgsp`, apiKey: POPULATION_SANDBOX_API_KEY })
    await expect(misrouted.citizen(pin, scope())).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', context: { status: 404 } })
  })

  it('a registry that cannot be reached → UPSTREAM_UNAVAILABLE', async () => {
    const closed = createPopulationConnector({ baseUrl: 'http://127.0.0.1:9', apiKey: POPULATION_SANDBOX_API_KEY })
    await expect(closed.citizen(pin, scope())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
  })
})

describe('request context', () => {
  it('forwards x-request-id to the registry', async () => {
    await population.citizen(world.people[0]!.pin, { requestId: 'req-population-42' })
    expect(sandbox.lastRequestId()).toBe('req-population-42')
    const seen = await fetch(`${server.url}/__sandbox/last-request`).then((r) => r.json())
    expect(seen).toEqual({ requestId: 'req-population-42' })
  })

  it('reports every upstream call to recordCall', async () => {
    const calls: UpstreamCall[] = []
    const loaders = population.createLoaders(scope({ recordCall: (call) => calls.push(call) }))
    await Promise.all([loaders.citizen.load(world.people[0]!.pin), loaders.household.load(world.households[0]!.id)])
    expect(calls.map((c) => [c.connector, c.operation, c.status]).sort()).toEqual([
      ['population', 'citizen.batch', 200],
      ['population', 'household.batch', 200],
    ])
  })
})

describe('health', () => {
  it('is ok when the registry answers with our key', async () => {
    const report = await population.health()
    expect(report.ok).toBe(true)
    expect(report.latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('is not ok, and does not throw, on a wrong key, errors or a hang', async () => {
    const wrongKey = createPopulationConnector({ baseUrl: server.url, apiKey: 'not-the-key' })
    expect(await wrongKey.health()).toMatchObject({ ok: false, detail: expect.stringContaining('UPSTREAM_UNAVAILABLE') })
    server.setFaults({ errorRate: 1 })
    expect((await population.health()).ok).toBe(false)
    server.setFaults({ errorRate: 0, hang: true })
    // The hang is measured with a short-deadline connector: the shared one waits ANSWERING_DEADLINE_MS.
    const impatient = createPopulationConnector({ baseUrl: server.url, apiKey: POPULATION_SANDBOX_API_KEY, timeoutMs: TIMEOUT_MS })
    expect(await impatient.health()).toMatchObject({ ok: false, detail: expect.stringContaining('UPSTREAM_TIMEOUT') })
  })
})

describe('options', () => {
  it.each([0, 101, 1.5])('refuses maxBatchSize %s', (maxBatchSize) => {
    expect(() => createPopulationConnector({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', maxBatchSize })).toThrow(TypeError)
  })
})
