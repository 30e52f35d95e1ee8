/** Business registry (CSDL quốc gia về đăng ký doanh nghiệp). */
export const typeDefs = /* GraphQL */ `
  "Doanh nghiệp, hoặc chi nhánh, văn phòng đại diện (mã 13 chữ số) / An enterprise, or a branch or representative office (13-digit code)"
  type Enterprise {
    "Mã số doanh nghiệp (mã số thuế) / The enterprise code (tax code)"
    code: TaxCode!
    "Loại hình doanh nghiệp / Legal form"
    legalForm: CodeValue!
    "Tên doanh nghiệp bằng tiếng Việt / The name in Vietnamese"
    nameVi: String!
    "Tên viết tắt / The abbreviated name"
    nameShort: String
    "Tên doanh nghiệp bằng tiếng nước ngoài / The name in a foreign language"
    nameForeign: String
    "Ngày thành lập / The date the enterprise was founded"
    foundedOn: Date!
    "Ngày đăng ký thay đổi gần nhất / The date of the latest registered amendment"
    lastAmendedOn: Date
    "Số lần đăng ký thay đổi / How many amendments were registered"
    amendmentCount: Int
    "Tình trạng hoạt động; mã là một giá trị của EnterpriseStatus / Operating status; its code is one of EnterpriseStatus"
    status: CodeValue!
    "Vốn điều lệ, đơn vị VND / Charter capital, in VND"
    charterCapital: Decimal
    "Địa chỉ trụ sở chính / The head office's address"
    headOffice: Address!
    "Ngành, nghề kinh doanh / Business lines"
    businessLines: [BusinessLine!]!
    "Người đại diện theo pháp luật / Legal representatives"
    legalRepresentatives: [LegalRepresentative!]!
    "Thành viên góp vốn, cổ đông / Members and shareholders who contributed capital"
    members: [CapitalMember!]!
    "Chi nhánh, văn phòng đại diện / Branches and representative offices"
    branches: [EnterpriseUnit!]!
    "Cơ quan đăng ký kinh doanh đã cấp đăng ký / The business registration office"
    registrationOffice: String
  }

  "Phiên bản Hệ thống ngành kinh tế Việt Nam (VSIC) / Version of the Vietnam Standard Industrial Classification (VSIC)"
  enum VsicVersion {
    "Hệ thống ngành kinh tế Việt Nam năm 2018 / VSIC 2018"
    V2018
    "Hệ thống ngành kinh tế Việt Nam năm 2025 / VSIC 2025"
    V2025
  }

  "Ngành, nghề kinh doanh / A business line"
  type BusinessLine {
    "Mã ngành theo VSIC / The VSIC code"
    code: String!
    "Tên ngành / The line's name"
    name: String!
    "Có phải ngành, nghề kinh doanh chính không / Whether it is the main business line"
    isMain: Boolean!
    "Phiên bản VSIC của mã ngành / The VSIC version of the code"
    vsicVersion: VsicVersion!
  }

  "Người đại diện theo pháp luật / A legal representative"
  type LegalRepresentative {
    "Họ, chữ đệm và tên / Name"
    name: PersonName!
    "Chức danh (ví dụ: Giám đốc) / Title (e.g. Director)"
    title: String!
    "Số định danh cá nhân / Personal identification number"
    pin: PIN
    "Quốc tịch / Nationality"
    nationality: CodeValue
    "Bản ghi của người đại diện trong CSDL quốc gia về dân cư / The representative's record in the population registry"
    citizen: Citizen
  }

  "Thành viên góp vốn hoặc cổ đông / A member or shareholder who contributed capital"
  type CapitalMember {
    "Tên thành viên, cổ đông / The member's name"
    name: String!
    "Giá trị phần vốn góp, đơn vị VND / The capital contributed, in VND"
    amount: Decimal
    "Tỷ lệ phần vốn góp (%) / Share of the capital, in percent"
    ratioPercent: Float
    "Quốc gia của thành viên / The member's country"
    country: String
  }

  "Loại đơn vị phụ thuộc của doanh nghiệp / Kind of an enterprise's dependent unit"
  enum EnterpriseUnitKind {
    "Chi nhánh / Branch"
    BRANCH
    "Văn phòng đại diện / Representative office"
    REPRESENTATIVE_OFFICE
  }

  "Chi nhánh hoặc văn phòng đại diện của doanh nghiệp / A branch or representative office of an enterprise"
  type EnterpriseUnit {
    "Mã số đơn vị phụ thuộc (13 chữ số) / The unit's code (13 digits)"
    code: TaxCode!
    "Loại đơn vị / The kind of unit"
    kind: EnterpriseUnitKind!
    "Tên đơn vị / The unit's name"
    name: String!
    "Địa chỉ đơn vị / The unit's address"
    address: Address
    "Tình trạng hoạt động / Operating status"
    status: CodeValue
  }

  "Tình trạng hoạt động của doanh nghiệp / An enterprise's operating status"
  enum EnterpriseStatus {
    "Đang hoạt động / Active"
    ACTIVE
    "Tạm ngừng kinh doanh / Business suspended"
    SUSPENDED
    "Đang làm thủ tục giải thể / Being dissolved"
    DISSOLVING
    "Đã giải thể / Dissolved"
    DISSOLVED
    "Không hoạt động tại địa chỉ đã đăng ký / Not operating at its registered address"
    NOT_AT_ADDRESS
    "Bị thu hồi Giấy chứng nhận đăng ký doanh nghiệp / Enterprise registration certificate revoked"
    REVOKED
    "Đang làm thủ tục phá sản / In bankruptcy proceedings"
    BANKRUPTCY
  }

  "Điều kiện lọc doanh nghiệp / A filter on enterprises"
  input EnterpriseFilter {
    "Một phần tên tiếng Việt, không phân biệt chữ hoa, chữ thường và dấu / Part of the Vietnamese name, case- and accent-insensitive"
    name: String
    "Tỉnh, thành phố nơi đặt trụ sở chính / Province of the head office"
    province: AdminCode
    "Tình trạng hoạt động / Operating status"
    status: EnterpriseStatus
  }

  "Một trang danh sách doanh nghiệp / A page of enterprises"
  type EnterpriseConnection {
    "Các doanh nghiệp trong trang / The enterprises on this page"
    nodes: [Enterprise!]!
    "Thông tin phân trang / Pagination information"
    pageInfo: PageInfo!
    "Tổng số doanh nghiệp thỏa mãn điều kiện; báo lỗi khi cơ quan chỉ được xem một phần / How many enterprises match in all; an error when the agency may see only part of them"
    totalCount: Int!
  }

  extend type Query {
    "Doanh nghiệp theo mã số doanh nghiệp / An enterprise by its code"
    enterprise(
      "Mã số doanh nghiệp (mã số thuế) / The enterprise code (tax code)"
      code: TaxCode!
    ): Enterprise
    "Các doanh nghiệp thỏa mãn điều kiện lọc, từng trang một / The enterprises matching a filter, a page at a time"
    enterprises(
      "Điều kiện lọc / The filter"
      filter: EnterpriseFilter
      "Số doanh nghiệp tối đa trong một trang, từ 1 đến 100 / How many enterprises a page holds at most, 1 to 100"
      first: Int = 20
      "Con trỏ endCursor của trang trước / The previous page's endCursor"
      after: String
    ): EnterpriseConnection!
  }
`
