import { describe, expect, it } from 'vitest'
import type { Condition } from '../index.js'
import { bindCondition, matches, readPath } from './conditions.js'
import { applyMask } from './masks.js'

const vars = { 'jurisdiction.communes': ['00097'], 'jurisdiction.provinces': ['01'] }
const citizen = {
  residence: { permanent: { communeCode: '00097', provinceCode: '01' }, temporary: { address: { communeCode: '00200' } } },
  nationality: [{ code: 'VN' }, { code: 'LA' }],
  sex: 'MALE',
}

describe('conditions', () => {
  it.each<[string, Condition, boolean]>([
    ['in a variable', { 'residence.permanent.commune.code': { in: '$jurisdiction.communes' } }, true],
    ['in a literal list', { 'residence.permanent.province.code': { in: ['02', '03'] } }, false],
    ['eq', { sex: { eq: 'MALE' } }, true],
    ['eq a variable is membership', { 'residence.permanent.province.code': { eq: '$jurisdiction.provinces' } }, true],
    ['through a list', { 'nationality.code': { in: ['LA'] } }, true],
    ['or', { or: [{ 'residence.temporary.address.commune.code': { in: '$jurisdiction.communes' } }, { sex: { eq: 'FEMALE' } }] }, false],
    ['and', { and: [{ sex: { eq: 'MALE' } }, { 'residence.permanent.commune.code': { in: ['00097'] } }] }, true],
    ['not', { not: { sex: { eq: 'MALE' } } }, false],
    ['an unknown variable binds to nothing', { 'residence.permanent.commune.code': { in: '$jurisdiction.everything' } }, false],
    ['a path that reaches nothing', { 'household.householdId': { in: ['H1'] } }, false],
    ['not of a path that reaches nothing', { not: { 'household.householdId': { in: ['H1'] } } }, true],
    // eq holds when some value the path reaches is equal: no value at all is no match.
    ['eq on a path that reaches nothing', { 'household.householdId': { eq: 'H1' } }, false],
    ['eq on a field the record lacks', { religion: { eq: 'NONE' } }, false],
    ['eq null on a field the record lacks', { religion: { eq: null } }, false],
    ['not of eq on a path that reaches nothing', { not: { 'household.householdId': { eq: 'H1' } } }, true],
    ['eq through a list: some element matches', { 'nationality.code': { eq: 'LA' } }, true],
    ['eq through a list: the first element matches', { 'nationality.code': { eq: 'VN' } }, true],
    ['eq through a list: no element matches', { 'nationality.code': { eq: 'FR' } }, false],
    ['eq another value', { sex: { eq: 'FEMALE' } }, false],
  ])('%s', (_name, condition, expected) => {
    expect(matches(bindCondition(condition, vars), citizen)).toBe(expected)
  })

  it('reads GraphQL paths over canonical records (commune.code → communeCode)', () => {
    expect(readPath(citizen, ['residence', 'permanent', 'commune', 'code'])).toEqual(['00097'])
    expect(readPath(citizen, ['nationality', 'code'])).toEqual(['VN', 'LA'])
  })
})

describe('masks', () => {
  const hash = (value: string) => `h(${value.length})`
  it.each<[string, Parameters<typeof applyMask>[0], unknown, unknown]>([
    ['last4', 'last4', '001234567890', '********7890'],
    ['keepFirst', { keepFirst: 3 }, 'Nguyễn Văn A', 'Ngu*********'],
    ['keepLast', { keepLast: 2 }, '0101234567', '********67'],
    ['never the whole value', { keepFirst: 20 }, 'abc', 'ab*'],
    ['redact', 'redact', 'secret', '[REDACTED]'],
    ['hash', 'hash', '001234567890', 'h(12)'],
    ['yearOnly', 'yearOnly', '1990-05-17', '1990'],
    ['yearOnly of something that is no date', 'yearOnly', 'n/a', '[REDACTED]'],
    ['a list element by element', 'last4', ['001234567890', '009876543210'], ['********7890', '********3210']],
    ['an object is redacted whole', 'last4', { full: 'x' }, '[REDACTED]'],
    ['null stays null', 'redact', null, null],
  ])('%s', (_name, spec, value, expected) => {
    expect(applyMask(spec, value, hash)).toEqual(expected)
  })
})
