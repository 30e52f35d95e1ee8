/** Shared scalars, code values, administrative units and addresses. */
export const typeDefs = /* GraphQL */ `
  "12-digit personal identification number (số định danh cá nhân). No check digit."
  scalar PIN
  "Enterprise code = tax code: 10 digits with check digit, or 13 (written NNNNNNNNNN-NNN) for a branch."
  scalar TaxCode
  "Administrative unit code (GSO/NSO): 2 digits for a province, 5 for a commune."
  scalar AdminCode
  "A date that may be known only in part: YYYY, YYYY-MM or YYYY-MM-DD."
  scalar PartialDate
  "A calendar date, YYYY-MM-DD."
  scalar Date
  "An instant, ISO 8601 with offset."
  scalar DateTime
  "An exact decimal number written as a string, e.g. an amount in VND."
  scalar Decimal

  enum Sex { MALE FEMALE OTHER UNKNOWN }
  enum AdminLevel { PROVINCE COMMUNE }
  enum CodeSystem { GSO_NSO }

  "A value from a code list (danh mục dùng chung)."
  type CodeValue {
    code: String
    name: String!
  }

  "Đơn vị hành chính, time-versioned: codes were reassigned on 1 July 2025."
  type AdministrativeUnit {
    code: AdminCode!
    codeSystem: CodeSystem!
    level: AdminLevel!
    "Thành phố, Tỉnh, Phường, Xã, Đặc khu"
    kind: String!
    name: String!
    fullName: String!
    parent: AdministrativeUnit
    validFrom: Date!
    "null while the unit is in force"
    validTo: Date
    "units that took over this one (sáp nhập); a unit may be split across several"
    successors: [AdministrativeUnit!]!
    predecessors: [AdministrativeUnit!]!
    legalBasis: String
  }

  "The pre-2025 three-level address (tỉnh, huyện, xã), kept for older records."
  type LegacyAddress {
    provinceCode: String
    districtCode: String
    communeCode: String
    text: String
  }

  "Địa chỉ: province and commune after the 2025 reform, and the detail (house, street, hamlet)."
  type Address {
    province: AdministrativeUnit
    commune: AdministrativeUnit
    detail: String
    legacy: LegacyAddress
    fullText: String
  }

  "Họ, chữ đệm, tên."
  type PersonName {
    family: String!
    middle: String
    given: String!
    full: String!
  }

  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  type Query {
    "An administrative unit as it stood on asOf (default: today)."
    administrativeUnit(code: AdminCode!, asOf: Date): AdministrativeUnit
  }
`
