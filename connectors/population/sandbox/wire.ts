import type { z } from 'zod'
import { partsOf, toCompactDate } from '../../kit/index.js'
import type { WorldAddress, WorldHousehold, WorldPerson } from '../../kit/sandbox/index.js'
import type { congDanSchema, hoGiaDinhSchema } from '../upstream.js'

/**
 * World records → the population registry's wire format: Vietnamese field names, `yyyyMMdd`
 * dates, code/name pairs. Typed as the input of the connector's own zod schemas, so the sandbox
 * cannot drift from what the connector parses without the compiler saying so.
 */

export type CongDanWire = z.input<typeof congDanSchema>
export type HoGiaDinhWire = z.input<typeof hoGiaDinhSchema>
type DiaChiWire = NonNullable<CongDanWire['ThuongTru']>

/** Temporary residence is registered for at most two years (Luật Cư trú 2020, art. 27). */
const TEMPORARY_RESIDENCE_YEARS = 2

/** An instant in Vietnam time, as the registry writes ThoiDiemDuLieu. */
export function vietnamTime(date: Date): string {
  return `${new Date(date.getTime() + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`
}

export function fullName(person: WorldPerson): string {
  return [person.family, person.middle, person.given].filter(Boolean).join(' ')
}

const hoVaTen = (person: WorldPerson) => ({ Ho: person.family, ChuDem: person.middle ?? '', Ten: person.given })

function diaChi(address: WorldAddress): DiaChiWire {
  return {
    MaTinh: address.provinceCode,
    MaXa: address.communeCode,
    ...(address.legacyDistrictCode ? { MaHuyen: address.legacyDistrictCode } : {}),
    ChiTiet: address.detail,
  }
}

function relative(pin: string | null, people: ReadonlyMap<string, WorldPerson>) {
  const person = pin ? people.get(pin) : undefined
  return person ? { SoDinhDanh: person.pin, HoVaTen: hoVaTen(person), QuocTich: 'Việt Nam' } : undefined
}

function yearsBefore(date: string, years: number): string {
  const { year, month, day } = partsOf(date)
  return `${String(year - years).padStart(4, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`
}

function residenceHistory(person: WorldPerson): NonNullable<CongDanWire['QuaTrinhCuTru']> {
  const history: NonNullable<CongDanWire['QuaTrinhCuTru']> = []
  if (person.previousPermanent) {
    const { address, from, movedOn } = person.previousPermanent
    history.push({ LoaiCuTru: 'THUONG_TRU', DiaChi: diaChi(address), TuNgay: toCompactDate(from), DenNgay: toCompactDate(movedOn) })
  }
  history.push({ LoaiCuTru: 'THUONG_TRU', DiaChi: diaChi(person.permanent), TuNgay: toCompactDate(person.permanentSince) })
  if (person.temporary) {
    const { address, validUntil } = person.temporary
    history.push({
      LoaiCuTru: 'TAM_TRU',
      DiaChi: diaChi(address),
      TuNgay: yearsBefore(validUntil, TEMPORARY_RESIDENCE_YEARS),
      DenNgay: toCompactDate(validUntil),
    })
  }
  return history
}

/** One citizen as `GET /api/v1/cong-dan/{SoDinhDanh}` returns it. */
export function toCongDan(person: WorldPerson, people: ReadonlyMap<string, WorldPerson>, dataAsOf: string): CongDanWire {
  const father = relative(person.fatherPin, people)
  const mother = relative(person.motherPin, people)
  const spouse = relative(person.spousePin, people)
  return {
    SoDinhDanh: person.pin,
    ...(person.legacyIdNumber ? { SoCMND: person.legacyIdNumber } : {}),
    HoVaTen: hoVaTen(person),
    NgayThangNamSinh: toCompactDate(person.birthDate),
    GioiTinh: person.sex === 'MALE' ? 'Nam' : 'Nữ',
    DanToc: { Ma: person.ethnicity[0], Ten: person.ethnicity[1] },
    TonGiao: { Ma: person.religion[0], Ten: person.religion[1] },
    QuocTich: 'Việt Nam',
    TinhTrangHonNhan: person.maritalStatus,
    NhomMau: person.bloodType,
    NoiDangKyKhaiSinh: { MaTinh3: person.birthProvincePrefix },
    QueQuan: person.hometown,
    ...(father ? { Cha: father } : {}),
    ...(mother ? { Me: mother } : {}),
    ...(spouse ? { VoChong: spouse } : {}),
    ThuongTru: diaChi(person.permanent),
    ...(person.temporary ? { TamTru: { ...diaChi(person.temporary.address), NgayHetHan: toCompactDate(person.temporary.validUntil) } } : {}),
    // Someone with a temporary residence who has not declared an absence lives there now; the
    // registry omits NoiOHienTai when it is the permanent address.
    ...(person.temporary && !person.temporaryAbsence ? { NoiOHienTai: diaChi(person.temporary.address) } : {}),
    TamVang: person.temporaryAbsence,
    QuaTrinhCuTru: residenceHistory(person),
    ChuHo: { MaHoGiaDinh: person.householdId, QuanHeChuHo: person.relationToHead },
    NgayMat: person.deceasedOn ? toCompactDate(person.deceasedOn) : null,
    ThoiDiemDuLieu: dataAsOf,
  }
}

/** One household as `GET /api/v1/ho-gia-dinh/{MaHoGiaDinh}` returns it. */
export function toHoGiaDinh(household: WorldHousehold, people: ReadonlyMap<string, WorldPerson>): HoGiaDinhWire {
  const head = people.get(household.headPin)
  return {
    MaHoGiaDinh: household.id,
    ChuHo: { SoDinhDanh: household.headPin, ...(head ? { HoVaTen: hoVaTen(head) } : {}) },
    ThanhVien: household.members.map((member) => {
      const person = people.get(member.pin)
      return { SoDinhDanh: member.pin, ...(person ? { HoVaTen: hoVaTen(person) } : {}), QuanHeChuHo: member.relation }
    }),
    DiaChi: diaChi(household.address),
  }
}
