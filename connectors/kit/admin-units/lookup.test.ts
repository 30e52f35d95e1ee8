import { describe, expect, it } from 'vitest'
import { adminUnits, currentCommunesByProvince } from './data.js'
import { findUnit, predecessorsOf, successorsOf } from './lookup.js'

describe('administrative units', () => {
  it('has the 34 provinces in force since 1 July 2025', () => {
    const current = adminUnits.filter((u) => u.level === 'PROVINCE' && u.validTo === null)
    expect(current).toHaveLength(34)
    expect(new Set(current.map((u) => u.code)).size).toBe(34)
    expect(Object.keys(currentCommunesByProvince).sort()).toEqual(current.map((u) => u.code).sort())
  })
  it.each([
    ['24', '2025-06-30', 'Bắc Giang'],
    ['24', '2025-07-01', 'Bắc Ninh'],
    ['27', '2025-06-30', 'Bắc Ninh'],
    ['44', '2020-01-01', 'Quảng Bình'],
    ['44', '2026-01-01', 'Quảng Trị'],
    ['00097', '2026-01-01', 'Hồng Hà'],
  ])('%s on %s is %s', (code, asOf, name) => expect(findUnit(code, asOf)?.name).toBe(name))
  it('a commune merged away is found only with fallBack', () => {
    expect(findUnit('00094', '2026-01-01')).toBeNull()
    expect(findUnit('00094', '2026-01-01', { fallBack: true })?.validTo).toBe('2025-06-30')
  })
  it('links merged units both ways', () => {
    const chuongDuong = findUnit('00094', '2025-01-01')!
    expect(successorsOf(chuongDuong).map((u) => u.name)).toEqual(['Hồng Hà'])
    const hongHa = findUnit('00097')!
    expect(
      predecessorsOf(hongHa)
        .map((u) => u.code)
        .sort(),
    ).toEqual(['00073', '00094', '00097'])
  })
  it('knows nothing of an unknown code', () => expect(findUnit('99999')).toBeNull())
})
