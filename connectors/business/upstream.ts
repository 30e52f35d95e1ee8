import { z } from 'zod'
import type { EnterpriseStatusCode } from '../kit/index.js'

/**
 * The business registry's wire format (CSDL quốc gia về đăng ký doanh nghiệp, as exposed through
 * an LGSP). Every payload is parsed here before anything reads it. Unknown extra
 * fields are dropped (the registry adds columns over time); missing or mistyped ones fail.
 */

/** Routes of the registry API, relative to its base URL. */
export const paths = {
  detail: '/api/dkdn/chiTietDoanhNghiep',
  batch: '/api/dkdn/chiTietNhieuDoanhNghiep',
  search: '/api/dkdn/timKiemDoanhNghiep',
  health: '/api/dkdn/health',
} as const

/** The registry takes at most this many codes per batch call and this many rows per page. */
export const REGISTRY_MAX_BATCH = 100

/**
 * The registry's own status ids (`ENTERPRISE_STATUS_ID`, the `trangThai` search parameter).
 * Only the search filter needs them: records are mapped from the status text.
 */
export const statusIdByCode: Record<EnterpriseStatusCode, number> = {
  ACTIVE: 1,
  SUSPENDED: 2,
  DISSOLVING: 3,
  DISSOLVED: 4,
  NOT_AT_ADDRESS: 5,
  REVOKED: 6,
  BANKRUPTCY: 7,
}

const requiredText = z.string().trim().min(1)
/** The registry writes a missing value as null, as an empty string, or leaves the key out. */
const optionalText = z
  .string()
  .nullish()
  .transform((value) => {
    const trimmed = value?.trim()
    return trimmed ? trimmed : null
  })
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((items) => items ?? [])

/** `HOAdress` (sic) and the address of a branch. Ids are numbers in the registry's own system. */
export const addressSchema = z.object({
  CityID: z.number().int().min(1).max(99),
  CityName: optionalText,
  DistrictID: z.number().int().min(1).max(999).nullish(),
  DistrictName: optionalText,
  WardID: z.number().int().min(1).max(99_999),
  WardName: optionalText,
  StreetNumber: optionalText,
  AddressFullText: optionalText,
})

export const mainInformationSchema = z.object({
  ENTERPRISE_ID: z.number().int(),
  ENTERPRISE_GDT_CODE: requiredText,
  IMP_BUSINESS_CODE: optionalText,
  ENTERPRISE_TYPE_ID: z.number().int(),
  ENTERPRISE_TYPE_NAME: requiredText,
  NAME: requiredText,
  SHORT_NAME: optionalText,
  NAME_F: optionalText,
  /** dd/MM/yyyy */
  FOUNDING_DATE: requiredText,
  LAST_AMEND_DATE: optionalText,
  NUMBER_CHANGES: z.number().int().min(0).nullish(),
  ENTERPRISE_STATUS: requiredText,
  ENTERPRISE_STATUS_ID: z.number().int().nullish(),
  LEGAL_NAMES: optionalText,
  CAPITAL_AMOUNT: z.number().min(0).nullish(),
  /** Registering office (Phòng Đăng ký kinh doanh). */
  SITE_NAME: optionalText,
  /** Set on branch records only: the enterprise the branch belongs to. */
  PARENT_GDT_CODE: optionalText,
})

export const businessActivitySchema = z.object({
  CODE: z
    .string()
    .trim()
    .regex(/^\d{4}$/),
  NAME: requiredText,
  IS_MAIN: z.enum(['Y', 'N']),
  VSIC_VERSION: z.enum(['2018', '2025']),
})

export const memberSchema = z.object({
  MEMBER_NAME: requiredText,
  AMOUNT: z.number().min(0).nullish(),
  RATIO_PERCENT: z.number().min(0).max(100).nullish(),
  COUNTRY: optionalText,
})

export const legalRepresentativeSchema = z.object({
  FULL_NAME: requiredText,
  POSITION: requiredText,
  ID_NUMBER: optionalText,
  NATIONALITY: optionalText,
})

export const branchSchema = z.object({
  BRANCH_CODE: requiredText,
  BRANCH_TYPE: z.enum(['CN', 'VPDD']),
  BRANCH_NAME: requiredText,
  ADDRESS: addressSchema.nullish(),
  STATUS: optionalText,
})

/** One enterprise (or branch) as `chiTietDoanhNghiep` returns it in `Data`. */
export const enterpriseRecordSchema = z.object({
  MainInformation: mainInformationSchema,
  HOAdress: addressSchema,
  BusinessActivity: list(businessActivitySchema),
  Member: list(memberSchema),
  LegalRepresentative: list(legalRepresentativeSchema),
  Branch: list(branchSchema),
})
export type EnterpriseRecord = z.output<typeof enterpriseRecordSchema>
export type WireAddress = z.output<typeof addressSchema>

/**
 * Just enough of a record to tell which code it answers, so a batch can blame a malformed record
 * on its own key rather than failing every key.
 */
export const recordKeySchema = z.object({
  MainInformation: z.object({ ENTERPRISE_GDT_CODE: z.string() }),
})

/** The registry's envelope: `Status` 1 = success, 0 = failure (with `Message`). */
const envelope = <T extends z.ZodType>(data: T) =>
  z.object({
    Status: z.number().int(),
    Message: z.string().nullish(),
    DataCount: z.number().int().min(0).nullish(),
    Data: data,
  })

/** Records are parsed one by one later: a bad one must not sink the others. */
export const detailEnvelopeSchema = envelope(z.unknown())
export const batchEnvelopeSchema = envelope(z.array(z.unknown()).nullable())
/** Search rows are summaries (MainInformation + HOAdress); only the code is read from them. */
export const searchEnvelopeSchema = envelope(z.array(recordKeySchema).nullable()).extend({
  DataCount: z.number().int().min(0),
})
export const healthEnvelopeSchema = envelope(z.unknown().optional())
