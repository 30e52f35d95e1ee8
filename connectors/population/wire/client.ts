import type { z } from 'zod'
import {
  clientOptionsOf,
  ConnectorError,
  createUpstream,
  parseUpstream,
  type RegistryClientOptions,
  type RequestScope,
  type UpstreamRequest,
} from '../../kit/index.js'
import {
  congDanBatchResponseSchema,
  congDanResponseSchema,
  envelopeSchema,
  hoGiaDinhBatchResponseSchema,
  hoGiaDinhResponseSchema,
  MA_LOI,
  xacThucResponseSchema,
  type KetQuaXacThuc,
} from '../upstream.js'

/** Client options (kit/upstream-fetch.ts): deadline, resilience (@default off: the entry turns it on), transport. */
export interface PopulationClientOptions extends RegistryClientOptions {
  baseUrl: string
  /** Sent as `X-API-Key` on every call. */
  apiKey: string
}

/** A record as the registry sent it (parsed per record later) and the answer's ThoiDiemDuLieu. */
export interface RawRecords {
  records: unknown[]
  dataAsOf: string | null
}

/**
 * The registry's HTTP operations, one method per route. It checks the envelope (MaLoi) and the
 * operation's shape, and leaves records raw so the caller can map each one on its own. Failures are
 * ConnectorErrors: transport and 5xx/401 from the kit, anything unexpected as UPSTREAM_BAD_RESPONSE.
 */
export function createPopulationClient(options: PopulationClientOptions) {
  const upstream = createUpstream({
    connector: 'population',
    baseUrl: options.baseUrl,
    headers: { 'x-api-key': options.apiKey },
    ...clientOptionsOf(options),
  })

  function badResponse(path: string, status: number, detail: string): ConnectorError {
    return new ConnectorError('population', 'UPSTREAM_BAD_RESPONSE', { path, status, detail })
  }

  /**
   * Sends one request and returns its payload parsed by `schema`, or `null` when the registry says
   * RECORD_NOT_FOUND. A 404 without that code (a wrong base URL, a missing route) is an error, never
   * a silent "no such citizen".
   */
  async function call<S extends z.ZodType>(path: string, schema: S, request: UpstreamRequest, scope: RequestScope): Promise<z.output<S> | null> {
    const response = await upstream.send(path, request, scope)
    let payload: unknown
    try {
      payload = JSON.parse(response.text)
    } catch (error) {
      throw new ConnectorError('population', 'UPSTREAM_BAD_RESPONSE', { path, status: response.status, detail: 'not JSON' }, { cause: error })
    }
    const envelope = envelopeSchema.safeParse(payload)
    if (!envelope.success) throw badResponse(path, response.status, 'no MaLoi envelope')
    const { MaLoi } = envelope.data
    if (MaLoi === MA_LOI.RECORD_NOT_FOUND && (response.status === 404 || response.status === 200)) return null
    if (response.status !== 200 || MaLoi !== MA_LOI.OK) throw badResponse(path, response.status, `MaLoi ${MaLoi}`)
    return parseUpstream('population', schema, payload, path)
  }

  // A batch lookup sent as POST is still a read: safe to retry.
  const json = (body: unknown): UpstreamRequest => ({
    method: 'POST',
    idempotent: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

  return {
    /** The circuit breaker's state of this registry's client. */
    circuit: () => upstream.circuit(),
    /** `GET /api/v1/cong-dan/{SoDinhDanh}` → the raw CongDan, or null. */
    async citizen(pin: string, scope: RequestScope): Promise<RawRecords | null> {
      const payload = await call('/api/v1/cong-dan/{SoDinhDanh}', congDanResponseSchema, { operation: 'citizen.byPin', params: { SoDinhDanh: pin } }, scope)
      return payload && { records: [payload.CongDan], dataAsOf: payload.ThoiDiemDuLieu ?? null }
    },

    /** `POST /api/v1/cong-dan/tra-cuu-lo` (≤ 100 PINs) → the CongDan records found, in any order. */
    async citizens(pins: readonly string[], scope: RequestScope): Promise<RawRecords> {
      const path = '/api/v1/cong-dan/tra-cuu-lo'
      const payload = await call(path, congDanBatchResponseSchema, { operation: 'citizen.batch', ...json({ DanhSachSoDinhDanh: pins }) }, scope)
      return { records: payload?.DanhSachCongDan ?? [], dataAsOf: payload?.ThoiDiemDuLieu ?? null }
    },

    /** `POST /api/v1/cong-dan/xac-thuc` → whether the PIN exists and name and birth date match. */
    async verify(input: { pin: string; name: string; compactBirthDate: string }, scope: RequestScope): Promise<KetQuaXacThuc> {
      const path = '/api/v1/cong-dan/xac-thuc'
      const body = { SoDinhDanh: input.pin, HoVaTen: input.name, NgayThangNamSinh: input.compactBirthDate }
      const payload = await call(path, xacThucResponseSchema, { operation: 'citizen.verify', ...json(body) }, scope)
      // Verification answers TonTai: false rather than RECORD_NOT_FOUND; accept either.
      return payload?.KetQua ?? { TonTai: false, KhopThongTin: false }
    },

    /** `GET /api/v1/ho-gia-dinh/{MaHoGiaDinh}` → the raw HoGiaDinh, or null. */
    async household(id: string, scope: RequestScope): Promise<RawRecords | null> {
      const payload = await call(
        '/api/v1/ho-gia-dinh/{MaHoGiaDinh}',
        hoGiaDinhResponseSchema,
        { operation: 'household.byId', params: { MaHoGiaDinh: id } },
        scope,
      )
      return payload && { records: [payload.HoGiaDinh], dataAsOf: payload.ThoiDiemDuLieu ?? null }
    },

    /** `POST /api/v1/ho-gia-dinh/tra-cuu-lo` (≤ 100 ids) → the HoGiaDinh records found. */
    async households(ids: readonly string[], scope: RequestScope): Promise<RawRecords> {
      const path = '/api/v1/ho-gia-dinh/tra-cuu-lo'
      const payload = await call(path, hoGiaDinhBatchResponseSchema, { operation: 'household.batch', ...json({ DanhSachMaHoGiaDinh: ids }) }, scope)
      return { records: payload?.DanhSachHoGiaDinh ?? [], dataAsOf: payload?.ThoiDiemDuLieu ?? null }
    },

    /** `GET /api/v1/health` → resolves when the registry answers MaLoi 00 with our key. */
    async health(scope: RequestScope): Promise<void> {
      const payload = await call('/api/v1/health', envelopeSchema, { operation: 'health' }, scope)
      if (payload === null) throw badResponse('/api/v1/health', 404, 'health not found')
    },
  }
}

export type PopulationClient = ReturnType<typeof createPopulationClient>
