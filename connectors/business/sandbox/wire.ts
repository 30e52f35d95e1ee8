import { findUnit, toDmyDate } from '../../kit/index.js'
import type { World, WorldAddress, WorldEnterprise, WorldEnterpriseUnit } from '../../kit/sandbox/index.js'

/**
 * The sandbox registry's records in the registry's own wire format: UPPER-CASE field names,
 * dd/MM/yyyy dates, numeric city/ward ids, 'Y'/'N' flags. Built from the shared
 * synthetic world; the registry knows nothing of the gateway's canonical shapes.
 */

export interface WireAddress {
  CityID: number
  CityName: string | null
  DistrictID: number | null
  DistrictName: string | null
  WardID: number
  WardName: string | null
  StreetNumber: string
  AddressFullText: string
}

export interface WireMainInformation {
  ENTERPRISE_ID: number
  ENTERPRISE_GDT_CODE: string
  IMP_BUSINESS_CODE: string | null
  ENTERPRISE_TYPE_ID: number
  ENTERPRISE_TYPE_NAME: string
  NAME: string
  SHORT_NAME: string | null
  NAME_F: string | null
  FOUNDING_DATE: string
  LAST_AMEND_DATE: string | null
  NUMBER_CHANGES: number
  ENTERPRISE_STATUS: string
  ENTERPRISE_STATUS_ID: number
  LEGAL_NAMES: string
  CAPITAL_AMOUNT: number | null
  SITE_NAME: string
  PARENT_GDT_CODE: string | null
}

export interface WireEnterprise {
  MainInformation: WireMainInformation
  HOAdress: WireAddress
  BusinessActivity: Array<{ CODE: string; NAME: string; IS_MAIN: 'Y' | 'N'; VSIC_VERSION: '2018' | '2025' }>
  Member: Array<{ MEMBER_NAME: string; AMOUNT: number; RATIO_PERCENT: number; COUNTRY: string }>
  LegalRepresentative: Array<{ FULL_NAME: string; POSITION: string; ID_NUMBER: string; NATIONALITY: string }>
  Branch: Array<{ BRANCH_CODE: string; BRANCH_TYPE: 'CN' | 'VPDD'; BRANCH_NAME: string; ADDRESS: WireAddress; STATUS: string }>
}

/** The registry's status code list: text → id (`ENTERPRISE_STATUS_ID`, search `trangThai`). */
export const registryStatusIds: ReadonlyMap<string, number> = new Map([
  ['Đang hoạt động', 1],
  ['Tạm ngừng kinh doanh', 2],
  ['Đang làm thủ tục giải thể', 3],
  ['Đã giải thể', 4],
  ['Không hoạt động tại địa chỉ đã đăng ký', 5],
  ['Bị thu hồi Giấy chứng nhận đăng ký doanh nghiệp', 6],
  ['Đang làm thủ tục phá sản', 7],
])

const statusIdOf = (text: string) => registryStatusIds.get(text) ?? 0

const unitName = (code: string) => {
  const unit = findUnit(code, undefined, { fallBack: true })
  return unit ? `${unit.kind} ${unit.name}` : null
}

export function wireAddress(address: WorldAddress): WireAddress {
  const cityName = unitName(address.provinceCode)
  const wardName = unitName(address.communeCode)
  return {
    CityID: Number(address.provinceCode),
    CityName: cityName,
    DistrictID: address.legacyDistrictCode === null ? null : Number(address.legacyDistrictCode),
    // The sandbox catalogue has no district names; the registry would show the old one.
    DistrictName: address.legacyDistrictCode === null ? null : `Quận/Huyện cũ ${address.legacyDistrictCode}`,
    WardID: Number(address.communeCode),
    WardName: wardName,
    StreetNumber: address.detail,
    AddressFullText: [address.detail, wardName, cityName].filter(Boolean).join(', '),
  }
}

/** Upper-case, as the registry stores names of people. */
const upper = (text: string) => text.toLocaleUpperCase('vi')

function representatives(world: World, enterprise: WorldEnterprise): WireEnterprise['LegalRepresentative'] {
  return enterprise.representatives.map((rep) => {
    const person = world.personByPin.get(rep.pin)
    const name = person ? [person.family, person.middle, person.given].filter(Boolean).join(' ') : 'KHÔNG RÕ'
    return { FULL_NAME: upper(name), POSITION: rep.title, ID_NUMBER: rep.pin, NATIONALITY: 'Việt Nam' }
  })
}

/** Pre-2010 enterprises still carry their old business registration number (số ĐKKD). */
function oldRegistrationNo(enterprise: WorldEnterprise, index: number): string | null {
  return Number(enterprise.foundedOn.slice(0, 4)) < 2010 ? `${enterprise.code.slice(0, 2)}03${String(index + 1).padStart(6, '0')}` : null
}

export function wireEnterprise(world: World, enterprise: WorldEnterprise, index: number): WireEnterprise {
  const reps = representatives(world, enterprise)
  return {
    MainInformation: {
      ENTERPRISE_ID: 1_000_000 + index,
      ENTERPRISE_GDT_CODE: enterprise.code,
      IMP_BUSINESS_CODE: oldRegistrationNo(enterprise, index),
      ENTERPRISE_TYPE_ID: enterprise.typeId,
      ENTERPRISE_TYPE_NAME: enterprise.typeName,
      NAME: enterprise.name,
      SHORT_NAME: enterprise.shortName,
      NAME_F: enterprise.foreignName,
      FOUNDING_DATE: toDmyDate(enterprise.foundedOn),
      LAST_AMEND_DATE: enterprise.lastAmendedOn === null ? null : toDmyDate(enterprise.lastAmendedOn),
      NUMBER_CHANGES: enterprise.amendmentCount,
      ENTERPRISE_STATUS: enterprise.statusName,
      ENTERPRISE_STATUS_ID: statusIdOf(enterprise.statusName),
      LEGAL_NAMES: reps.map((rep) => rep.FULL_NAME).join(';'),
      CAPITAL_AMOUNT: enterprise.capital,
      SITE_NAME: enterprise.registrationOffice,
      PARENT_GDT_CODE: null,
    },
    HOAdress: wireAddress(enterprise.address),
    BusinessActivity: enterprise.activities.map((line) => ({
      CODE: line.code,
      NAME: line.name,
      IS_MAIN: line.isMain ? 'Y' : 'N',
      VSIC_VERSION: line.vsicVersion === 'V2025' ? '2025' : '2018',
    })),
    Member: enterprise.members.map((member) => ({
      MEMBER_NAME: member.name,
      AMOUNT: member.amount,
      RATIO_PERCENT: member.ratioPercent,
      COUNTRY: member.country,
    })),
    LegalRepresentative: reps,
    Branch: enterprise.branches.map((branch) => ({
      BRANCH_CODE: branch.code,
      BRANCH_TYPE: branch.kind === 'BRANCH' ? 'CN' : 'VPDD',
      BRANCH_NAME: branch.name,
      ADDRESS: wireAddress(branch.address),
      STATUS: branch.status,
    })),
  }
}

/**
 * A branch looked up by its own 13-digit code: its own name, address and status, the parent's
 * legal form, founding date, business lines and legal representatives; no capital, no members.
 */
export function wireBranch(parent: WireEnterprise, branch: WorldEnterpriseUnit, id: number): WireEnterprise {
  const main = parent.MainInformation
  return {
    MainInformation: {
      ...main,
      ENTERPRISE_ID: id,
      ENTERPRISE_GDT_CODE: branch.code,
      IMP_BUSINESS_CODE: null,
      NAME: branch.name,
      SHORT_NAME: null,
      NAME_F: null,
      LAST_AMEND_DATE: null,
      NUMBER_CHANGES: 0,
      ENTERPRISE_STATUS: branch.status,
      ENTERPRISE_STATUS_ID: statusIdOf(branch.status),
      CAPITAL_AMOUNT: null,
      PARENT_GDT_CODE: main.ENTERPRISE_GDT_CODE,
    },
    HOAdress: wireAddress(branch.address),
    BusinessActivity: parent.BusinessActivity,
    Member: [],
    LegalRepresentative: parent.LegalRepresentative,
    Branch: [],
  }
}

/** Lower-case without accents, đ → d: how the registry's search compares names. */
export function foldName(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase()
}
