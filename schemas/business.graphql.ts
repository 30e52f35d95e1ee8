/** Business registry (CSDL quốc gia về đăng ký doanh nghiệp). */
export const typeDefs = /* GraphQL */ `
  "Doanh nghiệp, or a branch / representative office (13-digit code)."
  type Enterprise {
    code: TaxCode!
    legalForm: CodeValue!
    nameVi: String!
    nameShort: String
    nameForeign: String
    foundedOn: Date!
    lastAmendedOn: Date
    amendmentCount: Int
    "tình trạng hoạt động; code is one of EnterpriseStatus"
    status: CodeValue!
    "vốn điều lệ, VND"
    charterCapital: Decimal
    headOffice: Address!
    businessLines: [BusinessLine!]!
    legalRepresentatives: [LegalRepresentative!]!
    members: [CapitalMember!]!
    branches: [EnterpriseUnit!]!
    registrationOffice: String
  }

  enum VsicVersion { V2018 V2025 }

  type BusinessLine {
    code: String!
    name: String!
    isMain: Boolean!
    vsicVersion: VsicVersion!
  }

  "Người đại diện theo pháp luật."
  type LegalRepresentative {
    name: PersonName!
    title: String!
    pin: PIN
    nationality: CodeValue
    "the representative's record in the population registry"
    citizen: Citizen
  }

  type CapitalMember {
    name: String!
    amount: Decimal
    ratioPercent: Float
    country: String
  }

  enum EnterpriseUnitKind { BRANCH REPRESENTATIVE_OFFICE }

  type EnterpriseUnit {
    code: TaxCode!
    kind: EnterpriseUnitKind!
    name: String!
    address: Address
    status: CodeValue
  }

  enum EnterpriseStatus { ACTIVE SUSPENDED DISSOLVING DISSOLVED NOT_AT_ADDRESS REVOKED BANKRUPTCY }

  input EnterpriseFilter {
    "part of the Vietnamese name, case- and accent-insensitive"
    name: String
    "province of the head office"
    province: AdminCode
    status: EnterpriseStatus
  }

  type EnterpriseConnection {
    nodes: [Enterprise!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  extend type Query {
    enterprise(code: TaxCode!): Enterprise
    enterprises(filter: EnterpriseFilter, first: Int = 20, after: String): EnterpriseConnection!
  }
`
