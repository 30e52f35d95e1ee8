import type { StatusName } from '../../connectors/index.js'

/**
 * A dossier's status: the national public-service portal's codes (TrangThaiHoSo 1–10), which
 * vendor systems across the country already use, with the portal's Vietnamese names. The
 * gateway's own names are the GraphQL enum values.
 */
export const DOSSIER_STATUSES = [
  { code: 1, name: 'NEW', vi: 'Mới đăng ký', open: true },
  { code: 2, name: 'ACCEPTED', vi: 'Được tiếp nhận', open: true },
  { code: 3, name: 'REJECTED', vi: 'Không được tiếp nhận', open: false },
  { code: 4, name: 'PROCESSING', vi: 'Đang xử lý', open: true },
  { code: 5, name: 'SUPPLEMENT_REQUESTED', vi: 'Yêu cầu bổ sung giấy tờ', open: true },
  { code: 6, name: 'FEES_DUE', vi: 'Yêu cầu thực hiện nghĩa vụ tài chính', open: true },
  { code: 7, name: 'WITHDRAWN', vi: 'Công dân yêu cầu rút hồ sơ', open: false },
  { code: 8, name: 'STOPPED', vi: 'Dừng xử lý', open: false },
  // Processed is not open: no step changes its outcome, only returning the result ends it.
  { code: 9, name: 'PROCESSED', vi: 'Đã xử lý xong', open: false },
  { code: 10, name: 'RESULT_RETURNED', vi: 'Đã trả kết quả', open: false },
] as const

export type DossierStatus = (typeof DOSSIER_STATUSES)[number]['name']
export type PortalStatusCode = (typeof DOSSIER_STATUSES)[number]['code']

const byName = new Map<string, (typeof DOSSIER_STATUSES)[number]>(DOSSIER_STATUSES.map((status) => [status.name, status]))
const byCode = new Map<number, (typeof DOSSIER_STATUSES)[number]>(DOSSIER_STATUSES.map((status) => [status.code, status]))

/** The portal's code of a status (what its sync and progress messages carry). */
export const portalCode = (status: DossierStatus): PortalStatusCode => byName.get(status)!.code

/** The status a portal code stands for, or null for a code outside 1–10. */
export const statusOfPortalCode = (code: number): DossierStatus | null => byCode.get(code)?.name ?? null

/** The portal's Vietnamese name of a status. */
export const vietnameseName = (status: DossierStatus): string => byName.get(status)!.vi

/** The table and the partners' message contract name the same statuses (a compile-time check). */
const sameStatuses: [DossierStatus] extends [StatusName] ? ([StatusName] extends [DossierStatus] ? true : false) : false = true
void sameStatuses
