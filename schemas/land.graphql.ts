/** Land registry (CSDL đất đai): parcels, uses, holders, certificates, encumbrances. */
export const typeDefs = /* GraphQL */ `
  "Thửa đất. Key MX.SB.ST: commune (as the map sheet was numbered, possibly pre-2025), sheet, parcel."
  type LandParcel {
    parcelKey: String!
    commune: AdministrativeUnit
    mapSheetNo: Int!
    parcelNo: Int!
    "m²"
    area: Float!
    uses: [LandUse!]!
    origin: CodeValue
    useForm: CodeValue
    address: Address
    holders: [LandHolder!]!
    certificates: [LandCertificate!]!
    encumbrances: [Encumbrance!]!
  }

  "Mục đích sử dụng, with the TT 08/2024 land-type code (ONT, ODT, LUC, CLN …)."
  type LandUse {
    typeCode: String!
    typeName: String!
    area: Float!
    term: String
    until: Date
  }

  enum CertificateStatus { VALID REVOKED REPLACED }

  "Giấy chứng nhận quyền sử dụng đất."
  type LandCertificate {
    serial: String!
    registryEntryNo: String
    issuedBy: String!
    issuedOn: Date!
    status: CertificateStatus!
  }

  enum EncumbranceKind { MORTGAGE DISPUTE SEIZURE OTHER }

  type Encumbrance {
    kind: EncumbranceKind!
    registeredOn: Date!
    releasedOn: Date
    holderName: String
    note: String
  }

  enum HolderKind { PERSON ENTERPRISE }

  "Người sử dụng đất: a person (PIN) or an enterprise (tax code)."
  type LandHolder {
    kind: HolderKind!
    role: CodeValue!
    name: String!
    pin: PIN
    taxCode: TaxCode
    share: String
    person: Citizen
    enterprise: Enterprise
  }

  type LandParcelConnection {
    nodes: [LandParcel!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  "Exactly one of pin or taxCode."
  input LandHolderInput {
    pin: PIN
    taxCode: TaxCode
  }

  # Cross-registry links are nullable: when the land registry fails, only this field is null
  # (with an UPSTREAM_* error), not the citizen or enterprise that came from another registry.
  extend type Citizen {
    "parcels this citizen holds (land registry)"
    landParcels: [LandParcel!]
  }

  extend type Enterprise {
    "parcels this enterprise holds (land registry)"
    landParcels: [LandParcel!]
  }

  extend type Query {
    landParcel(key: String!): LandParcel
    "parcels of a holder, or in a commune; at least one of the two"
    landParcels(holder: LandHolderInput, commune: AdminCode, first: Int = 20, after: String): LandParcelConnection!
  }
`
