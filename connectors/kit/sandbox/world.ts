import { taxCodeCheckDigit } from '../../../schemas/scalars/index.js'
import { currentCommunesByProvince, legacyCommuneSuccessor } from '../admin-units/data.js'
import { partialDate } from '../dates.js'
import * as words from './vocabulary.js'

/**
 * One synthetic, deterministic "province" that all three sandbox registries serve, each in its own
 * wire format. Generating it once keeps the registries consistent: every legal representative and
 * land holder is a citizen of the population registry, every enterprise holder exists in the
 * business registry, and addresses use post-reform province codes with their communes.
 * Same seed and sizes → same world, byte for byte.
 */

export interface WorldAddress {
  provinceCode: string
  communeCode: string
  detail: string
  /** Pre-2025 district code, which older records still carry. */
  legacyDistrictCode: string | null
}

export interface WorldPerson {
  pin: string
  legacyIdNumber: string | null
  family: string
  middle: string | null
  given: string
  /** Canonical partial date: YYYY, YYYY-MM or YYYY-MM-DD. */
  birthDate: string
  sex: 'MALE' | 'FEMALE'
  birthProvincePrefix: string
  hometown: string
  ethnicity: [string, string]
  religion: [string, string]
  maritalStatus: 'Chưa kết hôn' | 'Đã kết hôn' | 'Ly hôn' | 'Góa'
  bloodType: string | null
  fatherPin: string | null
  motherPin: string | null
  spousePin: string | null
  permanent: WorldAddress
  /** Earlier permanent address and when the move happened, for the residence history. */
  previousPermanent: { address: WorldAddress; from: string; movedOn: string } | null
  permanentSince: string
  temporary: { address: WorldAddress; validUntil: string } | null
  temporaryAbsence: boolean
  householdId: string
  relationToHead: string
  deceasedOn: string | null
}

export interface WorldHousehold {
  id: string
  headPin: string
  members: Array<{ pin: string; relation: string }>
  address: WorldAddress
}

export interface WorldEnterpriseUnit {
  code: string
  kind: 'BRANCH' | 'REPRESENTATIVE_OFFICE'
  name: string
  address: WorldAddress
  status: string
}

export interface WorldEnterprise {
  code: string
  typeId: number
  typeName: string
  name: string
  shortName: string | null
  foreignName: string | null
  foundedOn: string
  lastAmendedOn: string | null
  amendmentCount: number
  status: string
  statusName: string
  capital: number
  address: WorldAddress
  activities: Array<{ code: string; name: string; isMain: boolean; vsicVersion: 'V2018' | 'V2025' }>
  representatives: Array<{ pin: string; title: string }>
  members: Array<{ name: string; amount: number; ratioPercent: number; country: string }>
  branches: WorldEnterpriseUnit[]
  registrationOffice: string
}

export interface WorldParcel {
  /** `MX.SB.ST`; MX is the commune the map sheet was numbered in, possibly pre-2025. */
  key: string
  sheetCommuneCode: string
  mapSheetNo: number
  parcelNo: number
  area: number
  uses: Array<{ code: string; name: string; area: number; term: string; until: string | null }>
  origin: string
  useForm: 'Sử dụng riêng' | 'Sử dụng chung'
  address: WorldAddress
  holders: Array<{ kind: 'PERSON' | 'ENTERPRISE'; id: string; name: string; role: string; share: string | null }>
  certificates: Array<{ serial: string; entryNo: string; issuedBy: string; issuedOn: string; status: 'VALID' | 'REVOKED' | 'REPLACED' }>
  encumbrances: Array<{ kind: 'MORTGAGE' | 'DISPUTE'; registeredOn: string; releasedOn: string | null; holderName: string | null; note: string | null }>
}

export interface World {
  seed: number
  people: WorldPerson[]
  households: WorldHousehold[]
  enterprises: WorldEnterprise[]
  parcels: WorldParcel[]
  personByPin: ReadonlyMap<string, WorldPerson>
  /** Deterministic records handy for examples: an enterprise whose representative holds land. */
  examples: { enterpriseCode: string; representativePin: string; parcelKey: string; householdId: string }
}

export interface WorldOptions {
  /** @default 2025 */
  seed?: number
  /** @default 10000 */
  citizens?: number
  /** @default 3000 */
  parcels?: number
  /** @default 2000 */
  enterprises?: number
}

/** mulberry32: small, fast, good enough for synthetic data, and the same on every platform. */
function createRandom(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T
  const chance = (p: number) => next() < p
  return { next, int, pick, chance }
}
type Random = ReturnType<typeof createRandom>

const pad = (n: number, width: number) => String(n).padStart(width, '0')
const SNAPSHOT_YEAR = 2026

function randomDate(random: Random, fromYear: number, toYear: number): string {
  const year = random.int(fromYear, toYear)
  const month = random.int(1, 12)
  return partialDate(year, month, random.int(1, 28))
}

/** Province weights: the sandbox province (Hà Nội) and TP.HCM dominate, every province appears. */
function pickProvince(random: Random): string {
  const roll = random.next()
  if (roll < 0.45) return '01'
  if (roll < 0.65) return '79'
  return random.pick(Object.keys(currentCommunesByProvince))
}

function randomAddress(random: Random, provinceCode = pickProvince(random)): WorldAddress {
  const communes = currentCommunesByProvince[provinceCode] ?? []
  const communeCode = random.pick(communes)
  const detail = random.chance(0.7) ? `Số ${random.int(1, 199)}, ngõ ${random.int(1, 80)}, phố ${random.pick(words.streets)}` : `Thôn ${random.int(1, 12)}`
  const legacyDistrictCode = random.chance(0.3) ? pad(random.int(1, 30) + Number(provinceCode) * 10, 3) : null
  return { provinceCode, communeCode, detail, legacyDistrictCode }
}

export function createWorld(options: WorldOptions = {}): World {
  const seed = options.seed ?? 2025
  const citizenTarget = options.citizens ?? 10_000
  const parcelTarget = options.parcels ?? 3_000
  const enterpriseTarget = options.enterprises ?? 2_000
  const random = createRandom(seed)

  const people: WorldPerson[] = []
  const households: WorldHousehold[] = []
  let serial = 0

  function makePerson(sex: 'MALE' | 'FEMALE', birthYear: number, family: string, address: WorldAddress, householdId: string, relation: string): WorldPerson {
    serial += 1
    const prefix = random.pick(words.pinProvincePrefixes)
    const centuryDigit = (birthYear >= 2000 ? 2 : 0) + (sex === 'FEMALE' ? 1 : 0)
    // 7919 is prime to 10^6, so serials stay unique for the first million people.
    const pin = `${prefix}${centuryDigit}${pad(birthYear % 100, 2)}${pad((serial * 7919 + seed) % 1_000_000, 6)}`
    const precision = random.next()
    const birthDate =
      precision < 0.02
        ? partialDate(birthYear)
        : precision < 0.03
          ? partialDate(birthYear, random.int(1, 12))
          : partialDate(birthYear, random.int(1, 12), random.int(1, 28))
    const movedIn = Math.max(birthYear + 18, 2000)
    const moved = movedIn < SNAPSHOT_YEAR - 1 && random.chance(0.3)
    const movedOn = moved ? randomDate(random, movedIn, SNAPSHOT_YEAR - 1) : null
    const person: WorldPerson = {
      pin,
      legacyIdNumber: birthYear < 2000 && random.chance(0.4) ? pad(random.int(10_000_000, 399_999_999), 9) : null,
      family,
      middle: random.chance(0.97) ? random.pick(words.middleNames[sex]) : null,
      given: random.pick(words.givenNames[sex]),
      birthDate,
      sex,
      birthProvincePrefix: prefix,
      hometown: random.pick(words.hometowns),
      ethnicity: random.pick(words.ethnicities),
      religion: random.pick(words.religions),
      maritalStatus: 'Chưa kết hôn',
      bloodType: random.chance(0.6) ? random.pick(words.bloodTypes) : null,
      fatherPin: null,
      motherPin: null,
      spousePin: null,
      permanent: address,
      previousPermanent: moved && movedOn ? { address: randomAddress(random), from: partialDate(Math.max(birthYear + 18, 2000), 1, 1), movedOn } : null,
      permanentSince: movedOn ?? `${pad(Math.max(birthYear, 2000), 4)}-01-01`,
      temporary: random.chance(0.1) ? { address: randomAddress(random), validUntil: randomDate(random, SNAPSHOT_YEAR, SNAPSHOT_YEAR + 2) } : null,
      temporaryAbsence: random.chance(0.03),
      householdId,
      relationToHead: relation,
      deceasedOn: null,
    }
    people.push(person)
    return person
  }

  while (people.length < citizenTarget) {
    const householdId = `HGD-${pad(households.length + 1, 7)}`
    const address = randomAddress(random)
    const headSex = random.chance(0.7) ? 'MALE' : 'FEMALE'
    const headYear = random.int(1945, 2001)
    const family = random.pick(words.familyNames)
    const head = makePerson(headSex, headYear, family, address, householdId, 'Chủ hộ')
    const members = [{ pin: head.pin, relation: 'Chủ hộ' }]
    let spouse: WorldPerson | null = null
    if (random.chance(0.75) && people.length < citizenTarget) {
      const spouseSex = headSex === 'MALE' ? 'FEMALE' : 'MALE'
      spouse = makePerson(
        spouseSex,
        headYear + random.int(-5, 5),
        random.pick(words.familyNames),
        address,
        householdId,
        spouseSex === 'FEMALE' ? 'Vợ' : 'Chồng',
      )
      head.spousePin = spouse.pin
      spouse.spousePin = head.pin
      head.maritalStatus = 'Đã kết hôn'
      spouse.maritalStatus = 'Đã kết hôn'
      members.push({ pin: spouse.pin, relation: spouse.relationToHead })
    } else if (headYear < 1990) {
      head.maritalStatus = random.pick(['Chưa kết hôn', 'Ly hôn', 'Góa'] as const)
    }
    const children = random.int(0, 3)
    for (let i = 0; i < children && people.length < citizenTarget; i += 1) {
      const childYear = Math.min(headYear + random.int(20, 38), 2025)
      const child = makePerson(
        random.chance(0.5) ? 'MALE' : 'FEMALE',
        childYear,
        headSex === 'MALE' ? family : (spouse?.family ?? family),
        address,
        householdId,
        'Con đẻ',
      )
      const father = headSex === 'MALE' ? head : spouse
      const mother = headSex === 'FEMALE' ? head : spouse
      child.fatherPin = father?.pin ?? null
      child.motherPin = mother?.pin ?? null
      members.push({ pin: child.pin, relation: 'Con đẻ' })
    }
    if (random.chance(0.02)) head.deceasedOn = randomDate(random, 2024, 2026)
    households.push({ id: householdId, headPin: head.pin, members, address })
  }
  const personByPin = new Map(people.map((person) => [person.pin, person]))
  const adults = people.filter((person) => Number(person.birthDate.slice(0, 4)) <= 2004 && person.deceasedOn === null)
  const fullName = (person: WorldPerson) => [person.family, person.middle, person.given].filter(Boolean).join(' ')

  const enterprises: WorldEnterprise[] = []
  const usedCodes = new Set<string>()
  while (enterprises.length < enterpriseTarget) {
    const [taxPrefix, provinceCode] = random.pick(words.taxProvincePrefixes)
    const nine = `${taxPrefix}${pad(random.int(0, 9_999_999), 7)}`
    const check = taxCodeCheckDigit(nine)
    const code = `${nine}${check}`
    if (check === null || usedCodes.has(code)) continue
    usedCodes.add(code)
    const [typeId, typeName, namePrefix] = random.pick(words.enterpriseTypes)
    const brand = random.pick(words.brandWords)
    const name = `${namePrefix} ${random.pick(words.businessWords)} ${brand} ${pad(enterprises.length + 1, 4)}`
    const statusRoll = random.int(1, 100)
    let acc = 0
    const [status, statusName] = words.enterpriseStatuses.find(([, , weight]) => (acc += weight) >= statusRoll) ?? words.enterpriseStatuses[0]!
    const foundedOn = randomDate(random, 1995, 2025)
    const amendmentCount = random.int(0, 12)
    const lineCount = random.int(1, 4)
    const activities = Array.from({ length: lineCount }, (_, i) => {
      const [lineCode, lineName, vsicVersion] = random.pick(words.vsicLines)
      return { code: lineCode, name: lineName, isMain: i === 0, vsicVersion }
    }).filter((line, i, all) => all.findIndex((other) => other.code === line.code) === i)
    const representatives = Array.from({ length: random.chance(0.2) ? 2 : 1 }, () => ({
      pin: random.pick(adults).pin,
      title: random.pick(words.representativeTitles),
    }))
    const memberCount = typeId === 1 || typeId === 5 ? 1 : random.int(2, 4)
    const capital = random.int(1, 500) * 100_000_000
    const members = Array.from({ length: memberCount }, () => ({
      name: fullName(random.pick(adults)).toUpperCase(),
      amount: Math.round(capital / memberCount),
      ratioPercent: Math.round((100 / memberCount) * 100) / 100,
      country: 'Việt Nam',
    }))
    const branches: WorldEnterpriseUnit[] = random.chance(0.2)
      ? Array.from({ length: random.int(1, 3) }, (_, i) => ({
          code: `${code}-${pad(i + 1, 3)}`,
          kind: random.chance(0.8) ? 'BRANCH' : 'REPRESENTATIVE_OFFICE',
          name: `CHI NHÁNH ${i + 1} - ${name}`,
          address: randomAddress(random),
          status: 'Đang hoạt động',
        }))
      : []
    enterprises.push({
      code,
      typeId,
      typeName,
      name,
      shortName: random.chance(0.6) ? `${brand} ${typeId === 3 ? 'JSC' : 'CO., LTD'}` : null,
      foreignName: random.chance(0.4) ? `${brand} ${random.pick(['TRADING', 'SERVICES', 'TECHNOLOGY', 'CONSTRUCTION'])} COMPANY LIMITED` : null,
      foundedOn,
      lastAmendedOn: amendmentCount > 0 ? randomDate(random, Math.max(Number(foundedOn.slice(0, 4)), 2015), 2026) : null,
      amendmentCount,
      status,
      statusName,
      capital,
      address: randomAddress(random, provinceCode),
      activities,
      representatives,
      members,
      branches,
      registrationOffice: 'Phòng Đăng ký kinh doanh - Sở Tài chính',
    })
  }

  const parcels: WorldParcel[] = []
  const usedKeys = new Set<string>()
  const legacyCodes = Object.keys(legacyCommuneSuccessor)
  const representativePins = enterprises.flatMap((enterprise) => enterprise.representatives.map((rep) => rep.pin))
  while (parcels.length < parcelTarget) {
    // A quarter of map sheets were numbered in a commune merged away in 2025: keep that commune.
    const legacy = random.chance(0.25)
    const sheetCommuneCode = legacy ? random.pick(legacyCodes) : random.pick(currentCommunesByProvince[pickProvince(random)] ?? [])
    const currentCommune = legacy ? (legacyCommuneSuccessor[sheetCommuneCode] as string) : sheetCommuneCode
    const provinceCode = Object.entries(currentCommunesByProvince).find(([, list]) => list.includes(currentCommune))?.[0] ?? '01'
    const mapSheetNo = random.int(1, 60)
    const parcelNo = random.int(1, 900)
    const key = `${sheetCommuneCode}.${mapSheetNo}.${parcelNo}`
    if (usedKeys.has(key)) continue
    usedKeys.add(key)
    const area = Math.round(random.int(3_000, 120_000)) / 100
    const [mainType, mainName] = random.pick(words.landTypes)
    const uses: WorldParcel['uses'] = [
      {
        code: mainType,
        name: mainName,
        area,
        term: mainType === 'ODT' || mainType === 'ONT' ? 'Lâu dài' : `đến ${pad(random.int(1, 28), 2)}/${pad(random.int(1, 12), 2)}/${random.int(2040, 2075)}`,
        until: null,
      },
    ]
    if (random.chance(0.3) && (mainType === 'ODT' || mainType === 'ONT')) {
      const secondary = Math.round(area * 20) / 100
      uses[0]!.area = Math.round((area - secondary) * 100) / 100
      const untilYear = random.int(2045, 2070)
      uses.push({ code: 'CLN', name: 'Đất trồng cây lâu năm', area: secondary, term: `đến 15/10/${untilYear}`, until: `${untilYear}-10-15` })
    }
    for (const use of uses) {
      const match = /^đến (\d{2})\/(\d{2})\/(\d{4})$/.exec(use.term)
      if (match) use.until = `${match[3]}-${match[2]}-${match[1]}`
    }
    const holders: WorldParcel['holders'] = []
    if (random.chance(0.2)) {
      const enterprise = random.pick(enterprises)
      holders.push({ kind: 'ENTERPRISE', id: enterprise.code, name: enterprise.name, role: 'Tổ chức sử dụng đất', share: null })
    } else {
      const owner = random.chance(0.3) ? (personByPin.get(random.pick(representativePins)) as WorldPerson) : random.pick(adults)
      const spouse = owner.spousePin ? personByPin.get(owner.spousePin) : undefined
      if (spouse && random.chance(0.6)) {
        holders.push({ kind: 'PERSON', id: owner.pin, name: fullName(owner), role: owner.sex === 'MALE' ? 'Chồng' : 'Vợ', share: 'Sử dụng chung' })
        holders.push({ kind: 'PERSON', id: spouse.pin, name: fullName(spouse), role: spouse.sex === 'MALE' ? 'Chồng' : 'Vợ', share: 'Sử dụng chung' })
      } else {
        holders.push({ kind: 'PERSON', id: owner.pin, name: fullName(owner), role: 'Cá nhân', share: null })
      }
    }
    const issuedOn = randomDate(random, 2000, 2025)
    const letters = () => String.fromCharCode(65 + random.int(0, 25), 65 + random.int(0, 25))
    const certificates: WorldParcel['certificates'] = [
      {
        serial: `${letters()} ${pad(random.int(0, 999_999), 6)}`,
        entryNo: `CS ${pad(random.int(1, 99_999), 5)}`,
        issuedBy: 'Văn phòng đăng ký đất đai - Sở Nông nghiệp và Môi trường',
        issuedOn,
        status: 'VALID',
      },
    ]
    if (random.chance(0.15))
      certificates.unshift({
        serial: `${letters()} ${pad(random.int(0, 999_999), 6)}`,
        entryNo: `CH ${pad(random.int(1, 99_999), 5)}`,
        issuedBy: 'UBND quận/huyện (trước 2025)',
        issuedOn: randomDate(random, 1995, Math.max(1995, Number(issuedOn.slice(0, 4)) - 1)),
        status: 'REPLACED',
      })
    const encumbrances: WorldParcel['encumbrances'] = random.chance(0.15)
      ? [
          {
            kind: 'MORTGAGE',
            registeredOn: randomDate(random, 2015, 2026),
            releasedOn: random.chance(0.3) ? randomDate(random, 2026, 2026) : null,
            holderName: random.pick(words.banks),
            note: 'Đăng ký thế chấp quyền sử dụng đất',
          },
        ]
      : random.chance(0.03)
        ? [{ kind: 'DISPUTE', registeredOn: randomDate(random, 2020, 2026), releasedOn: null, holderName: null, note: 'Đang có tranh chấp' }]
        : []
    parcels.push({
      key,
      sheetCommuneCode,
      mapSheetNo,
      parcelNo,
      area,
      uses,
      origin: random.pick(words.landOrigins),
      useForm: holders.length > 1 ? 'Sử dụng chung' : 'Sử dụng riêng',
      address: { ...randomAddress(random, provinceCode), communeCode: currentCommune },
      holders,
      certificates,
      encumbrances,
    })
  }

  // The example is what the sandbox tax office (Hà Nội, province 01) may read whole: an active
  // enterprise headquartered in Hà Nội whose representative holds land in Hà Nội.
  const EXAMPLE_PROVINCE = '01'
  const landedPins = new Set(parcels.flatMap((parcel) => parcel.holders.filter((h) => h.kind === 'PERSON').map((h) => h.id)))
  const landedHerePins = new Set(
    parcels
      .filter((parcel) => parcel.address.provinceCode === EXAMPLE_PROVINCE)
      .flatMap((parcel) => parcel.holders.filter((h) => h.kind === 'PERSON').map((h) => h.id)),
  )
  const exampleEnterprise =
    enterprises.find(
      (e) => e.status === 'ACTIVE' && e.address.provinceCode === EXAMPLE_PROVINCE && e.representatives.some((rep) => landedHerePins.has(rep.pin)),
    ) ??
    enterprises.find((enterprise) => enterprise.status === 'ACTIVE' && enterprise.representatives.some((rep) => landedPins.has(rep.pin))) ??
    enterprises[0]!
  const representativePin =
    exampleEnterprise.representatives.find((rep) => landedHerePins.has(rep.pin))?.pin ??
    exampleEnterprise.representatives.find((rep) => landedPins.has(rep.pin))?.pin ??
    exampleEnterprise.representatives[0]!.pin
  const exampleParcel = parcels.find((parcel) => parcel.holders.some((h) => h.id === representativePin)) ?? parcels[0]!
  return {
    seed,
    people,
    households,
    enterprises,
    parcels,
    personByPin,
    examples: {
      enterpriseCode: exampleEnterprise.code,
      representativePin,
      parcelKey: exampleParcel.key,
      householdId: personByPin.get(representativePin)?.householdId ?? households[0]!.id,
    },
  }
}
