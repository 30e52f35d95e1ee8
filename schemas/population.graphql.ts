/** Population registry (CSDLQG về dân cư): citizens, residence, households. */
export const typeDefs = /* GraphQL */ `
  "Công dân / A citizen"
  type Citizen {
    "Số định danh cá nhân / Personal identification number"
    pin: PIN!
    "Số chứng minh nhân dân (CMND, 9 chữ số), trên các bản ghi cũ / Former identity card number (CMND, 9 digits), on older records"
    legacyIdNumber: String
    "Họ, chữ đệm và tên / Name"
    name: PersonName!
    "Ngày, tháng, năm sinh, có thể chỉ biết một phần / Date of birth, possibly known only in part"
    birthDate: PartialDate!
    "Giới tính / Sex"
    sex: Sex!
    "Nơi đăng ký khai sinh (cấp tỉnh, như đã đăng ký) / Place of birth registration (the province, as registered)"
    birthRegistrationPlace: AdministrativeUnit
    "Quê quán / Home town"
    hometown: String
    "Dân tộc / Ethnicity"
    ethnicity: CodeValue
    "Tôn giáo / Religion"
    religion: CodeValue
    "Quốc tịch / Nationalities"
    nationality: [CodeValue!]!
    "Tình trạng hôn nhân / Marital status"
    maritalStatus: CodeValue
    "Nhóm máu / Blood type"
    bloodType: CodeValue
    "Thông tin về cha / Father"
    father: RelatedPerson
    "Thông tin về mẹ / Mother"
    mother: RelatedPerson
    "Thông tin về vợ hoặc chồng / Spouse"
    spouse: RelatedPerson
    "Thông tin cư trú / Residence"
    residence: ResidenceStatus!
    "Hộ gia đình mà công dân là thành viên / The household the citizen belongs to"
    household: HouseholdMembership
    "Ngày mất, khi công dân đã mất / Date of death, when the citizen has died"
    deceasedOn: PartialDate
    "Thời điểm dữ liệu (ThoiDiemDuLieu): lúc dữ liệu của CSDL được cập nhật / ThoiDiemDuLieu: when the registry's data was current"
    dataAsOf: DateTime!
  }

  "Người có quan hệ với công dân: cha, mẹ, vợ hoặc chồng / A person related to the citizen: father, mother or spouse"
  type RelatedPerson {
    "Họ, chữ đệm và tên / Name"
    name: PersonName!
    "Số định danh cá nhân / Personal identification number"
    pin: PIN
    "Quốc tịch / Nationality"
    nationality: CodeValue
    "Bản ghi riêng của người này, khi có số định danh cá nhân / The related person's own record, when they have a PIN"
    citizen: Citizen
  }

  "Loại cư trú / Kind of residence"
  enum ResidenceKind {
    "Thường trú / Permanent residence"
    PERMANENT
    "Tạm trú / Temporary residence"
    TEMPORARY
  }

  "Nơi tạm trú / Temporary residence"
  type TemporaryResidence {
    "Địa chỉ tạm trú / The temporary address"
    address: Address!
    "Thời hạn tạm trú đến ngày / Valid until"
    validUntil: Date
  }

  "Một giai đoạn trong quá trình cư trú / One period of residence history"
  type ResidenceEntry {
    "Thường trú hay tạm trú / Permanent or temporary"
    kind: ResidenceKind!
    "Địa chỉ cư trú / The address"
    address: Address!
    "Từ ngày / From"
    from: Date!
    "Đến ngày; null khi chưa kết thúc / Until; null while it lasts"
    to: Date
  }

  "Tình trạng cư trú của công dân / A citizen's residence"
  type ResidenceStatus {
    "Nơi thường trú / Permanent residence"
    permanent: Address
    "Nơi tạm trú / Temporary residence"
    temporary: TemporaryResidence
    "Nơi ở hiện tại / Current place of living"
    current: Address
    "Tạm vắng / Temporarily absent"
    temporaryAbsence: Boolean!
    "Quá trình cư trú / Residence history"
    history: [ResidenceEntry!]!
  }

  "Tư cách thành viên hộ gia đình của công dân / A citizen's membership of a household"
  type HouseholdMembership {
    "Mã hộ gia đình / The household's id"
    householdId: ID!
    "Quan hệ với chủ hộ / Relation to the head of household"
    relationToHead: CodeValue!
    "Hộ gia đình / The household"
    household: Household
  }

  "Hộ gia đình / A household"
  type Household {
    "Mã hộ gia đình / The household's id"
    id: ID!
    "Chủ hộ / Head of household"
    head: Citizen
    "Thành viên hộ gia đình / The household's members"
    members: [HouseholdMember!]!
    "Địa chỉ của hộ gia đình / The household's address"
    address: Address
  }

  "Thành viên hộ gia đình / A member of a household"
  type HouseholdMember {
    "Số định danh cá nhân / Personal identification number"
    pin: PIN!
    "Quan hệ với chủ hộ / Relation to the head of household"
    relationToHead: CodeValue!
    "Bản ghi công dân của thành viên / The member's citizen record"
    citizen: Citizen
  }

  "Kết quả xác thực bộ ba (số định danh cá nhân, họ tên, ngày sinh) với CSDL: mức tối thiểu bộ phận một cửa cần. Một lần mỗi yêu cầu; kết quả không khớp tính vào hạn mức của quyền truy cập nhiều hơn kết quả khớp / Whether a (PIN, name, birth date) triple matches the registry: the least a one-stop desk needs. Once per request; a non-match costs more of the grant's limits than a match"
  type CitizenVerification {
    "Số định danh cá nhân đã xác thực / The PIN checked"
    pin: PIN!
    "Có khớp với CSDL hay không / Whether it matches the registry"
    match: Boolean!
  }

  extend type Query {
    "Công dân theo số định danh cá nhân / A citizen by PIN"
    citizen(
      "Số định danh cá nhân / Personal identification number"
      pin: PIN!
    ): Citizen
    "Xác thực số định danh cá nhân, họ tên và ngày sinh với CSDL quốc gia về dân cư / Checks a PIN, name and birth date against the population registry"
    verifyCitizen(
      "Số định danh cá nhân / Personal identification number"
      pin: PIN!
      "Họ, chữ đệm và tên / The full name"
      name: String!
      "Ngày, tháng, năm sinh / Date of birth"
      birthDate: PartialDate!
    ): CitizenVerification!
    "Hộ gia đình theo mã hộ / A household by its id"
    household(
      "Mã hộ gia đình / The household's id"
      id: ID!
    ): Household
  }
`
