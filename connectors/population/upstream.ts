import { z } from 'zod'

/**
 * The population registry's wire format (CSDLQG về dân cư, REST/JSON with Vietnamese field names),
 * as zod schemas. Nothing the registry sends is trusted: every payload goes through one of these
 * before `map.ts` sees it. Schemas check shape and formats (12-digit PINs, 2/5-digit unit codes,
 * compact dates); whether a date exists (31 February) is checked when mapping.
 */

/** Result codes of the envelope (`MaLoi`), in the style of provincial LGSP services. */
export const MA_LOI = {
  OK: '00',
  AUTHEN_ERROR: '100',
  RECORD_NOT_FOUND: '201',
  DATA_TYPE_INVALID: '302',
  TOO_MANY_RECORDS: '303',
  SERVICE_NOT_FOUND: '404',
} as const

/** The envelope every answer carries; extra keys are the operation's payload. */
export const envelopeSchema = z.object({
  MaLoi: z.string(),
  MoTa: z.string().nullish(),
  ThoiDiemDuLieu: z.string().nullish(),
})
export type Envelope = z.output<typeof envelopeSchema>

const pin = z.string().regex(/^\d{12}$/)
/** `yyyyMMdd`, or `yyyyMM` / `yyyy` when only part of the date is known. */
const compactPartialDate = z.string().regex(/^\d{4}(\d{2}(\d{2})?)?$/)
const compactFullDate = z.string().regex(/^\d{8}$/)

/** Họ, chữ đệm, tên: the middle name is often absent or sent as an empty string. */
export const hoVaTenSchema = z.object({
  Ho: z.string().trim().min(1),
  ChuDem: z.string().nullish(),
  Ten: z.string().trim().min(1),
})
export type HoVaTen = z.output<typeof hoVaTenSchema>

/** A code-list value (danh mục dùng chung): code and display name. */
const maTenSchema = z.object({ Ma: z.string().nullish(), Ten: z.string().trim().min(1) })

/** An address after the 2025 reform (tỉnh, xã), with the old district where the record has one. */
export const diaChiSchema = z.object({
  MaTinh: z.string().regex(/^\d{2}$/),
  MaXa: z.string().regex(/^\d{5}$/),
  MaHuyen: z
    .string()
    .regex(/^\d{3}$/)
    .nullish(),
  ChiTiet: z.string().nullish(),
})
export type DiaChi = z.output<typeof diaChiSchema>

const tamTruSchema = diaChiSchema.extend({ NgayHetHan: compactFullDate.nullish() })

/** Father, mother or spouse: a person who may have no PIN (e.g. a foreign national). */
const nguoiLienQuanSchema = z.object({
  SoDinhDanh: pin.nullish(),
  HoVaTen: hoVaTenSchema,
  QuocTich: z.string().nullish(),
})

const quaTrinhCuTruSchema = z.object({
  LoaiCuTru: z.enum(['THUONG_TRU', 'TAM_TRU']),
  DiaChi: diaChiSchema,
  TuNgay: compactFullDate,
  DenNgay: compactFullDate.nullish(),
})

export const congDanSchema = z.object({
  SoDinhDanh: pin,
  SoCMND: z
    .string()
    .regex(/^(\d{9}|\d{12})$/)
    .or(z.literal(''))
    .nullish(),
  HoVaTen: hoVaTenSchema,
  // The legacy SOAP shape wraps the date as { NgayThangNam }; accept both.
  NgayThangNamSinh: z.union([compactPartialDate, z.object({ NgayThangNam: compactPartialDate })]),
  GioiTinh: z.string().nullish(),
  DanToc: maTenSchema.nullish(),
  TonGiao: maTenSchema.nullish(),
  QuocTich: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1))]).nullish(),
  TinhTrangHonNhan: z.string().nullish(),
  NhomMau: z.string().nullish(),
  NoiDangKyKhaiSinh: z.object({ MaTinh3: z.string().regex(/^\d{3}$/) }).nullish(),
  QueQuan: z.string().nullish(),
  Cha: nguoiLienQuanSchema.nullish(),
  Me: nguoiLienQuanSchema.nullish(),
  VoChong: nguoiLienQuanSchema.nullish(),
  ThuongTru: diaChiSchema.nullish(),
  TamTru: tamTruSchema.nullish(),
  NoiOHienTai: diaChiSchema.nullish(),
  TamVang: z.boolean().nullish(),
  QuaTrinhCuTru: z.array(quaTrinhCuTruSchema).nullish(),
  ChuHo: z.object({ MaHoGiaDinh: z.string().trim().min(1), QuanHeChuHo: z.string().trim().min(1) }).nullish(),
  NgayMat: compactPartialDate.nullish(),
  ThoiDiemDuLieu: z.string().nullish(),
})
export type CongDan = z.output<typeof congDanSchema>

export const hoGiaDinhSchema = z.object({
  MaHoGiaDinh: z.string().trim().min(1),
  ChuHo: z.object({ SoDinhDanh: pin, HoVaTen: hoVaTenSchema.nullish() }),
  ThanhVien: z.array(z.object({ SoDinhDanh: pin, HoVaTen: hoVaTenSchema.nullish(), QuanHeChuHo: z.string().trim().min(1) })),
  DiaChi: diaChiSchema.nullish(),
})
export type HoGiaDinh = z.output<typeof hoGiaDinhSchema>

export const ketQuaXacThucSchema = z.object({ TonTai: z.boolean(), KhopThongTin: z.boolean() })
export type KetQuaXacThuc = z.output<typeof ketQuaXacThucSchema>

// Operation payloads. Batch lists are `unknown[]` on purpose: each record is parsed on its own so
// one malformed citizen fails only its own key, not the whole batch.
export const congDanResponseSchema = envelopeSchema.extend({ CongDan: z.unknown() })
export const congDanBatchResponseSchema = envelopeSchema.extend({ DanhSachCongDan: z.array(z.unknown()) })
export const hoGiaDinhResponseSchema = envelopeSchema.extend({ HoGiaDinh: z.unknown() })
export const hoGiaDinhBatchResponseSchema = envelopeSchema.extend({ DanhSachHoGiaDinh: z.array(z.unknown()) })
export const xacThucResponseSchema = envelopeSchema.extend({ KetQua: ketQuaXacThucSchema })

/** Reads only the key of a batch record, to tell which requested key a malformed record was for. */
export const congDanKeySchema = z.object({ SoDinhDanh: z.string() })
export const hoGiaDinhKeySchema = z.object({ MaHoGiaDinh: z.string() })
