import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { MaskSpec } from '../schema/grant.js'
import { applyMask, strictestMask } from './masks.js'

const hash = (value: string) => `h(${value.length})`

/**
 * Every pair of mask kinds, in both orders: the strictest is the one that leaves fewer characters
 * readable; two masks that show different parts of a value would together show more than either,
 * so they give `redact`. Each keepFirst/keepFirst and keepLast/keepLast pair has a case where the
 * two counts differ, so a rule that picks the larger count (an inverted comparison) fails here.
 */
describe('strictestMask', () => {
  it.each<[string, MaskSpec, MaskSpec, MaskSpec]>([
    ['two keepFirst: the fewer characters', { keepFirst: 2 }, { keepFirst: 5 }, { keepFirst: 2 }],
    ['two keepFirst, one of them zero', { keepFirst: 0 }, { keepFirst: 1 }, { keepFirst: 0 }],
    ['two keepFirst, the same count', { keepFirst: 3 }, { keepFirst: 3 }, { keepFirst: 3 }],
    ['two keepFirst, the stricter second', { keepFirst: 8 }, { keepFirst: 4 }, { keepFirst: 4 }],
    ['two keepFirst, one more character', { keepFirst: 4 }, { keepFirst: 5 }, { keepFirst: 4 }],
    ['two keepLast: the fewer characters', { keepLast: 6 }, { keepLast: 1 }, { keepLast: 1 }],
    ['keepLast fewer than last4', { keepLast: 0 }, 'last4', { keepLast: 0 }],
    ['keepLast more than last4', { keepLast: 6 }, 'last4', 'last4'],
    ['keepLast 4 and last4 show the same: one answer in either order', { keepLast: 4 }, 'last4', 'last4'],
    ['first and last characters together would show more: redact', { keepFirst: 3 }, 'last4', 'redact'],
    ['keepFirst and keepLast: redact', { keepFirst: 1 }, { keepLast: 1 }, 'redact'],
    ['a year and a suffix: redact', 'yearOnly', 'last4', 'redact'],
    ['a year and a prefix: redact', 'yearOnly', { keepFirst: 2 }, 'redact'],
    ['a year and a keepLast: redact', 'yearOnly', { keepLast: 2 }, 'redact'],
    ['hash over last4', 'hash', 'last4', 'hash'],
    ['hash over keepFirst', { keepFirst: 2 }, 'hash', 'hash'],
    ['hash over keepLast', { keepLast: 2 }, 'hash', 'hash'],
    ['hash over yearOnly', 'yearOnly', 'hash', 'hash'],
    ['redact over hash', 'hash', 'redact', 'redact'],
    ['redact over last4', 'redact', 'last4', 'redact'],
    ['redact over keepFirst', { keepFirst: 0 }, 'redact', 'redact'],
    ['redact over yearOnly', 'yearOnly', 'redact', 'redact'],
    ['the same mask twice', 'last4', 'last4', 'last4'],
    ['yearOnly twice', 'yearOnly', 'yearOnly', 'yearOnly'],
  ])('%s', (_name, a, b, expected) => {
    expect(strictestMask(a, b)).toEqual(expected)
    expect(strictestMask(b, a)).toEqual(expected)
  })

  const spec: fc.Arbitrary<MaskSpec> = fc.oneof(
    fc.constantFrom<MaskSpec>('last4', 'redact', 'hash', 'yearOnly'),
    fc.integer({ min: 0, max: 14 }).map((n): MaskSpec => ({ keepFirst: n })),
    fc.integer({ min: 0, max: 14 }).map((n): MaskSpec => ({ keepLast: n })),
  )
  /** Positions of the value a masked result still shows (the same character at the same place). */
  const shown = (masked: unknown, value: string): Set<number> => {
    if (typeof masked !== 'string' || masked === '[REDACTED]' || masked.startsWith('h(')) return new Set()
    if (masked.length !== value.length) return new Set([...value].map((_, i) => i).filter((i) => (value.startsWith(masked) ? i < masked.length : false)))
    return new Set([...value].map((_, i) => i).filter((i) => masked[i] === value[i]))
  }

  it('never shows a character that one of the two masks hides, whatever the order', () => {
    fc.assert(
      fc.property(spec, spec, fc.constantFrom('079076117756', '1985-03-14', 'HGD-0002607'), (a, b, value) => {
        const result = strictestMask(a, b)
        expect(strictestMask(b, a)).toEqual(result)
        const byA = shown(applyMask(a, value, hash), value)
        const byB = shown(applyMask(b, value, hash), value)
        for (const position of shown(applyMask(result, value, hash), value)) {
          expect(
            byA.has(position) && byB.has(position),
            `${JSON.stringify(result)} from ${JSON.stringify(a)} and ${JSON.stringify(b)} shows position ${position} of ${value}`,
          ).toBe(true)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('applyMask: one behaviour per row', () => {
  const hash = (value: string) => `h:${value}`
  it.each<[string, Parameters<typeof applyMask>[0], unknown, unknown]>([
    ['yearOnly keeps a leading year', 'yearOnly', '1985-03-02', '1985'],
    ['yearOnly redacts a value that does not start with a year', 'yearOnly', 'born 1985', '[REDACTED]'],
    ['yearOnly redacts fewer than four leading digits', 'yearOnly', '198-03-02', '[REDACTED]'],
    ['last4 shows the end', 'last4', '001234567890', '********7890'],
    ['keepLast shows the end', { keepLast: 2 }, 'abcdef', '****ef'],
    ['keepFirst shows the start', { keepFirst: 2 }, 'abcdef', 'ab****'],
    ['never the whole value: keepLast as long as the value', { keepLast: 6 }, 'abcdef', '*bcdef'],
    ['a number is masked as text', 'last4', 123456, '**3456'],
    ['a boolean is masked as text', 'last4', true, '*rue'],
    ['hash', 'hash', '079076117756', 'h:079076117756'],
    ['null stays null', 'last4', null, null],
    ['undefined stays undefined', 'last4', undefined, undefined],
    ['a list element by element', 'last4', ['123456', null], ['**3456', null]],
    ['an object is redacted whole', { keepFirst: 1 }, { pin: '123456' }, '[REDACTED]'],
  ])('%s', (_case, spec, value, expected) => {
    expect(applyMask(spec, value, hash)).toEqual(expected)
  })
})
