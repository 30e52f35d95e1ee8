import { describe, expect, it } from 'vitest'
import { DATE_LAYOUTS } from './mapping-schema.js'
import { afterWords, applyTextSteps, decimalNumber, foldCode, FULL_DATE_LAYOUTS, readDate, translateCode, zeroPad } from './values.js'

describe('value steps of a mapping', () => {
  it.each([
    ['NGUYỄN VĂN THỬ', ['titleCase'], 'Nguyễn Văn Thử'],
    ['  trần   thị  mẫu ', ['collapseSpaces', 'titleCase'], 'Trần Thị Mẫu'],
    ['ĐẶNG ĐÌNH ĐỨC', ['titleCase'], 'Đặng Đình Đức'],
    [' công ty ', ['trim', 'upperCase'], 'CÔNG TY'],
    ['a\tb', ['trim'], 'a\tb'],
    // One Unicode form: a letter and its combining marks read as the letter they make.
    ['CÒN HIỆU LỰC'.normalize('NFD'), ['trim'], 'CÒN HIỆU LỰC'],
  ] as const)('text %j with %j → %j', (value, steps, expected) => expect(applyTextSteps(value, steps)).toBe(expected))

  const words = ['đến ngày', 'đến'].map(foldCode).sort((a, b) => b.length - a.length)
  it.each([
    ['đến 15/10/2063', '15/10/2063'],
    ['Đến ngày 1/7/2070', '1/7/2070'],
    ['  ĐẾN   NGÀY  01/01/2045 ', '01/01/2045'],
    [`${'đến'.normalize('NFD')} 15/10/2063`, '15/10/2063'],
  ])('after words: %j → %j', (value, expected) => expect(afterWords(value, words)).toBe(expected))
  it.each(['15/10/2063', 'đếnngày 15/10/2063', 'cho đến 15/10/2063', 'đến'])('after words refuses %j', (value) =>
    expect(() => afterWords(value, words)).toThrow(RangeError),
  )

  it.each([
    ['125.40', 125.4],
    ['100', 100],
    ['-3.5', -3.5],
    [12, 12],
  ] as const)('decimal %j → %j', (value, expected) => expect(decimalNumber(value)).toBe(expected))
  it.each(['125,40', '1e3', '', ' ', '0x10', '12.', '.5', '1234567890123456'])('decimal refuses %j', (value) =>
    expect(() => decimalNumber(value)).toThrow(RangeError),
  )

  it('a code outside the list is the catch-all when the mapping names one, else refused', () => {
    const codes = new Map([['THE_CHAP', 'MORTGAGE']])
    expect(translateCode('THE_CHAP', codes, false, 'OTHER')).toBe('MORTGAGE')
    expect(translateCode('NGAN_CHAN', codes, false, 'OTHER')).toBe('OTHER')
    expect(() => translateCode('NGAN_CHAN', codes)).toThrow(RangeError)
    // Not a code at all is refused, catch-all or not.
    expect(() => translateCode({}, codes, false, 'OTHER')).toThrow(RangeError)
  })

  it.each([
    [97, 5, '00097'],
    ['97', 5, '00097'],
    ['00097', 5, '00097'],
    [0, 2, '00'],
    [' 1 ', 2, '01'],
  ] as const)('zero-pads %j to %i → %j', (value, width, expected) => expect(zeroPad(value, width)).toBe(expected))
  it.each([
    ['123456', 5],
    [-1, 5],
    [1.5, 5],
    ['9a', 5],
    ['', 5],
    [Number.MAX_SAFE_INTEGER + 2, 40],
  ] as const)('zero-pad refuses %j (width %i)', (value, width) => expect(() => zeroPad(value, width)).toThrow(RangeError))

  // Every layout: what it reads, and what it must refuse (a layout accepts exactly its own form).
  const dates: Array<[(typeof DATE_LAYOUTS)[number], string, string | null]> = [
    ['yyyyMMdd', '19850314', '1985-03-14'],
    ['yyyyMMdd', '1985', null],
    ['yyyyMMdd', '19850230', null],
    ['yyyyMM', '202301', '2023-01'],
    ['yyyyMM', '20230101', null],
    ['yyyyMM', '202313', null],
    ['yyyy', '1985', '1985'],
    ['yyyy', '85', null],
    ['yyyyMMdd|yyyyMM|yyyy', '1985', '1985'],
    ['yyyyMMdd|yyyyMM|yyyy', '198503', '1985-03'],
    ['yyyyMMdd|yyyyMM|yyyy', '19850314', '1985-03-14'],
    ['dd/MM/yyyy', '15/03/2021', '2021-03-15'],
    ['dd/MM/yyyy', '03/2021', null],
    ['dd/MM/yyyy|MM/yyyy|yyyy', '03/2021', '2021-03'],
    ['dd/MM/yyyy|MM/yyyy|yyyy', '31/02/2021', null],
    ['yyyy-MM-dd', '2021-03-15', '2021-03-15'],
    ['yyyy-MM-dd', '2021-02-30', null],
    ['yyyy-MM-dd', '15/03/2021', null],
  ]
  it.each(dates)('date layout %s reads %j as %j', (layout, value, expected) => {
    if (expected === null) expect(() => readDate(value, layout)).toThrow(RangeError)
    else expect(readDate(value, layout)).toBe(expected)
  })
  it('covers every layout, and the full-date layouts only ever give whole dates', () => {
    expect(new Set(dates.map(([layout]) => layout))).toEqual(new Set(DATE_LAYOUTS))
    for (const [layout, value, expected] of dates) if (FULL_DATE_LAYOUTS.has(layout) && expected) expect(readDate(value, layout)).toHaveLength(10)
  })

  it('translates codes as text, and refuses a code outside the list', () => {
    const codes = new Map([
      ['1', 'MALE'],
      ['2', 'FEMALE'],
      ['3', 'OTHER'],
    ])
    expect(translateCode(1, codes)).toBe('MALE')
    expect(translateCode('2', codes)).toBe('FEMALE')
    for (const value of [4, '01', null, undefined, {}, 'MALE', 'toString', '__proto__', 'constructor'])
      expect(() => translateCode(value, codes)).toThrow(RangeError)
  })

  it('folds codes written as people write them, keeping accents', () => {
    const codes = new Map<string, string | boolean>([
      [foldCode('Đang hoạt động'), 'ACTIVE'],
      [foldCode('Y'), true],
    ])
    expect(translateCode('  ĐANG   hoạt ĐỘNG ', codes, true)).toBe('ACTIVE')
    // The same words in decomposed Unicode (as some databases store them) are the same code.
    expect(translateCode('Đang hoạt động'.normalize('NFD'), codes, true)).toBe('ACTIVE')
    expect(translateCode('y', codes, true)).toBe(true)
    // Accents tell Vietnamese words apart: folding keeps them.
    for (const value of ['Dang hoat dong', 'Đang hoạt', '']) expect(() => translateCode(value, codes, true)).toThrow(RangeError)
    expect(() => translateCode('Y', codes)).toThrow(RangeError)
  })
})
