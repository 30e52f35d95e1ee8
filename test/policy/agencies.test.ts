/**
 * The seven sandbox agencies, with the grants that ship in policies/agencies/*.yaml, through the
 * whole gateway: what each may read, what each is refused and with which code, and which
 * records are invisible to it. One table per agency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withPredecessorCodes } from '../../connectors/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { loadSandboxPolicies, sandboxAgencies, tokenFor, type SandboxAgencies } from './sandbox-agencies.js'

let gw: TestGateway
let agencies: SandboxAgencies
const tokens = new Map<string, string>()
const hongHa = new Set(withPredecessorCodes(['00097']))
const ids = {
  resident: '', // permanent residence in Phường Hồng Hà (or a commune merged into it)
  nonResident: '', // neither permanent nor temporary residence there
  household: '', // a household addressed in Hồng Hà
  householdElsewhere: '',
  parcelHanoi: '',
  parcelElsewhere: '',
  enterpriseHanoi: '',
  enterpriseElsewhere: '',
}

beforeAll(async () => {
  const set = await loadSandboxPolicies()
  agencies = await sandboxAgencies(set)
  gw = await createTestGateway({ world: { citizens: 1500, parcels: 500, enterprises: 300 }, policies: () => agencies.set })
  for (const agency of agencies.set.agencies) tokens.set(agency.agency, await tokenFor(gw.identity, agencies, agency.agency))
  const w = gw.world
  ids.resident = w.people.find((p) => hongHa.has(p.permanent.communeCode) && !p.deceasedOn)!.pin
  ids.nonResident = w.people.find((p) => !hongHa.has(p.permanent.communeCode) && !(p.temporary && hongHa.has(p.temporary.address.communeCode)))!.pin
  ids.household = w.households.find((h) => hongHa.has(h.address.communeCode))!.id
  ids.householdElsewhere = w.households.find((h) => !hongHa.has(h.address.communeCode))!.id
  ids.parcelHanoi = w.parcels.find((p) => p.address.provinceCode === '01')!.key
  ids.parcelElsewhere = w.parcels.find((p) => p.address.provinceCode !== '01')!.key
  ids.enterpriseHanoi = w.enterprises.find((e) => e.address.provinceCode === '01')!.code
  ids.enterpriseElsewhere = w.enterprises.find((e) => e.address.provinceCode !== '01')!.code
  for (const [name, value] of Object.entries(ids)) expect(value, name).toBeTruthy()
})
afterAll(() => gw?.close())

const hits = () => gw.sandboxes.population.hits() + gw.sandboxes.land.hits() + gw.sandboxes.business.hits()

interface Case {
  name: string
  purpose?: string
  caseId?: boolean
  endUser?: boolean
  query: () => string
  /** A refusal code, or a check of the data. */
  expect: string | ((data: Record<string, any>) => void)
  /** For refusals: the reason of some denial. */
  reason?: string
}

async function call(agency: string, c: Case) {
  const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(agency)}`, 'x-purpose': c.purpose ?? '' }
  if (c.caseId) headers['x-case-id'] = 'HS-000123.2026'
  if (c.endUser) headers['x-end-user'] = 'can-bo.nguyen'
  return gw.graphql(c.query(), undefined, headers)
}

function runTable(agency: string, cases: Case[]) {
  describe(agency, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      gw.resetHits()
      const res = await call(agency, c)
      if (typeof c.expect === 'string') {
        expect(res.body.data ?? null, JSON.stringify(res.body)).toBeNull()
        expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe(c.expect)
        if (c.reason) expect(res.body.errors![0]!.extensions!.denials.map((d: any) => d.reason)).toContain(c.reason)
        expect(hits(), 'a refusal calls no registry').toBe(0)
      } else {
        expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined()
        c.expect(res.body.data!)
      }
    })
  })
}

const masked4 = /^\*{8}\d{4}$/
const citizenQuery = (pin: () => string, fields: string) => () => `{ citizen(pin: "${pin()}") { ${fields} } }`
const verifyQuery = (pin: () => string) => () => {
  const p = gw.world.personByPin.get(pin())!
  return `{ verifyCitizen(pin: "${p.pin}", name: "${[p.family, p.middle, p.given].filter(Boolean).join(' ')}", birthDate: "${p.birthDate}") { pin match } }`
}

runTable('mot-cua-phuong-hong-ha', [
  {
    name: 'verifies an applicant from anywhere, PIN echoed masked',
    purpose: 'XAC_MINH_NHAN_THAN',
    caseId: true,
    endUser: true,
    query: verifyQuery(() => ids.nonResident),
    expect: (d) => {
      expect(d.verifyCitizen.match).toBe(true)
      expect(d.verifyCitizen.pin).toMatch(masked4)
    },
  },
  { name: 'no dossier: CASE_REQUIRED', purpose: 'XAC_MINH_NHAN_THAN', endUser: true, query: verifyQuery(() => ids.resident), expect: 'CASE_REQUIRED' },
  {
    name: 'no officer: FORBIDDEN',
    purpose: 'XAC_MINH_NHAN_THAN',
    caseId: true,
    query: verifyQuery(() => ids.resident),
    expect: 'FORBIDDEN',
    reason: 'END_USER_REQUIRED',
  },
  {
    name: 'the citizen record itself is not granted',
    purpose: 'XAC_MINH_NHAN_THAN',
    caseId: true,
    endUser: true,
    query: citizenQuery(() => ids.resident, 'name { full }'),
    expect: 'FORBIDDEN',
    reason: 'FIELD_NOT_PERMITTED',
  },
  {
    name: 'a purpose it has no grant for',
    purpose: 'QUAN_LY_CU_TRU',
    caseId: true,
    endUser: true,
    query: verifyQuery(() => ids.resident),
    expect: 'PURPOSE_NOT_ALLOWED',
  },
  { name: 'no purpose', query: verifyQuery(() => ids.resident), expect: 'PURPOSE_REQUIRED' },
])

runTable('tu-phap-phuong-hong-ha', [
  {
    name: "marriage registration: both parties' identity, marital status, parents",
    purpose: 'DANG_KY_HO_TICH',
    caseId: true,
    endUser: true,
    query: citizenQuery(
      () => ids.resident,
      'name { full } birthDate sex maritalStatus { name } nationality { code } father { name { full } pin } residence { permanent { commune { code } } }',
    ),
    expect: (d) => {
      expect(d.citizen.name.full).toBeTruthy()
      expect(d.citizen.maritalStatus.name).toBeTruthy()
      if (d.citizen.father?.pin) expect(d.citizen.father.pin).toMatch(masked4)
    },
  },
  {
    name: 'religion is refused',
    purpose: 'DANG_KY_HO_TICH',
    caseId: true,
    endUser: true,
    query: citizenQuery(() => ids.resident, 'religion { name }'),
    expect: 'FORBIDDEN',
  },
  {
    name: 'ethnicity is refused',
    purpose: 'DANG_KY_HO_TICH',
    caseId: true,
    endUser: true,
    query: citizenQuery(() => ids.resident, 'ethnicity { name }'),
    expect: 'FORBIDDEN',
  },
  {
    name: 'household is refused',
    purpose: 'DANG_KY_HO_TICH',
    caseId: true,
    endUser: true,
    query: citizenQuery(() => ids.resident, 'household { householdId }'),
    expect: 'FORBIDDEN',
  },
  {
    name: "residence history is the justice department's",
    purpose: 'DANG_KY_HO_TICH',
    caseId: true,
    endUser: true,
    query: citizenQuery(() => ids.resident, 'residence { history { from } }'),
    expect: 'FORBIDDEN',
  },
  {
    name: 'no dossier: CASE_REQUIRED',
    purpose: 'DANG_KY_HO_TICH',
    endUser: true,
    query: citizenQuery(() => ids.resident, 'name { full }'),
    expect: 'CASE_REQUIRED',
  },
  {
    name: "another agency's purpose",
    purpose: 'CAP_PHIEU_LLTP',
    caseId: true,
    endUser: true,
    query: citizenQuery(() => ids.resident, 'name { full }'),
    expect: 'PURPOSE_NOT_ALLOWED',
  },
])

runTable('so-tu-phap-ha-noi', [
  {
    name: 'criminal-record certificate: residence history and parents',
    purpose: 'CAP_PHIEU_LLTP',
    caseId: true,
    endUser: true,
    query: citizenQuery(() => ids.resident, 'name { full } residence { history { kind from to address { commune { code } } } } mother { name { full } }'),
    expect: (d) => expect(Array.isArray(d.citizen.residence.history)).toBe(true),
  },
  {
    name: 'no officer: FORBIDDEN',
    purpose: 'CAP_PHIEU_LLTP',
    caseId: true,
    query: citizenQuery(() => ids.resident, 'residence { history { from } }'),
    expect: 'FORBIDDEN',
    reason: 'END_USER_REQUIRED',
  },
  {
    name: 'no dossier: CASE_REQUIRED',
    purpose: 'CAP_PHIEU_LLTP',
    endUser: true,
    query: citizenQuery(() => ids.resident, 'name { full }'),
    expect: 'CASE_REQUIRED',
  },
  {
    name: 'ethnicity is refused',
    purpose: 'CAP_PHIEU_LLTP',
    caseId: true,
    endUser: true,
    query: citizenQuery(() => ids.resident, 'ethnicity { name }'),
    expect: 'FORBIDDEN',
  },
  {
    name: 'land is not its business',
    purpose: 'CAP_PHIEU_LLTP',
    caseId: true,
    endUser: true,
    query: () => `{ landParcel(key: "${ids.parcelHanoi}") { area } }`,
    expect: 'FORBIDDEN',
  },
])

runTable('cong-an-phuong-hong-ha', [
  {
    name: 'full residence and household of a resident of the ward',
    purpose: 'QUAN_LY_CU_TRU',
    query: citizenQuery(
      () => ids.resident,
      'pin name { full } ethnicity { name } residence { permanent { commune { code } } temporary { validUntil } } household { householdId relationToHead { name } }',
    ),
    expect: (d) => {
      expect(d.citizen.pin).toBe(ids.resident)
      expect(hongHa.has(d.citizen.residence.permanent.commune.code)).toBe(true)
    },
  },
  {
    name: 'someone living elsewhere is invisible (as if missing)',
    purpose: 'QUAN_LY_CU_TRU',
    query: citizenQuery(() => ids.nonResident, 'pin name { full }'),
    expect: (d) => expect(d).toEqual({ citizen: null }),
  },
  {
    name: 'but may be verified',
    purpose: 'QUAN_LY_CU_TRU',
    query: verifyQuery(() => ids.nonResident),
    expect: (d) => expect(d.verifyCitizen.match).toBe(true),
  },
  {
    name: 'a household of the ward',
    purpose: 'QUAN_LY_CU_TRU',
    query: () => `{ household(id: "${ids.household}") { id members { pin } } }`,
    expect: (d) => expect(d.household.members.length).toBeGreaterThan(0),
  },
  {
    name: 'a household elsewhere is invisible',
    purpose: 'QUAN_LY_CU_TRU',
    query: () => `{ household(id: "${ids.householdElsewhere}") { id } }`,
    expect: (d) => expect(d).toEqual({ household: null }),
  },
  { name: 'religion is refused', purpose: 'QUAN_LY_CU_TRU', query: citizenQuery(() => ids.resident, 'religion { name }'), expect: 'FORBIDDEN' },
  {
    name: 'residence history is refused',
    purpose: 'QUAN_LY_CU_TRU',
    query: citizenQuery(() => ids.resident, 'residence { history { from } }'),
    expect: 'FORBIDDEN',
  },
  {
    name: 'investigation needs a signed context',
    purpose: 'DIEU_TRA_HINH_SU',
    caseId: true,
    endUser: true,
    query: citizenQuery(() => ids.nonResident, 'name { full }'),
    expect: 'FORBIDDEN',
    reason: 'SIGNED_CONTEXT_REQUIRED',
  },
  {
    name: 'investigation needs a case',
    purpose: 'DIEU_TRA_HINH_SU',
    endUser: true,
    query: citizenQuery(() => ids.nonResident, 'name { full }'),
    expect: 'CASE_REQUIRED',
  },
  { name: 'land is not its business', purpose: 'QUAN_LY_CU_TRU', query: citizenQuery(() => ids.resident, 'landParcels { parcelKey }'), expect: 'FORBIDDEN' },
])

runTable('vpdk-dat-dai-ha-noi', [
  {
    name: 'a parcel in the province, with certificates and encumbrances',
    purpose: 'DANG_KY_DAT_DAI',
    query: () =>
      `{ landParcel(key: "${ids.parcelHanoi}") { parcelKey area uses { typeCode } certificates { serial status } encumbrances { kind } holders { kind name pin } } }`,
    expect: (d) => expect(d.landParcel.parcelKey).toBe(ids.parcelHanoi),
  },
  {
    name: 'a parcel in another province is invisible',
    purpose: 'DANG_KY_DAT_DAI',
    query: () => `{ landParcel(key: "${ids.parcelElsewhere}") { parcelKey } }`,
    expect: (d) => expect(d).toEqual({ landParcel: null }),
  },
  {
    name: 'holders are verified, not read from the population registry',
    purpose: 'DANG_KY_DAT_DAI',
    query: () => `{ landParcel(key: "${ids.parcelHanoi}") { holders { person { name { full } } } } }`,
    expect: 'FORBIDDEN',
  },
  {
    name: 'more than 100 records at once is refused',
    purpose: 'DANG_KY_DAT_DAI',
    query: () => `{ landParcels(commune: "00097", first: 101) { nodes { parcelKey } } }`,
    expect: 'FORBIDDEN',
  },
  {
    name: 'a count over a filtered list is refused',
    purpose: 'DANG_KY_DAT_DAI',
    query: () => `{ landParcels(commune: "00097", first: 5) { totalCount } }`,
    expect: 'FORBIDDEN',
  },
  {
    name: "a parcel list shows only the province's parcels",
    purpose: 'DANG_KY_DAT_DAI',
    query: () => `{ landParcels(commune: "00097", first: 20) { nodes { address { province { code } } } } }`,
    expect: (d) => {
      for (const node of d.landParcels.nodes) expect(node.address.province.code).toBe('01')
    },
  },
  { name: 'citizens are not its business', purpose: 'DANG_KY_DAT_DAI', query: citizenQuery(() => ids.resident, 'name { full }'), expect: 'FORBIDDEN' },
])

runTable('thue-ha-noi', [
  {
    name: "an enterprise of the province, representatives' PINs masked",
    purpose: 'QUAN_LY_THUE',
    query: () => `{ enterprise(code: "${ids.enterpriseHanoi}") { code nameVi charterCapital members { name } legalRepresentatives { name { full } pin } } }`,
    expect: (d) => {
      expect(d.enterprise.code).toBe(ids.enterpriseHanoi)
      const pins = d.enterprise.legalRepresentatives.map((r: any) => r.pin).filter(Boolean)
      for (const pin of pins) expect(pin).toMatch(masked4)
    },
  },
  {
    name: 'the PIN cannot be read unmasked through the citizen link',
    purpose: 'QUAN_LY_THUE',
    query: () => `{ enterprise(code: "${ids.enterpriseHanoi}") { legalRepresentatives { citizen { pin name { full } } } } }`,
    expect: (d) => {
      for (const r of d.enterprise.legalRepresentatives) if (r.citizen) expect(r.citizen.pin).toMatch(masked4)
    },
  },
  {
    name: 'an enterprise of another province is invisible',
    purpose: 'QUAN_LY_THUE',
    query: () => `{ enterprise(code: "${ids.enterpriseElsewhere}") { code } }`,
    expect: (d) => expect(d).toEqual({ enterprise: null }),
  },
  { name: 'religion is refused', purpose: 'QUAN_LY_THUE', query: citizenQuery(() => ids.resident, 'religion { name }'), expect: 'FORBIDDEN' },
  { name: 'household is refused', purpose: 'QUAN_LY_THUE', query: citizenQuery(() => ids.resident, 'household { householdId }'), expect: 'FORBIDDEN' },
  { name: 'ethnicity is refused', purpose: 'QUAN_LY_THUE', query: citizenQuery(() => ids.resident, 'ethnicity { name }'), expect: 'FORBIDDEN' },
  { name: 'a count over a filtered list is refused', purpose: 'QUAN_LY_THUE', query: () => `{ enterprises(first: 5) { totalCount } }`, expect: 'FORBIDDEN' },
  {
    name: "a page of enterprises holds only the province's",
    purpose: 'QUAN_LY_THUE',
    query: () => `{ enterprises(first: 50) { nodes { headOffice { province { code } } } } }`,
    expect: (d) => {
      for (const n of d.enterprises.nodes) expect(n.headOffice.province.code).toBe('01')
      // the filter is pushed to the registry: a full page, not one thinned by the re-check
      expect(d.enterprises.nodes.length).toBe(Math.min(50, gw.world.enterprises.filter((e) => e.address.provinceCode === '01').length))
    },
  },
])

runTable('cong-dich-vu-cong-ha-noi', [
  {
    name: 'pre-fill of an application form',
    purpose: 'DICH_VU_CONG_TRUC_TUYEN',
    caseId: true,
    query: citizenQuery(() => ids.nonResident, 'pin name { full } birthDate sex residence { permanent { fullText } }'),
    expect: (d) => expect(d.citizen.pin).toBe(ids.nonResident),
  },
  {
    name: 'no dossier: CASE_REQUIRED',
    purpose: 'DICH_VU_CONG_TRUC_TUYEN',
    query: citizenQuery(() => ids.nonResident, 'name { full }'),
    expect: 'CASE_REQUIRED',
  },
  {
    name: 'household is refused',
    purpose: 'DICH_VU_CONG_TRUC_TUYEN',
    caseId: true,
    query: citizenQuery(() => ids.nonResident, 'household { householdId }'),
    expect: 'FORBIDDEN',
  },
  {
    name: "an enterprise's public profile",
    purpose: 'DICH_VU_CONG_TRUC_TUYEN',
    caseId: true,
    query: () => `{ enterprise(code: "${ids.enterpriseElsewhere}") { code nameVi status { name } legalRepresentatives { name { full } title } } }`,
    expect: (d) => expect(d.enterprise.code).toBe(ids.enterpriseElsewhere),
  },
  {
    name: 'owners are not public',
    purpose: 'DICH_VU_CONG_TRUC_TUYEN',
    caseId: true,
    query: () => `{ enterprise(code: "${ids.enterpriseHanoi}") { members { name } } }`,
    expect: 'FORBIDDEN',
  },
  {
    name: "representatives' PINs are not public",
    purpose: 'DICH_VU_CONG_TRUC_TUYEN',
    caseId: true,
    query: () => `{ enterprise(code: "${ids.enterpriseHanoi}") { legalRepresentatives { pin } } }`,
    expect: 'FORBIDDEN',
  },
])
