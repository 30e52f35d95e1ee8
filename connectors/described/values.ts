/**
 * The value steps a mapping may ask for, each a pure function that returns the normalised value
 * or throws a RangeError saying what was wrong (the engine turns that into UPSTREAM_BAD_RESPONSE:
 * a value the mapping cannot read is never passed on as it came).
 */
import { LRUCache } from 'lru-cache'
import { fromCompactDate, fromDmyDate, fromDmyFullDate, partialDate } from '../kit/dates.js'
import type { DateLayout, TextStep } from './mapping-schema.js'

/** Title case as Vietnamese names are written: each word's first letter upper, the rest lower. */
function titleCase(text: string): string {
  return text
    .toLocaleLowerCase('vi')
    .split(/(\s+)/)
    .map((word) => (word.trim() ? word.charAt(0).toLocaleUpperCase('vi') + word.slice(1) : word))
    .join('')
}

const textSteps: Record<TextStep, (text: string) => string> = {
  trim: (text) => text.trim(),
  collapseSpaces: (text) => text.replace(/\s+/g, ' ').trim(),
  titleCase,
  upperCase: (text) => text.toLocaleUpperCase('vi'),
}

/** A text through its steps, in one Unicode form (NFC): `Ô` typed as O and a combining mark reads as the `Ô` it is. */
export function applyTextSteps(value: string, steps: readonly TextStep[]): string {
  let text = value.normalize('NFC')
  for (const step of steps) text = textSteps[step](text)
  return text
}

/**
 * The value after one of `words` (folded, longest first): `đến ngày 1/7/2070` after `đến ngày`
 * is `1/7/2070`. A value that follows none is refused.
 */
export function afterWords(value: string, words: readonly string[]): string {
  const folded = foldCode(value)
  for (const word of words) {
    if (folded.startsWith(`${word} `)) return folded.slice(word.length + 1)
  }
  throw new RangeError('does not follow any of the words the mapping names')
}

/** A decimal written as text → its number; anything else is refused. */
export function decimalNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value
  if (!/^-?\d{1,15}(\.\d{1,15})?$/.test(value.trim())) throw new RangeError('not a decimal number')
  return Number(value)
}

/** `97` or `"97"` → `"00097"` for width 5; a value longer than the width, or not digits, is refused. */
export function zeroPad(value: string | number, width: number): string {
  const text = typeof value === 'number' ? (Number.isSafeInteger(value) && value >= 0 ? String(value) : '') : value.trim()
  if (!/^\d+$/.test(text)) throw new RangeError('not a non-negative whole number')
  if (text.length > width) throw new RangeError(`longer than ${width} digits`)
  return text.padStart(width, '0')
}

function isoDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim())
  if (!match) throw new RangeError('not a yyyy-MM-dd date')
  return partialDate(Number(match[1]), Number(match[2]), Number(match[3]))
}

/** A compact date of exactly `digits` digits: `yyyyMMdd` must not accept `1985`. */
function compactOf(digits: 4 | 6 | 8): (value: string) => string {
  return (value) => {
    if (value.trim().length !== digits) throw new RangeError(`not a ${digits}-digit date`)
    return fromCompactDate(value)
  }
}

/** Each layout's reader into the canonical partial date; a layout names exactly what it accepts. */
const dateReaders: Record<DateLayout, (value: string) => string> = {
  yyyyMMdd: compactOf(8),
  yyyyMM: compactOf(6),
  yyyy: compactOf(4),
  'yyyyMMdd|yyyyMM|yyyy': fromCompactDate,
  'dd/MM/yyyy': fromDmyFullDate,
  'dd/MM/yyyy|MM/yyyy|yyyy': fromDmyDate,
  'yyyy-MM-dd': isoDate,
}

export function readDate(value: string, layout: DateLayout): string {
  return dateReaders[layout](value)
}

/** Layouts that always give a whole date (the `Date` scalar); the others may give a partial one. */
export const FULL_DATE_LAYOUTS: ReadonlySet<DateLayout> = new Set(['yyyyMMdd', 'dd/MM/yyyy', 'yyyy-MM-dd'])

const foldText = (text: string) => text.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim()

/**
 * Codes repeat (a status text on every record), and Vietnamese lower-casing is not cheap: the
 * folds of recent codes are kept, the least recently used dropped first.
 */
const foldedCodes = new LRUCache<string, string>({ max: 1024 })

/**
 * A code written as people write it, folded for comparison: one Unicode form, lower case, single
 * spaces, no spaces around. Accents are kept: in Vietnamese they tell words apart.
 */
export function foldCode(text: string): string {
  // Long texts are not codes: folded every time, never kept.
  if (text.length > 256) return foldText(text)
  let folded = foldedCodes.get(text)
  if (folded === undefined) {
    folded = foldText(text)
    foldedCodes.set(text, folded)
  }
  return folded
}

/**
 * A source code → its canonical value; codes compare as text (`1` and `"1"` are one code), folded
 * when the table was built folded. A Map, so `toString` or `__proto__` from a source finds nothing.
 */
export function translateCode(value: unknown, codes: ReadonlyMap<string, string | boolean>, folded = false, otherwise?: string): string | boolean {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new RangeError('a code must be text or a number')
  const code = folded ? foldCode(String(value)) : String(value)
  const canonical = codes.get(code) ?? otherwise
  if (canonical === undefined) throw new RangeError('a code outside the mapping’s code list')
  return canonical
}
