import { describe, expect, it } from 'vitest'
import { countTicks, formatCount } from './axis.js'

describe('countTicks', () => {
  it.each([
    [0, [0, 1]],
    [1, [0, 1]],
    [3, [0, 1, 2, 3]],
    [7, [0, 2, 4, 6, 8]],
    [10, [0, 2, 4, 6, 8, 10]],
    [11, [0, 5, 10, 15]],
    [48, [0, 10, 20, 30, 40, 50]],
    [1234, [0, 500, 1000, 1500]],
  ])('from 0 past %d in round steps', (max, ticks) => {
    expect(countTicks(max)).toEqual(ticks)
  })
})

describe('formatCount', () => {
  it('groups thousands with dots', () => {
    expect(formatCount(7)).toBe('7')
    expect(formatCount(1234)).toBe('1.234')
    expect(formatCount(1234567)).toBe('1.234.567')
  })
})
