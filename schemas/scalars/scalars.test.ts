import { graphql, buildSchema, GraphQLSchema, GraphQLObjectType, GraphQLString } from 'graphql'
import { describe, expect, it } from 'vitest'
import {
  AdminCodeScalar,
  DateScalar,
  DateTimeScalar,
  DecimalScalar,
  normaliseAdminCode,
  normaliseDate,
  normaliseDateTime,
  normaliseDecimal,
  normalisePartialDate,
  normalisePin,
  normaliseTaxCode,
  PartialDateScalar,
  PINScalar,
  TaxCodeScalar,
  taxCodeCheckDigit,
  decodePin,
} from './index.js'

describe('PIN', () => {
  it.each([
    ['001085000101', '001085000101'],
    ['079192000202', '079192000202'],
    ['038203000303', '038203000303'],
  ])('accepts %s', (input, expected) => expect(normalisePin(input)).toBe(expected))
  it.each(['', '00108500010', '0010850001011', '00108500010a', ' 001085000101', '001-085-000101', '１２３４５６７８９０１２'])('rejects %j', (input) =>
    expect(normalisePin(input)).toBeNull(),
  )
  it.each([
    ['001085000101', 'MALE', 1985],
    ['079192000202', 'FEMALE', 1992],
    ['038203000303', 'MALE', 2003],
    ['038302000303', 'FEMALE', 2002],
  ])('decodes sex and birth year of %s', (pin, sex, year) => expect(decodePin(pin)).toEqual({ sex, birthYear: year }))
})

describe('TaxCode', () => {
  it.each([
    ['0199000017', '0199000017'],
    ['0199000024', '0199000024'],
    ['0399000014', '0399000014'],
    ['0499000018', '0499000018'],
    ['0199000017-001', '0199000017-001'],
    ['0199000017001', '0199000017-001'],
    ['0100233488', '0100233488'],
  ])('accepts %s as %s', (input, expected) => expect(normaliseTaxCode(input)).toBe(expected))
  it.each([
    '0199000018', // wrong check digit
    '019900001', // 9 digits
    '01990000170', // 11 digits
    '0199000017-000', // branch suffix 000
    '0199000018-001', // branch of an invalid code
    '0199000017-01',
    '0199000017 001',
    'abcdefghij',
    '',
  ])('rejects %j', (input) => expect(normaliseTaxCode(input)).toBeNull())
  it('computes the check digit with weights 31,29,23,19,17,13,7,5,3', () => {
    expect(taxCodeCheckDigit('019900001')).toBe(7)
    expect(taxCodeCheckDigit('010023348')).toBe(8)
    expect(taxCodeCheckDigit('12345678')).toBeNull()
  })
  it('returns null for a prefix whose sum is divisible by 11 (never issued)', () => {
    // Find one such prefix by search and check every digit then fails.
    const prefix = Array.from({ length: 1000 }, (_, i) => `0100${String(i).padStart(5, '0')}`).find((p) => taxCodeCheckDigit(p) === null)
    expect(prefix).toBeDefined()
    for (let d = 0; d <= 9; d += 1) expect(normaliseTaxCode(`${prefix}${d}`)).toBeNull()
  })
})

describe('AdminCode', () => {
  it.each(['01', '79', '00097', '26734'])('accepts %s', (code) => expect(normaliseAdminCode(code)).toBe(code))
  it.each(['1', '001', '0009', '000097', '00', '00000', 'ab', '', '0a097'])('rejects %j', (code) => expect(normaliseAdminCode(code)).toBeNull())
})

describe('PartialDate and Date', () => {
  it.each(['1985', '1985-03', '1985-03-14', '2000-02-29', '2024-02-29'])('partial accepts %s', (value) => expect(normalisePartialDate(value)).toBe(value))
  it.each(['85', '1985-3', '1985-13', '1985-00', '1985-02-30', '1900-02-29', '2023-02-29', '1985-03-14T00:00', '1799', '19850314', '14/03/1985', ''])(
    'partial rejects %j',
    (value) => expect(normalisePartialDate(value)).toBeNull(),
  )
  it('Date requires all three parts', () => {
    expect(normaliseDate('1985-03-14')).toBe('1985-03-14')
    expect(normaliseDate('1985-03')).toBeNull()
    expect(normaliseDate('1985')).toBeNull()
  })
  it.each([
    ['2026-09-30T08:00:00+07:00', true],
    ['2026-09-30T01:00:00Z', true],
    ['2026-09-30T01:00:00.123Z', true],
    ['2026-09-30 01:00:00Z', false],
    ['2026-09-30T01:00:00', false],
    ['2026-02-30T01:00:00Z', false],
  ])('DateTime %s valid=%s', (value, valid) => expect(normaliseDateTime(value) !== null).toBe(valid))
  it.each([
    ['5000000000', true],
    ['-12.5', true],
    ['1e9', false],
    ['12.', false],
    ['', false],
  ])('Decimal %s valid=%s', (value, valid) => expect(normaliseDecimal(value) !== null).toBe(valid))
})

describe('scalars in a schema', () => {
  const scalars = {
    PIN: PINScalar,
    TaxCode: TaxCodeScalar,
    AdminCode: AdminCodeScalar,
    PartialDate: PartialDateScalar,
    Date: DateScalar,
    DateTime: DateTimeScalar,
    Decimal: DecimalScalar,
  }
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: Object.fromEntries(
        Object.entries(scalars).map(([name, type]) => [
          `echo${name}`,
          { type, args: { value: { type } }, resolve: (_: unknown, args: { value: string }) => args.value },
        ]),
      ),
    }),
  })
  it.each([
    ['echoTaxCode', 'TaxCode', '0199000017001', '0199000017-001'],
    ['echoPIN', 'PIN', '001085000101', '001085000101'],
    ['echoPartialDate', 'PartialDate', '1985-03', '1985-03'],
    ['echoAdminCode', 'AdminCode', '00097', '00097'],
  ])('%s normalises variables', async (field, type, input, expected) => {
    const result = await graphql({ schema, source: `query($v: ${type}) { ${field}(value: $v) }`, variableValues: { v: input } })
    expect(result.errors).toBeUndefined()
    expect(result.data?.[field]).toBe(expected)
  })
  it.each([
    ['echoPIN', '"12345"', 'PIN'],
    ['echoTaxCode', '"0199000018"', 'TaxCode'],
    ['echoAdminCode', '"1"', 'AdminCode'],
    ['echoPartialDate', '"1985-02-30"', 'PartialDate'],
    ['echoPIN', '1234567890', 'PIN'],
  ])('%s rejects literal %s with a coded error that does not echo the value', async (field, literal, name) => {
    const result = await graphql({ schema, source: `{ ${field}(value: ${literal}) }` })
    expect(result.errors?.[0]?.message).toContain(`Invalid ${name}`)
    expect(result.errors?.[0]?.message).not.toContain(literal.replaceAll('"', ''))
  })
  it('rejects a bad variable with BAD_USER_INPUT', async () => {
    const result = await graphql({ schema, source: 'query($v: PIN) { echoPIN(value: $v) }', variableValues: { v: 'x' } })
    expect(result.errors?.[0]?.message).toContain('Invalid PIN')
  })
  it('builds from the canonical SDL', () => {
    expect(() => buildSchema('scalar PIN type Query { a: PIN }')).not.toThrow()
    expect(GraphQLString.name).toBe('String')
  })
})
