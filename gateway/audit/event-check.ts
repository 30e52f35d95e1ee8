/**
 * The audit event's check on the request path: the verdict of `auditEventSchema` (event.ts), by
 * hand. Every request writes one event, and zod's `safeParse` of it cost a measurable share of the
 * request thread. The schema stays the source of truth (the OpenAPI document and verify.ts read
 * it); event-check.test.ts proves the two agree, on valid events, on each way of breaking one and
 * on arbitrary input. Plain loops and literal regular expressions: nothing is compiled at run time,
 * as workerd forbids `new Function`.
 *
 * It follows zod 4's semantics where they are not the obvious ones: a strict object refuses every
 * enumerable key it does not declare, inherited ones included (zod walks `for...in`), and reads its
 * fields through the prototype too; an optional field present as `undefined` is accepted; string
 * limits count code points (a surrogate pair is one character, a lone surrogate one); `z.number()`
 * refuses NaN and ±Infinity, `.int()` anything beyond the safe integers; a record must be a plain
 * object, refuses a symbol key and silently skips an own `__proto__`; an array over its maximum is
 * refused before its items are looked at. A problem names the path zod's first issue names.
 *
 * It imports nothing: event.ts builds it from the schema's own enum lists (one list each), and
 * importing event.ts here would make a circle.
 */

/** The closed sets of the schema, from its zod enums' `.options`. */
export interface AuditEventVocabulary {
  kinds: readonly string[]
  decisions: readonly string[]
  signals: readonly string[]
  codes: readonly string[]
  operationTypes: readonly string[]
}

/** `null` for a valid event, else `path: message` for the first bad field (never its value). */
export type AuditEventCheck = (value: unknown) => string | null

interface Problem {
  /** Innermost last, as zod's issue paths; prefixed on the way out, so built only on failure. */
  path: PropertyKey[]
  message: string
}

type Rule = (value: unknown) => Problem | null

interface Field {
  key: string
  rule: Rule
  optional?: boolean
}

const problem = (message: string, ...path: PropertyKey[]): Problem => ({ path, message })

/** zod's regex for `z.string().uuid()`: RFC 9562 versions 1–8 and variant 10xx, or the nil and max UUIDs (the max in lower case only). */
const UUID =
  /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/

/** zod's regex for `z.string().datetime({ precision: 3 })`: a real calendar date (29 February in leap years only), UTC `Z`, exactly three decimals. */
const DATETIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}(?:Z))$/

/** Over `max` characters, counted as zod counts them: in code points. */
function tooLong(text: string, max: number): boolean {
  const units = text.length
  if (units <= max) return false
  // A code point is one or two units: twice the limit in units is over it whatever they hold.
  if (units > 2 * max) return true
  let count = units
  for (let i = 0; i < units - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--
      i++
    }
  }
  return count > max
}

const text =
  (max: number): Rule =>
  (value) => {
    if (typeof value !== 'string') return problem('expected a string')
    return tooLong(value, max) ? problem(`longer than ${max} characters`) : null
  }

const matching =
  (pattern: RegExp, what: string): Rule =>
  (value) => {
    if (typeof value !== 'string') return problem('expected a string')
    return pattern.test(value) ? null : problem(`not ${what}`)
  }

const oneOf = (options: readonly string[], what: string): Rule => {
  const set = new Set<unknown>(options)
  return (value) => (set.has(value) ? null : problem(`not a known ${what}`))
}

/** `z.number().min(min)`: finite, as `z.number()` refuses NaN and ±Infinity. */
const number =
  (min: number): Rule =>
  (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return problem('expected a finite number')
    return value >= min ? null : problem(`less than ${min}`)
  }

/** `z.number().int().min(min).max(max)`: `.int()` is a safe integer. */
const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Rule =>
  (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return problem('expected a finite number')
    if (!Number.isSafeInteger(value)) return problem('expected a safe integer')
    if (value < min) return problem(`less than ${min}`)
    return value > max ? problem(`more than ${max}`) : null
  }

const boolean: Rule = (value) => (typeof value === 'boolean' ? null : problem('expected a boolean'))

const array =
  (item: Rule, max: number, min = 0): Rule =>
  (value) => {
    if (!Array.isArray(value)) return problem('expected an array')
    if (value.length > max) return problem(`more than ${max} items`)
    for (let i = 0; i < value.length; i++) {
      const found = item(value[i])
      if (found) {
        found.path.unshift(i)
        return found
      }
    }
    return value.length < min ? problem(`fewer than ${min} items`) : null
  }

/** `z.object(…).strict()`: fields in the schema's order, then keys it does not declare. */
function strictObject(fields: readonly Field[]): Rule {
  const declared = new Set(fields.map((field) => field.key))
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return problem('expected an object')
    const object = value as Record<string, unknown>
    for (const { key, rule, optional } of fields) {
      const item = object[key]
      if (item === undefined) {
        if (optional) continue
        return problem('required', key)
      }
      const found = rule(item)
      if (found) {
        found.path.unshift(key)
        return found
      }
    }
    // `for...in`, not Object.keys: zod refuses an inherited enumerable key too.
    for (const key in object) if (!declared.has(key)) return problem(`unknown key ${JSON.stringify(key)}`)
    return null
  }
}

/** zod's `isPlainObject`, which a record demands (a class instance, a Map or a boxed value is not one). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const ctor: unknown = (value as { constructor?: unknown }).constructor
  if (typeof ctor !== 'function') return true
  const prototype: unknown = ctor.prototype
  if (typeof prototype !== 'object' || prototype === null || Array.isArray(prototype)) return false
  return Object.hasOwn(prototype, 'isPrototypeOf')
}

/** `z.record(z.string().max(60), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))`. */
const detail: Rule = (value) => {
  if (!isPlainObject(value)) return problem('expected a record')
  // Own enumerable keys, strings before symbols, as zod's `Reflect.ownKeys` walk meets them.
  for (const key of Object.keys(value)) {
    // zod leaves an own `__proto__` out of what it returns, and so unchecked.
    if (key === '__proto__') continue
    if (tooLong(key, 60)) return problem('key longer than 60 characters', key)
    const item = value[key]
    if (item === null || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item))) continue
    if (typeof item !== 'string') return problem('expected a string, a finite number, a boolean or null', key)
    if (tooLong(item, 2000)) return problem('longer than 2000 characters', key)
  }
  for (const symbol of Object.getOwnPropertySymbols(value)) {
    if (Object.prototype.propertyIsEnumerable.call(value, symbol)) return problem('keys must be strings', symbol)
  }
  return null
}

/** Builds the check of `auditEventSchema` over the schema's own enum lists. */
export function createAuditEventCheck(vocabulary: AuditEventVocabulary): AuditEventCheck {
  const shortText = text(200)
  const coordinateList = array(text(200), 2000)
  const hex64 = matching(/^[0-9a-f]{64}$/, '64 lowercase hex digits')
  const count = integer(0)
  const connector = strictObject([
    { key: 'connector', rule: text(40) },
    { key: 'calls', rule: count },
    { key: 'failures', rule: count },
    { key: 'code', rule: text(40), optional: true },
    { key: 'latencyMs', rule: number(0) },
  ])
  const event = strictObject([
    { key: 'v', rule: (value) => (value === 1 ? null : problem('expected version 1')) },
    { key: 'id', rule: matching(UUID, 'a UUID') },
    { key: 'at', rule: matching(DATETIME, 'an ISO 8601 UTC time with milliseconds') },
    { key: 'kind', rule: oneOf(vocabulary.kinds, 'kind') },
    { key: 'requestId', rule: shortText },
    { key: 'traceId', rule: matching(/^[0-9a-f]{32}$/, '32 lowercase hex digits'), optional: true },
    { key: 'instance', rule: shortText },
    { key: 'agency', rule: shortText, optional: true },
    { key: 'client', rule: shortText, optional: true },
    { key: 'endUser', rule: shortText, optional: true },
    { key: 'purpose', rule: shortText, optional: true },
    { key: 'caseId', rule: shortText, optional: true },
    { key: 'signedContext', rule: boolean, optional: true },
    { key: 'actor', rule: shortText, optional: true },
    {
      key: 'operation',
      rule: strictObject([
        { key: 'name', rule: shortText, optional: true },
        { key: 'type', rule: oneOf(vocabulary.operationTypes, 'operation type'), optional: true },
        { key: 'hash', rule: hex64 },
      ]),
      optional: true,
    },
    {
      key: 'coordinates',
      rule: strictObject([
        { key: 'requested', rule: coordinateList },
        { key: 'returned', rule: coordinateList },
      ]),
      optional: true,
    },
    { key: 'grants', rule: array(shortText, 200), optional: true },
    { key: 'policyVersion', rule: count, optional: true },
    { key: 'decision', rule: oneOf(vocabulary.decisions, 'decision') },
    { key: 'code', rule: oneOf(vocabulary.codes, 'error code'), optional: true },
    { key: 'reason', rule: matching(/^[A-Z][A-Z0-9_]{0,63}$/, 'a reason word'), optional: true },
    { key: 'status', rule: integer(100, 599) },
    { key: 'masks', rule: coordinateList, optional: true },
    { key: 'subjects', rule: array(matching(/^[A-Za-z0-9_-]{16,64}$/, 'a subject hash'), 10_000) },
    { key: 'records', rule: count, optional: true },
    { key: 'connectors', rule: array(connector, 20), optional: true },
    { key: 'latencyMs', rule: number(0) },
    { key: 'withheldUntil', rule: text(40), optional: true },
    { key: 'signals', rule: array(oneOf(vocabulary.signals, 'signal'), 10, 1), optional: true },
    { key: 'receipt', rule: hex64, optional: true },
    { key: 'detail', rule: detail, optional: true },
  ])
  return (value) => {
    const found = event(value)
    if (!found) return null
    // zod's own form: dot-joined, the root named `(root)`.
    return `${found.path.map(String).join('.') || '(root)'}: ${found.message}`
  }
}
