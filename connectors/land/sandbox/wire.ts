import { z } from 'zod'
import type { WorldParcel } from '../../kit/sandbox/index.js'
import type { XmlNode } from './soap.js'

/**
 * The land registry's wire format as the sandbox writes and reads it: world parcels become
 * `ThuaDat` elements (Vietnamese field names, dd/MM/yyyy dates, decimals with '.', code strings
 * such as CA_NHAN / THE_CHAP), and SOAP request bodies are checked the way the service would.
 */

/** dd/MM/yyyy, the registry's date format. */
const dmy = (isoDate: string) => {
  const [year, month, day] = isoDate.split('-')
  return `${day}/${month}/${year}`
}

const certificateStatus: Record<WorldParcel['certificates'][number]['status'], string> = {
  VALID: 'Còn hiệu lực',
  REVOKED: 'Đã thu hồi',
  REPLACED: 'Đã cấp đổi',
}

const encumbranceKind: Record<WorldParcel['encumbrances'][number]['kind'], string> = {
  MORTGAGE: 'THE_CHAP',
  DISPUTE: 'TRANH_CHAP',
}

/** A world parcel as a `ThuaDat` element. Absent values are left out, as the service does. */
export function toThuaDat(parcel: WorldParcel): XmlNode {
  return {
    MaThuaDat: parcel.key,
    MaXa: parcel.sheetCommuneCode,
    SoToBanDo: String(parcel.mapSheetNo),
    SoThua: String(parcel.parcelNo),
    DienTich: parcel.area.toFixed(2),
    MucDichSuDung: parcel.uses.map((use) => ({
      Ma: use.code,
      Ten: use.name,
      DienTich: use.area.toFixed(2),
      ThoiHan: use.term,
    })),
    NguonGoc: parcel.origin,
    HinhThucSuDung: parcel.useForm,
    DiaChi: {
      MaTinh: parcel.address.provinceCode,
      MaXa: parcel.address.communeCode,
      ChiTiet: parcel.address.detail,
    },
    ChuSuDung: parcel.holders.map((holder) => ({
      LoaiChu: holder.kind === 'PERSON' ? 'CA_NHAN' : 'TO_CHUC',
      SoGiayTo: holder.id,
      ...(holder.kind === 'PERSON' ? { HoTen: holder.name } : { TenToChuc: holder.name }),
      VaiTro: holder.role,
      TyLe: holder.share ?? undefined,
    })),
    GiayChungNhan: parcel.certificates.map((certificate) => ({
      SoPhatHanh: certificate.serial,
      SoVaoSo: certificate.entryNo,
      CoQuanCap: certificate.issuedBy,
      NgayCap: dmy(certificate.issuedOn),
      TrangThai: certificateStatus[certificate.status],
    })),
    BienPhapBaoDam: parcel.encumbrances.map((encumbrance) => ({
      Loai: encumbranceKind[encumbrance.kind],
      NgayDangKy: dmy(encumbrance.registeredOn),
      NgayXoa: encumbrance.releasedOn === null ? undefined : dmy(encumbrance.releasedOn),
      BenNhan: encumbrance.holderName ?? undefined,
      GhiChu: encumbrance.note ?? undefined,
    })),
  }
}

const element = <S extends z.ZodRawShape>(shape: S) => z.preprocess((value) => (value === '' ? {} : value), z.object(shape))
const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))

/** The SOAP header the service reads: the caller's request id and, when required, an account. */
export const requestHeaderSchema = element({
  ThongTinYeuCau: element({
    MaYeuCau: z.string().optional(),
    TenDangNhap: z.string().optional(),
    MatKhau: z.string().optional(),
  }).optional(),
})

export const requestEnvelopeSchema = z.object({
  Envelope: z.object({
    Header: requestHeaderSchema.optional(),
    Body: z.record(z.string(), z.unknown()),
  }),
})

export const traCuuThuaDatRequest = element({ MaThuaDat: z.string().trim().min(1) })

export const traCuuTheoChuSuDungRequest = element({
  DanhSachChuSuDung: element({
    ChuSuDung: z
      .array(
        element({
          LoaiChu: z.enum(['CA_NHAN', 'TO_CHUC']),
          SoGiayTo: z
            .string()
            .trim()
            .regex(/^[0-9-]{10,14}$/),
        }),
      )
      .min(1)
      .max(100),
  }),
})

export const traCuuTheoXaRequest = element({
  MaXa: z.string().regex(/^\d{5}$/),
  ViTri: integer(0, 1_000_000_000).optional().default(0),
  SoLuong: integer(1, 100).optional().default(20),
})
