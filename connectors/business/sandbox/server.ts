import type { Context, Hono } from 'hono'
import { createFaultState, createSandboxApp, type FaultConfig, type FaultState, type World } from '../../kit/sandbox/index.js'
import { foldName, wireBranch, wireEnterprise, type WireEnterprise } from './wire.js'

export interface BusinessSandboxOptions {
  /** When set, every `/api/*` call must carry it as `x-api-key` (else 401, Status 0). */
  apiKey?: string
  faults?: Partial<FaultConfig>
}

export interface BusinessSandbox {
  app: Hono
  state: FaultState
  /** The `x-request-id` of the last registry call, to check the gateway forwards it. */
  lastRequestId(): string | null
}

const MAX_ROWS = 100

interface SearchRow {
  folded: string
  cityId: number
  statusId: number
  summary: Pick<WireEnterprise, 'MainInformation' | 'HOAdress'>
}

/** The registry's envelope: Status 1 success / 0 failure, Message, DataCount, Data. */
function reply(c: Context, status: 200 | 400 | 401 | 404, data: unknown, count: number, message?: string) {
  const ok = status === 200
  return c.json({ Status: ok ? 1 : 0, Message: message ?? (ok ? 'Thành công' : 'Thất bại'), DataCount: count, Data: data }, status)
}

const MSDN = /^\d{10}(-\d{3})?$/

function intParam(value: string | undefined, fallback: number | null): number | null | undefined {
  if (value === undefined || value === '') return fallback
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined
}

/**
 * The national business registration database as a real HTTP server: paged REST/JSON with the
 * registry's field names, serving the enterprises (and their branches) of a synthetic world.
 * Records are built and indexed once, so lookups are O(1) and search is one pass.
 * Routes: `GET /api/dkdn/chiTietDoanhNghiep?msdn=`, `POST /api/dkdn/chiTietNhieuDoanhNghiep`,
 * `GET /api/dkdn/timKiemDoanhNghiep`, `GET /api/dkdn/health`, plus the kit's `/__sandbox/*`
 * control routes and `GET /__sandbox/last-request-id`.
 */
export function createBusinessSandbox(world: World, options: BusinessSandboxOptions = {}): BusinessSandbox {
  const { app, state } = createSandboxApp(createFaultState(options.faults))
  const byCode = new Map<string, WireEnterprise>()
  const rows: SearchRow[] = []
  world.enterprises.forEach((enterprise, index) => {
    const record = wireEnterprise(world, enterprise, index)
    byCode.set(enterprise.code, record)
    rows.push({
      folded: foldName(enterprise.name),
      cityId: record.HOAdress.CityID,
      statusId: record.MainInformation.ENTERPRISE_STATUS_ID,
      summary: { MainInformation: record.MainInformation, HOAdress: record.HOAdress },
    })
    enterprise.branches.forEach((branch, j) => byCode.set(branch.code, wireBranch(record, branch, 2_000_000 + index * 10 + j)))
  })
  const idOf = (record: WireEnterprise) => record.MainInformation.ENTERPRISE_ID

  let lastRequestId: string | null = null
  app.get('/__sandbox/last-request-id', (c) => c.json({ requestId: lastRequestId }))
  app.use('/api/*', async (c, next) => {
    lastRequestId = c.req.header('x-request-id') ?? null
    if (options.apiKey !== undefined && c.req.header('x-api-key') !== options.apiKey) {
      return reply(c, 401, null, 0, 'Khóa truy cập không hợp lệ')
    }
    return next()
  })

  app.get('/api/dkdn/health', (c) => reply(c, 200, { service: 'dkdn', enterprises: world.enterprises.length }, 0))

  app.get('/api/dkdn/chiTietDoanhNghiep', (c) => {
    const msdn = c.req.query('msdn')?.trim() ?? ''
    if (!MSDN.test(msdn)) return reply(c, 400, null, 0, 'Mã số doanh nghiệp không hợp lệ')
    const record = byCode.get(msdn)
    return record ? reply(c, 200, record, 1) : reply(c, 404, null, 0, 'Không tìm thấy doanh nghiệp')
  })

  app.post('/api/dkdn/chiTietNhieuDoanhNghiep', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { msdn?: unknown } | null
    const codes = body?.msdn
    if (!Array.isArray(codes) || codes.length > MAX_ROWS || !codes.every((code) => typeof code === 'string' && MSDN.test(code))) {
      return reply(c, 400, null, 0, `msdn phải là danh sách tối đa ${MAX_ROWS} mã số doanh nghiệp hợp lệ`)
    }
    const found = [...new Set(codes as string[])].flatMap((code) => byCode.get(code) ?? [])
    // Database order, not request order: clients must match records by code.
    found.sort((a, b) => idOf(a) - idOf(b))
    return reply(c, 200, found, found.length)
  })

  app.get('/api/dkdn/timKiemDoanhNghiep', (c) => {
    const offset = intParam(c.req.query('offset'), 0)
    const limit = intParam(c.req.query('limit'), 20)
    const city = intParam(c.req.query('tinh'), null)
    const status = intParam(c.req.query('trangThai'), null)
    if (offset == null || limit == null || limit < 1 || limit > MAX_ROWS || city === undefined || status === undefined) {
      return reply(c, 400, null, 0, `Tham số không hợp lệ (limit từ 1 đến ${MAX_ROWS})`)
    }
    const name = foldName(c.req.query('ten')?.trim() ?? '')
    const matches = rows.filter(
      (row) => (name === '' || row.folded.includes(name)) && (city === null || row.cityId === city) && (status === null || row.statusId === status),
    )
    return reply(
      c,
      200,
      matches.slice(offset, offset + limit).map((row) => row.summary),
      matches.length,
    )
  })

  return { app, state, lastRequestId: () => lastRequestId }
}
