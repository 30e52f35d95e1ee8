/**
 * The canonical records every connector's `map.ts` produces. They mirror the GraphQL types in
 * `schemas/*.graphql.ts` field for field, so default resolvers serve them; only cross-registry
 * links (a PIN that becomes a `Citizen`, a tax code that becomes an `Enterprise`) have resolvers.
 *
 * Codes are normalised here: administrative units are GSO/NSO codes ("01", "00097"), dates are
 * ISO (`YYYY-MM-DD`), partial dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, tax codes of branches
 * are written `NNNNNNNNNN-NNN`.
 */

export type Sex = 'MALE' | 'FEMALE' | 'OTHER' | 'UNKNOWN'

/** A value from a code list: `code` when the source has one, always a display `name`. */
export interface CodeValue {
  code: string | null
  name: string
}

export interface PersonName {
  family: string
  middle: string | null
  given: string
  full: string
}

/** Pre-July-2025 three-level address, kept for records that still carry it. */
export interface LegacyAddress {
  provinceCode: string | null
  districtCode: string | null
  communeCode: string | null
  text: string | null
}

/** Two-level address (province, commune) after the 1 July 2025 reform; units resolve lazily. */
export interface Address {
  provinceCode: string | null
  communeCode: string | null
  detail: string | null
  legacy: LegacyAddress | null
  fullText: string | null
}

export interface RelatedPerson {
  name: PersonName
  pin: string | null
  nationality: CodeValue | null
}

export interface TemporaryResidence {
  address: Address
  validUntil: string | null
}

export interface ResidenceEntry {
  kind: 'PERMANENT' | 'TEMPORARY'
  address: Address
  from: string
  to: string | null
}

export interface ResidenceStatus {
  permanent: Address | null
  temporary: TemporaryResidence | null
  current: Address | null
  temporaryAbsence: boolean
  history: ResidenceEntry[]
}

export interface HouseholdMembership {
  householdId: string
  relationToHead: CodeValue
}

export interface Citizen {
  pin: string
  legacyIdNumber: string | null
  name: PersonName
  birthDate: string
  sex: Sex
  birthRegistrationProvinceCode: string | null
  hometown: string | null
  ethnicity: CodeValue | null
  religion: CodeValue | null
  nationality: CodeValue[]
  maritalStatus: CodeValue | null
  bloodType: CodeValue | null
  father: RelatedPerson | null
  mother: RelatedPerson | null
  spouse: RelatedPerson | null
  residence: ResidenceStatus
  household: HouseholdMembership | null
  deceasedOn: string | null
  dataAsOf: string
}

export interface CitizenVerification {
  pin: string
  match: boolean
}

export interface HouseholdMember {
  pin: string
  relationToHead: CodeValue
}

export interface Household {
  id: string
  headPin: string
  members: HouseholdMember[]
  address: Address | null
}

export interface LandUse {
  typeCode: string
  typeName: string
  area: number
  term: string | null
  until: string | null
}

export interface LandCertificate {
  serial: string
  registryEntryNo: string | null
  issuedBy: string
  issuedOn: string
  status: 'VALID' | 'REVOKED' | 'REPLACED'
}

export interface Encumbrance {
  kind: 'MORTGAGE' | 'DISPUTE' | 'SEIZURE' | 'OTHER'
  registeredOn: string
  releasedOn: string | null
  holderName: string | null
  note: string | null
}

export interface LandHolder {
  kind: 'PERSON' | 'ENTERPRISE'
  role: CodeValue
  pin: string | null
  taxCode: string | null
  name: string
  share: string | null
}

export interface LandParcel {
  parcelKey: string
  /** The commune the map sheet belongs to: may be a pre-merger commune (validTo set). */
  communeCode: string
  mapSheetNo: number
  parcelNo: number
  area: number
  uses: LandUse[]
  origin: CodeValue | null
  useForm: CodeValue | null
  address: Address | null
  holders: LandHolder[]
  certificates: LandCertificate[]
  encumbrances: Encumbrance[]
}

export interface BusinessLine {
  code: string
  name: string
  isMain: boolean
  vsicVersion: 'V2018' | 'V2025'
}

export interface LegalRepresentative {
  name: PersonName
  title: string
  pin: string | null
  nationality: CodeValue | null
}

export interface CapitalMember {
  name: string
  amount: string | null
  ratioPercent: number | null
  country: string | null
}

export interface EnterpriseUnit {
  code: string
  kind: 'BRANCH' | 'REPRESENTATIVE_OFFICE'
  name: string
  address: Address | null
  status: CodeValue | null
}

export type EnterpriseStatusCode = 'ACTIVE' | 'SUSPENDED' | 'DISSOLVING' | 'DISSOLVED' | 'NOT_AT_ADDRESS' | 'REVOKED' | 'BANKRUPTCY'

export interface Enterprise {
  code: string
  legalForm: CodeValue
  nameVi: string
  nameShort: string | null
  nameForeign: string | null
  foundedOn: string
  lastAmendedOn: string | null
  amendmentCount: number | null
  status: CodeValue & { code: EnterpriseStatusCode }
  /** VND as a decimal string: capital can exceed 2^53. */
  charterCapital: string | null
  headOffice: Address
  businessLines: BusinessLine[]
  legalRepresentatives: LegalRepresentative[]
  members: CapitalMember[]
  branches: EnterpriseUnit[]
  registrationOffice: string | null
}

/** A page of results with an opaque cursor, as the `*Connection` types of the schema. */
export interface Page<T> {
  nodes: T[]
  totalCount: number
  pageInfo: { hasNextPage: boolean; endCursor: string | null }
}
