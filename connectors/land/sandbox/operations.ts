import type { World, WorldParcel } from '../../kit/sandbox/index.js'
import { normaliseParcelKey } from '../../kit/index.js'
import type { LandOperation, XmlNode } from './soap.js'
import { toThuaDat, traCuuTheoChuSuDungRequest, traCuuTheoXaRequest, traCuuThuaDatRequest } from './wire.js'

/** What an operation answers: the content of `<OpResult>`, or a client fault's message. */
export type OperationOutcome = { result: XmlNode } | { fault: string }
export type LandOperationHandlers = Record<LandOperation, (payload: unknown) => OperationOutcome>

const holderId = (kind: 'PERSON' | 'ENTERPRISE' | 'CA_NHAN' | 'TO_CHUC', id: string) =>
  `${kind === 'PERSON' || kind === 'CA_NHAN' ? 'CA_NHAN' : 'TO_CHUC'}:${id}`

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/**
 * The registry's operations over a world, indexed once in Maps (by key, by holder, by commune)
 * so every lookup is O(1) however large the world. `ThuaDat` elements are built once per parcel.
 */
export function createLandOperations(world: World): LandOperationHandlers {
  const byKey = new Map<string, WorldParcel>()
  const byHolder = new Map<string, WorldParcel[]>()
  const byCommune = new Map<string, WorldParcel[]>()
  for (const parcel of world.parcels) {
    byKey.set(parcel.key, parcel)
    for (const holder of parcel.holders) push(byHolder, holderId(holder.kind, holder.id), parcel)
    // A parcel belongs to the commune its sheet was numbered in and to the one it lies in now.
    push(byCommune, parcel.sheetCommuneCode, parcel)
    if (parcel.address.communeCode !== parcel.sheetCommuneCode) push(byCommune, parcel.address.communeCode, parcel)
  }
  const wire = new Map<WorldParcel, XmlNode>()
  const thuaDat = (parcel: WorldParcel): XmlNode => {
    const cached = wire.get(parcel)
    if (cached) return cached
    const built = toThuaDat(parcel)
    wire.set(parcel, built)
    return built
  }

  return {
    TraCuuThuaDat(payload) {
      const request = traCuuThuaDatRequest.safeParse(payload)
      const key = request.success ? normaliseParcelKey(request.data.MaThuaDat) : null
      if (key === null) return { fault: 'MaThuaDat không hợp lệ (định dạng MX.SB.ST)' }
      const parcel = byKey.get(key)
      return { result: parcel ? { ThuaDat: thuaDat(parcel) } : {} }
    },
    TraCuuThuaDatTheoChuSuDung(payload) {
      const request = traCuuTheoChuSuDungRequest.safeParse(payload)
      if (!request.success) return { fault: 'DanhSachChuSuDung không hợp lệ (1 đến 100 chủ sử dụng, LoaiChu CA_NHAN hoặc TO_CHUC)' }
      return {
        result: {
          KetQuaChuSuDung: request.data.DanhSachChuSuDung.ChuSuDung.map(({ LoaiChu, SoGiayTo }) => ({
            LoaiChu,
            SoGiayTo,
            DanhSachThuaDat: { ThuaDat: (byHolder.get(holderId(LoaiChu, SoGiayTo)) ?? []).map(thuaDat) },
          })),
        },
      }
    },
    TraCuuThuaDatTheoXa(payload) {
      const request = traCuuTheoXaRequest.safeParse(payload)
      if (!request.success) return { fault: 'MaXa, ViTri hoặc SoLuong không hợp lệ (SoLuong tối đa 100)' }
      const { MaXa, ViTri, SoLuong } = request.data
      const parcels = byCommune.get(MaXa) ?? []
      return {
        result: {
          TongSo: String(parcels.length),
          ViTri: String(ViTri),
          DanhSachThuaDat: { ThuaDat: parcels.slice(ViTri, ViTri + SoLuong).map(thuaDat) },
        },
      }
    },
    KiemTraKetNoi() {
      return { result: { TrangThai: 'OK', PhienBan: '2.1.0-sandbox', ThoiGian: new Date().toISOString() } }
    },
  }
}
