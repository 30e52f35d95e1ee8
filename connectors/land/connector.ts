import DataLoader from 'dataloader'
import { normalisePin, normaliseTaxCode } from '../../schemas/scalars/index.js'
import {
  ConnectorError,
  isConnectorError,
  MAX_PAGE_SIZE,
  parseHolderKey,
  type HealthReport,
  type HolderRef,
  type LandParcel,
  type ListWindow,
  type RegistryConnector,
  type RegistryLoaders,
  type RequestScope,
} from '../kit/index.js'
import { mapParcel } from './map.js'
import { normaliseParcelKey } from '../kit/index.js'
import type { LandQueries } from './operations.js'
import { createLandResolvers } from './resolvers.js'
import { createSoapClient, type SoapClientOptions } from './wire/soap-client.js'
import { holderGroupSchema, kiemTraKetNoiResponse, traCuuTheoChuSuDungResponse, traCuuTheoXaResponse, traCuuThuaDatResponse } from './upstream.js'

export interface LandConnectorOptions extends SoapClientOptions {
  /** Holders per `TraCuuThuaDatTheoChuSuDung` call (the registry takes at most 100). @default 100 */
  maxBatchSize?: number
}

export interface LandConnector extends RegistryConnector<Pick<RegistryLoaders, 'parcelsByHolder'>>, LandQueries {}

type WireHolder = { LoaiChu: 'CA_NHAN' | 'TO_CHUC'; SoGiayTo: string }
const wireKey = (holder: WireHolder) => `${holder.LoaiChu}:${holder.SoGiayTo}`

/** A holder as the registry spells it, or `null` for an id that cannot hold land. */
function toWireHolder(holder: HolderRef): WireHolder | null {
  if ('pin' in holder) {
    const pin = normalisePin(holder.pin)
    return pin === null ? null : { LoaiChu: 'CA_NHAN', SoGiayTo: pin }
  }
  const taxCode = normaliseTaxCode(holder.taxCode)
  return taxCode === null ? null : { LoaiChu: 'TO_CHUC', SoGiayTo: taxCode }
}

/**
 * Creates the land registry (CSDL đất đai) connector: SOAP 1.1 against `/ws/DatDai.asmx`, parcels
 * by key, by holder (batched per request through the `parcelsByHolder` loader) and by commune.
 * @example
 * const land = createLandConnector({ baseUrl: 'http://127.0.0.1:8183', timeoutMs: 2000 })
 * const parcel = await land.parcel('00097.12.345', { requestId: 'req-1' })
 */
export function createLandConnector(options: LandConnectorOptions): LandConnector {
  const maxBatchSize = options.maxBatchSize ?? MAX_PAGE_SIZE
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1 || maxBatchSize > MAX_PAGE_SIZE) {
    throw new TypeError(`createLandConnector: maxBatchSize must be an integer from 1 to ${MAX_PAGE_SIZE}`)
  }
  const soap = createSoapClient(options)

  async function parcel(key: string, scope: RequestScope): Promise<LandParcel | null> {
    const parcelKey = normaliseParcelKey(key)
    if (parcelKey === null) return null
    const doc = await soap.call('TraCuuThuaDat', { MaThuaDat: parcelKey }, traCuuThuaDatResponse, scope, 'parcel.byKey')
    const [record] = doc.Envelope.Body.TraCuuThuaDatResponse.TraCuuThuaDatResult.ThuaDat
    if (record === undefined) return null
    const found = mapParcel(record, 'TraCuuThuaDat')
    if (found.parcelKey !== parcelKey) {
      throw new ConnectorError('land', 'UPSTREAM_BAD_RESPONSE', { path: 'TraCuuThuaDat', detail: 'answered another parcel' })
    }
    return found
  }

  async function holderChunk(chunk: WireHolder[], scope: RequestScope): Promise<Map<string, LandParcel[] | ConnectorError>> {
    const path = 'TraCuuThuaDatTheoChuSuDung'
    const doc = await soap.call(path, { DanhSachChuSuDung: { ChuSuDung: chunk } }, traCuuTheoChuSuDungResponse, scope, 'parcels.byHolders')
    const groups = doc.Envelope.Body.TraCuuThuaDatTheoChuSuDungResponse.TraCuuThuaDatTheoChuSuDungResult.KetQuaChuSuDung
    const found = new Map<string, LandParcel[] | ConnectorError>()
    let unreadableGroups = 0
    for (const raw of groups) {
      const group = holderGroupSchema.safeParse(raw)
      const holder = group.success ? toWireHolder(group.data.LoaiChu === 'CA_NHAN' ? { pin: group.data.SoGiayTo } : { taxCode: group.data.SoGiayTo }) : null
      if (!group.success || holder === null) {
        unreadableGroups += 1
        continue
      }
      try {
        found.set(
          wireKey(holder),
          (group.data.DanhSachThuaDat?.ThuaDat ?? []).map((record) => mapParcel(record, path)),
        )
      } catch (error) {
        found.set(wireKey(holder), isConnectorError(error) ? error : new ConnectorError('land', 'UPSTREAM_BAD_RESPONSE', { path }))
      }
    }
    // A group we could not attribute might have been any missing holder's: do not answer "none".
    const missing = unreadableGroups > 0 ? new ConnectorError('land', 'UPSTREAM_BAD_RESPONSE', { path, detail: 'unreadable holder group' }) : null
    for (const holder of chunk) if (!found.has(wireKey(holder))) found.set(wireKey(holder), missing ?? [])
    return found
  }

  async function parcelsByHolders(holders: readonly HolderRef[], scope: RequestScope): Promise<Array<LandParcel[] | ConnectorError>> {
    const wire = holders.map(toWireHolder)
    const unique = [...new Map(wire.filter((h): h is WireHolder => h !== null).map((h) => [wireKey(h), h])).values()]
    const chunks: WireHolder[][] = []
    for (let i = 0; i < unique.length; i += maxBatchSize) chunks.push(unique.slice(i, i + maxBatchSize))
    const answers = await Promise.all(chunks.map((chunk) => holderChunk(chunk, scope)))
    const byKey = new Map(answers.flatMap((answer) => [...answer]))
    return wire.map((holder) => (holder === null ? [] : (byKey.get(wireKey(holder)) ?? [])))
  }

  async function parcelsByCommune(communeCode: string, page: { offset: number; limit: number }, scope: RequestScope): Promise<ListWindow<LandParcel>> {
    const offset = Math.max(0, Math.trunc(page.offset))
    const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(page.limit)))
    if (!/^\d{5}$/.test(communeCode)) return { items: [], totalCount: 0 }
    const path = 'TraCuuThuaDatTheoXa'
    const doc = await soap.call(path, { MaXa: communeCode, ViTri: offset, SoLuong: limit }, traCuuTheoXaResponse, scope, 'parcels.byCommune')
    const result = doc.Envelope.Body.TraCuuThuaDatTheoXaResponse.TraCuuThuaDatTheoXaResult
    const records = result.DanhSachThuaDat?.ThuaDat ?? []
    if (records.length > limit) {
      throw new ConnectorError('land', 'UPSTREAM_BAD_RESPONSE', { path, detail: 'more records than SoLuong' })
    }
    return { items: records.map((record) => mapParcel(record, path)), totalCount: Number(result.TongSo) }
  }

  function createLoaders(scope: RequestScope): Pick<RegistryLoaders, 'parcelsByHolder'> {
    return {
      parcelsByHolder: new DataLoader<string, LandParcel[]>((keys) => parcelsByHolders(keys.map(parseHolderKey), scope), { cache: true, maxBatchSize }),
    }
  }

  async function health(signal?: AbortSignal): Promise<HealthReport> {
    const started = performance.now()
    const scope: RequestScope = { requestId: `health-${crypto.randomUUID()}`, ...(signal ? { signal } : {}) }
    try {
      const doc = await soap.call('KiemTraKetNoi', {}, kiemTraKetNoiResponse, scope, 'health')
      const { TrangThai } = doc.Envelope.Body.KiemTraKetNoiResponse.KiemTraKetNoiResult
      const latencyMs = Math.round(performance.now() - started)
      return TrangThai === 'OK' ? { ok: true, latencyMs } : { ok: false, latencyMs, detail: 'registry reports not ready' }
    } catch (error) {
      const latencyMs = Math.round(performance.now() - started)
      return { ok: false, latencyMs, detail: isConnectorError(error) ? error.code : 'unexpected failure' }
    }
  }

  const queries: LandQueries = { parcel, parcelsByHolders, parcelsByCommune }
  return { name: 'land', ...queries, resolvers: createLandResolvers(queries), createLoaders, health, circuit: () => soap.circuit() }
}
