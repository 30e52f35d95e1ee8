import { describe, expect, it } from 'vitest'
import { fromCompactDate, fromDmyDate, fromDmyFullDate, toCompactDate, toDmyDate } from './dates.js'

describe('registry dates', () => {
  it.each([
    ['19850314', '1985-03-14'],
    ['198503', '1985-03'],
    ['1985', '1985'],
    ['20000229', '2000-02-29'],
  ])('compact %s → %s and back', (wire, canonical) => {
    expect(fromCompactDate(wire)).toBe(canonical)
    expect(toCompactDate(canonical)).toBe(wire)
  })
  it.each(['19850230', '19851301', '1985031', '85', '', '2023-02-01', '19000229'])('compact rejects %j', (wire) =>
    expect(() => fromCompactDate(wire)).toThrow(),
  )
  it.each([
    ['15/03/2021', '2021-03-15'],
    ['1/3/2021', '2021-03-01'],
    ['03/2021', '2021-03'],
    ['2021', '2021'],
  ])('dd/MM/yyyy %s → %s', (wire, canonical) => expect(fromDmyDate(wire)).toBe(canonical))
  it.each(['31/02/2021', '15/13/2021', '2021-03-15', '15.03.2021', ''])('dd/MM/yyyy rejects %j', (wire) => expect(() => fromDmyDate(wire)).toThrow())
  it('requires a full date where the registry promises one', () => {
    expect(fromDmyFullDate('15/03/2021')).toBe('2021-03-15')
    expect(() => fromDmyFullDate('03/2021')).toThrow()
  })
  it.each([
    ['2021-03-15', '15/03/2021'],
    ['2021-03', '03/2021'],
    ['2021', '2021'],
  ])('formats %s as %s', (canonical, wire) => expect(toDmyDate(canonical)).toBe(wire))
})
