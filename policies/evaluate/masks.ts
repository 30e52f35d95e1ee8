import type { MaskSpec } from '../schema/grant.js'

/**
 * A keyed hash for the `hash` mask (HMAC with a secret of the gateway's, so a masked value can
 * be compared across responses but not reversed by trying every PIN). Injected: the evaluator
 * stays free of crypto and I/O.
 */
export type KeyedHash = (value: string) => string

const REDACTED = '[REDACTED]'

/** How many characters a mask that keeps the end of the value leaves readable. */
const shownAtEnd = (spec: 'last4' | { keepLast: number }): number => (spec === 'last4' ? 4 : spec.keepLast)

const same = (a: MaskSpec, b: MaskSpec) => JSON.stringify(a) === JSON.stringify(b)

/**
 * The stricter of two masks, when grants disagree: the one that leaves fewer characters
 * readable; `redact` over `hash` (a hash still shows equality). Two masks that show different
 * parts of the value (the first characters and the last, a year and a suffix) together would
 * show more than either: the value is redacted.
 */
export function strictestMask(a: MaskSpec, b: MaskSpec): MaskSpec {
  if (same(a, b)) return a
  if (a === 'redact' || b === 'redact') return 'redact'
  if (a === 'hash' || b === 'hash') return 'hash'
  const keepsEnd = (spec: MaskSpec): spec is 'last4' | { keepLast: number } => spec === 'last4' || (typeof spec === 'object' && 'keepLast' in spec)
  if (keepsEnd(a) && keepsEnd(b)) {
    const [shownA, shownB] = [shownAtEnd(a), shownAtEnd(b)]
    if (shownA !== shownB) return shownA < shownB ? a : b
    // `{ keepLast: 4 }` and `last4` show the same: one answer, whatever the order of the grants.
    return a === 'last4' ? a : b
  }
  if (typeof a === 'object' && typeof b === 'object' && 'keepFirst' in a && 'keepFirst' in b) return a.keepFirst <= b.keepFirst ? a : b
  return 'redact'
}

function keep(text: string, count: number, from: 'start' | 'end'): string {
  const chars = [...text]
  if (count >= chars.length) count = Math.max(0, chars.length - 1) // never show the whole value
  const hidden = '*'.repeat(chars.length - count)
  return from === 'start' ? chars.slice(0, count).join('') + hidden : hidden + chars.slice(chars.length - count).join('')
}

function maskScalar(spec: MaskSpec, value: string | number | boolean, hash: KeyedHash): unknown {
  const text = String(value)
  if (spec === 'redact') return REDACTED
  if (spec === 'hash') return hash(text)
  if (spec === 'yearOnly') return /^\d{4}/.test(text) ? text.slice(0, 4) : REDACTED
  if (spec === 'last4') return keep(text, 4, 'end')
  if ('keepFirst' in spec) return keep(text, spec.keepFirst, 'start')
  return keep(text, spec.keepLast, 'end')
}

/**
 * Masks a field's value before it leaves the gateway. Strings and numbers are masked; lists
 * element by element; an object (a masked composite field) is redacted whole, since there is no
 * safe partial form of it. null stays null (absence is not a secret the mask protects).
 *
 * Masked values are strings: a masked PIN `********1234` no longer satisfies the PIN scalar, so
 * the gateway applies masks after serialisation of the scalar, on the response (see the
 * GraphQL enforcement).
 */
export function applyMask(spec: MaskSpec, value: unknown, hash: KeyedHash): unknown {
  if (value === null || value === undefined) return value
  if (Array.isArray(value)) return value.map((item) => applyMask(spec, item, hash))
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return maskScalar(spec, value, hash)
  return REDACTED
}
