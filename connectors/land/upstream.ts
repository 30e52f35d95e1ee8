import { z } from 'zod'

/**
 * zod schemas for the land registry's SOAP payloads, as `parseXml` (wire/soap.ts) returns them: every
 * leaf a string, list elements always arrays, an empty element (`<X/>`) an empty string. Nothing
 * the registry sends is trusted. Records (`ThuaDat`) and per-holder groups are parsed one by one
 * (`thuaDatSchema`, `holderGroupSchema`), so a malformed record fails only its own key.
 */

/** An element with children; an empty element (`<X/>`, parsed as "") is an empty object. */
const element = <S extends z.ZodRawShape>(shape: S) => z.preprocess((value) => (value === '' ? {} : value), z.object(shape))

/** A repeated element: absent means an empty list. */
const list = <S extends z.ZodType>(item: S) => z.array(item).optional().default([])

const text = z.string().trim().min(1)
/** Optional text: absent or empty becomes `null`. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim()))
const digits = (n: number) => z.string().regex(new RegExp(`^\\d{${n}}$`))
const positiveInt = z.string().regex(/^0*[1-9]\d{0,5}$/)
/** Decimal with '.' (e.g. "125.40"); converted to a number in map.ts. */
const decimal = z.string().regex(/^\d{1,9}(?:\.\d{1,4})?$/)
/** dd/MM/yyyy; map.ts rejects impossible dates (31/02). */
const dmyDate = z.string().regex(/^\d{1,2}\/\d{1,2}\/\d{4}$/)
const optionalDmyDate = z
  .union([dmyDate, z.literal('')])
  .optional()
  .transform((value) => (value === undefined || value === '' ? null : value))

export const mucDichSuDungSchema = element({
  Ma: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/),
  Ten: optionalText,
  DienTich: decimal,
  /** "Lâu dài" or "đến dd/MM/yyyy". */
  ThoiHan: text,
})

export const chuSuDungSchema = element({
  LoaiChu: z.enum(['CA_NHAN', 'TO_CHUC']),
  /** PIN (CA_NHAN) or tax code (TO_CHUC). */
  SoGiayTo: text,
  HoTen: optionalText,
  TenToChuc: optionalText,
  VaiTro: text,
  TyLe: optionalText,
})

export const giayChungNhanSchema = element({
  SoPhatHanh: text,
  SoVaoSo: optionalText,
  CoQuanCap: text,
  NgayCap: dmyDate,
  /** Còn hiệu lực | Đã thu hồi | Đã cấp đổi */
  TrangThai: text,
})

export const bienPhapBaoDamSchema = element({
  /** THE_CHAP | TRANH_CHAP | KE_BIEN | … */
  Loai: z
    .string()
    .trim()
    .regex(/^[A-Z_]{2,30}$/),
  NgayDangKy: dmyDate,
  NgayXoa: optionalDmyDate,
  BenNhan: optionalText,
  GhiChu: optionalText,
})

export const diaChiSchema = element({
  MaTinh: digits(2),
  /** Current (post-2025) commune. */
  MaXa: digits(5),
  ChiTiet: optionalText,
})

/** One parcel record (thửa đất). */
export const thuaDatSchema = element({
  MaThuaDat: text,
  /** Commune the map sheet was numbered in: may be pre-2025. */
  MaXa: digits(5),
  SoToBanDo: positiveInt,
  SoThua: positiveInt,
  DienTich: decimal,
  MucDichSuDung: list(mucDichSuDungSchema),
  NguonGoc: optionalText,
  HinhThucSuDung: optionalText,
  DiaChi: diaChiSchema.optional(),
  ChuSuDung: list(chuSuDungSchema),
  GiayChungNhan: list(giayChungNhanSchema),
  BienPhapBaoDam: list(bienPhapBaoDamSchema),
})
export type ThuaDat = z.output<typeof thuaDatSchema>

/** Records are checked one at a time by `thuaDatSchema`, so a list holds unknowns here. */
const records = element({ ThuaDat: list(z.unknown()) })

const envelope = <S extends z.ZodType>(body: S) => z.object({ Envelope: z.object({ Body: body }) })

export const traCuuThuaDatResponse = envelope(
  z.object({
    TraCuuThuaDatResponse: element({
      TraCuuThuaDatResult: element({ ThuaDat: z.array(z.unknown()).max(1).optional().default([]) }),
    }),
  }),
)

/** One holder's group in a `TraCuuThuaDatTheoChuSuDung` answer. */
export const holderGroupSchema = element({
  LoaiChu: z.enum(['CA_NHAN', 'TO_CHUC']),
  SoGiayTo: text,
  DanhSachThuaDat: records.optional(),
})

export const traCuuTheoChuSuDungResponse = envelope(
  z.object({
    TraCuuThuaDatTheoChuSuDungResponse: element({
      TraCuuThuaDatTheoChuSuDungResult: element({ KetQuaChuSuDung: list(z.unknown()) }),
    }),
  }),
)

export const traCuuTheoXaResponse = envelope(
  z.object({
    TraCuuThuaDatTheoXaResponse: element({
      TraCuuThuaDatTheoXaResult: element({
        TongSo: z.string().regex(/^\d{1,9}$/),
        DanhSachThuaDat: records.optional(),
      }),
    }),
  }),
)

export const kiemTraKetNoiResponse = envelope(
  z.object({
    KiemTraKetNoiResponse: element({
      KiemTraKetNoiResult: element({ TrangThai: text, PhienBan: optionalText }),
    }),
  }),
)

export const faultResponse = envelope(z.object({ Fault: z.object({ faultcode: z.string(), faultstring: z.string().optional() }) }))
