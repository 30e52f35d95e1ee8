/** Population registry (CSDLQG về dân cư): citizens, residence, households. */
export const typeDefs = /* GraphQL */ `
  "Công dân."
  type Citizen {
    pin: PIN!
    "số CMND (9 digits), on older records"
    legacyIdNumber: String
    name: PersonName!
    birthDate: PartialDate!
    sex: Sex!
    "nơi đăng ký khai sinh (province, as registered)"
    birthRegistrationPlace: AdministrativeUnit
    hometown: String
    ethnicity: CodeValue
    religion: CodeValue
    nationality: [CodeValue!]!
    maritalStatus: CodeValue
    bloodType: CodeValue
    father: RelatedPerson
    mother: RelatedPerson
    spouse: RelatedPerson
    residence: ResidenceStatus!
    household: HouseholdMembership
    deceasedOn: PartialDate
    "ThoiDiemDuLieu: when the registry's data was current"
    dataAsOf: DateTime!
  }

  type RelatedPerson {
    name: PersonName!
    pin: PIN
    nationality: CodeValue
    "the related person's own record, when they have a PIN"
    citizen: Citizen
  }

  enum ResidenceKind { PERMANENT TEMPORARY }

  type TemporaryResidence {
    address: Address!
    validUntil: Date
  }

  type ResidenceEntry {
    kind: ResidenceKind!
    address: Address!
    from: Date!
    to: Date
  }

  type ResidenceStatus {
    "nơi thường trú"
    permanent: Address
    "nơi tạm trú"
    temporary: TemporaryResidence
    "nơi ở hiện tại"
    current: Address
    "tạm vắng"
    temporaryAbsence: Boolean!
    "quá trình cư trú"
    history: [ResidenceEntry!]!
  }

  type HouseholdMembership {
    householdId: ID!
    relationToHead: CodeValue!
    household: Household
  }

  "Hộ gia đình."
  type Household {
    id: ID!
    head: Citizen
    members: [HouseholdMember!]!
    address: Address
  }

  type HouseholdMember {
    pin: PIN!
    relationToHead: CodeValue!
    citizen: Citizen
  }

  "Whether a (PIN, name, birth date) triple matches the registry: the least a one-stop desk needs. Once per request; a non-match costs more of the grant's limits than a match."
  type CitizenVerification {
    pin: PIN!
    match: Boolean!
  }

  extend type Query {
    citizen(pin: PIN!): Citizen
    verifyCitizen(pin: PIN!, name: String!, birthDate: PartialDate!): CitizenVerification!
    household(id: ID!): Household
  }
`
