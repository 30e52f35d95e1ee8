/**
 * A small, hand-written policy set for the enforcement tests: one agency (the harness's test
 * client) with grants chosen to exercise each rule, independent of the sandbox documents.
 */
import type { AgencyDocument, Grant, PolicySet, Purpose } from '../../policies/index.js'
import { agencyDocument, type TestIdentity } from '../identity.js'

const noRequirement = { caseId: false, endUser: false, signedContext: false }

export const fixturePurposes: Purpose[] = [
  { code: 'XAC_MINH', name: 'Xác minh nhân thân', legalBasis: 'NĐ 118/2025' },
  { code: 'CU_TRU', name: 'Quản lý cư trú', legalBasis: 'Luật Cư trú 2020' },
  { code: 'THUE', name: 'Quản lý thuế', legalBasis: 'Luật Quản lý thuế 2019' },
  { code: 'LLTP', name: 'Lý lịch tư pháp', legalBasis: 'Luật Lý lịch tư pháp 2009' },
  { code: 'KHONG_CAP', name: 'Không được cấp', legalBasis: 'none' },
]

export const fixtureGrants: Grant[] = [
  { id: 'xac-minh', purposes: ['XAC_MINH'], legalBasis: 'NĐ 118/2025 Điều 9', allow: ['Query.verifyCitizen', 'CitizenVerification.*'], require: noRequirement },
  {
    id: 'cu-tru',
    purposes: ['CU_TRU'],
    legalBasis: 'Luật Cư trú 2020; NĐ 70/2024 Điều 17',
    allow: [
      'Query.citizen',
      'Query.household',
      'Citizen.pin',
      'Citizen.name',
      'PersonName.*',
      'Citizen.residence',
      'ResidenceStatus.permanent',
      'Address.*',
      'AdministrativeUnit.code',
      'AdministrativeUnit.name',
      'Citizen.household',
      'HouseholdMembership.*',
      'Household.*',
      'HouseholdMember.*',
    ],
    where: { Citizen: { 'residence.permanent.commune.code': { in: '$jurisdiction.communes' } } },
    mask: { 'Citizen.pin': 'last4' },
    require: { caseId: true, endUser: false, signedContext: false },
  },
  {
    id: 'thue-doanh-nghiep',
    purposes: ['THUE'],
    legalBasis: 'Luật Quản lý thuế 2019 Điều 98',
    allow: [
      'Query.enterprise',
      'Query.enterprises',
      'Enterprise.code',
      'Enterprise.nameVi',
      'Enterprise.legalRepresentatives',
      'Enterprise.headOffice',
      'Address.*',
      'AdministrativeUnit.code',
      'LegalRepresentative.name',
      'LegalRepresentative.pin',
      'PersonName.*',
      'EnterpriseConnection.*',
      'PageInfo.*',
    ],
    mask: { 'LegalRepresentative.pin': 'last4' },
    maxRecords: 5,
    require: noRequirement,
  },
  {
    id: 'lltp-cu-tru',
    purposes: ['LLTP'],
    legalBasis: 'Luật Lý lịch tư pháp 2009 Điều 45',
    allow: ['Query.citizen', 'Citizen.residence', 'ResidenceStatus.history', 'ResidenceEntry.*'],
    require: { caseId: true, endUser: true, signedContext: false },
  },
]

export function fixturePolicySet(identity: TestIdentity, override: Partial<AgencyDocument> = {}): PolicySet {
  const agency: AgencyDocument = { ...agencyDocument('test-agency', [identity.client]), grants: fixtureGrants, ...override }
  return { agencies: [agency], purposes: fixturePurposes }
}
