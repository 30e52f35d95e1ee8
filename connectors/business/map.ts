import {
  ConnectorError,
  fromDmyFullDate,
  mapUpstream,
  parseUpstream,
  personNameOf,
  type Address,
  type BusinessLine,
  type CapitalMember,
  type Enterprise,
  type EnterpriseStatusCode,
  type EnterpriseUnit,
  type LegalRepresentative,
} from '../kit/index.js'
import { normaliseDecimal, normalisePin, normaliseTaxCode } from '../../schemas/scalars/index.js'
import { enterpriseRecordSchema, recordKeySchema, type EnterpriseRecord, type WireAddress } from './upstream.js'

/**
 * Business registry record → canonical `Enterprise`. Everything that zod accepted but cannot be
 * normalised (an impossible date, a tax code with a wrong check digit, a status text we do not
 * know) throws here; `readEnterprise` turns that into `UPSTREAM_BAD_RESPONSE`.
 */

const fold = (text: string) => text.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim()

/** The registry's status texts, compared case- and spacing-insensitively. */
const statusByText = new Map<string, EnterpriseStatusCode>(
  (
    [
      ['Đang hoạt động', 'ACTIVE'],
      ['Tạm ngừng kinh doanh', 'SUSPENDED'],
      ['Tạm ngừng hoạt động', 'SUSPENDED'],
      ['Đang làm thủ tục giải thể', 'DISSOLVING'],
      ['Đã giải thể', 'DISSOLVED'],
      ['Không hoạt động tại địa chỉ đã đăng ký', 'NOT_AT_ADDRESS'],
      ['Bị thu hồi Giấy chứng nhận đăng ký doanh nghiệp', 'REVOKED'],
      ['Bị thu hồi GCNĐKDN', 'REVOKED'],
      ['Đang làm thủ tục phá sản', 'BANKRUPTCY'],
    ] as const
  ).map(([text, code]) => [fold(text), code]),
)

/** Status text → canonical code; `null` for a text the gateway does not know. */
export function statusCodeOf(text: string): EnterpriseStatusCode | null {
  return statusByText.get(fold(text)) ?? null
}

function taxCode(value: string, what: string): string {
  const code = normaliseTaxCode(value.trim())
  if (code === null) throw new RangeError(`${what} is not a valid tax code`)
  return code
}

/** A VND amount as an exact decimal string (capital can exceed 2^53, so never via Number maths). */
export function decimalOf(value: number): string {
  const text = Number.isInteger(value) ? BigInt(value).toString() : String(value)
  const decimal = normaliseDecimal(text)
  if (decimal === null) throw new RangeError('amount is not a plain decimal')
  return decimal
}

export { personNameOf }

/** Registry numeric ids → GSO/NSO codes: CityID 1 → "01", WardID 97 → "00097". */
export function addressOf(address: WireAddress): Address {
  const provinceCode = String(address.CityID).padStart(2, '0')
  const districtId = address.DistrictID ?? null
  return {
    provinceCode,
    communeCode: String(address.WardID).padStart(5, '0'),
    detail: address.StreetNumber,
    // The registry keeps the pre-2025 district; it does not keep the pre-2025 commune.
    legacy:
      districtId === null
        ? null
        : {
            provinceCode,
            districtCode: String(districtId).padStart(3, '0'),
            communeCode: null,
            text: address.DistrictName,
          },
    fullText: address.AddressFullText,
  }
}

function businessLineOf(line: EnterpriseRecord['BusinessActivity'][number]): BusinessLine {
  return { code: line.CODE, name: line.NAME, isMain: line.IS_MAIN === 'Y', vsicVersion: line.VSIC_VERSION === '2025' ? 'V2025' : 'V2018' }
}

function representativeOf(rep: EnterpriseRecord['LegalRepresentative'][number]): LegalRepresentative {
  return {
    name: personNameOf(rep.FULL_NAME),
    title: rep.POSITION,
    // A mistyped identity number should not hide the whole enterprise: only the link is lost.
    pin: rep.ID_NUMBER === null ? null : normalisePin(rep.ID_NUMBER),
    nationality: rep.NATIONALITY === null ? null : { code: null, name: rep.NATIONALITY },
  }
}

function memberOf(member: EnterpriseRecord['Member'][number]): CapitalMember {
  return {
    name: member.MEMBER_NAME,
    amount: member.AMOUNT == null ? null : decimalOf(member.AMOUNT),
    ratioPercent: member.RATIO_PERCENT ?? null,
    country: member.COUNTRY,
  }
}

function branchOf(branch: EnterpriseRecord['Branch'][number], parentCode: string): EnterpriseUnit {
  const code = taxCode(branch.BRANCH_CODE, 'BRANCH_CODE')
  if (!code.startsWith(`${parentCode}-`)) throw new RangeError('BRANCH_CODE does not belong to the enterprise')
  return {
    code,
    kind: branch.BRANCH_TYPE === 'CN' ? 'BRANCH' : 'REPRESENTATIVE_OFFICE',
    name: branch.BRANCH_NAME,
    address: branch.ADDRESS ? addressOf(branch.ADDRESS) : null,
    // The unit's status is informative: an unknown text keeps its name and loses only the code.
    status: branch.STATUS === null ? null : { code: statusCodeOf(branch.STATUS), name: branch.STATUS },
  }
}

/** Maps a parsed record; throws on values that cannot be normalised. */
export function mapEnterprise(record: EnterpriseRecord): Enterprise {
  const main = record.MainInformation
  const code = taxCode(main.ENTERPRISE_GDT_CODE, 'ENTERPRISE_GDT_CODE')
  const status = statusCodeOf(main.ENTERPRISE_STATUS)
  if (status === null) throw new RangeError('ENTERPRISE_STATUS is not a known status')
  return {
    code,
    legalForm: { code: String(main.ENTERPRISE_TYPE_ID), name: main.ENTERPRISE_TYPE_NAME },
    nameVi: main.NAME,
    nameShort: main.SHORT_NAME,
    nameForeign: main.NAME_F,
    foundedOn: fromDmyFullDate(main.FOUNDING_DATE),
    lastAmendedOn: main.LAST_AMEND_DATE === null ? null : fromDmyFullDate(main.LAST_AMEND_DATE),
    amendmentCount: main.NUMBER_CHANGES ?? null,
    status: { code: status, name: main.ENTERPRISE_STATUS },
    charterCapital: main.CAPITAL_AMOUNT == null ? null : decimalOf(main.CAPITAL_AMOUNT),
    headOffice: addressOf(record.HOAdress),
    businessLines: record.BusinessActivity.map(businessLineOf),
    legalRepresentatives: record.LegalRepresentative.map(representativeOf),
    members: record.Member.map(memberOf),
    branches: record.Branch.map((branch) => branchOf(branch, code)),
    registrationOffice: main.SITE_NAME,
  }
}

/** Parses and maps one record from `Data`; any misfit is `UPSTREAM_BAD_RESPONSE`. */
export function readEnterprise(payload: unknown, path?: string): Enterprise {
  const record = parseUpstream('business', enterpriseRecordSchema, payload, path)
  return mapUpstream('business', () => mapEnterprise(record), path)
}

const keyOf = (code: string) => code.trim().replace('-', '')

/**
 * Answers each requested code (canonical form) from a batch `Data` array, in request order:
 * the enterprise, `null` when the registry has no such record, or an error for that key alone
 * when its record is malformed. A record that cannot even be attributed to a code makes every
 * unanswered key an error, since any of them might have been it.
 */
export function readEnterpriseBatch(codes: readonly string[], records: readonly unknown[], path?: string): Array<Enterprise | null | ConnectorError> {
  const byKey = new Map<string, unknown>()
  let unattributed = false
  for (const record of records) {
    const key = recordKeySchema.safeParse(record)
    if (!key.success) unattributed = true
    else if (!byKey.has(keyOf(key.data.MainInformation.ENTERPRISE_GDT_CODE))) {
      byKey.set(keyOf(key.data.MainInformation.ENTERPRISE_GDT_CODE), record)
    }
  }
  return codes.map((code) => {
    const record = byKey.get(keyOf(code))
    if (record === undefined) {
      return unattributed ? new ConnectorError('business', 'UPSTREAM_BAD_RESPONSE', { path, detail: 'unattributable record in batch' }) : null
    }
    try {
      return expectCode(readEnterprise(record, path), code, path)
    } catch (error) {
      if (error instanceof ConnectorError) return error
      throw error
    }
  })
}

/** A record that answers a different code than asked is not an answer. */
export function expectCode(enterprise: Enterprise, code: string, path?: string): Enterprise {
  if (enterprise.code !== code) {
    throw new ConnectorError('business', 'UPSTREAM_BAD_RESPONSE', { path, detail: 'record code differs from the requested code' })
  }
  return enterprise
}
