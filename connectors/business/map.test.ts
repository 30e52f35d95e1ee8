import { describe, expect, it } from 'vitest'
import { ConnectorError, type Enterprise } from '../kit/index.js'
import { createDescribedBusinessConnector } from './described-fixture.node.js'

/** A valid registry record with synthetic identifiers (a synthetic MSDN with a valid check digit). */
function record(): Record<string, any> {
  return {
    MainInformation: {
      ENTERPRISE_ID: 1000017,
      ENTERPRISE_GDT_CODE: '0199000017',
      IMP_BUSINESS_CODE: '0103000017',
      ENTERPRISE_TYPE_ID: 3,
      ENTERPRISE_TYPE_NAME: 'Công ty cổ phần',
      NAME: 'CÔNG TY CỔ PHẦN THƯƠNG MẠI SAO MAI 0001',
      SHORT_NAME: 'SAO MAI JSC',
      NAME_F: '',
      FOUNDING_DATE: '15/03/2021',
      LAST_AMEND_DATE: '01/12/2025',
      NUMBER_CHANGES: 2,
      ENTERPRISE_STATUS: 'Đang hoạt động',
      ENTERPRISE_STATUS_ID: 1,
      LEGAL_NAMES: 'NGUYỄN VĂN AN',
      CAPITAL_AMOUNT: 12_000_000_000,
      SITE_NAME: 'Phòng Đăng ký kinh doanh - Sở Tài chính',
      PARENT_GDT_CODE: null,
      EXTRA_COLUMN_ADDED_LATER: 'ignored',
    },
    HOAdress: {
      CityID: 1,
      CityName: 'Thành phố Hà Nội',
      DistrictID: 2,
      DistrictName: 'Quận Hoàn Kiếm',
      WardID: 97,
      WardName: 'Phường Hồng Hà',
      StreetNumber: 'Số 12, phố Mẫu',
      AddressFullText: 'Số 12, phố Mẫu, Phường Hồng Hà, Thành phố Hà Nội',
    },
    BusinessActivity: [
      { CODE: '6201', NAME: 'Lập trình máy vi tính', IS_MAIN: 'Y', VSIC_VERSION: '2018' },
      { CODE: '4679', NAME: 'Bán buôn chuyên doanh khác chưa được phân vào đâu', IS_MAIN: 'N', VSIC_VERSION: '2025' },
    ],
    Member: [{ MEMBER_NAME: 'NGUYỄN VĂN AN', AMOUNT: 12_000_000_000, RATIO_PERCENT: 100, COUNTRY: 'Việt Nam' }],
    LegalRepresentative: [{ FULL_NAME: 'NGUYỄN VĂN AN', POSITION: 'Giám đốc', ID_NUMBER: '001099000001', NATIONALITY: 'Việt Nam' }],
    Branch: [
      {
        BRANCH_CODE: '0199000017-001',
        BRANCH_TYPE: 'VPDD',
        BRANCH_NAME: 'VĂN PHÒNG ĐẠI DIỆN SAO MAI TẠI TP.HCM',
        ADDRESS: {
          CityID: 79,
          CityName: 'Thành phố Hồ Chí Minh',
          DistrictID: null,
          DistrictName: null,
          WardID: 26734,
          WardName: 'Phường Sài Gòn',
          StreetNumber: 'Số 1 Lê Lợi',
          AddressFullText: 'Số 1 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh',
        },
        STATUS: 'Đang hoạt động',
      },
    ],
  }
}

function variant(change: (r: Record<string, any>) => void): Record<string, any> {
  const r = record()
  change(r)
  return r
}

/**
 * Records read by the engine from the described registry (`described/`: its OpenAPI document and
 * mapping), each record sent as the registry sends it: in its envelope.
 */
const described = createDescribedBusinessConnector({ baseUrl: 'http://registry.invalid' }).described
const read = (payload: unknown) =>
  described.readAnswer('enterprise', { Status: 1, Message: 'Thành công', DataCount: 1, Data: payload }) as unknown as Enterprise

describe('the business registry, described', () => {
  describe('valid payloads', () => {
    it('maps every field of a full record', () => {
      const e = read(record())
      expect(e).toEqual<Enterprise>({
        code: '0199000017',
        legalForm: { code: '3', name: 'Công ty cổ phần' },
        nameVi: 'CÔNG TY CỔ PHẦN THƯƠNG MẠI SAO MAI 0001',
        nameShort: 'SAO MAI JSC',
        nameForeign: null,
        foundedOn: '2021-03-15',
        lastAmendedOn: '2025-12-01',
        amendmentCount: 2,
        status: { code: 'ACTIVE', name: 'Đang hoạt động' },
        charterCapital: '12000000000',
        headOffice: {
          provinceCode: '01',
          communeCode: '00097',
          detail: 'Số 12, phố Mẫu',
          legacy: { provinceCode: '01', districtCode: '002', communeCode: null, text: 'Quận Hoàn Kiếm' },
          fullText: 'Số 12, phố Mẫu, Phường Hồng Hà, Thành phố Hà Nội',
        },
        businessLines: [
          { code: '6201', name: 'Lập trình máy vi tính', isMain: true, vsicVersion: 'V2018' },
          { code: '4679', name: 'Bán buôn chuyên doanh khác chưa được phân vào đâu', isMain: false, vsicVersion: 'V2025' },
        ],
        legalRepresentatives: [
          {
            name: { family: 'Nguyễn', middle: 'Văn', given: 'An', full: 'Nguyễn Văn An' },
            title: 'Giám đốc',
            pin: '001099000001',
            nationality: { code: null, name: 'Việt Nam' },
          },
        ],
        members: [{ name: 'NGUYỄN VĂN AN', amount: '12000000000', ratioPercent: 100, country: 'Việt Nam' }],
        branches: [
          {
            code: '0199000017-001',
            kind: 'REPRESENTATIVE_OFFICE',
            name: 'VĂN PHÒNG ĐẠI DIỆN SAO MAI TẠI TP.HCM',
            address: {
              provinceCode: '79',
              communeCode: '26734',
              detail: 'Số 1 Lê Lợi',
              legacy: null,
              fullText: 'Số 1 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh',
            },
            status: { code: 'ACTIVE', name: 'Đang hoạt động' },
          },
        ],
        registrationOffice: 'Phòng Đăng ký kinh doanh - Sở Tài chính',
      })
    })

    it.each<[string, (r: Record<string, any>) => void, (e: Enterprise) => unknown, unknown]>([
      [
        'null lists become empty',
        (r) => {
          r.Branch = null
          r.Member = null
        },
        (e) => [e.branches, e.members],
        [[], []],
      ],
      [
        'absent lists become empty',
        (r) => {
          delete r.BusinessActivity
        },
        (e) => e.businessLines,
        [],
      ],
      [
        'no district → no legacy address',
        (r) => {
          r.HOAdress.DistrictID = null
        },
        (e) => e.headOffice.legacy,
        null,
      ],
      [
        'empty amendment date → null',
        (r) => {
          r.MainInformation.LAST_AMEND_DATE = ''
        },
        (e) => e.lastAmendedOn,
        null,
      ],
      [
        'unpadded day and month',
        (r) => {
          r.MainInformation.FOUNDING_DATE = '5/3/2021'
        },
        (e) => e.foundedOn,
        '2021-03-05',
      ],
      [
        '29 February of a leap year',
        (r) => {
          r.MainInformation.FOUNDING_DATE = '29/02/2024'
        },
        (e) => e.foundedOn,
        '2024-02-29',
      ],
      [
        'capital unknown',
        (r) => {
          r.MainInformation.CAPITAL_AMOUNT = null
        },
        (e) => e.charterCapital,
        null,
      ],
      [
        'capital beyond 2^53 stays exact',
        (r) => {
          r.MainInformation.CAPITAL_AMOUNT = 2 ** 60
        },
        (e) => e.charterCapital,
        '1152921504606846976',
      ],
      [
        'branch code with hyphen on a branch record',
        (r) => {
          r.MainInformation.ENTERPRISE_GDT_CODE = '0199000017-002'
          r.Branch = []
        },
        (e) => e.code,
        '0199000017-002',
      ],
      [
        'branch code without hyphen is normalised',
        (r) => {
          r.MainInformation.ENTERPRISE_GDT_CODE = '0199000017002'
          r.Branch = []
        },
        (e) => e.code,
        '0199000017-002',
      ],
      [
        'status text in other casing',
        (r) => {
          r.MainInformation.ENTERPRISE_STATUS = 'ĐANG LÀM THỦ TỤC PHÁ SẢN'
        },
        (e) => e.status,
        { code: 'BANKRUPTCY', name: 'ĐANG LÀM THỦ TỤC PHÁ SẢN' },
      ],
      [
        'short revocation text',
        (r) => {
          r.MainInformation.ENTERPRISE_STATUS = 'Bị thu hồi GCNĐKDN'
        },
        (e) => e.status.code,
        'REVOKED',
      ],
      [
        'invalid representative PIN → pin null, record kept',
        (r) => {
          r.LegalRepresentative[0].ID_NUMBER = '12345'
        },
        (e) => e.legalRepresentatives[0]?.pin,
        null,
      ],
      [
        'one-word representative name',
        (r) => {
          r.LegalRepresentative[0].FULL_NAME = 'ROSA'
        },
        (e) => e.legalRepresentatives[0]?.name,
        { family: '', middle: null, given: 'Rosa', full: 'Rosa' },
      ],
      [
        'unknown branch status keeps its name',
        (r) => {
          r.Branch[0].STATUS = 'Chờ duyệt'
        },
        (e) => e.branches[0]?.status,
        { code: null, name: 'Chờ duyệt' },
      ],
      [
        'branch type CN',
        (r) => {
          r.Branch[0].BRANCH_TYPE = 'CN'
        },
        (e) => e.branches[0]?.kind,
        'BRANCH',
      ],
    ])('%s', (_label, change, pick, expected) => {
      expect(pick(read(variant(change)))).toEqual(expected)
    })
  })

  describe('malformed payloads → UPSTREAM_BAD_RESPONSE', () => {
    it.each<[string, (r: Record<string, any>) => void]>([
      [
        'impossible date 31/02',
        (r) => {
          r.MainInformation.FOUNDING_DATE = '31/02/2021'
        },
      ],
      [
        'month 13',
        (r) => {
          r.MainInformation.LAST_AMEND_DATE = '01/13/2021'
        },
      ],
      [
        'ISO date instead of dd/MM/yyyy',
        (r) => {
          r.MainInformation.FOUNDING_DATE = '2021-03-15'
        },
      ],
      [
        'founding date with year only',
        (r) => {
          r.MainInformation.FOUNDING_DATE = '2021'
        },
      ],
      [
        'missing founding date',
        (r) => {
          delete r.MainInformation.FOUNDING_DATE
        },
      ],
      [
        'missing MainInformation',
        (r) => {
          delete r.MainInformation
        },
      ],
      [
        'missing HOAdress',
        (r) => {
          delete r.HOAdress
        },
      ],
      [
        'wrong check digit',
        (r) => {
          r.MainInformation.ENTERPRISE_GDT_CODE = '0199000018'
        },
      ],
      [
        'tax code of 9 digits',
        (r) => {
          r.MainInformation.ENTERPRISE_GDT_CODE = '019900001'
        },
      ],
      [
        'tax code as a number',
        (r) => {
          r.MainInformation.ENTERPRISE_GDT_CODE = 199000017
        },
      ],
      [
        'unknown status text',
        (r) => {
          r.MainInformation.ENTERPRISE_STATUS = 'Đang ngủ đông'
        },
      ],
      [
        'capital as a string',
        (r) => {
          r.MainInformation.CAPITAL_AMOUNT = '12 tỷ'
        },
      ],
      [
        'negative capital',
        (r) => {
          r.MainInformation.CAPITAL_AMOUNT = -1
        },
      ],
      [
        'type id as text',
        (r) => {
          r.MainInformation.ENTERPRISE_TYPE_ID = 'CP'
        },
      ],
      [
        'CityID as a string',
        (r) => {
          r.HOAdress.CityID = '01'
        },
      ],
      [
        'CityID out of range',
        (r) => {
          r.HOAdress.CityID = 101
        },
      ],
      [
        'missing WardID',
        (r) => {
          delete r.HOAdress.WardID
        },
      ],
      [
        'unknown VSIC version',
        (r) => {
          r.BusinessActivity[0].VSIC_VERSION = '2007'
        },
      ],
      [
        'IS_MAIN as boolean',
        (r) => {
          r.BusinessActivity[0].IS_MAIN = true
        },
      ],
      [
        'VSIC code not level 4',
        (r) => {
          r.BusinessActivity[0].CODE = '62'
        },
      ],
      [
        'unknown branch type',
        (r) => {
          r.Branch[0].BRANCH_TYPE = 'DDKD'
        },
      ],
      [
        'branch of another enterprise',
        (r) => {
          r.Branch[0].BRANCH_CODE = '0199000024-001'
        },
      ],
      [
        'branch suffix 000',
        (r) => {
          r.Branch[0].BRANCH_CODE = '0199000017-000'
        },
      ],
      [
        'empty representative name',
        (r) => {
          r.LegalRepresentative[0].FULL_NAME = '  '
        },
      ],
      [
        'ratio above 100',
        (r) => {
          r.Member[0].RATIO_PERCENT = 150
        },
      ],
      [
        'list is an object',
        (r) => {
          r.Member = { MEMBER_NAME: 'X' }
        },
      ],
    ])('%s', (_label, change) => {
      const run = () => read(variant(change))
      expect(run).toThrow(ConnectorError)
      try {
        run()
      } catch (error) {
        expect((error as ConnectorError).code).toBe('UPSTREAM_BAD_RESPONSE')
        expect((error as ConnectorError).connector).toBe('business')
      }
    })

    it.each([null, 'text', 42, [], {}])('non-record payload %j', (payload) => {
      expect(() => read(payload)).toThrow(expect.objectContaining({ code: 'UPSTREAM_BAD_RESPONSE' }))
    })
  })
})

describe('values only the mapping reads right', () => {
  it.each([
    ['NGUYỄN VĂN AN', { family: 'Nguyễn', middle: 'Văn', given: 'An', full: 'Nguyễn Văn An' }],
    ['ĐẶNG THỊ NGỌC  ÁNH', { family: 'Đặng', middle: 'Thị Ngọc', given: 'Ánh', full: 'Đặng Thị Ngọc Ánh' }],
    ['LÊ ĐẠT', { family: 'Lê', middle: null, given: 'Đạt', full: 'Lê Đạt' }],
    ['  trần   quỳnh ', { family: 'Trần', middle: null, given: 'Quỳnh', full: 'Trần Quỳnh' }],
  ])('a representative named %j', (input, expected) => {
    const e = read(
      variant((r) => {
        r.LegalRepresentative[0].FULL_NAME = input
      }),
    )
    expect(e.legalRepresentatives[0]?.name).toEqual(expected)
  })

  it.each([
    ['Đang hoạt động', 'ACTIVE'],
    ['Tạm ngừng kinh doanh', 'SUSPENDED'],
    ['Đang làm thủ tục giải thể', 'DISSOLVING'],
    ['Đã giải thể', 'DISSOLVED'],
    ['Không hoạt động tại địa chỉ đã đăng ký', 'NOT_AT_ADDRESS'],
    ['Bị thu hồi Giấy chứng nhận đăng ký doanh nghiệp', 'REVOKED'],
    ['Đang làm thủ tục phá sản', 'BANKRUPTCY'],
    ['  đang   HOẠT động ', 'ACTIVE'],
  ])('the status %j is %s', (text, code) => {
    const e = read(
      variant((r) => {
        r.MainInformation.ENTERPRISE_STATUS = text
      }),
    )
    expect(e.status.code).toBe(code)
  })

  it('refuses a status text it does not know', () => {
    expect(() =>
      read(
        variant((r) => {
          r.MainInformation.ENTERPRISE_STATUS = 'Hoạt động'
        }),
      ),
    ).toThrow(ConnectorError)
  })

  it.each<[number, string]>([
    [0, '0'],
    [500_000_000, '500000000'],
    [1234.5, '1234.5'],
    [1e21, '1000000000000000000000'],
  ])('charter capital %d is the decimal %s', (value, expected) => {
    const e = read(
      variant((r) => {
        r.MainInformation.CAPITAL_AMOUNT = value
      }),
    )
    expect(e.charterCapital).toBe(expected)
  })
})
