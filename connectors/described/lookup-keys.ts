/**
 * The keys a lookup may be keyed by, each with its canonical form: the plan accepts exactly
 * these, and the engine compares and sends keys in this form (`0199000017001` →
 * `0199000017-001`; null when the value is no such key). One table, so the two cannot drift apart.
 *
 * An identifier scalar (`PIN`, `TaxCode`) names itself: the audit trail records the subject asked
 * about and grants can limit reads per subject by it, and the scalar has refused a malformed one
 * before any resolver runs. A key written as text (`String`, such as a land parcel's `MX.SB.ST`)
 * names its form in the mapping (`form: parcelKey`), and a caller's malformed one is refused by
 * the engine, in the words of `refusal`, before the source is called.
 */
import { normalisePin, normaliseTaxCode } from '../../schemas/scalars/index.js'
import { normaliseParcelKey } from '../kit/index.js'

export interface LookupKey {
  /** The GraphQL type of the argument that takes it. */
  scalar: 'PIN' | 'TaxCode' | 'String'
  /** The key in its canonical form, or null when the value is no such key. */
  canonical: (key: string) => string | null
  /** For a key the scalar does not check: what a caller is told when theirs is malformed. */
  refusal?: string
}

export const LOOKUP_KEYS: ReadonlyMap<string, LookupKey> = new Map<string, LookupKey>([
  // A registry that pads its codes with spaces still names the record.
  ['PIN', { scalar: 'PIN', canonical: (key) => normalisePin(key.trim()) }],
  ['TaxCode', { scalar: 'TaxCode', canonical: (key) => normaliseTaxCode(key.trim()) }],
  ['parcelKey', { scalar: 'String', canonical: normaliseParcelKey, refusal: 'must be a parcel key MX.SB.ST, e.g. 00097.12.345' }],
])

/** The key an argument of this type takes: its scalar's own, or the form the mapping names for text. */
export function lookupKeyOf(argumentType: string, form: string | undefined): { name: string; key: LookupKey } | undefined {
  const name = form ?? argumentType
  const key = LOOKUP_KEYS.get(name)
  return key && key.scalar === argumentType && (form === undefined) === (key.scalar !== 'String') ? { name, key } : undefined
}
