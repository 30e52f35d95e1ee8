/**
 * The benchmark's query mix, the same for every target: the agencies that ship in
 * policies/ calling with the purposes their grants name, so the full gateway grants every request
 * (auth, policy, row filters, masks, limits and audit all run). Query texts are fixed and the
 * subjects travel as variables, as a department system sends them; the subjects rotate over the
 * sandbox world so the registries answer different records.
 *
 * The k6 scripts (load-tests/k6/) play the same mix.
 */
import type { World } from '../../connectors/sandboxes.js'

export interface MixEntry {
  name: string
  agency: string
  /** Headers other than authorization and content-type. */
  headers: Record<string, string>
  body: string
}

export const QUERIES = {
  taxEnterprise: `query TaxEnterprise($code: TaxCode!) { enterprise(code: $code) { code nameVi status { name } headOffice { province { code } } legalRepresentatives { name { full } title pin } } }`,
  landParcel: `query LandParcel($key: String!) { landParcel(key: $key) { parcelKey area uses { typeCode } certificates { serial status } holders { kind name pin } } }`,
  verifyCitizen: `query VerifyApplicant($pin: PIN!, $name: String!, $birthDate: PartialDate!) { verifyCitizen(pin: $pin, name: $name, birthDate: $birthDate) { pin match } }`,
  wardResident: `query Resident($pin: PIN!) { citizen(pin: $pin) { pin name { full } birthDate residence { permanent { commune { code fullName } } } } }`,
  connectivity: `query Connectivity { administrativeUnit(code: "00097") { code fullName } }`,
} as const

const HONG_HA = '00097'

/** The subjects the mix reads, taken from the sandbox world (deterministic for a seed). */
export interface MixSubjects {
  enterprises: string[]
  parcels: string[]
  applicants: Array<{ pin: string; name: string; birthDate: string }>
  residents: string[]
}

export function subjectsOf(world: World, perKind = 8): MixSubjects {
  return {
    enterprises: world.enterprises
      .filter((e) => e.address.provinceCode === '01')
      .slice(0, perKind)
      .map((e) => e.code),
    parcels: world.parcels
      .filter((p) => p.address.provinceCode === '01')
      .slice(0, perKind)
      .map((p) => p.key),
    applicants: world.people
      .filter((p) => !p.deceasedOn)
      .slice(0, perKind)
      .map((p) => ({ pin: p.pin, name: [p.family, p.middle, p.given].filter(Boolean).join(' '), birthDate: p.birthDate })),
    residents: world.people
      .filter((p) => p.permanent.communeCode === HONG_HA && !p.deceasedOn)
      .slice(0, perKind)
      .map((p) => p.pin),
  }
}

const body = (query: string, variables?: Record<string, unknown>) => JSON.stringify(variables ? { query, variables } : { query })

/**
 * One cycle of the mix (autocannon plays it in order on every connection): per 10 requests, 3 tax
 * office enterprise lookups, 2 land office parcel lookups, 2 one-stop desk verifications, 2 ward
 * police residence reads and 1 connectivity check.
 */
export function buildMix(s: MixSubjects): MixEntry[] {
  const mix: MixEntry[] = []
  const n = Math.min(s.enterprises.length, s.parcels.length, s.applicants.length, s.residents.length)
  const agenciesForPing = ['thue-ha-noi', 'vpdk-dat-dai-ha-noi', 'mot-cua-phuong-hong-ha']
  for (let i = 0; i < n; i++) {
    const tax = { name: 'tax office: enterprise', agency: 'thue-ha-noi', headers: { 'x-purpose': 'QUAN_LY_THUE' } }
    mix.push({ ...tax, body: body(QUERIES.taxEnterprise, { code: s.enterprises[i] }) })
    mix.push({
      name: 'land office: parcel',
      agency: 'vpdk-dat-dai-ha-noi',
      headers: { 'x-purpose': 'DANG_KY_DAT_DAI' },
      body: body(QUERIES.landParcel, { key: s.parcels[i] }),
    })
    mix.push({
      name: 'one-stop desk: verifyCitizen',
      agency: 'mot-cua-phuong-hong-ha',
      headers: { 'x-purpose': 'XAC_MINH_NHAN_THAN', 'x-case-id': `HS-${String(1000 + i)}.2026`, 'x-end-user': 'can-bo.nguyen' },
      body: body(QUERIES.verifyCitizen, s.applicants[i]),
    })
    mix.push({
      name: 'ward police: resident',
      agency: 'cong-an-phuong-hong-ha',
      headers: { 'x-purpose': 'QUAN_LY_CU_TRU' },
      body: body(QUERIES.wardResident, { pin: s.residents[i] }),
    })
    mix.push({ ...tax, body: body(QUERIES.taxEnterprise, { code: s.enterprises[(i + 1) % n] }) })
    mix.push({
      name: 'land office: parcel',
      agency: 'vpdk-dat-dai-ha-noi',
      headers: { 'x-purpose': 'DANG_KY_DAT_DAI' },
      body: body(QUERIES.landParcel, { key: s.parcels[(i + 3) % n] }),
    })
    mix.push({
      name: 'one-stop desk: verifyCitizen',
      agency: 'mot-cua-phuong-hong-ha',
      headers: { 'x-purpose': 'XAC_MINH_NHAN_THAN', 'x-case-id': `HS-${String(2000 + i)}.2026`, 'x-end-user': 'can-bo.tran' },
      body: body(QUERIES.verifyCitizen, s.applicants[(i + 2) % n]),
    })
    mix.push({
      name: 'ward police: resident',
      agency: 'cong-an-phuong-hong-ha',
      headers: { 'x-purpose': 'QUAN_LY_CU_TRU' },
      body: body(QUERIES.wardResident, { pin: s.residents[(i + 5) % n] }),
    })
    mix.push({ ...tax, body: body(QUERIES.taxEnterprise, { code: s.enterprises[(i + 4) % n] }) })
    mix.push({
      name: 'connectivity check',
      agency: agenciesForPing[i % agenciesForPing.length]!,
      headers: { 'x-purpose': 'KIEM_TRA_KET_NOI' },
      body: body(QUERIES.connectivity),
    })
  }
  return mix
}

/** The agencies the mix calls as (each needs a token on the gateway targets). */
export const MIX_AGENCIES = ['thue-ha-noi', 'vpdk-dat-dai-ha-noi', 'mot-cua-phuong-hong-ha', 'cong-an-phuong-hong-ha'] as const
