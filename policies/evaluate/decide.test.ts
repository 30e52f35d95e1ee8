import { describe, expect, it } from 'vitest'
import type { AgencyDocument, Grant, Purpose } from '../index.js'
import { decide, visibleCoordinates, type DeclaredContext } from './decide.js'
import { matches } from './conditions.js'

const none = { caseId: false, endUser: false, signedContext: false }
const purposes = new Map<string, Purpose>(['A', 'B', 'C'].map((code) => [code, { code, name: code, legalBasis: `basis ${code}` }]))
const grant = (over: Partial<Grant> & Pick<Grant, 'id' | 'allow'>): Grant => ({ purposes: ['A'], legalBasis: `law of ${over.id}`, require: none, ...over })
const agency = (grants: Grant[]): AgencyDocument => ({
  agency: 'x',
  name: 'X',
  suspended: false,
  jurisdiction: { provinces: ['01'], communes: ['00097'] },
  clients: [],
  grants,
})
const ctx = (over: Partial<DeclaredContext> = {}): DeclaredContext => ({ purpose: 'A', caseId: false, endUser: false, signed: false, ...over })
const run = (grants: Grant[], coordinates: string[], context = ctx(), now = new Date('2026-12-01T00:00:00Z')) =>
  decide({
    agency: agency(grants),
    purposes,
    context,
    coordinates,
    variables: { 'jurisdiction.communes': ['00097', '00073'], 'jurisdiction.provinces': ['01'] },
    now,
  })

describe('decide: who may read what', () => {
  const g1 = grant({ id: 'g1', allow: ['Query.citizen', 'Citizen.name', 'PersonName.*'] })
  const g2 = grant({ id: 'g2', purposes: ['B'], allow: ['Query.citizen', 'Citizen.religion'] })
  const g3 = grant({ id: 'g3', allow: ['Citizen.residence'], require: { ...none, caseId: true } })
  const g4 = grant({ id: 'g4', allow: ['Citizen.household'], require: { ...none, endUser: true } })
  const g5 = grant({ id: 'g5', allow: ['Citizen.sex'], validUntil: '2026-01-01' })
  const g6 = grant({ id: 'g6', allow: ['Citizen.spouse'], require: { ...none, signedContext: true } })
  const all = [g1, g2, g3, g4, g5, g6]

  it.each([
    // [case, coordinates, context, expected code or 'allowed', reason of the first denial]
    ['allowed by a grant for the purpose', ['Query.citizen', 'Citizen.name', 'PersonName.full'], ctx(), 'allowed', null],
    ['Type.* covers every field of that type only', ['Query.citizen', 'Citizen.name', 'PersonName.given'], ctx(), 'allowed', null],
    ['no purpose', ['Query.citizen'], ctx({ purpose: null }), 'PURPOSE_REQUIRED', null],
    ['only __typename needs no purpose', ['Query.__typename'], ctx({ purpose: null }), 'allowed', null],
    ['unknown purpose', ['Query.citizen'], ctx({ purpose: 'Z' }), 'PURPOSE_NOT_ALLOWED', null],
    ['catalogued purpose without a grant', ['Query.citizen'], ctx({ purpose: 'C' }), 'PURPOSE_NOT_ALLOWED', null],
    ['a field no grant allows', ['Query.citizen', 'Citizen.bloodType'], ctx(), 'FORBIDDEN', 'FIELD_NOT_PERMITTED'],
    ['a field of another purpose', ['Query.citizen', 'Citizen.religion'], ctx(), 'FORBIDDEN', 'PURPOSE_NOT_GRANTED'],
    ['a field whose grant needs a case id', ['Query.citizen', 'Citizen.residence'], ctx(), 'CASE_REQUIRED', 'CASE_REQUIRED'],
    ['with the case id', ['Query.citizen', 'Citizen.residence'], ctx({ caseId: true }), 'allowed', null],
    ['a field whose grant needs the officer', ['Query.citizen', 'Citizen.household'], ctx({ caseId: true }), 'FORBIDDEN', 'END_USER_REQUIRED'],
    [
      'a field whose grant needs a signed context',
      ['Query.citizen', 'Citizen.spouse'],
      ctx({ endUser: true, caseId: true }),
      'FORBIDDEN',
      'SIGNED_CONTEXT_REQUIRED',
    ],
    ['signed', ['Query.citizen', 'Citizen.spouse'], ctx({ signed: true }), 'allowed', null],
    ['an expired grant', ['Query.citizen', 'Citizen.sex'], ctx(), 'FORBIDDEN', 'GRANT_NOT_IN_FORCE'],
    ['__typename of a readable type', ['Query.citizen', 'Citizen.__typename'], ctx(), 'allowed', null],
    ['__typename of a type nothing allows', ['Query.citizen', 'Enterprise.__typename'], ctx(), 'FORBIDDEN', 'FIELD_NOT_PERMITTED'],
  ] as const)('%s', (_name, coordinates, context, expected, reason) => {
    const decision = run(all, [...coordinates], context)
    if (expected === 'allowed') {
      expect(decision.allowed).toBe(true)
      return
    }
    expect(decision.allowed).toBe(false)
    if (decision.allowed) return
    expect(decision.code).toBe(expected)
    if (reason) expect(decision.denied[0]?.reason).toBe(reason)
  })

  it('a denial names the grant that could allow the field and its legal basis', () => {
    const decision = run(all, ['Query.citizen', 'Citizen.religion'])
    expect(decision.allowed).toBe(false)
    if (decision.allowed) return
    expect(decision.denied).toEqual([
      { coordinate: 'Citizen.religion', allowed: false, reason: 'PURPOSE_NOT_GRANTED', couldAllow: { grant: 'g2', purposes: ['B'], legalBasis: 'law of g2' } },
    ])
    expect(decision.message).toContain('law of g2')
  })

  it('validFrom in the future keeps a grant out of force', () => {
    const later = grant({ id: 'later', allow: ['Query.citizen'], validFrom: '2027-01-01' })
    expect(run([later], ['Query.citizen']).allowed).toBe(false)
    expect(run([later], ['Query.citizen'], ctx(), new Date('2027-01-02')).allowed).toBe(true)
  })
})

describe('decide: row filters, masks and caps', () => {
  const local = grant({
    id: 'local',
    allow: ['Query.citizen', 'Citizen.name', 'Citizen.residence', 'Citizen.pin'],
    where: { Citizen: { 'residence.permanent.commune.code': { in: '$jurisdiction.communes' } } },
    mask: { 'Citizen.pin': 'last4' },
    maxRecords: 10,
  })
  const everywhere = grant({ id: 'everywhere', allow: ['Query.citizen', 'Citizen.name', 'Citizen.pin'], mask: { 'Citizen.pin': 'redact' }, maxRecords: 50 })
  const here = { residence: { permanent: { communeCode: '00073' } } }
  const there = { residence: { permanent: { communeCode: '00100' } } }

  it('a record must pass the filter of a grant for every field read on it', () => {
    const decision = run([local, everywhere], ['Query.citizen', 'Citizen.name', 'Citizen.residence'])
    expect(decision.allowed).toBe(true)
    if (!decision.allowed) return
    const filter = decision.rowFilters.get('Citizen')!
    expect(matches(filter, here)).toBe(true)
    expect(matches(filter, there)).toBe(false) // residence is only granted locally
  })

  it('fields granted everywhere see every record', () => {
    const decision = run([local, everywhere], ['Query.citizen', 'Citizen.name'])
    expect(decision.allowed && decision.rowFilters.has('Citizen')).toBe(false)
  })

  it.each<[string, Grant['mask'], Grant['mask'], unknown]>([
    ['fewer characters shown wins', { 'Citizen.pin': { keepLast: 0 } }, { 'Citizen.pin': 'last4' }, { keepLast: 0 }],
    ['redact over anything', { 'Citizen.pin': 'hash' }, { 'Citizen.pin': 'redact' }, 'redact'],
    ['hash over a partial view', { 'Citizen.pin': { keepFirst: 2 } }, { 'Citizen.pin': 'hash' }, 'hash'],
    ['first and last characters together would show more: redact', { 'Citizen.pin': { keepFirst: 3 } }, { 'Citizen.pin': 'last4' }, 'redact'],
    ['two keepFirst: the fewer characters kept', { 'Citizen.pin': { keepFirst: 6 } }, { 'Citizen.pin': { keepFirst: 2 } }, { keepFirst: 2 }],
  ])('when grants mask differently, the strictest: %s', (_name, maskA, maskB, expected) => {
    const a = grant({ id: 'a', allow: ['Query.citizen', 'Citizen.pin'], mask: maskA })
    const b = grant({ id: 'b', allow: ['Query.citizen', 'Citizen.pin'], mask: maskB })
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const decision = run(order, ['Query.citizen', 'Citizen.pin'])
      expect(decision.allowed && decision.masks.get('Citizen.pin')).toEqual(expected)
    }
  })

  it('the strictest mask wins when every allowing grant masks; the most generous cap wins', () => {
    const decision = run([local, everywhere], ['Query.citizen', 'Citizen.pin'])
    expect(decision.allowed).toBe(true)
    if (!decision.allowed) return
    expect(decision.masks.get('Citizen.pin')).toBe('redact')
    expect(decision.maxRecords.get('Query.citizen')).toBe(50)
  })

  it('outside any data class, one grant that shows a field plainly shows it plainly', () => {
    const year = grant({ id: 'year', allow: ['Query.citizen', 'Citizen.birthDate'], mask: { 'Citizen.birthDate': 'yearOnly' } })
    const plain = grant({ id: 'plain', allow: ['Query.citizen', 'Citizen.birthDate'] })
    const alone = run([year], ['Query.citizen', 'Citizen.birthDate'])
    expect(alone.allowed && alone.masks.get('Citizen.birthDate')).toBe('yearOnly')
    const decision = run([year, plain], ['Query.citizen', 'Citizen.birthDate'])
    expect(decision.allowed && decision.masks.size).toBe(0)
  })

  it('a missing path never matches: a record without an address is not in the commune', () => {
    const decision = run([local], ['Query.citizen', 'Citizen.name'])
    if (!decision.allowed) throw new Error('expected allowed')
    expect(matches(decision.rowFilters.get('Citizen')!, { residence: { permanent: null } })).toBe(false)
    expect(matches(decision.rowFilters.get('Citizen')!, {})).toBe(false)
  })
})

describe('decide: a where with eq', () => {
  const byHousehold = grant({ id: 'household', allow: ['Query.citizen', 'Citizen.name'], where: { Citizen: { 'household.householdId': { eq: 'H1' } } } })
  const byNationality = grant({ id: 'nationality', allow: ['Query.citizen', 'Citizen.name'], where: { Citizen: { 'nationality.code': { eq: 'LA' } } } })
  const filterOf = (g: Grant) => {
    const decision = run([g], ['Query.citizen', 'Citizen.name'])
    if (!decision.allowed) throw new Error('expected allowed')
    return decision.rowFilters.get('Citizen')!
  }

  it.each<[string, Grant, unknown, boolean]>([
    ['the value on the path', byHousehold, { household: { householdId: 'H1' } }, true],
    ['another value', byHousehold, { household: { householdId: 'H2' } }, false],
    ['a record without the path is denied', byHousehold, {}, false],
    ['a record whose path ends in null is denied', byHousehold, { household: null }, false],
    ['a path through an empty list is denied', byHousehold, { household: [] }, false],
    ['through a list: one element matches', byNationality, { nationality: [{ code: 'VN' }, { code: 'LA' }] }, true],
    ['through a list: no element matches', byNationality, { nationality: [{ code: 'VN' }, { code: 'KH' }] }, false],
    ['through a list: no element at all', byNationality, { nationality: [] }, false],
  ])('%s', (_name, g, record, expected) => {
    expect(matches(filterOf(g), record)).toBe(expected)
  })
})

describe('visibleCoordinates', () => {
  it('lists only the grants for the purpose whose context is met', () => {
    const a = grant({ id: 'a', allow: ['Query.citizen'] })
    const b = grant({ id: 'b', allow: ['Citizen.name'], require: { ...none, caseId: true } })
    const c = grant({ id: 'c', purposes: ['B'], allow: ['Query.enterprise'] })
    expect([...visibleCoordinates(agency([a, b, c]), ctx(), new Date())]).toEqual(['Query.citizen'])
    expect([...visibleCoordinates(agency([a, b, c]), ctx({ caseId: true }), new Date())].sort()).toEqual(['Citizen.name', 'Query.citizen'])
  })
})

describe('decide: the details a decision carries, one behaviour per row', () => {
  const at = new Date('2026-12-01T00:00:00Z')
  it.each<[string, Partial<Grant>, boolean]>([
    ['in force from its first instant', { validFrom: '2026-12-01T00:00:00Z' }, true],
    ['not yet in force a millisecond before', { validFrom: '2026-12-01T00:00:00.001Z' }, false],
    ['no longer in force at its end', { validUntil: '2026-12-01T00:00:00Z' }, false],
    ['still in force a millisecond before its end', { validUntil: '2026-12-01T00:00:00.001Z' }, true],
  ])('validity: %s', (_case, validity, allowed) => {
    const decision = run([grant({ id: 'g', allow: ['Query.citizen'], ...validity })], ['Query.citizen'], ctx(), at)
    expect(decision.allowed).toBe(allowed)
  })

  it('the refusal names every refused coordinate, why, and the grant and legal basis that could allow it', () => {
    const decision = run(
      [grant({ id: 'g1', allow: ['Query.citizen'] }), grant({ id: 'g2', purposes: ['B', 'C'], allow: ['Citizen.religion', 'Citizen.sex'] })],
      ['Query.citizen', 'Citizen.religion', 'Citizen.bloodType'],
    )
    expect(decision.allowed).toBe(false)
    if (decision.allowed) return
    expect(decision.message).toBe(
      'Not allowed for purpose A: Citizen.religion: allowed only for another purpose (grant g2, purposes B, C; law of g2); Citizen.bloodType: no grant of the agency allows it',
    )
    expect(decision.denied.map((d) => [d.coordinate, d.reason])).toEqual([
      ['Citizen.religion', 'PURPOSE_NOT_GRANTED'],
      ['Citizen.bloodType', 'FIELD_NOT_PERMITTED'],
    ])
    expect(decision.coordinates.find((c) => c.coordinate === 'Query.citizen')).toMatchObject({ allowed: true, grants: ['g1'] })
  })

  it.each<[string, Grant[], string[], string]>([
    [
      'not in force',
      [grant({ id: 'g', allow: ['Query.citizen'], validUntil: '2026-01-01' })],
      ['Query.citizen'],
      'the grant that allows it is not in force now',
    ],
    [
      'case id',
      [grant({ id: 'g', allow: ['Query.citizen'], require: { ...none, caseId: true } })],
      ['Query.citizen'],
      'the grant requires a case id (X-Case-Id)',
    ],
    [
      'officer',
      [grant({ id: 'g', allow: ['Query.citizen'], require: { ...none, endUser: true } })],
      ['Query.citizen'],
      'the grant requires the officer (X-End-User)',
    ],
    [
      'signed context',
      [grant({ id: 'g', allow: ['Query.citizen'], require: { ...none, signedContext: true } })],
      ['Query.citizen'],
      'the grant requires a signed request context (X-Request-Context)',
    ],
  ])('the reason in words: %s', (_case, grants, coordinates, words) => {
    const decision = run(grants, coordinates)
    expect(decision.allowed).toBe(false)
    if (!decision.allowed) expect(decision.message).toContain(`Query.citizen: ${words} (grant g, purposes A; law of g)`)
  })

  it.each<[string, DeclaredContext, string]>([
    ['no purpose', ctx({ purpose: null }), 'Declare the purpose of this request in X-Purpose'],
    ['a purpose outside the catalogue', ctx({ purpose: 'Z' }), 'Purpose Z is not in the purpose catalogue'],
    ['a purpose the agency has no grant for', ctx({ purpose: 'C' }), 'Agency x has no grant for purpose C'],
  ])('refusals before any coordinate say why: %s', (_case, context, message) => {
    const decision = run([grant({ id: 'g', allow: ['Query.citizen'] })], ['Query.citizen'], context)
    expect(decision).toMatchObject({ allowed: false, message, coordinates: [], denied: [] })
  })

  it('only __typename without a purpose: allowed, reading nothing, using no grant', () => {
    expect(run([grant({ id: 'g', allow: ['Query.citizen'] })], ['Query.__typename'], ctx({ purpose: null }))).toMatchObject({
      allowed: true,
      grantsUsed: [],
      coordinates: [],
    })
  })

  it('grants used: each once, sorted; the latest withholding date of them; restricted types from usable grants only', () => {
    const decision = run(
      [
        grant({ id: 'zeta', allow: ['Query.citizen', 'Citizen.name'], withholdFromSubjectUntil: '2027-01-01' }),
        grant({ id: 'alpha', allow: ['Citizen.name', 'Citizen.sex'], withholdFromSubjectUntil: '2028-06-30', where: { Citizen: { sex: { eq: 'MALE' } } } }),
        grant({ id: 'mid', allow: ['Citizen.sex'], withholdFromSubjectUntil: '2026-12-31' }),
        grant({ id: 'needs-case', allow: ['Citizen.religion'], require: { ...none, caseId: true }, where: { Household: { householdId: { eq: 'H' } } } }),
      ],
      ['Query.citizen', 'Citizen.name', 'Citizen.sex'],
    )
    expect(decision.allowed).toBe(true)
    if (!decision.allowed) return
    expect(decision.grantsUsed).toEqual(['alpha', 'mid', 'zeta'])
    expect(decision.withholdFromSubjectUntil).toBe('2028-06-30')
    expect([...decision.restrictedTypes]).toEqual(['Citizen'])
  })

  it('no withholding grant: nothing withheld', () => {
    const decision = run([grant({ id: 'g', allow: ['Query.citizen'] })], ['Query.citizen'])
    expect(decision).toMatchObject({ allowed: true, withholdFromSubjectUntil: null })
  })

  it.each<[string, Array<number | undefined>, number | undefined]>([
    ['one capped grant', [5], 5],
    ['the most generous of two caps', [5, 20], 20],
    ['one grant without a cap lifts it', [5, undefined], undefined],
  ])('record caps on a root field: %s', (_case, caps, expected) => {
    const grants = caps.map((maxRecords, i) => grant({ id: `g${i}`, allow: ['Query.enterprises'], ...(maxRecords === undefined ? {} : { maxRecords }) }))
    const decision = run(grants, ['Query.enterprises'])
    expect(decision.allowed).toBe(true)
    if (decision.allowed) expect(decision.maxRecords.get('Query.enterprises')).toBe(expected)
  })
})
