/** Land registry (CSDL đất đai): parcels, uses, holders, certificates, encumbrances. */
export const typeDefs = /* GraphQL */ `
  "Thửa đất. Khóa MX.SB.ST: mã xã (theo cách đánh số tờ bản đồ, có thể trước năm 2025), số tờ bản đồ, số thửa / A land parcel. Key MX.SB.ST: commune (as the map sheet was numbered, possibly pre-2025), sheet, parcel"
  type LandParcel {
    "Khóa thửa đất MX.SB.ST / The parcel key MX.SB.ST"
    parcelKey: String!
    "Xã theo cách đánh số tờ bản đồ, có thể là xã trước sắp xếp năm 2025 / The commune the map sheet was numbered in, possibly one from before the 2025 reform"
    commune: AdministrativeUnit
    "Số tờ bản đồ / Map sheet number"
    mapSheetNo: Int!
    "Số thửa / Parcel number"
    parcelNo: Int!
    "Diện tích, m² / Area, in m²"
    area: Float!
    "Mục đích sử dụng đất / Land uses"
    uses: [LandUse!]!
    "Nguồn gốc sử dụng đất / Origin of the land use"
    origin: CodeValue
    "Hình thức sử dụng: sử dụng riêng, sử dụng chung / Form of use: private or shared"
    useForm: CodeValue
    "Địa chỉ thửa đất / The parcel's address"
    address: Address
    "Người sử dụng đất / Land holders"
    holders: [LandHolder!]!
    "Giấy chứng nhận quyền sử dụng đất đã cấp / Land use right certificates issued"
    certificates: [LandCertificate!]!
    "Các hạn chế quyền: thế chấp, tranh chấp, kê biên / Encumbrances: mortgages, disputes, seizures"
    encumbrances: [Encumbrance!]!
  }

  "Mục đích sử dụng đất, kèm mã loại đất theo TT 08/2024 (ONT, ODT, LUC, CLN …) / A land use, with the TT 08/2024 land-type code (ONT, ODT, LUC, CLN …)"
  type LandUse {
    "Mã loại đất / Land-type code"
    typeCode: String!
    "Tên loại đất / Land-type name"
    typeName: String!
    "Diện tích sử dụng vào mục đích này, m² / Area used for this purpose, in m²"
    area: Float!
    "Thời hạn sử dụng (ví dụ: lâu dài) / Term of use (e.g. long-term)"
    term: String
    "Ngày hết thời hạn sử dụng / The date the term ends"
    until: Date
  }

  "Tình trạng giấy chứng nhận / Certificate status"
  enum CertificateStatus {
    "Còn hiệu lực / Valid"
    VALID
    "Đã bị thu hồi / Revoked"
    REVOKED
    "Đã được cấp đổi, thay thế bằng giấy chứng nhận khác / Replaced by another certificate"
    REPLACED
  }

  "Giấy chứng nhận quyền sử dụng đất / A land use right certificate"
  type LandCertificate {
    "Số phát hành (số seri) / Serial number"
    serial: String!
    "Số vào sổ cấp giấy chứng nhận / Registry entry number"
    registryEntryNo: String
    "Cơ quan cấp / Issuing authority"
    issuedBy: String!
    "Ngày cấp / Issue date"
    issuedOn: Date!
    "Tình trạng giấy chứng nhận / Certificate status"
    status: CertificateStatus!
  }

  "Loại hạn chế quyền / Kind of encumbrance"
  enum EncumbranceKind {
    "Thế chấp / Mortgage"
    MORTGAGE
    "Tranh chấp / Dispute"
    DISPUTE
    "Kê biên / Seizure"
    SEIZURE
    "Khác / Other"
    OTHER
  }

  "Hạn chế quyền đối với thửa đất / An encumbrance on a parcel"
  type Encumbrance {
    "Loại hạn chế / Kind"
    kind: EncumbranceKind!
    "Ngày đăng ký / Registration date"
    registeredOn: Date!
    "Ngày xóa đăng ký / Release date"
    releasedOn: Date
    "Bên nhận (ví dụ: ngân hàng nhận thế chấp) / The receiving party (e.g. the mortgagee bank)"
    holderName: String
    "Ghi chú / Note"
    note: String
  }

  "Loại người sử dụng đất / Kind of land holder"
  enum HolderKind {
    "Cá nhân / Person"
    PERSON
    "Doanh nghiệp, tổ chức / Enterprise"
    ENTERPRISE
  }

  "Người sử dụng đất: cá nhân (số định danh cá nhân) hoặc doanh nghiệp (mã số thuế) / A land holder: a person (PIN) or an enterprise (tax code)"
  type LandHolder {
    "Cá nhân hay doanh nghiệp / Person or enterprise"
    kind: HolderKind!
    "Vai trò đối với thửa đất (ví dụ: Cá nhân, Vợ, Chồng, Tổ chức sử dụng đất) / Role towards the parcel (e.g. Cá nhân, Vợ, Chồng, Tổ chức sử dụng đất)"
    role: CodeValue!
    "Họ tên hoặc tên tổ chức / Name of the person or organisation"
    name: String!
    "Số định danh cá nhân, khi là cá nhân / PIN, for a person"
    pin: PIN
    "Mã số thuế, khi là doanh nghiệp / Tax code, for an enterprise"
    taxCode: TaxCode
    "Tỷ lệ hoặc hình thức sử dụng chung (ví dụ: Sử dụng chung) / Share, or the form of shared use (e.g. Sử dụng chung)"
    share: String
    "Bản ghi của người này trong CSDL quốc gia về dân cư / The person's record in the population registry"
    person: Citizen
    "Bản ghi của doanh nghiệp trong CSDL quốc gia về đăng ký doanh nghiệp / The enterprise's record in the business registry"
    enterprise: Enterprise
  }

  "Một trang danh sách thửa đất / A page of land parcels"
  type LandParcelConnection {
    "Các thửa đất trong trang / The parcels on this page"
    nodes: [LandParcel!]!
    "Thông tin phân trang / Pagination information"
    pageInfo: PageInfo!
    "Tổng số thửa đất thỏa mãn điều kiện; báo lỗi khi cơ quan chỉ được xem một phần / How many parcels match in all; an error when the agency may see only part of them"
    totalCount: Int!
  }

  "Người sử dụng đất cần tìm: cho đúng một trong hai, pin hoặc taxCode / The holder to look for: exactly one of pin or taxCode"
  input LandHolderInput {
    "Số định danh cá nhân của người sử dụng đất / The holder's PIN, for a person"
    pin: PIN
    "Mã số thuế của doanh nghiệp sử dụng đất / The holder's tax code, for an enterprise"
    taxCode: TaxCode
  }

  # Cross-registry links are nullable: when the land registry fails, only this field is null
  # (with an UPSTREAM_* error), not the citizen or enterprise that came from another registry.
  extend type Citizen {
    "Các thửa đất công dân này sử dụng (CSDL đất đai); null khi CSDL đất đai gặp lỗi / Parcels this citizen holds (land registry); null when the land registry fails"
    landParcels: [LandParcel!]
  }

  extend type Enterprise {
    "Các thửa đất doanh nghiệp này sử dụng (CSDL đất đai); null khi CSDL đất đai gặp lỗi / Parcels this enterprise holds (land registry); null when the land registry fails"
    landParcels: [LandParcel!]
  }

  extend type Query {
    "Thửa đất theo khóa MX.SB.ST / A land parcel by its key MX.SB.ST"
    landParcel(
      "Khóa thửa đất MX.SB.ST / The parcel key MX.SB.ST"
      key: String!
    ): LandParcel
    "Các thửa đất của một người sử dụng đất, hoặc trong một xã; cần ít nhất một trong hai / Parcels of a holder, or in a commune; at least one of the two"
    landParcels(
      "Người sử dụng đất / The holder"
      holder: LandHolderInput
      "Mã xã, phường nơi có thửa đất / The code of the commune the parcels lie in"
      commune: AdminCode
      "Số thửa đất tối đa trong một trang, từ 1 đến 100 / How many parcels a page holds at most, 1 to 100"
      first: Int = 20
      "Con trỏ endCursor của trang trước / The previous page's endCursor"
      after: String
    ): LandParcelConnection!
  }
`
