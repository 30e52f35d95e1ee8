import { describe, expect, it } from 'vitest'
import type { Condition } from '../index.js'
import {
  and,
  bindCondition,
  conditionKey,
  conditionVariables,
  FALSE,
  isComparison,
  matches,
  not,
  or,
  readPath,
  TRUE,
  type BoundCondition,
} from './conditions.js'
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

describe('conditions: the building blocks, one behaviour per row', () => {
  const inC = (path: string, ...values: Array<string | number>): BoundCondition => ({ kind: 'in', path: path.split('.'), values: new Set(values) })
  const eqC = (path: string, value: string | number | boolean | null): BoundCondition => ({ kind: 'eq', path: path.split('.'), value })
  const a = inC('sex', 'MALE')
  const b = eqC('nationality.code', 'VN')

  it.each<[string, Condition, string[]]>([
    ['a field compared with a variable', { 'residence.commune.code': { in: '$jurisdiction.communes' } }, ['jurisdiction.communes']],
    ['eq with a variable', { 'residence.province.code': { eq: '$jurisdiction.provinces' } }, ['jurisdiction.provinces']],
    ['literals are not variables', { sex: { eq: 'MALE' }, 'nationality.code': { in: ['VN', '$notAVariableInAList'] } }, []],
    ['a number is no variable', { age: { eq: 7 } }, []],
    ['inside and, or and not', { and: [{ or: [{ a: { in: '$x' } }, { not: { b: { eq: '$y' } } }] }, { c: { in: '$z' } }] }, ['x', 'y', 'z']],
    ['a field named "not" compared directly', { not: { in: '$w' } } as unknown as Condition, ['w']],
    ['a field named "not" compared with eq (this threw)', { not: { eq: '$w' } } as unknown as Condition, ['w']],
    ['fields named "and" and "or" compared directly', { and: { eq: '$a' }, or: { in: '$o' } } as unknown as Condition, ['a', 'o']],
    ['a negated condition on a field named "in"', { not: { in: { eq: '$v' } } } as unknown as Condition, ['v']],
  ])('conditionVariables: %s', (_case, condition, expected) => {
    expect(conditionVariables(condition)).toEqual(expected)
  })

  it.each<[string, Condition, Record<string, readonly (string | number)[]>, string]>([
    ['in a variable: its values, as a set', { 'p.code': { in: '$v' } }, { v: ['2', '1'] }, 'p.code in ["1","2"]'],
    ['an unknown variable: the empty set', { 'p.code': { in: '$missing' } }, {}, 'p.code in []'],
    ['in one literal', { 'p.code': { in: 'X' } }, {}, 'p.code in ["X"]'],
    ['eq a literal', { 'p.code': { eq: 'X' } }, {}, 'p.code = "X"'],
    ['eq a variable: membership', { 'p.code': { eq: '$v' } }, { v: ['A'] }, 'p.code in ["A"]'],
    ['eq a literal list: membership', { 'p.code': { eq: ['A', 'B'] } }, {}, 'p.code in ["A","B"]'],
    ['eq a string that only starts with $ elsewhere', { 'p.code': { eq: 'A$' } }, {}, 'p.code = "A$"'],
    ['two paths in one object: both must hold', { x: { eq: 1 }, y: { eq: 2 } }, {}, 'and(x = 1,y = 2)'],
    ['and', { and: [{ x: { eq: 1 } }, { y: { eq: 2 } }] }, {}, 'and(x = 1,y = 2)'],
    ['or', { or: [{ x: { eq: 1 } }, { y: { eq: 2 } }] }, {}, 'or(x = 1,y = 2)'],
    ['not', { not: { x: { eq: 1 } } }, {}, 'not(x = 1)'],
    ['a field named "not" with in', { not: { in: ['A'] } } as unknown as Condition, {}, 'not in ["A"]'],
    ['a field named "not" with eq', { not: { eq: 'A' } } as unknown as Condition, {}, 'not = "A"'],
    ['not beside another field is two fields', { not: { eq: 'A' }, x: { eq: 1 } } as unknown as Condition, {}, 'and(not = "A",x = 1)'],
    ['a field named "not" compared with null', { not: { eq: null } } as unknown as Condition, {}, 'not = null'],
    ['a field named "and" compared directly', { and: { eq: 'A' } } as unknown as Condition, {}, 'and = "A"'],
    ['a field named "or" compared directly', { or: { in: ['A'] } } as unknown as Condition, {}, 'or in ["A"]'],
    ['a negated condition on a field named "in", as the schema reads it', { not: { in: { eq: 'x' } } } as unknown as Condition, {}, 'not(in = "x")'],
    ['a negated condition of two fields', { not: { a: { eq: 1 }, b: { eq: 2 } } } as unknown as Condition, {}, 'not(and(a = 1,b = 2))'],
  ])('bindCondition: %s', (_case, condition, variables, key) => {
    expect(conditionKey(bindCondition(condition, variables))).toBe(key)
  })

  it.each<[string, BoundCondition[], string]>([
    ['nothing: true', [], 'true'],
    ['false wins', [a, FALSE, b], 'false'],
    ['true is dropped', [TRUE, a], 'sex in ["MALE"]'],
    ['one part is itself', [a], 'sex in ["MALE"]'],
    ['duplicates once', [a, inC('sex', 'MALE'), b], 'and(sex in ["MALE"],nationality.code = "VN")'],
    ['nested and is flattened', [a, { kind: 'and', all: [b, eqC('x', 1)] }], 'and(sex in ["MALE"],nationality.code = "VN",x = 1)'],
    ['only trues: true', [TRUE, TRUE], 'true'],
  ])('and: %s', (_case, parts, key) => {
    expect(conditionKey(and(parts))).toBe(key)
  })

  it.each<[string, BoundCondition[], string]>([
    ['nothing: false', [], 'false'],
    ['true wins', [a, TRUE, b], 'true'],
    ['false is dropped', [FALSE, a], 'sex in ["MALE"]'],
    ['one part is itself', [b], 'nationality.code = "VN"'],
    ['duplicates once', [a, inC('sex', 'MALE'), b], 'or(sex in ["MALE"],nationality.code = "VN")'],
    ['nested or is flattened', [a, { kind: 'or', any: [b, eqC('x', 1)] }], 'or(sex in ["MALE"],nationality.code = "VN",x = 1)'],
    ['only falses: false', [FALSE, FALSE], 'false'],
  ])('or: %s', (_case, parts, key) => {
    expect(conditionKey(or(parts))).toBe(key)
  })

  it.each<[string, BoundCondition, string]>([
    ['not true is false', TRUE, 'false'],
    ['not false is true', FALSE, 'true'],
    ['not not x is x', { kind: 'not', inner: a }, 'sex in ["MALE"]'],
    ['not x', b, 'not(nationality.code = "VN")'],
  ])('not: %s', (_case, inner, key) => {
    expect(conditionKey(not(inner))).toBe(key)
  })

  it('conditionKey: the same for equal conditions (in-values sorted), different for different ones, stable when asked twice', () => {
    expect(conditionKey(inC('p', 'B', 'A'))).toBe(conditionKey(inC('p', 'A', 'B')))
    expect(conditionKey(inC('p', 'A'))).not.toBe(conditionKey(inC('q', 'A')))
    expect(conditionKey(eqC('p', 'A'))).not.toBe(conditionKey(inC('p', 'A')))
    const c = and([a, b])
    expect(conditionKey(c)).toBe(conditionKey(c))
    expect(conditionKey({ kind: 'and', all: [a, b] })).not.toBe(conditionKey({ kind: 'or', any: [a, b] }))
  })

  const record = {
    sex: 'MALE',
    age: 0,
    deceased: false,
    none: null,
    residence: { communeCode: '00097', commune: undefined, province: { code: '01' } },
    holders: [{ pin: 'P1', roles: ['owner'] }, null, { pin: 'P2', roles: ['user', 'owner'] }],
    matrix: [[{ v: 1 }], [{ v: 2 }]],
  }
  it.each<[string, string, unknown[]]>([
    ['a field', 'sex', ['MALE']],
    ['a falsy number', 'age', [0]],
    ['false', 'deceased', [false]],
    ['null is a value the path reaches', 'none', [null]],
    ['a missing field reaches nothing', 'religion', []],
    ['past a scalar reaches nothing', 'sex.code', []],
    ['X present but undefined: no fallback to XCode', 'residence.commune.code', []],
    ['XCode only when the next segment is code', 'residence.communeCode', ['00097']],
    ['X.code reads the object when X is present', 'residence.province.code', ['01']],
    ['a list in the middle: every element, nulls skipped', 'holders.pin', ['P1', 'P2']],
    ['a list at the end is flattened', 'holders.roles', ['owner', 'user', 'owner']],
    ['lists of lists', 'matrix.v', [1, 2]],
  ])('readPath: %s', (_case, path, expected) => {
    expect(readPath(record, path.split('.'))).toEqual(expected)
  })

  it('readPath: X.code falls back to XCode for a field that is missing, not for one present but empty', () => {
    expect(readPath({ communeCode: 'C1' }, ['commune', 'code'])).toEqual(['C1'])
    expect(readPath({ commune: null, communeCode: 'C1' }, ['commune', 'code'])).toEqual([])
    expect(readPath({ communeCode: 'C1' }, ['commune', 'name'])).toEqual([])
    expect(readPath({ communeCode: 'C1' }, ['commune'])).toEqual([])
    expect(readPath(null, ['a'])).toEqual([])
    expect(readPath('text', ['length'])).toEqual([])
  })

  it.each<[string, BoundCondition, boolean]>([
    ['true', TRUE, true],
    ['false', FALSE, false],
    ['and: all hold', { kind: 'and', all: [inC('sex', 'MALE'), eqC('age', 0)] }, true],
    ['and: one fails', { kind: 'and', all: [inC('sex', 'MALE'), eqC('age', 1)] }, false],
    ['or: one holds', { kind: 'or', any: [inC('sex', 'FEMALE'), eqC('age', 0)] }, true],
    ['or: none holds', { kind: 'or', any: [inC('sex', 'FEMALE'), eqC('age', 1)] }, false],
    ['not', { kind: 'not', inner: eqC('age', 0) }, false],
    ['in: a falsy value is a value', inC('age', 0), true],
    ['in: numbers are not strings', inC('age', '0'), false],
    ['in through a list', inC('holders.pin', 'P2'), true],
    ['in: the empty set holds for nothing', inC('sex'), false],
    ['eq false', eqC('deceased', false), true],
    ['eq null on a null field', eqC('none', null), true],
    ['eq is strict', eqC('age', '0' as unknown as number), false],
  ])('matches: %s', (_case, condition, expected) => {
    expect(matches(condition, record)).toBe(expected)
  })
})

describe('isComparison: a comparison is one key, in or eq, over a literal or a list', () => {
  it.each<[string, unknown, boolean]>([
    ['in a list', { in: ['a'] }, true],
    ['eq a string', { eq: 'a' }, true],
    ['eq null', { eq: null }, true],
    ['eq a number', { eq: 0 }, true],
    ['over an object: a condition on a field named in', { in: { eq: 'a' } }, false],
    ['two keys', { in: ['a'], eq: 'a' }, false],
    ['another key', { is: 'a' }, false],
    ['no key', {}, false],
    ['null', null, false],
    ['a string', 'in', false],
    ['undefined', undefined, false],
  ])('%s', (_case, value, expected) => {
    expect(isComparison(value)).toBe(expected)
  })
})
