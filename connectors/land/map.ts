import { normalisePin, normaliseTaxCode } from '../../schemas/scalars/index.js'
import {
  addressTextOf,
  fromDmyFullDate,
  mapUpstream,
  parseUpstream,
  type Address,
  type Encumbrance,
  type LandCertificate,
  type LandHolder,
  type LandParcel,
  type LandUse,
} from '../kit/index.js'
import { landTypeNames, normaliseLandType } from './wire/land-types.js'
import { parseParcelKey } from '../kit/index.js'
import { thuaDatSchema, type ThuaDat } from './upstream.js'

/**
 * Land registry `ThuaDat` → canonical `LandParcel`. Codes and dates are normalised here; anything
 * that does not fit (an impossible date, an unknown land-type code, a holder id that is not a PIN
 * or tax code) throws, and `mapParcel` turns that into `UPSTREAM_BAD_RESPONSE`.
 */

/** Parses and maps one raw `ThuaDat` (as `parseXml` returns it). Throws `ConnectorError`. */
export function mapParcel(raw: unknown, path?: string): LandParcel {
  const record = parseUpstream('land', thuaDatSchema, raw, path)
  return mapUpstream('land', () => toLandParcel(record), path)
}

/** Maps a `ThuaDat` that zod accepted; throws a plain Error on values it cannot normalise. */
export function toLandParcel(record: ThuaDat): LandParcel {
  const key = parseParcelKey(record.MaThuaDat)
  const mapSheetNo = Number(record.SoToBanDo)
  const parcelNo = Number(record.SoThua)
  // The key repeats the other three fields; a registry that disagrees with itself is not trusted.
  if (!key || key.communeCode !== record.MaXa || key.mapSheetNo !== mapSheetNo || key.parcelNo !== parcelNo) {
    throw new Error('MaThuaDat does not match MaXa.SoToBanDo.SoThua')
  }
  return {
    parcelKey: `${record.MaXa}.${mapSheetNo}.${parcelNo}`,
    // As is: map sheets keep the pre-2025 commune they were numbered in.
    communeCode: record.MaXa,
    mapSheetNo,
    parcelNo,
    area: Number(record.DienTich),
    uses: record.MucDichSuDung.map(toLandUse),
    origin: record.NguonGoc === null ? null : { code: null, name: nfc(record.NguonGoc) },
    useForm: record.HinhThucSuDung === null ? null : { code: null, name: nfc(record.HinhThucSuDung) },
    address: record.DiaChi ? toAddress(record.DiaChi) : null,
    holders: record.ChuSuDung.map(toHolder),
    certificates: record.GiayChungNhan.map(toCertificate),
    encumbrances: record.BienPhapBaoDam.map(toEncumbrance),
  }
}

const nfc = (value: string) => value.normalize('NFC')
/** Lower-cased NFC text with single spaces, for matching the registry's display strings. */
const folded = (value: string) => nfc(value).trim().replace(/\s+/g, ' ').toLowerCase()

function toLandUse(use: ThuaDat['MucDichSuDung'][number]): LandUse {
  const typeCode = normaliseLandType(use.Ma)
  if (typeCode === null) throw new Error(`unknown land-type code ${use.Ma}`)
  return { typeCode, typeName: landTypeNames[typeCode] as string, area: Number(use.DienTich), ...parseTerm(use.ThoiHan) }
}

/** "Lâu dài" (indefinite) → no end date; "đến dd/MM/yyyy" → that date. */
export function parseTerm(value: string): { term: string; until: string | null } {
  const term = nfc(value).trim().replace(/\s+/g, ' ')
  if (/^(ổn định )?lâu dài$/iu.test(term)) return { term, until: null }
  const match = /^đến (?:ngày )?(\d{1,2}\/\d{1,2}\/\d{4})$/iu.exec(term)
  if (!match) throw new Error('ThoiHan is neither "Lâu dài" nor "đến dd/MM/yyyy"')
  return { term, until: fromDmyFullDate(match[1] as string) }
}

function toAddress(address: NonNullable<ThuaDat['DiaChi']>): Address {
  const detail = address.ChiTiet === null ? null : nfc(address.ChiTiet)
  return {
    provinceCode: address.MaTinh,
    communeCode: address.MaXa,
    detail,
    legacy: null,
    fullText: addressTextOf(detail, [address.MaXa, address.MaTinh]),
  }
}

function toHolder(holder: ThuaDat['ChuSuDung'][number]): LandHolder {
  const role = { code: null, name: nfc(holder.VaiTro) }
  const share = holder.TyLe === null ? null : nfc(holder.TyLe)
  if (holder.LoaiChu === 'CA_NHAN') {
    const pin = normalisePin(holder.SoGiayTo)
    if (pin === null) throw new Error('CA_NHAN holder without a 12-digit SoGiayTo')
    if (holder.HoTen === null) throw new Error('CA_NHAN holder without HoTen')
    return { kind: 'PERSON', role, pin, taxCode: null, name: nfc(holder.HoTen), share }
  }
  const taxCode = normaliseTaxCode(holder.SoGiayTo)
  if (taxCode === null) throw new Error('TO_CHUC holder without a valid tax code')
  if (holder.TenToChuc === null) throw new Error('TO_CHUC holder without TenToChuc')
  return { kind: 'ENTERPRISE', role, pin: null, taxCode, name: nfc(holder.TenToChuc), share }
}

const certificateStatuses: Record<string, LandCertificate['status']> = {
  'còn hiệu lực': 'VALID',
  'đã thu hồi': 'REVOKED',
  'đã cấp đổi': 'REPLACED',
  'đã cấp lại': 'REPLACED',
}

function toCertificate(certificate: ThuaDat['GiayChungNhan'][number]): LandCertificate {
  const status = certificateStatuses[folded(certificate.TrangThai)]
  if (status === undefined) throw new Error('unknown certificate TrangThai')
  return {
    serial: certificate.SoPhatHanh,
    registryEntryNo: certificate.SoVaoSo,
    issuedBy: nfc(certificate.CoQuanCap),
    issuedOn: fromDmyFullDate(certificate.NgayCap),
    status,
  }
}

/** Registry encumbrance codes; other codes (ngăn chặn, …) are kept as OTHER, not rejected. */
const encumbranceKinds: Record<string, Encumbrance['kind']> = {
  THE_CHAP: 'MORTGAGE',
  TRANH_CHAP: 'DISPUTE',
  KE_BIEN: 'SEIZURE',
}

function toEncumbrance(encumbrance: ThuaDat['BienPhapBaoDam'][number]): Encumbrance {
  const registeredOn = fromDmyFullDate(encumbrance.NgayDangKy)
  const releasedOn = encumbrance.NgayXoa === null ? null : fromDmyFullDate(encumbrance.NgayXoa)
  return {
    kind: encumbranceKinds[encumbrance.Loai] ?? 'OTHER',
    registeredOn,
    releasedOn,
    holderName: encumbrance.BenNhan === null ? null : nfc(encumbrance.BenNhan),
    note: encumbrance.GhiChu === null ? null : nfc(encumbrance.GhiChu),
  }
}
