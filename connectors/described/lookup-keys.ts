/**
 * The identifiers a lookup may be keyed by, each with its canonical form: the audit trail records
 * the subject asked about and grants can limit reads per subject only for these. The plan accepts
 * exactly these scalars, and the engine compares and sends keys in this form
 * (`0199000017001` → `0199000017-001`; null when the value is no such identifier). One table, so
 * the two cannot drift apart.
 */
import { normalisePin, normaliseTaxCode } from '../../schemas/scalars/index.js'

export const LOOKUP_KEYS: ReadonlyMap<string, (key: string) => string | null> = new Map([
  // A registry that pads its codes with spaces still names the record.
  ['PIN', (key: string) => normalisePin(key.trim())],
  ['TaxCode', (key: string) => normaliseTaxCode(key.trim())],
])
