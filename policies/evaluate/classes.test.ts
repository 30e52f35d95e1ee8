import { describe, expect, it } from 'vitest'
import type { AgencyDocument, Grant, Purpose } from '../index.js'
import { classProblems, type ClassProblem } from './classes.js'
import { decide } from './decide.js'

const none = { caseId: false, endUser: false, signedContext: false }
const purposes = new Map<string, Purpose>(['A', 'B'].map((code) => [code, { code, name: code, legalBasis: `basis ${code}` }]))
const grant = (over: Partial<Grant> & Pick<Grant, 'id' | 'allow'>): Grant => ({ purposes: ['A'], legalBasis: `law of ${over.id}`, require: none, ...over })
const agency = (grants: Grant[], classes?: AgencyDocument['classes']): AgencyDocument => ({
  agency: 'x',
  name: 'X',
  suspended: false,
  jurisdiction: { provinces: ['01'], communes: [] },
  clients: [],
  grants,
  ...(classes ? { classes } : {}),
})

/** The masks of the decision for these coordinates (plus the root fields they hang from). */
function masksOf(document: AgencyDocument, coordinates: string[], context: { purpose?: string; caseId?: boolean } = {}) {
  const decision = decide({
    agency: document,
    purposes,
    context: { purpose: context.purpose ?? 'A', caseId: context.caseId ?? false, endUser: false, signed: false },
    coordinates,
    variables: {},
    now: new Date('2026-12-01T00:00:00Z'),
  })
  if (!decision.allowed) throw new Error(decision.message)
  return Object.fromEntries(coordinates.filter((c) => !c.startsWith('Query.')).map((c) => [c, decision.masks.get(c) ?? 'plain']))
}

// The tax office's shape: the same PIN as a representative's, a citizen's and a land holder's.
const taxPaths = [
  'Query.enterprise',
  'Enterprise.legalRepresentatives',
  'LegalRepresentative.pin',
  'LegalRepresentative.citizen',
  'Citizen.pin',
  'Citizen.landParcels',
  'LandParcel.holders',
  'LandHolder.pin',
]
const enterpriseGrant = (over: Partial<Grant> = {}) =>
  grant({ id: 'enterprise', allow: ['Query.enterprise', 'Enterprise.*', 'LegalRepresentative.*'], mask: { 'LegalRepresentative.pin': 'last4' }, ...over })
const landGrant = (over: Partial<Grant> = {}) =>
  grant({ id: 'land', allow: ['Query.landParcel', 'LandParcel.holders', 'LandHolder.pin', 'LandHolder.name'], ...over })
const citizenGrant = (over: Partial<Grant> = {}) =>
  grant({ id: 'citizen', allow: ['Query.citizen', 'Citizen.pin', 'Citizen.landParcels'], mask: { 'Citizen.pin': 'last4' }, ...over })

describe('decide: a data class has one treatment per (agency, purpose) view', () => {
  it.each<[string, AgencyDocument, string[], Record<string, unknown>, { purpose?: string; caseId?: boolean }?]>([
    [
      'a mask on one PIN field masks the PIN on every path the view reads',
      agency([
        enterpriseGrant({
          allow: ['Query.enterprise', 'Enterprise.*', 'LegalRepresentative.*', 'Citizen.pin', 'Citizen.landParcels', 'LandParcel.holders', 'LandHolder.pin'],
        }),
      ]),
      taxPaths,
      {
        'Enterprise.legalRepresentatives': 'plain',
        'LegalRepresentative.pin': 'last4',
        'LegalRepresentative.citizen': 'plain',
        'Citizen.pin': 'last4',
        'Citizen.landParcels': 'plain',
        'LandParcel.holders': 'plain',
        'LandHolder.pin': 'last4',
      },
    ],
    [
      "the finding: a grant that reads holders' PINs without a mask does not unmask what another grant masks",
      agency([enterpriseGrant(), landGrant(), citizenGrant()]),
      taxPaths,
      {
        'Enterprise.legalRepresentatives': 'plain',
        'LegalRepresentative.pin': 'last4',
        'LegalRepresentative.citizen': 'plain',
        'Citizen.pin': 'last4',
        'Citizen.landParcels': 'plain',
        'LandParcel.holders': 'plain',
        'LandHolder.pin': 'last4',
      },
    ],
    [
      'not even one that declares the class plain (validation refuses that set; the evaluator still masks)',
      agency([enterpriseGrant(), landGrant({ plain: ['pin'] })]),
      ['Query.landParcel', 'LandParcel.holders', 'LandHolder.pin'],
      { 'LandParcel.holders': 'plain', 'LandHolder.pin': 'last4' },
    ],
    [
      'a mask on the class by name',
      agency([
        grant({
          id: 'household',
          allow: ['Query.household', 'Household.*', 'HouseholdMember.*', 'Query.citizen', 'Citizen.pin', 'Citizen.father', 'RelatedPerson.pin'],
          mask: { pin: 'hash' },
        }),
      ]),
      ['Query.household', 'Household.members', 'HouseholdMember.pin', 'Query.citizen', 'Citizen.pin', 'Citizen.father', 'RelatedPerson.pin'],
      { 'Household.members': 'plain', 'HouseholdMember.pin': 'hash', 'Citizen.pin': 'hash', 'Citizen.father': 'plain', 'RelatedPerson.pin': 'hash' },
    ],
    [
      'a Type.* mask masks the classes of the fields it covers, on every path',
      agency([
        grant({
          id: 'reps',
          allow: ['Query.enterprise', 'Enterprise.legalRepresentatives', 'LegalRepresentative.*', 'Citizen.pin'],
          mask: { 'LegalRepresentative.*': 'redact' },
        }),
      ]),
      ['Query.enterprise', 'Enterprise.legalRepresentatives', 'LegalRepresentative.title', 'LegalRepresentative.citizen', 'Citizen.pin'],
      { 'Enterprise.legalRepresentatives': 'plain', 'LegalRepresentative.title': 'redact', 'LegalRepresentative.citizen': 'redact', 'Citizen.pin': 'redact' },
    ],
    [
      'two grants masking the class differently: the strictest, on every path',
      agency([enterpriseGrant(), landGrant({ mask: { pin: { keepLast: 2 } } })]),
      ['Query.enterprise', 'Enterprise.legalRepresentatives', 'LegalRepresentative.pin', 'Query.landParcel', 'LandParcel.holders', 'LandHolder.pin'],
      {
        'Enterprise.legalRepresentatives': 'plain',
        'LegalRepresentative.pin': { keepLast: 2 },
        'LandParcel.holders': 'plain',
        'LandHolder.pin': { keepLast: 2 },
      },
    ],
    [
      'masks that show different parts of a PIN together: redacted',
      agency([enterpriseGrant(), landGrant({ mask: { pin: { keepFirst: 3 } } })]),
      ['Query.landParcel', 'LandParcel.holders', 'LandHolder.pin'],
      { 'LandParcel.holders': 'plain', 'LandHolder.pin': 'redact' },
    ],
    [
      'a masking grant whose context the request lacks still sets the treatment (it does not change with the headers)',
      agency([landGrant(), citizenGrant({ require: { ...none, caseId: true } })]),
      ['Query.landParcel', 'LandParcel.holders', 'LandHolder.pin'],
      { 'LandParcel.holders': 'plain', 'LandHolder.pin': 'last4' },
    ],
    [
      "another purpose's mask is another view",
      agency([landGrant(), citizenGrant({ purposes: ['B'] })]),
      ['Query.landParcel', 'LandParcel.holders', 'LandHolder.pin'],
      { 'LandParcel.holders': 'plain', 'LandHolder.pin': 'plain' },
    ],
    [
      'classes are separate: a PIN mask leaves household ids, a household-id mask covers both of its fields',
      agency([
        grant({
          id: 'h',
          allow: ['Query.citizen', 'Citizen.pin', 'Citizen.household', 'HouseholdMembership.*', 'Household.*'],
          mask: { pin: 'last4', 'Household.id': { keepLast: 3 } },
        }),
      ]),
      ['Query.citizen', 'Citizen.pin', 'Citizen.household', 'HouseholdMembership.householdId', 'HouseholdMembership.household', 'Household.id'],
      {
        'Citizen.pin': 'last4',
        'Citizen.household': 'plain',
        'HouseholdMembership.householdId': { keepLast: 3 },
        'HouseholdMembership.household': 'plain',
        'Household.id': { keepLast: 3 },
      },
    ],
    [
      'a class the agency declares: names wherever they appear',
      agency(
        [
          grant({
            id: 'names',
            allow: ['Query.landParcel', 'LandParcel.holders', 'LandHolder.name', 'LandHolder.person', 'Citizen.name', 'PersonName.full'],
            mask: { 'LandHolder.name': { keepFirst: 1 } },
          }),
        ],
        { personName: ['PersonName.full', 'LandHolder.name'] },
      ),
      ['Query.landParcel', 'LandParcel.holders', 'LandHolder.name', 'LandHolder.person', 'Citizen.name', 'PersonName.full'],
      {
        'LandParcel.holders': 'plain',
        'LandHolder.name': { keepFirst: 1 },
        'LandHolder.person': 'plain',
        'Citizen.name': 'plain',
        'PersonName.full': { keepFirst: 1 },
      },
    ],
    [
      'a field outside any class keeps its own mask only',
      agency([
        grant({
          id: 'dob',
          allow: ['Query.citizen', 'Citizen.birthDate', 'Citizen.deceasedOn', 'Citizen.pin'],
          mask: { 'Citizen.birthDate': 'yearOnly' },
          plain: ['pin'],
        }),
      ]),
      ['Query.citizen', 'Citizen.birthDate', 'Citizen.deceasedOn', 'Citizen.pin'],
      { 'Citizen.birthDate': 'yearOnly', 'Citizen.deceasedOn': 'plain', 'Citizen.pin': 'plain' },
    ],
  ])('%s', (_name, document, coordinates, expected, context) => {
    expect(masksOf(document, coordinates, context)).toEqual(expected)
  })

  it('the decision names the class a masked or plain identifier took its treatment from', () => {
    const decision = decide({
      agency: agency([enterpriseGrant(), landGrant()]),
      purposes,
      context: { purpose: 'A', caseId: false, endUser: false, signed: false },
      coordinates: ['Query.landParcel', 'LandParcel.holders', 'LandHolder.pin', 'LandHolder.name'],
      variables: {},
      now: new Date(),
    })
    expect(decision.coordinates.find((c) => c.coordinate === 'LandHolder.pin')).toEqual({
      coordinate: 'LandHolder.pin',
      allowed: true,
      grants: ['land'],
      dataClass: 'pin',
      mask: 'last4',
    })
    expect(decision.coordinates.find((c) => c.coordinate === 'LandHolder.name')).toEqual({ coordinate: 'LandHolder.name', allowed: true, grants: ['land'] })
  })
})

describe('classProblems: each problem, its path and its words', () => {
  it.each<[string, AgencyDocument, ClassProblem[]]>([
    ['a coherent document has none', agency([grant({ id: 'g', allow: ['Query.citizen', 'Citizen.pin'], mask: { pin: 'last4' } })]), []],
    [
      'a field declared in a class it is already in (a canonical one)',
      agency([], { phone: ['Citizen.pin'] }),
      [{ path: 'classes.phone', message: 'Citizen.pin is already in data class pin: a field belongs to one class' }],
    ],
    [
      'a field listed twice in one class',
      agency([], { phone: ['Citizen.phone', 'Citizen.phone'] }),
      [{ path: 'classes.phone', message: 'Citizen.phone is listed twice in data class phone' }],
    ],
    [
      'a mask on an unknown class names the known ones',
      agency([grant({ id: 'g', allow: ['Query.citizen'], mask: { nope: 'redact' } })]),
      [{ path: 'grants.0.mask.nope', message: 'unknown data class nope (known: pin, taxCode, householdId, legacyIdNumber)' }],
    ],
    [
      'plain on an unknown class',
      agency([grant({ id: 'g', allow: ['Query.citizen'], plain: ['nope'] })]),
      [{ path: 'grants.0.plain', message: 'unknown data class nope (known: pin, taxCode, householdId, legacyIdNumber)' }],
    ],
    [
      'a mask on a class the grant does not read',
      agency([grant({ id: 'g', allow: ['Query.citizen'], mask: { pin: { keepLast: 2 } } })]),
      [
        {
          path: 'grants.0.mask',
          message:
            'grant g masks data class pin (pin: {"keepLast":2}) but reads none of its fields (Citizen.pin, CitizenVerification.pin, Dossier.applicantPin, HouseholdMember.pin, LandHolder.pin, LegalRepresentative.pin, RelatedPerson.pin)',
        },
      ],
    ],
    [
      'plain for a class the grant does not read',
      agency([grant({ id: 'g', allow: ['Query.citizen'], plain: ['legacyIdNumber'] })]),
      [{ path: 'grants.0.plain', message: 'grant g declares data class legacyIdNumber plain but reads none of its fields (Citizen.legacyIdNumber)' }],
    ],
    [
      'masked and plain at once',
      agency([grant({ id: 'g', allow: ['Query.citizen', 'Citizen.pin'], mask: { pin: 'last4' }, plain: ['pin'] })]),
      [{ path: 'grants.0.plain', message: 'grant g both masks data class pin (pin: last4) and declares it plain' }],
    ],
    [
      'two masks for one class',
      agency([grant({ id: 'g', allow: ['Query.citizen', 'Citizen.pin', 'LandHolder.pin'], mask: { 'Citizen.pin': 'last4', 'LandHolder.pin': 'hash' } })]),
      [{ path: 'grants.0.mask', message: 'grant g masks data class pin in more than one way (Citizen.pin: last4, LandHolder.pin: hash): one mask per class' }],
    ],
    [
      'read without saying how, while a grant of a shared purpose masks it',
      agency([
        grant({ id: 'reader', purposes: ['A', 'B'], allow: ['Query.citizen', 'Citizen.pin'] }),
        grant({ id: 'masker', purposes: ['B', 'C'], allow: ['Query.landParcel', 'LandHolder.pin'], mask: { pin: 'last4' } }),
        grant({ id: 'other-purpose', purposes: ['D'], allow: ['Query.landParcel', 'LandHolder.pin'], mask: { pin: 'hash' } }),
      ]),
      [
        {
          path: 'grants.0',
          message:
            'grant reader reads Citizen.pin (data class pin) without saying how it is shown, while grant masker masks it for B (pin: last4): add mask: { pin: … } or plain: [pin]',
        },
      ],
    ],
    [
      'read without saying how, nobody masking it',
      agency([grant({ id: 'reader', allow: ['Query.citizen', 'Citizen.pin'] })]),
      [{ path: 'grants.0', message: 'grant reader reads Citizen.pin (data class pin) without saying how it is shown: add mask: { pin: … } or plain: [pin]' }],
    ],
    [
      'masked by one grant and plain in another of the same purpose: both named',
      agency([
        grant({ id: 'shows', purposes: ['A'], allow: ['Query.citizen', 'Citizen.pin'], plain: ['pin'] }),
        grant({ id: 'hides', purposes: ['A', 'B'], allow: ['Query.landParcel', 'LandHolder.pin'], mask: { pin: 'last4' } }),
      ]),
      [
        {
          path: 'grants.0.plain',
          message:
            'data class pin is masked by grant hides (pin: last4) and plain in grant shows (Citizen.pin) for purpose A: one treatment per class and purpose, so mask it in both grants or show it plainly in both',
        },
      ],
    ],
    [
      'read twice without saying how, while two grants of shared purposes mask it',
      agency([
        grant({ id: 'reader', purposes: ['A', 'B'], allow: ['Query.citizen', 'Citizen.pin', 'Query.landParcel', 'LandHolder.pin'] }),
        grant({ id: 'masker1', purposes: ['A', 'B'], allow: ['Query.citizen', 'Citizen.pin'], mask: { pin: 'last4' } }),
        grant({ id: 'masker2', purposes: ['B'], allow: ['Query.landParcel', 'LandHolder.pin'], mask: { pin: 'last4' } }),
      ]),
      [
        {
          path: 'grants.0',
          message:
            'grant reader reads Citizen.pin, LandHolder.pin (data class pin) without saying how it is shown, while grant masker1 masks it for A, B (pin: last4); grant masker2 masks it for B (pin: last4): add mask: { pin: … } or plain: [pin]',
        },
      ],
    ],
    [
      'plain on two paths, masked elsewhere, for two purposes',
      agency([
        grant({ id: 'shows', purposes: ['A', 'B'], allow: ['Query.citizen', 'Citizen.pin', 'Query.landParcel', 'LandHolder.pin'], plain: ['pin'] }),
        grant({ id: 'hides', purposes: ['A', 'B'], allow: ['Query.enterprise', 'LegalRepresentative.pin'], mask: { pin: 'hash' } }),
      ]),
      [
        {
          path: 'grants.0.plain',
          message:
            'data class pin is masked by grant hides (pin: hash) and plain in grant shows (Citizen.pin, LandHolder.pin) for purpose A, B: one treatment per class and purpose, so mask it in both grants or show it plainly in both',
        },
      ],
    ],
    [
      'a Type.* mask covers the classes of that type the grant reads, and no other',
      agency([grant({ id: 'g', allow: ['Query.citizen', 'Citizen.*'], mask: { 'Citizen.*': 'redact' } })]),
      [],
    ],
    [
      'masked and plain in different purposes is fine',
      agency([
        grant({ id: 'shows', purposes: ['A'], allow: ['Query.citizen', 'Citizen.pin'], plain: ['pin'] }),
        grant({ id: 'hides', purposes: ['B'], allow: ['Query.landParcel', 'LandHolder.pin'], mask: { pin: 'last4' } }),
      ]),
      [],
    ],
  ])('%s', (_case, document, expected) => {
    expect(classProblems(document)).toEqual(expected)
  })
})
