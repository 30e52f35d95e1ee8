import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorld, serveSandbox, type SandboxServer } from '../../kit/sandbox/index.js'
import { createPopulationSandbox, POPULATION_SANDBOX_API_KEY, sameName } from './index.js'

/** The sandbox's own wire contract, spoken over HTTP the way a registry client would. */

const world = createWorld({ citizens: 400, parcels: 150, enterprises: 100 })
let server: SandboxServer
const fixedNow = new Date('2026-03-01T01:02:03Z')

beforeAll(async () => {
  server = await serveSandbox('population', createPopulationSandbox(world, { now: () => fixedNow }))
})
afterAll(async () => {
  await server?.close()
})

function call(path: string, init: { method?: string; body?: unknown; key?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (init.key !== null) headers['x-api-key'] = init.key ?? POPULATION_SANDBOX_API_KEY
  return fetch(`${server.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, any> }))
}

describe('population sandbox wire format', () => {
  it('answers a citizen in the MaLoi envelope with Vietnamese field names and compact dates', async () => {
    const person = world.people[0]!
    const { status, body } = await call(`/api/v1/cong-dan/${person.pin}`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ MaLoi: '00', ThoiDiemDuLieu: '2026-03-01T08:02:03+07:00' })
    expect(body.CongDan).toMatchObject({
      SoDinhDanh: person.pin,
      HoVaTen: { Ho: person.family, Ten: person.given },
      NgayThangNamSinh: person.birthDate.replaceAll('-', ''),
      GioiTinh: person.sex === 'MALE' ? 'Nam' : 'Nữ',
      NoiDangKyKhaiSinh: { MaTinh3: person.birthProvincePrefix },
      ThuongTru: { MaTinh: person.permanent.provinceCode, MaXa: person.permanent.communeCode },
      ChuHo: { MaHoGiaDinh: person.householdId, QuanHeChuHo: person.relationToHead },
    })
  })

  it.each([
    ['missing key', null],
    ['wrong key', 'nope'],
  ])('refuses a %s with 401 and MaLoi 100', async (_label, key) => {
    const { status, body } = await call('/api/v1/health', { key })
    expect(status).toBe(401)
    expect(body.MaLoi).toBe('100')
  })

  it('answers RECORD_NOT_FOUND (201) with a 404, and DATA_TYPE_INVALID (302) for a bad PIN', async () => {
    expect(await call('/api/v1/cong-dan/001099999999')).toMatchObject({ status: 404, body: { MaLoi: '201' } })
    expect(await call('/api/v1/cong-dan/12ab')).toMatchObject({ status: 400, body: { MaLoi: '302' } })
    expect(await call('/api/v1/ho-gia-dinh/HGD-9999999')).toMatchObject({ status: 404, body: { MaLoi: '201' } })
    expect(await call('/api/v1/khong-co')).toMatchObject({ status: 404, body: { MaLoi: '404' } })
  })

  it('serves batches in PIN order, leaves out unknown PINs and refuses more than 100', async () => {
    const pins = [world.people[9]!.pin, '001099999999', world.people[1]!.pin]
    const { body } = await call('/api/v1/cong-dan/tra-cuu-lo', { body: { DanhSachSoDinhDanh: pins } })
    expect(body.DanhSachCongDan.map((c: { SoDinhDanh: string }) => c.SoDinhDanh)).toEqual([world.people[9]!.pin, world.people[1]!.pin].sort())
    const tooMany = world.people.slice(0, 101).map((p) => p.pin)
    expect(await call('/api/v1/cong-dan/tra-cuu-lo', { body: { DanhSachSoDinhDanh: tooMany } })).toMatchObject({ status: 400, body: { MaLoi: '303' } })
    expect(await call('/api/v1/cong-dan/tra-cuu-lo', { body: '{"DanhSach' })).toMatchObject({ status: 400, body: { MaLoi: '302' } })
    expect(await call('/api/v1/ho-gia-dinh/tra-cuu-lo', { body: { DanhSachMaHoGiaDinh: 'HGD-1' } })).toMatchObject({ status: 400, body: { MaLoi: '302' } })
  })

  it('verifies existence and match separately', async () => {
    const person = world.people[3]!
    const name = [person.family, person.middle, person.given].filter(Boolean).join(' ')
    const birth = person.birthDate.replaceAll('-', '')
    const verify = (body: unknown) => call('/api/v1/cong-dan/xac-thuc', { body }).then((r) => r.body.KetQua)
    expect(await verify({ SoDinhDanh: person.pin, HoVaTen: name, NgayThangNamSinh: birth })).toEqual({ TonTai: true, KhopThongTin: true })
    expect(await verify({ SoDinhDanh: person.pin, HoVaTen: `${name} X`, NgayThangNamSinh: birth })).toEqual({ TonTai: true, KhopThongTin: false })
    expect(await verify({ SoDinhDanh: '001099999999', HoVaTen: name, NgayThangNamSinh: birth })).toEqual({ TonTai: false, KhopThongTin: false })
  })

  it.each([
    ['Nguyễn Văn An', 'nguyễn   văn an', true],
    ['Nguyễn Văn An', 'Nguyễn Văn An'.normalize('NFD'), true],
    ['Nguyễn Văn An', 'NGUYỄN VĂN AN', true],
    ['Nguyễn Văn An', 'Nguyen Van An', false],
    ['Lê Thị Hà', 'Lê Thị Hạ', false],
  ])('sameName(%j, %j) → %s', (a, b, expected) => {
    expect(sameName(a, b)).toBe(expected)
  })
})
