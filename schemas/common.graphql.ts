/** Shared scalars, code values, administrative units and addresses. */
export const typeDefs = /* GraphQL */ `
  "Số định danh cá nhân (12 chữ số, không có chữ số kiểm tra) / Personal identification number (12 digits, no check digit)"
  scalar PIN
  "Mã số doanh nghiệp, cũng là mã số thuế: 10 chữ số có chữ số kiểm tra, hoặc 13 chữ số (viết NNNNNNNNNN-NNN) cho chi nhánh / Enterprise code = tax code: 10 digits with check digit, or 13 (written NNNNNNNNNN-NNN) for a branch"
  scalar TaxCode
  "Mã đơn vị hành chính theo danh mục của cơ quan thống kê (GSO/NSO): 2 chữ số cho cấp tỉnh, 5 chữ số cho cấp xã / Administrative unit code (GSO/NSO): 2 digits for a province, 5 for a commune"
  scalar AdminCode
  "Ngày có thể chỉ biết một phần: YYYY, YYYY-MM hoặc YYYY-MM-DD / A date that may be known only in part: YYYY, YYYY-MM or YYYY-MM-DD"
  scalar PartialDate
  "Ngày dương lịch, dạng YYYY-MM-DD / A calendar date, YYYY-MM-DD"
  scalar Date
  "Thời điểm theo ISO 8601, có độ lệch múi giờ / An instant, ISO 8601 with offset"
  scalar DateTime
  "Số thập phân chính xác viết dưới dạng chuỗi, ví dụ số tiền bằng VND / An exact decimal number written as a string, e.g. an amount in VND"
  scalar Decimal

  "Giới tính / Sex"
  enum Sex {
    "Nam giới / Male"
    MALE
    "Nữ giới / Female"
    FEMALE
    "Khác / Other"
    OTHER
    "Chưa rõ / Unknown"
    UNKNOWN
  }

  "Cấp đơn vị hành chính / Level of an administrative unit"
  enum AdminLevel {
    "Cấp tỉnh: tỉnh, thành phố / Province level: a province or a city"
    PROVINCE
    "Cấp xã: xã, phường, đặc khu / Commune level: a commune, a ward or a special zone"
    COMMUNE
  }

  "Hệ thống mã đơn vị hành chính / Code system of administrative unit codes"
  enum CodeSystem {
    "Danh mục đơn vị hành chính của cơ quan thống kê (Tổng cục Thống kê, nay là Cục Thống kê) / The statistics office's list of administrative units (GSO, now NSO)"
    GSO_NSO
  }

  "Giá trị trong danh mục dùng chung / A value from a shared code list"
  type CodeValue {
    "Mã của giá trị; null khi nguồn chỉ ghi tên / The value's code; null when the source gives only its name"
    code: String
    "Tên của giá trị / The value's name"
    name: String!
  }

  "Đơn vị hành chính, có phiên bản theo thời gian: mã đã được sắp xếp lại từ ngày 1/7/2025 / An administrative unit, time-versioned: codes were reassigned on 1 July 2025"
  type AdministrativeUnit {
    "Mã đơn vị hành chính / The unit's code"
    code: AdminCode!
    "Hệ thống mã của mã đơn vị / The code system of the unit's code"
    codeSystem: CodeSystem!
    "Cấp đơn vị hành chính: tỉnh hoặc xã / The unit's level: province or commune"
    level: AdminLevel!
    "Loại đơn vị: Thành phố, Tỉnh, Phường, Xã, Đặc khu / The kind of unit, in Vietnamese: Thành phố, Tỉnh, Phường, Xã, Đặc khu"
    kind: String!
    "Tên đơn vị, không kèm loại / The unit's name, without its kind"
    name: String!
    "Tên đầy đủ, gồm loại và tên (ví dụ: Phường Hồng Hà) / The full name, kind and name (e.g. Phường Hồng Hà)"
    fullName: String!
    "Đơn vị hành chính cấp trên: tỉnh, thành phố của một xã / The unit above: a commune's province"
    parent: AdministrativeUnit
    "Ngày đơn vị bắt đầu có hiệu lực / The date the unit came into force"
    validFrom: Date!
    "Ngày cuối cùng đơn vị còn hiệu lực; null khi đơn vị đang có hiệu lực / The last day the unit was in force; null while the unit is in force"
    validTo: Date
    "Các đơn vị tiếp nhận đơn vị này (sáp nhập); một đơn vị có thể được chia cho nhiều đơn vị / Units that took over this one (merger); a unit may be split across several"
    successors: [AdministrativeUnit!]!
    "Các đơn vị được sắp xếp để hình thành đơn vị này / The units this one was formed from"
    predecessors: [AdministrativeUnit!]!
    "Căn cứ pháp lý của việc sắp xếp (nghị quyết, quyết định) / The legal basis of the arrangement (resolution, decision)"
    legalBasis: String
  }

  "Địa chỉ ba cấp trước năm 2025 (tỉnh, huyện, xã), giữ lại cho các bản ghi cũ / The pre-2025 three-level address (province, district, commune), kept for older records"
  type LegacyAddress {
    "Mã tỉnh trước năm 2025 / The pre-2025 province code"
    provinceCode: String
    "Mã huyện (cấp huyện đã bỏ từ ngày 1/7/2025) / The district code (districts were abolished on 1 July 2025)"
    districtCode: String
    "Mã xã trước năm 2025 / The pre-2025 commune code"
    communeCode: String
    "Địa chỉ cũ dạng văn bản / The old address as text"
    text: String
  }

  "Địa chỉ: tỉnh và xã sau sắp xếp năm 2025, cùng phần chi tiết (số nhà, đường phố, thôn, tổ dân phố) / Address: province and commune after the 2025 reform, and the detail (house, street, hamlet)"
  type Address {
    "Đơn vị hành chính cấp tỉnh / The province"
    province: AdministrativeUnit
    "Đơn vị hành chính cấp xã / The commune"
    commune: AdministrativeUnit
    "Phần chi tiết: số nhà, đường phố, thôn, tổ dân phố / The detail: house, street, hamlet"
    detail: String
    "Địa chỉ ba cấp trước năm 2025, khi bản ghi có / The pre-2025 three-level address, when the record has one"
    legacy: LegacyAddress
    "Toàn bộ địa chỉ dạng văn bản / The whole address as text"
    fullText: String
  }

  "Họ, chữ đệm và tên / A person's name: family name, middle name and given name"
  type PersonName {
    "Họ / Family name"
    family: String!
    "Chữ đệm / Middle name"
    middle: String
    "Tên / Given name"
    given: String!
    "Họ, chữ đệm và tên đầy đủ / The full name"
    full: String!
  }

  "Thông tin phân trang / Pagination information"
  type PageInfo {
    "Còn trang tiếp theo hay không / Whether there is a next page"
    hasNextPage: Boolean!
    "Con trỏ của phần tử cuối trang: truyền vào after để lấy trang tiếp theo / The cursor of the page's last item: pass it as after for the next page"
    endCursor: String
  }

  "Truy vấn: đọc dữ liệu từ các cơ sở dữ liệu và hồ sơ liên thông / Queries: reading the registries and the exchanged dossiers"
  type Query {
    "Đơn vị hành chính tại ngày asOf (mặc định: hôm nay) / An administrative unit as it stood on asOf (default: today)"
    administrativeUnit(
      "Mã đơn vị hành chính / The unit's code"
      code: AdminCode!
      "Ngày cần tra cứu (mặc định: hôm nay) / The date to look at (default: today)"
      asOf: Date
    ): AdministrativeUnit
  }
`
