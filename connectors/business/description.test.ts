/**
 * The business registry's OpenAPI description (connectors/business/described/openapi.yaml) held
 * against the registry it describes: the sandbox registry is served over HTTP and every answer it
 * gives (each record, batches, search pages, health, 400/401/404) must pass the check the engine
 * builds from the description for that status. The check must also refuse what the registry never
 * sends, and the description's own examples must pass it.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { z } from 'zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusinessSandbox } from './sandbox/server.js'
import { registryStatusIds } from './sandbox/wire.js'
import { createWorld, serveSandbox, type SandboxServer } from '../kit/sandbox/index.js'
import { normaliseTaxCode, taxCodeCheckDigit } from '../../schemas/scalars/index.js'
import { answerSchemaOf, notFoundSchemaOf } from '../described/answer-schema.js'
import type { DescribedOperation, JsonSchema, SourceDescription } from '../described/description.js'
import { readOpenApi } from '../described/openapi.js'
import { createReplaySandbox } from '../described/replay-sandbox.js'
import { ConnectorError } from '../kit/index.js'
import { createDescribedBusinessConnector, describedBusinessPlan } from './described-fixture.node.js'

const FILE = fileURLToPath(new URL('./described/openapi.yaml', import.meta.url))
const text = readFileSync(FILE, 'utf8')
const API_KEY = 'business-description-test-key'

/** Enough enterprises for every status text, both kinds of unit and each nullable field both null and set. */
const world = createWorld({ citizens: 1500, parcels: 20, enterprises: 400 })

type Json = Record<string, any>

/**
 * The check the engine holds an answer of that status to: the 200 answer schema, the 404 "no such
 * record" schema, or another status's described schema. Every one is built by `answerSchemaOf`, so
 * it is normalised as the engine normalises (a `default` is never filled in).
 */
function checkOf(operation: DescribedOperation, status: number): z.ZodType {
  if (status === 200) return answerSchemaOf(operation)
  if (status === 404) {
    const notFound = notFoundSchemaOf(operation)
    if (!notFound) throw new Error(`${operation.id} describes no JSON 404`)
    return notFound
  }
  const response = operation.responses.find((r) => r.status === status && r.schema)
  if (!response) throw new Error(`${operation.id} describes no JSON answer for ${status}`)
  return schemaCheck(operation, response.schema!)
}

/** Any schema of the description (a parameter's, a body's) through the engine's own builder. */
function schemaCheck(operation: DescribedOperation, schema: JsonSchema): z.ZodType {
  return answerSchemaOf({ ...operation, responses: [{ status: 200, schema, examples: {} }] })
}

function expectFits(check: z.ZodType, value: unknown, label: string): void {
  const parsed = check.safeParse(value)
  // The first few issues say what is wrong; a whole page of records repeats the same ones.
  const issues = parsed.success
    ? ''
    : parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')
  expect(parsed.success, `${label}: ${issues}`).toBe(true)
}

/** A valid tax code that no enterprise or unit of the world holds. */
function unknownCode(): string {
  const held = new Set(world.enterprises.flatMap((e) => [e.code, ...e.branches.map((b) => b.code)]))
  for (let serial = 1; ; serial += 1) {
    const nine = `0199${String(serial).padStart(5, '0')}`
    const check = taxCodeCheckDigit(nine)
    if (check !== null && !held.has(`${nine}${check}`)) return `${nine}${check}`
  }
}

/** The same description and mapping the gateway would load, read without a registry. */
const described = createDescribedBusinessConnector({ baseUrl: 'http://registry.invalid' }).described

describe('the business registry description', () => {
  let description: SourceDescription
  let server: SandboxServer
  const op = (id: string) => {
    const found = description.operations.get(id)
    if (!found) throw new Error(`no operation ${id}`)
    return found
  }

  beforeAll(async () => {
    description = readOpenApi(text, FILE)
    server = await serveSandbox('business-description', createBusinessSandbox(world, { apiKey: API_KEY }))
  })
  afterAll(async () => {
    await server.close()
  })

  /** Asks the sandbox as the operation describes, and checks the answer against that status's schema. */
  async function ask(
    id: string,
    request: { query?: Record<string, string | number>; body?: string; key?: string | null } = {},
  ): Promise<{ status: number; answer: Json }> {
    const operation = op(id)
    const url = new URL(operation.path, server.url)
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, String(value))
    const headers: Record<string, string> = {}
    if (request.key !== null) headers['x-api-key'] = request.key ?? API_KEY
    if (request.body !== undefined) headers['content-type'] = 'application/json'
    const response = await fetch(url, { method: operation.method, headers, ...(request.body === undefined ? {} : { body: request.body }) })
    expect(
      operation.responses.map((r) => r.status),
      `${id} answered ${response.status}, which it does not describe`,
    ).toContain(response.status)
    const answer = (await response.json()) as Json
    expectFits(checkOf(operation, response.status), answer, `${id} ${url.search} → ${response.status}`)
    return { status: response.status, answer }
  }

  it('reads without error, with the operations and the key the engine needs', () => {
    expect([...description.operations.keys()].sort()).toEqual(['chiTietDoanhNghiep', 'chiTietNhieuDoanhNghiep', 'kiemTraKetNoi', 'timKiemDoanhNghiep'])
    expect(description.apiKeys).toEqual([{ scheme: 'khoaApi', header: 'x-api-key' }])
    expect(op('kiemTraKetNoi').parameters).toEqual([])
    const msdn = op('chiTietDoanhNghiep').parameters.find((p) => p.name === 'msdn')
    expect(msdn).toMatchObject({ in: 'query', required: true, schema: { type: 'string', pattern: '^[0-9]{10}(-[0-9]{3})?$' } })
    expect(op('chiTietNhieuDoanhNghiep').requestBody?.schema).toMatchObject({ required: ['msdn'], properties: { msdn: { type: 'array', maxItems: 100 } } })
    expect(op('timKiemDoanhNghiep').parameters.map((p) => [p.name, p.required, p.schema.type])).toEqual([
      ['ten', false, 'string'],
      ['tinh', false, 'integer'],
      ['trangThai', false, 'integer'],
      ['offset', false, 'integer'],
      ['limit', false, 'integer'],
    ])
    for (const operation of description.operations.values()) {
      for (const status of [200, 401]) expect(() => checkOf(operation, status), `${operation.id} ${status}`).not.toThrow()
    }
  })

  it('reads every status text the registry writes into the code whose search id it is', async () => {
    // The mapping's codes (text → EnterpriseStatus) and its search filter (EnterpriseStatus → id)
    // must agree with the registry's own list of texts and ids.
    const filter = describedBusinessPlan().lists[0]!.arguments.find((a) => a.path.join('.') === 'filter.status')!.codes!
    const { answer } = await ask('chiTietDoanhNghiep', { query: { msdn: world.enterprises[0]!.code } })
    for (const [text, id] of registryStatusIds) {
      const record = structuredClone(answer)
      record.Data.MainInformation.ENTERPRISE_STATUS = text
      const read = described.readAnswer('enterprise', record) as Json
      expect(filter.get(read.status.code), text).toBe(id)
    }
  })

  describe('admits every answer of the sandbox registry', () => {
    it('every enterprise and every branch by its own code, in the world’s variety', async () => {
      const codes = world.enterprises.flatMap((e) => [e.code, ...e.branches.map((b) => b.code)])
      const records: Json[] = []
      for (let i = 0; i < codes.length; i += 25) {
        const answers = await Promise.all(codes.slice(i, i + 25).map((msdn) => ask('chiTietDoanhNghiep', { query: { msdn } })))
        for (const { status, answer } of answers) {
          expect(status).toBe(200)
          records.push(answer.Data)
        }
      }
      expect(records.map((r) => r.MainInformation.ENTERPRISE_GDT_CODE)).toEqual(codes)
      // The answers above covered each value the description allows a field to take, not only one.
      const seen = (pick: (r: Json) => unknown[]) => new Set(records.flatMap(pick).map((v) => (v === null ? 'null' : typeof v === 'string' ? v : typeof v)))
      const main = (field: string) => seen((r) => [r.MainInformation[field]])
      for (const field of ['SHORT_NAME', 'NAME_F', 'LAST_AMEND_DATE', 'IMP_BUSINESS_CODE', 'CAPITAL_AMOUNT', 'PARENT_GDT_CODE'])
        expect(main(field), field).toContain('null')
      for (const field of ['SHORT_NAME', 'NAME_F', 'LAST_AMEND_DATE', 'IMP_BUSINESS_CODE', 'PARENT_GDT_CODE'])
        expect(main(field).size, field).toBeGreaterThan(1)
      expect(main('CAPITAL_AMOUNT')).toContain('number')
      expect(seen((r) => [r.HOAdress.DistrictID])).toEqual(new Set(['null', 'number']))
      expect([...main('ENTERPRISE_STATUS')].sort()).toEqual([...registryStatusIds.keys()].sort())
      expect(seen((r) => r.Branch.map((b: Json) => b.BRANCH_TYPE))).toEqual(new Set(['CN', 'VPDD']))
      expect(seen((r) => r.BusinessActivity.map((a: Json) => a.VSIC_VERSION))).toEqual(new Set(['2018', '2025']))
      expect(records.some((r) => r.Branch.length > 0) && records.some((r) => r.Member.length === 0)).toBe(true)
    })

    it('a code no one holds: the described 404, Status 0 and Data null', async () => {
      const { status, answer } = await ask('chiTietDoanhNghiep', { query: { msdn: unknownCode() } })
      expect(status).toBe(404)
      expect(answer).toMatchObject({ Status: 0, Data: null })
    })

    it.each([['abc'], ['01999900'], ['0199990011001'], ['']])('a malformed code %j: the described 400', async (msdn) => {
      const { status, answer } = await ask('chiTietDoanhNghiep', { query: { msdn } })
      expect(status).toBe(400)
      expect(answer).toMatchObject({ Status: 0, Data: null })
    })

    it('no key, or a wrong one: the described 401, on every operation', async () => {
      for (const [id, body] of [
        ['chiTietDoanhNghiep', undefined],
        ['chiTietNhieuDoanhNghiep', '{"msdn":[]}'],
        ['timKiemDoanhNghiep', undefined],
        ['kiemTraKetNoi', undefined],
      ] as const) {
        for (const key of [null, 'wrong']) {
          const query: Record<string, string> = id === 'chiTietDoanhNghiep' ? { msdn: world.enterprises[0]!.code } : {}
          expect((await ask(id, { query, key, ...(body === undefined ? {} : { body }) })).status).toBe(401)
        }
      }
    })

    it('batches: every record in chunks of 100, unknown and repeated codes, an empty list', async () => {
      const codes = world.enterprises.flatMap((e) => [e.code, ...e.branches.map((b) => b.code)])
      let answered = 0
      for (let i = 0; i < codes.length; i += 100) {
        const { status, answer } = await ask('chiTietNhieuDoanhNghiep', { body: JSON.stringify({ msdn: codes.slice(i, i + 100) }) })
        expect(status).toBe(200)
        answered += answer.Data.length
      }
      expect(answered).toBe(codes.length)
      const mixed = await ask('chiTietNhieuDoanhNghiep', { body: JSON.stringify({ msdn: [codes[5], unknownCode(), codes[1], codes[5]] }) })
      expect(mixed.answer.Data.map((r: Json) => r.MainInformation.ENTERPRISE_GDT_CODE)).toEqual([codes[1], codes[5]])
      expect((await ask('chiTietNhieuDoanhNghiep', { body: JSON.stringify({ msdn: [] }) })).answer).toMatchObject({ DataCount: 0, Data: [] })
    })

    it.each([
      ['too many codes', JSON.stringify({ msdn: Array.from({ length: 101 }, () => world.enterprises[0]!.code) })],
      ['a bad code', JSON.stringify({ msdn: ['abc'] })],
      ['no list', JSON.stringify({ codes: [] })],
      ['not JSON', 'msdn='],
    ])('a batch with %s: the described 400', async (_, body) => {
      expect((await ask('chiTietNhieuDoanhNghiep', { body })).status).toBe(400)
    })

    it('searches, with and without filters, paged to the end', async () => {
      const pageAll = async (query: Record<string, string | number>, limit: number) => {
        const rows: Json[] = []
        let total = -1
        for (let offset = 0; total < 0 || offset < total; offset += limit) {
          const { status, answer } = await ask('timKiemDoanhNghiep', { query: { ...query, offset, limit } })
          expect(status).toBe(200)
          total = answer.DataCount
          rows.push(...answer.Data)
          if (total === 0) break
        }
        expect(rows).toHaveLength(total)
        return rows
      }
      expect(await pageAll({}, 100)).toHaveLength(world.enterprises.length)
      expect((await pageAll({ ten: 'thương mại' }, 7)).length).toBeGreaterThan(0)
      expect(await pageAll({ ten: 'không có tên này' }, 20)).toEqual([])
      for (const [statusText, id] of registryStatusIds) {
        const rows = await pageAll({ trangThai: id }, 50)
        expect(rows.every((row) => row.MainInformation.ENTERPRISE_STATUS === statusText)).toBe(true)
      }
      const city = world.enterprises[0]!.address.provinceCode
      expect((await pageAll({ tinh: Number(city), trangThai: 1, ten: 'công ty' }, 3)).every((row) => row.HOAdress.CityID === Number(city))).toBe(true)
      // Defaults (offset 0, limit 20), empty parameters read as absent, and a page past the end.
      const plain = await ask('timKiemDoanhNghiep')
      expect(plain.answer.Data).toHaveLength(20)
      expect((await ask('timKiemDoanhNghiep', { query: { ten: '', tinh: '' } })).answer.DataCount).toBe(world.enterprises.length)
      expect((await ask('timKiemDoanhNghiep', { query: { offset: 100_000 } })).answer).toMatchObject({ DataCount: world.enterprises.length, Data: [] })
    })

    it.each([[{ limit: 0 }], [{ limit: 101 }], [{ offset: -1 }], [{ tinh: 'HN' }], [{ trangThai: 'x' }]])(
      'a search with %j: the described 400',
      async (query) => {
        expect((await ask('timKiemDoanhNghiep', { query })).status).toBe(400)
      },
    )

    it('health', async () => {
      const { status, answer } = await ask('kiemTraKetNoi')
      expect(status).toBe(200)
      expect(answer).toMatchObject({ Status: 1, Data: { service: 'dkdn', enterprises: world.enterprises.length } })
    })
  })

  describe('refuses what the registry never sends, and reads what it is known to send', () => {
    let record: Json
    beforeAll(async () => {
      const withBranch = world.enterprises.find((e) => e.branches.length > 0)!
      record = (await ask('chiTietDoanhNghiep', { query: { msdn: withBranch.code } })).answer
    })
    const variant = (change: (answer: Json) => void) => {
      const copy = structuredClone(record)
      change(copy)
      return copy
    }
    const read = (answer: Json) => described.readAnswer('enterprise', answer) as Json

    it.each<[string, (answer: Json) => void]>([
      ['CityID as text', (a) => (a.Data.HOAdress.CityID = String(a.Data.HOAdress.CityID))],
      ['CityID 100', (a) => (a.Data.HOAdress.CityID = 100)],
      ['WardID 0', (a) => (a.Data.HOAdress.WardID = 0)],
      ['DistrictID 1000', (a) => (a.Data.HOAdress.DistrictID = 1000)],
      ['a fractional WardID', (a) => (a.Data.HOAdress.WardID = 97.5)],
      ['no HOAdress', (a) => delete a.Data.HOAdress],
      ['IS_MAIN X', (a) => (a.Data.BusinessActivity[0].IS_MAIN = 'X')],
      ['VSIC_VERSION 2020', (a) => (a.Data.BusinessActivity[0].VSIC_VERSION = '2020')],
      ['a 5-digit VSIC code', (a) => (a.Data.BusinessActivity[0].CODE = '46690')],
      ['BRANCH_TYPE XX', (a) => (a.Data.Branch[0].BRANCH_TYPE = 'XX')],
      ['no MainInformation', (a) => delete a.Data.MainInformation],
      ['no NAME', (a) => delete a.Data.MainInformation.NAME],
      ['an empty NAME', (a) => (a.Data.MainInformation.NAME = '')],
      ['a blank NAME', (a) => (a.Data.MainInformation.NAME = '   ')],
      ['no Message', (a) => delete a.Message],
      ['status id as text', (a) => (a.Data.MainInformation.ENTERPRISE_STATUS_ID = '1')],
      ['a negative capital', (a) => (a.Data.MainInformation.CAPITAL_AMOUNT = -1)],
      ['capital as text', (a) => (a.Data.MainInformation.CAPITAL_AMOUNT = '5000000000')],
      ['a share above 100%', (a) => (a.Data.Member = [{ MEMBER_NAME: 'A', AMOUNT: 1, RATIO_PERCENT: 101, COUNTRY: null }])],
      ['a representative without a title', (a) => delete a.Data.LegalRepresentative[0].POSITION],
      ['a list as an object', (a) => (a.Data.Branch = {})],
      ['Status 0 on a success', (a) => (a.Status = 0)],
      ['no Data', (a) => delete a.Data],
      ['Data null', (a) => (a.Data = null)],
    ])('the description refuses a record with %s', (_, change) => {
      expect(answerSchemaOf(op('chiTietDoanhNghiep')).safeParse(variant(change)).success).toBe(false)
      expect(() => read(variant(change))).toThrow(ConnectorError)
    })

    // Values the description lets through as text, which the mapping cannot read: never passed on.
    it.each<[string, (answer: Json) => void]>([
      ['a branch code without its parent', (a) => (a.Data.Branch[0].BRANCH_CODE = '001')],
      ['a branch code of another enterprise', (a) => (a.Data.Branch[0].BRANCH_CODE = '0199000024-001')],
      ['a code of 9 digits', (a) => (a.Data.MainInformation.ENTERPRISE_GDT_CODE = '019999001')],
      ['an ISO founding date', (a) => (a.Data.MainInformation.FOUNDING_DATE = '2012-03-15')],
      ['a status outside the list', (a) => (a.Data.MainInformation.ENTERPRISE_STATUS = 'Hoạt động')],
    ])('the mapping refuses a record with %s', (_, change) => {
      expect(answerSchemaOf(op('chiTietDoanhNghiep')).safeParse(variant(change)).success).toBe(true)
      expect(() => read(variant(change))).toThrow(expect.objectContaining({ code: 'UPSTREAM_BAD_RESPONSE', connector: 'business' }))
    })

    // The registry writes "no value" as null, as "" or by leaving the key out: all read the same.
    it.each<[string, (answer: Json) => void, (e: Json) => unknown, unknown]>([
      ['an empty SHORT_NAME', (a) => (a.Data.MainInformation.SHORT_NAME = ''), (e) => e.nameShort, null],
      ['an empty LAST_AMEND_DATE', (a) => (a.Data.MainInformation.LAST_AMEND_DATE = ''), (e) => e.lastAmendedOn, null],
      ['NUMBER_CHANGES null', (a) => (a.Data.MainInformation.NUMBER_CHANGES = null), (e) => e.amendmentCount, null],
      ['no NAME_F', (a) => delete a.Data.MainInformation.NAME_F, (e) => e.nameForeign, null],
      ['StreetNumber null', (a) => (a.Data.HOAdress.StreetNumber = null), (e) => e.headOffice.detail, null],
      ['a representative without a nationality', (a) => delete a.Data.LegalRepresentative[0].NATIONALITY, (e) => e.legalRepresentatives[0].nationality, null],
      [
        'a representative with a blank nationality',
        (a) => (a.Data.LegalRepresentative[0].NATIONALITY = ' '),
        (e) => e.legalRepresentatives[0].nationality,
        null,
      ],
      ['a branch without an address', (a) => (a.Data.Branch[0].ADDRESS = null), (e) => e.branches[0].address, null],
      ['Branch null', (a) => (a.Data.Branch = null), (e) => e.branches, []],
      ['no Member', (a) => delete a.Data.Member, (e) => e.members, []],
    ])('the registry may send a record with %s', (_, change, pick, expected) => {
      expect(pick(read(variant(change)))).toEqual(expected)
    })

    it('a batch with one such record, and a search row without its code', () => {
      const batch = answerSchemaOf(op('chiTietNhieuDoanhNghiep'))
      const bad = variant((a) => (a.Data.HOAdress.CityID = '1')).Data
      expect(batch.safeParse({ Status: 1, Message: 'Thành công', DataCount: 1, Data: [record.Data] }).success).toBe(true)
      expect(batch.safeParse({ Status: 1, Message: 'Thành công', DataCount: 2, Data: [record.Data, bad] }).success).toBe(false)
      expect(batch.safeParse({ Status: 1, Message: 'Thành công', DataCount: 0, Data: null }).success).toBe(false)
      const search = answerSchemaOf(op('timKiemDoanhNghiep'))
      const row = { MainInformation: { ...record.Data.MainInformation }, HOAdress: record.Data.HOAdress }
      expect(search.safeParse({ Status: 1, Message: 'Thành công', DataCount: 1, Data: [row] }).success).toBe(true)
      expect(search.safeParse({ Status: 1, Message: 'Thành công', Data: [row] }).success).toBe(false)
      delete row.MainInformation.ENTERPRISE_GDT_CODE
      expect(search.safeParse({ Status: 1, Message: 'Thành công', DataCount: 1, Data: [row] }).success).toBe(false)
    })

    it('a 404 that is not the registry’s own "not found"', () => {
      const notFound = notFoundSchemaOf(op('chiTietDoanhNghiep'))!
      const own = { Status: 0, Message: 'Không tìm thấy doanh nghiệp', DataCount: 0, Data: null }
      expect(notFound.safeParse(own).success).toBe(true)
      expect(notFound.safeParse({ error: 'Not Found' }).success).toBe(false)
      expect(notFound.safeParse({ ...own, Status: 1 }).success).toBe(false)
      expect(notFound.safeParse({ ...own, Data: record.Data }).success).toBe(false)
    })
  })

  describe('examples', () => {
    it('each fits its own schema', () => {
      let count = 0
      for (const operation of description.operations.values()) {
        for (const parameter of operation.parameters) {
          for (const [name, value] of Object.entries(parameter.examples)) {
            expectFits(schemaCheck(operation, parameter.schema), value, `${operation.id} ${parameter.name} ${name}`)
            count += 1
          }
        }
        for (const [name, value] of Object.entries(operation.requestBody?.examples ?? {})) {
          expectFits(schemaCheck(operation, operation.requestBody!.schema), value, `${operation.id} body ${name}`)
          count += 1
        }
        for (const response of operation.responses) {
          for (const [name, value] of Object.entries(response.examples)) {
            expectFits(checkOf(operation, response.status), value, `${operation.id} ${response.status} ${name}`)
            count += 1
          }
        }
      }
      expect(count).toBeGreaterThan(20)
    })

    it('are paired by name, request to answer, with the detail cases the engine meets', () => {
      for (const operation of description.operations.values()) {
        const requestNames = new Set([...operation.parameters.flatMap((p) => Object.keys(p.examples)), ...Object.keys(operation.requestBody?.examples ?? {})])
        const answerNames = new Set(operation.responses.flatMap((r) => Object.keys(r.examples)))
        // An answer example no request example selects would answer every request in the replay sandbox.
        if (requestNames.size > 0)
          expect(
            [...answerNames].filter((name) => !requestNames.has(name)),
            operation.id,
          ).toEqual([])
        expect(
          [...requestNames].filter((name) => !answerNames.has(name)),
          operation.id,
        ).toEqual([])
      }
      const detail = op('chiTietDoanhNghiep')
      const found = Object.values(detail.responses.find((r) => r.status === 200)!.examples) as Json[]
      expect(found.length).toBeGreaterThanOrEqual(2)
      expect(found.some((a) => a.Data.Branch.length > 0)).toBe(true)
      expect(found.some((a) => a.Data.MainInformation.SHORT_NAME === null)).toBe(true)
      expect(Object.keys(detail.responses.find((r) => r.status === 404)!.examples)).toEqual(['khongTimThay'])
      for (const id of ['chiTietNhieuDoanhNghiep', 'timKiemDoanhNghiep', 'kiemTraKetNoi'])
        expect(Object.keys(op(id).responses.find((r) => r.status === 200)!.examples).length, id).toBeGreaterThan(0)
    })

    it('are answered by the replay sandbox as paired', async () => {
      const { app } = createReplaySandbox(description, { apiKey: API_KEY })
      const detail = op('chiTietDoanhNghiep')
      const msdn = detail.parameters.find((p) => p.name === 'msdn')!
      for (const [name, code] of Object.entries(msdn.examples)) {
        const response = await app.request(`${detail.path}?msdn=${encodeURIComponent(String(code))}`, { headers: { 'x-api-key': API_KEY } })
        const described = detail.responses.find((r) => Object.hasOwn(r.examples, name))!
        expect(response.status, name).toBe(described.status)
        expect(await response.json(), name).toEqual(described.examples[name])
      }
    })

    it('hold only synthetic identifiers: tax codes with valid check digits, the announced PINs', () => {
      const taxCodes = new Set(text.match(/(?<![0-9])0199[0-9]{6}(-[0-9]{3})?(?![0-9])/g))
      expect(taxCodes.size).toBeGreaterThanOrEqual(4)
      for (const code of taxCodes) expect(normaliseTaxCode(code), code).toBe(code)
      const pins = new Set(text.match(/(?<![0-9])[0-9]{12}(?![0-9])/g))
      expect([...pins].sort()).toEqual(['099085999001', '099190999002'])
    })
  })
})
