import type {
  Address,
  Citizen,
  CitizenVerification,
  CodeValue,
  Household,
  PersonName,
  RelatedPerson,
  ResidenceEntry,
  ResidenceStatus,
  Sex,
} from '../kit/index.js'
import { fromCompactDate, mapUpstream, parseUpstream } from '../kit/index.js'
import { normaliseDateTime } from '../../schemas/scalars/index.js'
import { congDanSchema, hoGiaDinhSchema, type CongDan, type DiaChi, type HoGiaDinh, type HoVaTen, type KetQuaXacThuc } from './upstream.js'

/**
 * Population wire records → canonical records (kit canonical.ts). Strings are NFC-normalised with
 * whitespace collapsed, because the registry mixes composed and decomposed Vietnamese; codes and
 * dates are normalised; anything that cannot be normalised throws, and `mapUpstream` turns that
 * into UPSTREAM_BAD_RESPONSE.
 */

/**
 * The 63-province-era codes used as the first three digits of a PIN: "0" + the old
 * 2-digit GSO code. PINs never change after the 2025 merger, so this table stays as it is.
 */
const BIRTH_PROVINCE_CODES = new Set([
  '01',
  '02',
  '04',
  '06',
  '08',
  '10',
  '11',
  '12',
  '14',
  '15',
  '17',
  '19',
  '20',
  '22',
  '24',
  '25',
  '26',
  '27',
  '30',
  '31',
  '33',
  '34',
  '35',
  '36',
  '37',
  '38',
  '40',
  '42',
  '44',
  '45',
  '46',
  '48',
  '49',
  '51',
  '52',
  '54',
  '56',
  '58',
  '60',
  '62',
  '64',
  '66',
  '67',
  '68',
  '70',
  '72',
  '74',
  '75',
  '77',
  '79',
  '80',
  '82',
  '83',
  '84',
  '86',
  '87',
  '89',
  '91',
  '92',
  '93',
  '94',
  '95',
  '96',
])

/** Nationality names the registry writes → ISO 3166-1 alpha-2; others keep only their name. */
const NATIONALITY_CODES: Record<string, string> = { 'việt nam': 'VN' }

/** NFC, trimmed, inner whitespace collapsed; empty → null. */
export function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null
  const text = value.normalize('NFC').replace(/\s+/g, ' ').trim()
  return text === '' ? null : text
}

function requiredText(value: string, field: string): string {
  const text = cleanText(value)
  if (text === null) throw new Error(`${field} is empty`)
  return text
}

export function toPersonName(name: HoVaTen): PersonName {
  const family = requiredText(name.Ho, 'HoVaTen.Ho')
  const middle = cleanText(name.ChuDem)
  const given = requiredText(name.Ten, 'HoVaTen.Ten')
  return { family, middle, given, full: [family, middle, given].filter(Boolean).join(' ') }
}

/** "Nam" / "Nữ" in any Unicode form or case; "Khác" → OTHER; absent or unrecognised → UNKNOWN. */
export function toSex(value: string | null | undefined): Sex {
  const text = cleanText(value)?.toLocaleLowerCase('vi')
  if (text === 'nam') return 'MALE'
  if (text === 'nữ') return 'FEMALE'
  if (text === 'khác') return 'OTHER'
  return 'UNKNOWN'
}

/** "001" → "01": the 63-era province where the birth was registered (not the current province). */
export function toBirthProvinceCode(maTinh3: string | null | undefined): string | null {
  if (!maTinh3) return null
  if (!/^0\d{2}$/.test(maTinh3)) throw new Error('NoiDangKyKhaiSinh.MaTinh3 is not a province code')
  const code = maTinh3.slice(1)
  if (!BIRTH_PROVINCE_CODES.has(code)) throw new Error('NoiDangKyKhaiSinh.MaTinh3 is not a known province')
  return code
}

/** A full `yyyyMMdd` date → `YYYY-MM-DD` (residence dates must be complete). */
export function fromCompactFullDate(value: string): string {
  const date = fromCompactDate(value)
  if (date.length !== 10) throw new RangeError('incomplete yyyyMMdd date')
  return date
}

export function toAddress(diaChi: DiaChi): Address {
  return {
    provinceCode: diaChi.MaTinh,
    communeCode: diaChi.MaXa,
    detail: cleanText(diaChi.ChiTiet),
    legacy: diaChi.MaHuyen ? { provinceCode: diaChi.MaTinh, districtCode: diaChi.MaHuyen, communeCode: diaChi.MaXa, text: null } : null,
    fullText: null,
  }
}

function toCodeValue(value: { Ma?: string | null | undefined; Ten: string } | null | undefined): CodeValue | null {
  if (!value) return null
  return { code: cleanText(value.Ma), name: requiredText(value.Ten, 'Ten') }
}

/** A name-only code list value (the registry sends display text, no code). */
function toNamedValue(value: string | null | undefined): CodeValue | null {
  const name = cleanText(value)
  return name === null ? null : { code: null, name }
}

function toNationality(value: string | null | undefined): CodeValue | null {
  const name = cleanText(value)
  if (name === null) return null
  return { code: NATIONALITY_CODES[name.toLocaleLowerCase('vi')] ?? null, name }
}

/** ABO group with an optional Rh sign is its own code; other text keeps only its name. */
function toBloodType(value: string | null | undefined): CodeValue | null {
  const name = cleanText(value)
  if (name === null) return null
  const code = name.toUpperCase().replace(/\s+/g, '')
  return { code: /^(O|A|B|AB)[+-]?$/.test(code) ? code : null, name }
}

function toRelatedPerson(person: CongDan['Cha']): RelatedPerson | null {
  if (!person) return null
  return { name: toPersonName(person.HoVaTen), pin: person.SoDinhDanh ?? null, nationality: toNationality(person.QuocTich) }
}

function toResidence(congDan: CongDan): ResidenceStatus {
  const permanent = congDan.ThuongTru ? toAddress(congDan.ThuongTru) : null
  const temporary = congDan.TamTru
    ? {
        address: toAddress(congDan.TamTru),
        validUntil: congDan.TamTru.NgayHetHan ? fromCompactFullDate(congDan.TamTru.NgayHetHan) : null,
      }
    : null
  const history: ResidenceEntry[] = (congDan.QuaTrinhCuTru ?? []).map((entry) => ({
    kind: entry.LoaiCuTru === 'THUONG_TRU' ? 'PERMANENT' : 'TEMPORARY',
    address: toAddress(entry.DiaChi),
    from: fromCompactFullDate(entry.TuNgay),
    to: entry.DenNgay ? fromCompactFullDate(entry.DenNgay) : null,
  }))
  return {
    permanent,
    temporary,
    // The registry leaves NoiOHienTai out when the person lives at their permanent address.
    current: congDan.NoiOHienTai ? toAddress(congDan.NoiOHienTai) : permanent,
    temporaryAbsence: congDan.TamVang ?? false,
    history,
  }
}

function toDataAsOf(value: string | null | undefined): string {
  const text = cleanText(value)
  if (text === null || normaliseDateTime(text) === null) throw new Error('ThoiDiemDuLieu is not an ISO 8601 instant')
  return text
}

/**
 * A parsed CongDan → canonical Citizen. `envelopeDataAsOf` is the answer's ThoiDiemDuLieu, used
 * when the record does not carry its own. Throws on values that cannot be normalised.
 */
export function toCitizen(congDan: CongDan, envelopeDataAsOf?: string | null): Citizen {
  const birth = typeof congDan.NgayThangNamSinh === 'string' ? congDan.NgayThangNamSinh : congDan.NgayThangNamSinh.NgayThangNam
  const quocTich = congDan.QuocTich ?? []
  return {
    pin: congDan.SoDinhDanh,
    legacyIdNumber: congDan.SoCMND || null,
    name: toPersonName(congDan.HoVaTen),
    birthDate: fromCompactDate(birth),
    sex: toSex(congDan.GioiTinh),
    birthRegistrationProvinceCode: toBirthProvinceCode(congDan.NoiDangKyKhaiSinh?.MaTinh3),
    hometown: cleanText(congDan.QueQuan),
    ethnicity: toCodeValue(congDan.DanToc),
    religion: toCodeValue(congDan.TonGiao),
    nationality: (Array.isArray(quocTich) ? quocTich : [quocTich]).map(toNationality).filter((value): value is CodeValue => value !== null),
    maritalStatus: toNamedValue(congDan.TinhTrangHonNhan),
    bloodType: toBloodType(congDan.NhomMau),
    father: toRelatedPerson(congDan.Cha),
    mother: toRelatedPerson(congDan.Me),
    spouse: toRelatedPerson(congDan.VoChong),
    residence: toResidence(congDan),
    household: congDan.ChuHo
      ? { householdId: congDan.ChuHo.MaHoGiaDinh, relationToHead: { code: null, name: requiredText(congDan.ChuHo.QuanHeChuHo, 'QuanHeChuHo') } }
      : null,
    deceasedOn: congDan.NgayMat ? fromCompactDate(congDan.NgayMat) : null,
    dataAsOf: toDataAsOf(congDan.ThoiDiemDuLieu ?? envelopeDataAsOf),
  }
}

export function toHousehold(hoGiaDinh: HoGiaDinh): Household {
  return {
    id: hoGiaDinh.MaHoGiaDinh,
    headPin: hoGiaDinh.ChuHo.SoDinhDanh,
    members: hoGiaDinh.ThanhVien.map((member) => ({
      pin: member.SoDinhDanh,
      relationToHead: { code: null, name: requiredText(member.QuanHeChuHo, 'QuanHeChuHo') },
    })),
    address: hoGiaDinh.DiaChi ? toAddress(hoGiaDinh.DiaChi) : null,
  }
}

/** A match needs both: the PIN exists and the name and birth date agree with it. */
export function toVerification(pin: string, ketQua: KetQuaXacThuc): CitizenVerification {
  return { pin, match: ketQua.TonTai && ketQua.KhopThongTin }
}

/** Parses and maps one raw CongDan record; any misfit becomes UPSTREAM_BAD_RESPONSE. */
export function mapCitizen(record: unknown, envelopeDataAsOf?: string | null, path?: string): Citizen {
  const congDan = parseUpstream('population', congDanSchema, record, path)
  return mapUpstream('population', () => toCitizen(congDan, envelopeDataAsOf), path)
}

/** Parses and maps one raw HoGiaDinh record; any misfit becomes UPSTREAM_BAD_RESPONSE. */
export function mapHousehold(record: unknown, path?: string): Household {
  const hoGiaDinh = parseUpstream('population', hoGiaDinhSchema, record, path)
  return mapUpstream('population', () => toHousehold(hoGiaDinh), path)
}
