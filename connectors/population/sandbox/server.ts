import type { Context, Hono } from 'hono'
import { z } from 'zod'
import { toCompactDate } from '../../kit/index.js'
import {
  createFaultState,
  createSandboxApp,
  type FaultConfig,
  type FaultState,
  type World,
  type WorldHousehold,
  type WorldPerson,
} from '../../kit/sandbox/index.js'
import { MA_LOI } from '../upstream.js'
import { fullName, toCongDan, toHoGiaDinh, vietnamTime } from './wire.js'

/** The key the sandbox accepts unless told otherwise. Synthetic, like everything it serves. */
export const POPULATION_SANDBOX_API_KEY = 'sandbox-population-key'

/** The registry refuses larger batches, as provincial LGSP services cap tra-cứu lô. */
const MAX_BATCH = 100

export interface PopulationSandboxOptions {
  /** @default POPULATION_SANDBOX_API_KEY */
  apiKey?: string
  faults?: Partial<FaultConfig>
  /** Clock for ThoiDiemDuLieu, so tests can pin it. @default () => new Date() */
  now?: () => Date
}

export interface PopulationSandbox {
  app: Hono
  state: FaultState
  /** The `x-request-id` of the last API request, also at `GET /__sandbox/last-request`. */
  lastRequestId(): string | null
}

const pinList = z.array(z.string().regex(/^\d{12}$/))
const batchCitizensBody = z.object({ DanhSachSoDinhDanh: pinList })
const batchHouseholdsBody = z.object({ DanhSachMaHoGiaDinh: z.array(z.string().min(1).max(64)) })
const verifyBody = z.object({
  SoDinhDanh: z.string().regex(/^\d{12}$/),
  HoVaTen: z.string().min(1).max(200),
  NgayThangNamSinh: z.string().regex(/^\d{4}(\d{2}(\d{2})?)?$/),
})

/** Names compare as people write them: Unicode NFC, whitespace collapsed, case ignored. */
export function sameName(a: string, b: string): boolean {
  const normal = (name: string) => name.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('vi')
  return normal(a) === normal(b)
}

/**
 * The population registry sandbox (CSDLQG về dân cư as a provincial LGSP exposes it): REST/JSON
 * with Vietnamese field names behind an `X-API-Key`, every answer in a `{ MaLoi, MoTa,
 * ThoiDiemDuLieu }` envelope. Serves the citizens and households of `world`, indexed at creation.
 * Fault injection and `/__sandbox/*` control routes come from the kit's sandbox app.
 * @example const server = await serveSandbox('population', createPopulationSandbox(createWorld()))
 */
export function createPopulationSandbox(world: World, options: PopulationSandboxOptions = {}): PopulationSandbox {
  const apiKey = options.apiKey ?? POPULATION_SANDBOX_API_KEY
  const now = options.now ?? (() => new Date())
  const { app, state } = createSandboxApp(createFaultState(options.faults))
  const people: ReadonlyMap<string, WorldPerson> = new Map(world.people.map((person) => [person.pin, person]))
  const households: ReadonlyMap<string, WorldHousehold> = new Map(world.households.map((household) => [household.id, household]))
  let lastRequestId: string | null = null

  function answer(c: Context, status: 200 | 400 | 401 | 404 | 500, maLoi: string, moTa: string, payload: Record<string, unknown> = {}) {
    return c.json({ MaLoi: maLoi, MoTa: moTa, ThoiDiemDuLieu: vietnamTime(now()), ...payload }, status)
  }
  const invalid = (c: Context, moTa = 'DATA_TYPE_INVALID: dữ liệu đầu vào không hợp lệ') => answer(c, 400, MA_LOI.DATA_TYPE_INVALID, moTa)
  const congDan = (person: WorldPerson) => toCongDan(person, people, vietnamTime(now()))

  app.get('/__sandbox/last-request', (c) => c.json({ requestId: lastRequestId }))

  app.use('/api/*', async (c, next) => {
    const requestId = c.req.header('x-request-id') ?? null
    lastRequestId = requestId
    if (requestId) c.header('x-request-id', requestId)
    if (c.req.header('x-api-key') !== apiKey) {
      return answer(c, 401, MA_LOI.AUTHEN_ERROR, 'AUTHEN_ERROR: khóa truy cập (X-API-Key) không hợp lệ')
    }
    return next()
  })

  app.get('/api/v1/health', (c) => answer(c, 200, MA_LOI.OK, 'Hệ thống hoạt động bình thường'))

  app.get('/api/v1/cong-dan/:soDinhDanh', (c) => {
    const pin = c.req.param('soDinhDanh')
    if (!/^\d{12}$/.test(pin)) return invalid(c, 'DATA_TYPE_INVALID: số định danh phải gồm 12 chữ số')
    const person = people.get(pin)
    if (!person) return answer(c, 404, MA_LOI.RECORD_NOT_FOUND, 'RECORD_NOT_FOUND: không tìm thấy công dân')
    return answer(c, 200, MA_LOI.OK, 'Thành công', { CongDan: congDan(person) })
  })

  app.post('/api/v1/cong-dan/tra-cuu-lo', async (c) => {
    const body = batchCitizensBody.safeParse(await c.req.json().catch(() => null))
    if (!body.success) return invalid(c)
    const pins = [...new Set(body.data.DanhSachSoDinhDanh)]
    if (pins.length > MAX_BATCH) return answer(c, 400, MA_LOI.TOO_MANY_RECORDS, `Vượt quá ${MAX_BATCH} bản ghi mỗi lần tra cứu`)
    // Answered in PIN order, as the registry's database returns them, not in request order.
    const found = pins.sort().flatMap((pin) => {
      const person = people.get(pin)
      return person ? [congDan(person)] : []
    })
    return answer(c, 200, MA_LOI.OK, 'Thành công', { SoLuong: found.length, DanhSachCongDan: found })
  })

  app.post('/api/v1/cong-dan/xac-thuc', async (c) => {
    const body = verifyBody.safeParse(await c.req.json().catch(() => null))
    if (!body.success) return invalid(c)
    const person = people.get(body.data.SoDinhDanh)
    const matches = person !== undefined && sameName(body.data.HoVaTen, fullName(person)) && body.data.NgayThangNamSinh === toCompactDate(person.birthDate)
    return answer(c, 200, MA_LOI.OK, 'Thành công', { KetQua: { TonTai: person !== undefined, KhopThongTin: matches } })
  })

  app.get('/api/v1/ho-gia-dinh/:maHoGiaDinh', (c) => {
    const household = households.get(c.req.param('maHoGiaDinh'))
    if (!household) return answer(c, 404, MA_LOI.RECORD_NOT_FOUND, 'RECORD_NOT_FOUND: không tìm thấy hộ gia đình')
    return answer(c, 200, MA_LOI.OK, 'Thành công', { HoGiaDinh: toHoGiaDinh(household, people) })
  })

  app.post('/api/v1/ho-gia-dinh/tra-cuu-lo', async (c) => {
    const body = batchHouseholdsBody.safeParse(await c.req.json().catch(() => null))
    if (!body.success) return invalid(c)
    const ids = [...new Set(body.data.DanhSachMaHoGiaDinh)]
    if (ids.length > MAX_BATCH) return answer(c, 400, MA_LOI.TOO_MANY_RECORDS, `Vượt quá ${MAX_BATCH} bản ghi mỗi lần tra cứu`)
    const found = ids.sort().flatMap((id) => {
      const household = households.get(id)
      return household ? [toHoGiaDinh(household, people)] : []
    })
    return answer(c, 200, MA_LOI.OK, 'Thành công', { SoLuong: found.length, DanhSachHoGiaDinh: found })
  })

  app.notFound((c) => answer(c, 404, MA_LOI.SERVICE_NOT_FOUND, 'Không tìm thấy dịch vụ'))
  app.onError((_error, c) => answer(c, 500, '999', 'Lỗi hệ thống'))

  return { app, state, lastRequestId: () => lastRequestId }
}
