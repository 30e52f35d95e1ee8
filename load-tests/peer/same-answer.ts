/**
 * Does the peer answer what we answer? Maps the peer's answer (the registries' own names and
 * formats) onto our canonical shape for the entry's query, then compares field by field.
 *
 * The mapping, and where the two genuinely differ:
 *  - enterprise: code ← ENTERPRISE_GDT_CODE, nameVi ← NAME, status.name ← ENTERPRISE_STATUS,
 *    headOffice.province.code ← CityID as the 2-digit code it stands for (1 → "01").
 *    legalRepresentatives: title ← POSITION; name.full ← FULL_NAME compared case-insensitively
 *    (the registry stores names upper-case; ours title-cases them, a derivation the peer does not
 *    make; the letters must be the same); pin ← ID_NUMBER, compared through our mask (see below).
 *  - landParcel: parcelKey ← MaThuaDat, area ← DienTich, uses.typeCode ← Ma, certificates:
 *    serial ← SoPhatHanh, status ← TrangThai read through the registry's status texts (our enum
 *    names them); holders: kind ← LoaiChu (CA_NHAN → PERSON, TO_CHUC → ENTERPRISE),
 *    name ← HoTen or TenToChuc, pin ← SoGiayTo for a person (null for an organisation, whose
 *    number is a tax code).
 *  - verifyCitizen: match ← TonTai && KhopThongTin. The registry's answer carries no PIN (ours
 *    echoes the masked PIN asked about), so `pin` is not compared.
 *  - citizen: pin ← SoDinhDanh, name.full ← Ho ChuDem Ten, birthDate ← NgayThangNamSinh
 *    (yyyyMMdd → yyyy-MM-dd), residence.permanent.commune ← ThuongTru.commune (the peer's code
 *    list, admin-units.ts).
 *  - connectivity: administrativeUnit as is (both from the code list).
 *  - Masks: ours masks PINs by policy (`********3913`); the peer has no policy and shows the
 *    whole PIN. Where ours is masked, the peer's PIN is compared as ours shows it: the same
 *    length and the same visible end. An unmasked value of ours is compared whole.
 */
import type { MixEntry } from '../bench/scenarios.js'
import { queryKeyOf, type QueryKey } from './queries.js'

type Json = any // answers are untyped JSON; each mapper reads the shape its query selected

const fold = (text: unknown) => (typeof text === 'string' ? text.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('vi') : text)

/** The peer's value as ours shows it: masked the same way when ours is masked, else as is. */
function asOursShows(ours: unknown, peers: unknown): unknown {
  if (typeof ours !== 'string' || typeof peers !== 'string') return peers
  const masked = /^(\*+)([^*]*)$/.exec(ours)
  if (!masked) return peers
  const visible = masked[2]!.length
  return `${'*'.repeat(Math.max(0, peers.length - visible))}${visible ? peers.slice(-visible) : ''}`
}

const certificateStatus: Record<string, string> = { 'còn hiệu lực': 'VALID', 'đã thu hồi': 'REVOKED', 'đã cấp đổi': 'REPLACED', 'đã cấp lại': 'REPLACED' }
const holderKind: Record<string, string> = { CA_NHAN: 'PERSON', TO_CHUC: 'ENTERPRISE' }

function compactToIso(value: string | null | undefined): string | null {
  const match = value ? /^(\d{4})(\d{2})?(\d{2})?$/.exec(value) : null
  return match ? [match[1], match[2], match[3]].filter(Boolean).join('-') : (value ?? null)
}

/** Per query: [ours as compared, the peer's answer mapped onto the same shape]. */
const project: Record<QueryKey, (ours: Json, peers: Json) => [unknown, unknown]> = {
  taxEnterprise(ours, peers) {
    const record = peers.chiTietDoanhNghiep?.Data
    const main = record?.MainInformation
    const reps: Json[] = ours.enterprise?.legalRepresentatives ?? []
    const oursSide = ours.enterprise && {
      ...ours.enterprise,
      legalRepresentatives: reps.map((rep) => ({ ...rep, name: { full: fold(rep.name?.full) } })),
    }
    const peerSide = record && {
      code: main.ENTERPRISE_GDT_CODE,
      nameVi: main.NAME,
      status: { name: main.ENTERPRISE_STATUS },
      headOffice: { province: { code: String(record.HOAdress.CityID).padStart(2, '0') } },
      legalRepresentatives: (record.LegalRepresentative ?? []).map((rep: Json, i: number) => ({
        name: { full: fold(rep.FULL_NAME) },
        title: rep.POSITION,
        pin: asOursShows(reps[i]?.pin, rep.ID_NUMBER ?? null),
      })),
    }
    return [oursSide ?? null, peerSide ?? null]
  },
  landParcel(ours, peers) {
    const parcel = peers.tns_DatDai_DatDaiSoap_TraCuuThuaDat?.TraCuuThuaDatResult?.ThuaDat
    const holders: Json[] = ours.landParcel?.holders ?? []
    const peerSide = parcel && {
      parcelKey: parcel.MaThuaDat,
      area: parcel.DienTich,
      uses: (parcel.MucDichSuDung ?? []).map((use: Json) => ({ typeCode: use.Ma })),
      certificates: (parcel.GiayChungNhan ?? []).map((c: Json) => ({
        serial: c.SoPhatHanh,
        status: certificateStatus[fold(c.TrangThai) as string] ?? c.TrangThai,
      })),
      holders: (parcel.ChuSuDung ?? []).map((h: Json, i: number) => ({
        kind: holderKind[h.LoaiChu] ?? h.LoaiChu,
        name: h.HoTen ?? h.TenToChuc,
        pin: h.LoaiChu === 'CA_NHAN' ? asOursShows(holders[i]?.pin, h.SoGiayTo) : null,
      })),
    }
    return [ours.landParcel ?? null, peerSide ?? null]
  },
  verifyCitizen(ours, peers) {
    const result = peers.xacThucCongDan?.KetQua
    return [ours.verifyCitizen ? { match: ours.verifyCitizen.match } : null, result ? { match: result.TonTai && result.KhopThongTin } : null]
  },
  wardResident(ours, peers) {
    const person = peers.congDan?.CongDan
    const peerSide = person && {
      pin: asOursShows(ours.citizen?.pin, person.SoDinhDanh),
      name: { full: [person.HoVaTen.Ho, person.HoVaTen.ChuDem, person.HoVaTen.Ten].filter(Boolean).join(' ') },
      birthDate: compactToIso(person.NgayThangNamSinh),
      residence: { permanent: person.ThuongTru ? { commune: person.ThuongTru.commune } : null },
    }
    return [ours.citizen ?? null, peerSide ?? null]
  },
  connectivity: (ours, peers) => [ours.administrativeUnit ?? null, peers.administrativeUnit ?? null],
}

/** The first path where two JSON values differ, or null when they are equal. */
function firstDifference(ours: unknown, peers: unknown, path: string): string | null {
  if (Object.is(ours, peers)) return null
  if (Array.isArray(ours) && Array.isArray(peers)) {
    if (ours.length !== peers.length) return `${path}: ours has ${ours.length} items, the peer ${peers.length}`
    for (let i = 0; i < ours.length; i++) {
      const found = firstDifference(ours[i], peers[i], `${path}[${i}]`)
      if (found) return found
    }
    return null
  }
  if (ours && peers && typeof ours === 'object' && typeof peers === 'object' && !Array.isArray(ours) && !Array.isArray(peers)) {
    for (const key of new Set([...Object.keys(ours), ...Object.keys(peers)])) {
      const found = firstDifference((ours as Record<string, unknown>)[key], (peers as Record<string, unknown>)[key], `${path}.${key}`)
      if (found) return found
    }
    return null
  }
  return `${path}: ours ${JSON.stringify(ours)}, the peer ${JSON.stringify(peers)}`
}

/** `ours` and `peers` are whole GraphQL response bodies. Null when equal, else what differs. */
export function samePeerAnswer(ours: unknown, peers: unknown, entry: MixEntry): string | null {
  const a = ours as { data?: Json; errors?: unknown }
  const b = peers as { data?: Json; errors?: unknown }
  if (a?.errors || !a?.data) return `ours answered no data: ${JSON.stringify(ours).slice(0, 300)}`
  if (b?.errors || !b?.data) return `the peer answered no data: ${JSON.stringify(peers).slice(0, 300)}`
  const key = queryKeyOf(entry)
  const [oursSide, peerSide] = project[key](a.data, b.data)
  if (oursSide === null) return 'ours answered null'
  return firstDifference(oursSide, peerSide, key)
}
