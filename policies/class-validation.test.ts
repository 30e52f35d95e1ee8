/**
 * Data classes in validation: `parsePolicySet` (what `lgsp policy validate`, `apply` and the console
 * run) refuses a set that treats an identifier two ways for one purpose, naming both grants.
 */
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { parsePolicySet } from './policy-set.js'

/** A policy set of one agency, as the YAML files `lgsp policy validate` and `apply` read. */
function validate(grants: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  const document = {
    agency: 'thu-nghiem',
    name: 'Thử nghiệm',
    jurisdiction: { provinces: ['01'] },
    clients: [],
    ...extra,
    grants: grants.map((g) => ({ purposes: ['TA'], legalBasis: 'law', ...g })),
  }
  return parsePolicySet([
    { name: 'agencies/thu-nghiem.yaml', text: stringify(document) },
    {
      name: 'purposes.yaml',
      text: stringify({
        purposes: [
          { code: 'TA', name: 'A', legalBasis: 'law A' },
          { code: 'TB', name: 'B', legalBasis: 'law B' },
        ],
      }),
    },
  ])
}
const problems = (result: ReturnType<typeof validate>) => (result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`))

const reps = {
  id: 'dai-dien',
  allow: ['Query.enterprise', 'Enterprise.legalRepresentatives', 'LegalRepresentative.pin'],
  mask: { 'LegalRepresentative.pin': 'last4' },
}
const holders = { id: 'thua-dat', allow: ['Query.landParcel', 'LandParcel.holders', 'LandHolder.pin'] }

describe('validation: a set that masks a class on one path and shows it on another is refused', () => {
  it.each<[string, Array<Record<string, unknown>>, string[], Record<string, unknown>?]>([
    [
      'masked by one grant, plain in another, same purpose: both grants named',
      [reps, { ...holders, plain: ['pin'] }],
      [
        'grants.1.plain: data class pin is masked by grant dai-dien (LegalRepresentative.pin: last4) and plain in grant thua-dat (LandHolder.pin) for purpose TA',
      ],
    ],
    [
      'masked by one grant, read without a word by another (the finding): both grants named',
      [reps, holders],
      [
        'grants.1: grant thua-dat reads LandHolder.pin (data class pin) without saying how it is shown, while grant dai-dien masks it for TA (LegalRepresentative.pin: last4)',
      ],
    ],
    [
      'read without a word, nothing masks it: the grant must say plain or mask',
      [holders],
      ['grants.0: grant thua-dat reads LandHolder.pin (data class pin) without saying how it is shown: add mask: { pin: … } or plain: [pin]'],
    ],
    [
      'a Type.* allow reads the class too',
      [{ id: 'ho', allow: ['Query.household', 'Household.*'] }],
      ['grants.0: grant ho reads Household.id (data class householdId) without saying how it is shown'],
    ],
    [
      'one grant both masking and declaring plain',
      [{ ...holders, mask: { pin: 'last4' }, plain: ['pin'] }],
      ['grants.0.plain: grant thua-dat both masks data class pin (pin: last4) and declares it plain'],
    ],
    [
      'one grant masking the class two ways',
      [
        {
          id: 'hai',
          allow: ['Query.citizen', 'Citizen.pin', 'Citizen.father', 'RelatedPerson.pin'],
          mask: { 'Citizen.pin': 'last4', 'RelatedPerson.pin': 'hash' },
        },
      ],
      ['grants.0.mask: grant hai masks data class pin in more than one way (Citizen.pin: last4, RelatedPerson.pin: hash): one mask per class'],
    ],
    [
      'an unknown class',
      [{ ...holders, mask: { pn: 'last4' }, plain: ['pin', 'sdt'] }],
      ['grants.0.mask.pn: unknown data class pn', 'grants.0.plain: unknown data class sdt'],
    ],
    [
      'plain for a class the grant does not read',
      [{ ...holders, plain: ['pin', 'householdId'] }],
      ['grants.0.plain: grant thua-dat declares data class householdId plain but reads none of its fields (Household.id, HouseholdMembership.householdId)'],
    ],
    [
      'a declared class taking a field of another class',
      [{ ...holders, plain: ['pin'] }],
      ['classes.maDinhDanh: LandHolder.pin is already in data class pin: a field belongs to one class'],
      { classes: { maDinhDanh: ['LandHolder.pin', 'LandHolder.name'] } },
    ],
  ])('%s', (_name, grants, expected, extra) => {
    const found = problems(validate(grants, extra))
    for (const message of expected)
      expect(
        found.some((p) => p.startsWith(message)),
        `${message}\nin\n${found.join('\n')}`,
      ).toBe(true)
  })

  it.each<[string, Array<Record<string, unknown>>, Record<string, unknown>?]>([
    ['masked in every grant that reads it (the strictest applies)', [reps, { ...holders, mask: { pin: 'hash' } }]],
    ['masked for one purpose, plain for another', [reps, { ...holders, purposes: ['TB'], plain: ['pin'] }]],
    [
      'plain in every grant that reads it',
      [
        { ...reps, mask: undefined, plain: ['pin'] },
        { ...holders, plain: ['pin'] },
      ],
    ],
    [
      'a declared class, masked',
      [{ ...holders, allow: [...holders.allow, 'LandHolder.name'], plain: ['pin'], mask: { hoTen: { keepFirst: 1 } } }],
      { classes: { hoTen: ['LandHolder.name', 'PersonName.full'] } },
    ],
  ])('accepted: %s', (_name, grants, extra) => {
    expect(problems(validate(grants, extra))).toEqual([])
  })
})
