import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorld, serveSandbox, type SandboxServer } from '../../kit/sandbox/index.js'
import { createBusinessSandbox } from './server.js'

/** The sandbox must look like the registry: its field names, its dates, its envelope. */
const world = createWorld({ citizens: 400, parcels: 150, enterprises: 100 })
let server: SandboxServer

beforeAll(async () => {
  server = await serveSandbox('business', createBusinessSandbox(world))
})
afterAll(async () => {
  await server.close()
})

const get = async (path: string) => {
  const response = await fetch(`${server.url}${path}`)
  return { status: response.status, body: (await response.json()) as any }
}
const post = async (path: string, body: unknown) => {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as any }
}

describe('business registry sandbox (wire format)', () => {
  it('chiTietDoanhNghiep answers in the registry envelope with UPPER-CASE fields and dd/MM/yyyy dates', async () => {
    const source = world.enterprises[12]!
    const { status, body } = await get(`/api/dkdn/chiTietDoanhNghiep?msdn=${source.code}`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ Status: 1, DataCount: 1 })
    const main = body.Data.MainInformation
    expect(main.ENTERPRISE_GDT_CODE).toBe(source.code)
    expect(main.NAME).toBe(source.name)
    const [y, m, d] = source.foundedOn.split('-')
    expect(main.FOUNDING_DATE).toBe(`${d}/${m}/${y}`)
    expect(main.CAPITAL_AMOUNT).toBe(source.capital)
    expect(body.Data.HOAdress.CityID).toBe(Number(source.address.provinceCode))
    expect(body.Data.HOAdress.WardID).toBe(Number(source.address.communeCode))
    const person = world.personByPin.get(source.representatives[0]!.pin)!
    expect(body.Data.LegalRepresentative[0].FULL_NAME).toBe([person.family, person.middle, person.given].filter(Boolean).join(' ').toLocaleUpperCase('vi'))
    expect(main.LEGAL_NAMES.split(';')).toHaveLength(source.representatives.length)
    expect(body.Data.BusinessActivity[0]).toEqual({
      CODE: source.activities[0]!.code,
      NAME: source.activities[0]!.name,
      IS_MAIN: 'Y',
      VSIC_VERSION: source.activities[0]!.vsicVersion.slice(1),
    })
  })

  it('not found → HTTP 404 with Status 0; a malformed code → 400', async () => {
    const missing = await get('/api/dkdn/chiTietDoanhNghiep?msdn=0000000000')
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ Status: 0, DataCount: 0, Data: null })
    expect((await get('/api/dkdn/chiTietDoanhNghiep?msdn=abc')).status).toBe(400)
  })

  it('chiTietNhieuDoanhNghiep returns found records in database order, missing ones absent', async () => {
    const codes = [world.enterprises[30]!.code, '0000000000', world.enterprises[2]!.code]
    const { status, body } = await post('/api/dkdn/chiTietNhieuDoanhNghiep', { msdn: codes })
    expect(status).toBe(200)
    expect(body.DataCount).toBe(2)
    expect(body.Data.map((r: any) => r.MainInformation.ENTERPRISE_GDT_CODE)).toEqual([world.enterprises[2]!.code, world.enterprises[30]!.code])
  })

  it('refuses batches above 100 codes and malformed bodies', async () => {
    const tooMany = Array.from({ length: 101 }, () => world.enterprises[0]!.code)
    expect((await post('/api/dkdn/chiTietNhieuDoanhNghiep', { msdn: tooMany })).status).toBe(400)
    expect((await post('/api/dkdn/chiTietNhieuDoanhNghiep', { codes: [] })).body.Status).toBe(0)
  })

  it('timKiemDoanhNghiep pages summaries, DataCount = all matches, limit ≤ 100', async () => {
    const { body } = await get('/api/dkdn/timKiemDoanhNghiep?tinh=1&offset=2&limit=3')
    const expected = world.enterprises.filter((e) => e.address.provinceCode === '01')
    expect(body.DataCount).toBe(expected.length)
    expect(body.Data.map((r: any) => r.MainInformation.ENTERPRISE_GDT_CODE)).toEqual(expected.slice(2, 5).map((e) => e.code))
    expect(Object.keys(body.Data[0]).sort()).toEqual(['HOAdress', 'MainInformation'])
    expect((await get('/api/dkdn/timKiemDoanhNghiep?limit=101')).status).toBe(400)
    expect((await get('/api/dkdn/timKiemDoanhNghiep?tinh=x')).status).toBe(400)
  })

  it('health answers Status 1', async () => {
    expect((await get('/api/dkdn/health')).body.Status).toBe(1)
  })
})
