import { parseItem } from 'structured-headers'
import { canonicalJson } from '../audit/canonical.js'
import { sha256Hex } from '../support/index.js'

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key'
const MAX_KEY_LENGTH = 255

export type IdempotencyKeyHeader = { ok: true; key: string } | { ok: false; message: string }

/**
 * Reads the `Idempotency-Key` request header (IETF httpapi draft): a Structured Field String,
 * `"8e03978e-40d5-43e8-bc93-6894a57f9324"`, of 1 to 255 characters. Parsed by the structured-
 * field rules, so a token, a number, a list or a string with parameters is refused rather than
 * guessed at. `null`: no header.
 */
export function parseIdempotencyKey(header: string | null | undefined): IdempotencyKeyHeader | null {
  if (header === null || header === undefined) return null
  const refused = {
    ok: false as const,
    message: `${IDEMPOTENCY_KEY_HEADER} must be a quoted string of 1 to ${MAX_KEY_LENGTH} characters, such as "8e03978e-40d5-43e8-bc93-6894a57f9324"`,
  }
  let item: ReturnType<typeof parseItem>
  try {
    item = parseItem(header)
  } catch {
    return refused
  }
  const [value, parameters] = item
  if (typeof value !== 'string' || parameters.size > 0 || value.length === 0 || value.length > MAX_KEY_LENGTH) return refused
  return { ok: true, key: value }
}

/**
 * What makes two requests the same request for an Idempotency-Key: the step (its mutation field)
 * and its arguments as execution sees them, in canonical JSON (key order, variables or literals,
 * spacing and operation names do not count), hashed with SHA-256.
 */
export function requestHash(step: { field: string; args: unknown }): Promise<string> {
  return sha256Hex(canonicalJson({ field: step.field, args: step.args }))
}
