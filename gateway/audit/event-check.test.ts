/**
 * The hand-written event check (event-check.ts) against the schema it stands in for: on valid
 * events built field by field, on each way of breaking one, and on arbitrary input, the check
 * accepts exactly what `auditEventSchema` accepts, names the path zod's first issue names, and
 * `parseAuditEvent` returns what zod's parse returned.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../errors.js'
import { canonicalJson } from './canonical.js'
import { AuditDecision, AuditEventError, AuditKind, AuditSignal, auditEventSchema, checkAuditEvent, connectorCallSchema, parseAuditEvent } from './event.js'

type Json = Record<string, unknown>

const RUNS = 2000
const operationShape = auditEventSchema.shape.operation.unwrap().shape
const coordinatesShape = auditEventSchema.shape.coordinates.unwrap().shape

/** The two verdicts agree; on failure the check names zod's first path, on success the copies match. */
function agree(value: unknown): void {
  const zod = auditEventSchema.safeParse(value)
  const found = checkAuditEvent(value)
  if (zod.success) {
    expect(found).toBeNull()
    const parsed = parseAuditEvent(value)
    expect(parsed).toStrictEqual(zod.data)
    expect(canonicalJson(parsed)).toBe(canonicalJson(zod.data))
    expect(shares(parsed, value)).toBe(false)
    return
  }
  const path = zod.error.issues[0]!.path.map(String).join('.') || '(root)'
  expect(found?.startsWith(`${path}: `), `${found} should name ${path}`).toBe(true)
}

/** Whether the copy holds an object or array of the original's (at the same place) rather than its own. */
function shares(copy: unknown, original: unknown): boolean {
  if (typeof copy !== 'object' || copy === null) return false
  if (copy === original) return true
  return Object.keys(copy).some((key) => shares((copy as Json)[key], (original as Json | undefined)?.[key]))
}

// ---- valid events, field by field -------------------------------------------------------------

/** An optional field: present, absent, or present as `undefined` (which zod accepts). */
const ABSENT = Symbol('absent')
const optional = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary }, { weight: 2, arbitrary: fc.constant(ABSENT) }, { weight: 1, arbitrary: fc.constant(undefined) })
const objectOf = (fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Json> =>
  fc.record(fields, { noNullPrototype: true }).map((record) => {
    const out: Json = {}
    for (const [key, value] of Object.entries(record)) if (value !== ABSENT) out[key] = value
    return out
  })

/** Characters that stress counting: astral (two units, one character) and lone surrogates that may pair up. */
const awkward = fc.constantFrom('a', 'Z', ' ', 'é', '\u0000', '😀', '\ud800', '\udc00')
/** Up to `max` characters, often exactly `max`. */
const textOf = (max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: Math.min(max, 20) }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: max }) },
    { weight: 1, arbitrary: fc.string({ unit: awkward, minLength: max, maxLength: max }) },
  )
/** `max + 1` characters (without an `\udc00` that could pair with the one before it and make it fit). */
const tooLong = (max: number) => fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\ud800'), minLength: max + 1, maxLength: max + 1 })
/** Short lists mostly, sometimes exactly at the limit. */
const listOf = <T>(item: fc.Arbitrary<T>, max: number) =>
  fc.oneof({ weight: 40, arbitrary: fc.array(item, { maxLength: 4 }) }, { weight: 1, arbitrary: item.map((one) => Array.from({ length: max }, () => one)) })

const hexOf = (length: number, digits = '0123456789abcdefABCDEF') => fc.string({ unit: fc.constantFrom(...digits), minLength: length, maxLength: length })
const uuidOf = (versions: string, variants: string) =>
  fc
    .tuple(hexOf(8), hexOf(4), fc.constantFrom(...versions), hexOf(3), fc.constantFrom(...variants), hexOf(3), hexOf(12))
    .map(([a, b, version, c, variant, d, e]) => `${a}-${b}-${version}${c}-${variant}${d}-${e}`)
const uuid = fc.oneof(uuidOf('12345678', '89abAB'), fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'))

const pad = (n: number, width: number) => String(n).padStart(width, '0')
const year = fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 4, 100, 400, 1600, 1900, 1904, 2000, 2023, 2024, 2100, 2400))
const daysIn = (y: number, m: number) => (m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31)
const datetime = fc
  .tuple(year, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .chain(([y, m, d, h, mi]) =>
    fc
      .tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 999 }))
      .map(([s, ms]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(Math.min(d, daysIn(y, m)), 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`),
  )

const count = fc.oneof(fc.nat(), fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER))
const nonNegative = fc.oneof(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, Number.MIN_VALUE, Number.MAX_VALUE))
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/)
const subject = fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/)
const coordinateList = listOf(textOf(200), 2000)
const detailValue = fc.oneof(textOf(2000), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null))

const connectorFields = {
  connector: textOf(40),
  calls: count,
  failures: count,
  code: optional(textOf(40)),
  latencyMs: nonNegative,
}
const operationFields = {
  name: optional(textOf(200)),
  type: optional(fc.constantFrom(...operationShape.type.unwrap().options)),
  hash: hex64,
}
const coordinatesFields = { requested: coordinateList, returned: coordinateList }
const eventFields = {
  v: fc.constant(1),
  id: uuid,
  at: datetime,
  kind: fc.constantFrom(...AuditKind.options),
  requestId: textOf(200),
  traceId: optional(fc.stringMatching(/^[0-9a-f]{32}$/)),
  instance: textOf(200),
  agency: optional(textOf(200)),
  client: optional(textOf(200)),
  endUser: optional(textOf(200)),
  purpose: optional(textOf(200)),
  caseId: optional(textOf(200)),
  signedContext: optional(fc.boolean()),
  actor: optional(textOf(200)),
  operation: optional(objectOf(operationFields)),
  coordinates: optional(objectOf(coordinatesFields)),
  grants: optional(listOf(textOf(200), 200)),
  policyVersion: optional(count),
  decision: fc.constantFrom(...AuditDecision.options),
  code: optional(fc.constantFrom(...ErrorCode.options)),
  reason: optional(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,63}$/)),
  status: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.constantFrom(100, 599)),
  masks: optional(coordinateList),
  subjects: listOf(subject, 10_000),
  records: optional(count),
  connectors: optional(listOf(objectOf(connectorFields), 20)),
  latencyMs: nonNegative,
  withheldUntil: optional(textOf(40)),
  signals: optional(fc.array(fc.constantFrom(...AuditSignal.options), { minLength: 1, maxLength: 10 })),
  receipt: optional(hex64),
  detail: optional(fc.dictionary(textOf(60), detailValue, { maxKeys: 6 })),
}
const validEvent = objectOf(eventFields)

/** The same event in other clothes zod accepts: no prototype, every field inherited, a class instance, frozen. */
const reshaped = fc.tuple(validEvent, fc.constantFrom('plain', 'null prototype', 'inherited', 'class', 'frozen')).map(([event, how]) => {
  switch (how) {
    case 'null prototype':
      return Object.assign(Object.create(null), event)
    case 'inherited':
      return Object.create(event)
    case 'class':
      return Object.assign(new (class Event {})(), event)
    case 'frozen':
      return Object.freeze(event)
    default:
      return event
  }
})

// ---- one way of breaking an event at a time -------------------------------------------------

const validConnector = { connector: 'population', calls: 1, failures: 0, latencyMs: 3.5 }
/** Every nested part present, so a mutation can reach into it. */
const filled = (event: Json): Json => ({
  ...event,
  operation: event.operation ?? { hash: 'a'.repeat(64) },
  coordinates: event.coordinates ?? { requested: ['Citizen.name'], returned: [] },
  grants: event.grants ?? ['population.read'],
  masks: event.masks ?? ['Citizen.address'],
  subjects: (event.subjects as unknown[]).length ? event.subjects : ['AAAAAAAAAAAAAAAAAAAA'],
  connectors: (event.connectors as unknown[] | undefined)?.length ? event.connectors : [validConnector],
  signals: event.signals ?? ['VERIFICATION_PROBING'],
  detail: event.detail ?? { count: 1 },
})

const DELETE = Symbol('delete')
interface Mutation {
  path: PropertyKey[]
  value: unknown
}
/** A copy of `event` with `value` at `path` (an own property, even for `__proto__`), or the key deleted. */
function mutated(event: Json, { path, value }: Mutation): unknown {
  if (path.length === 0) return value
  const copy = structuredClone(event)
  let at: any = copy
  for (const key of path.slice(0, -1)) at = at[key]
  const last = path.at(-1)!
  if (value === DELETE) delete at[last]
  else Object.defineProperty(at, last, { value, enumerable: true, writable: true, configurable: true })
  return copy
}
const at = (paths: PropertyKey[][], values: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> =>
  fc.tuple(fc.constantFrom(...paths), values).map(([path, value]) => ({ path, value }))

const texts: [PropertyKey[], number][] = [
  ...['requestId', 'instance', 'agency', 'client', 'endUser', 'purpose', 'caseId', 'actor'].map((key): [PropertyKey[], number] => [[key], 200]),
  [['operation', 'name'], 200],
  [['coordinates', 'requested', 0], 200],
  [['coordinates', 'returned', 0], 200],
  [['grants', 0], 200],
  [['masks', 0], 200],
  [['connectors', 0, 'connector'], 40],
  [['connectors', 0, 'code'], 40],
  [['withheldUntil'], 40],
  [['detail', 'count'], 2000],
]
const numbers = [
  ['policyVersion'],
  ['records'],
  ['status'],
  ['latencyMs'],
  ['connectors', 0, 'calls'],
  ['connectors', 0, 'failures'],
  ['connectors', 0, 'latencyMs'],
  ['detail', 'count'],
]
const allPaths: PropertyKey[][] = [
  ...Object.keys(auditEventSchema.shape).map((key) => [key]),
  ...Object.keys(operationShape).map((key) => ['operation', key]),
  ...Object.keys(coordinatesShape).map((key) => ['coordinates', key]),
  ...Object.keys(connectorCallSchema.shape).map((key) => ['connectors', 0, key]),
  ['subjects', 0],
  ['signals', 0],
  ['detail', 'count'],
]
const objects: PropertyKey[][] = [[], ['operation'], ['coordinates'], ['connectors', 0]]
const nearMiss = (options: readonly string[]) =>
  fc.oneof(
    fc.string(),
    fc.constantFrom(...options).chain((option) => fc.constantFrom(option.toUpperCase(), option.toLowerCase(), ` ${option}`, `${option}\n`, option.slice(1))),
  )
const badNumber = fc.oneof(
  fc.constantFrom(-1, -0.5, 0.5, 1.5, 99, 600, 599.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -(2 ** 53), -Number.MIN_VALUE),
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
)
const wrongType = fc.constantFrom(null, 0, 1, '', 'x', true, [], {}, ['x'], { hash: 'a'.repeat(64) }, 1n, new Date(0), new Map())
const anything = fc.anything({
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  stringUnit: 'binary',
})
const datetimeNearMiss = fc.oneof(
  fc.constantFrom(
    '2024-01-01T00:00:00Z',
    '2024-01-01T00:00:00.0Z',
    '2024-01-01T00:00:00.0000Z',
    '2024-01-01T00:00:00.000+00:00',
    '2024-01-01T00:00:00.000+07:00',
    '2024-01-01T00:00:00.000',
    '2024-01-01T00:00:00.000z',
    '2024-01-01t00:00:00.000Z',
    '2024-01-01 00:00:00.000Z',
    '2024-01-01T00:00:00.000Z\n',
    '2023-02-29T00:00:00.000Z',
    '1900-02-29T00:00:00.000Z',
    '2000-02-29T00:00:00.000Z',
    '2024-04-31T00:00:00.000Z',
    '2024-01-01T24:00:00.000Z',
    '2024-01-01T23:59:60.000Z',
    '+012024-01-01T00:00:00.000Z',
    '٢٠٢٤-01-01T00:00:00.000Z',
  ),
  // Each part over a wider range than is valid, the fraction 0 to 4 digits, another suffix.
  fc
    .tuple(
      year,
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      fc.constantFrom('', '.1', '.12', '.123', '.1234'),
      fc.constantFrom('Z', 'Z', 'z', '', '+00:00', '-01:30'),
    )
    .map(([y, m, d, h, mi, s, fraction, suffix]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${fraction}${suffix}`),
)
const uuidNearMiss = fc.oneof(
  uuidOf('09cdefCDEF', '89abAB'),
  uuidOf('12345678', '01234567cdefCDEF'),
  uuid.map((id) => id.toUpperCase()),
  uuid.map((id) => `{${id}}`),
  uuid.map((id) => id.replaceAll('-', '')),
  uuid.map((id) => `${id}\n`),
  fc.tuple(uuid, fc.nat(35), fc.constantFrom(...'0f-gG ')).map(([id, i, c]) => id.slice(0, i) + c + id.slice(i + 1)),
)
class Particulars {
  count = 1
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // a wrong type, or anything at all, at any field; a field removed
  at(allPaths, fc.oneof(wrongType, anything)),
  at(allPaths, fc.constant(DELETE)),
  // a key the schema does not declare, at the top and in each nested object
  fc
    .tuple(fc.constantFrom(...objects), fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'V', 'Id', 'status ')), anything)
    .map(([path, key, value]) => ({ path: [...path, key], value })),
  // a symbol key, which a strict object does not see (zod walks `for...in`) and its copy drops
  fc.constantFrom(...objects).map((path) => ({ path: [...path, Symbol('extra')], value: Number.NaN })),
  // one character too many, or exactly at the limit
  fc.constantFrom(...texts).chain(([path, max]) => fc.oneof(tooLong(max), textOf(max)).map((value) => ({ path, value }))),
  at(
    [['detail']],
    fc.tuple(tooLong(60), detailValue).map(([key, value]) => ({ [key]: value })),
  ),
  // numbers: negative, fractional, NaN, infinite, beyond the safe integers
  at(numbers, badNumber),
  // identifiers, times and patterns off by a little
  at([['id']], uuidNearMiss),
  at([['at']], datetimeNearMiss),
  at([['v']], fc.constantFrom(2, 0, '1', true, 1n, 1.0000001)),
  at([['traceId']], fc.stringMatching(/^[0-9a-fA-F]{31,33}$/)),
  at([['receipt'], ['operation', 'hash']], fc.stringMatching(/^[0-9a-fA-F]{63,65}$/)),
  at([['reason']], fc.stringMatching(/^[A-Za-z0-9_]{0,66}$/)),
  at([['subjects', 0]], fc.stringMatching(/^[A-Za-z0-9_+=/-]{14,66}$/)),
  // closed sets: an unknown member
  at([['kind']], nearMiss(AuditKind.options)),
  at([['decision']], nearMiss(AuditDecision.options)),
  at([['code']], nearMiss(ErrorCode.options)),
  at([['signals', 0]], nearMiss(AuditSignal.options)),
  at([['operation', 'type']], nearMiss(operationShape.type.unwrap().options)),
  // lists: one over the limit, exactly at it, empty signals, a hole
  fc.constantFrom<Mutation>(
    { path: ['grants'], value: Array(201).fill('g') },
    { path: ['grants'], value: Array(200).fill('g') },
    { path: ['masks'], value: Array(2001).fill('m') },
    { path: ['coordinates', 'requested'], value: Array(2001).fill('c') },
    { path: ['coordinates', 'returned'], value: Array(2000).fill('c') },
    { path: ['subjects'], value: Array(10_001).fill('AAAAAAAAAAAAAAAA') },
    { path: ['connectors'], value: Array(21).fill(validConnector) },
    { path: ['connectors'], value: Array(20).fill(validConnector) },
    { path: ['signals'], value: Array(11).fill('VERIFICATION_PROBING') },
    { path: ['signals'], value: [] },
    { path: ['subjects'], value: Object.assign(new Array(2), { 1: 'AAAAAAAAAAAAAAAA' }) },
    { path: ['grants'], value: [...Array(201).fill('g'), 5] },
  ),
  // detail: the keys and values a record refuses, and what it lets through
  fc.constantFrom<Mutation>(
    { path: ['detail', 'count'], value: undefined },
    { path: ['detail', 'count'], value: { nested: 1 } },
    { path: ['detail', 'count'], value: [1] },
    { path: ['detail', 'count'], value: 1n },
    { path: ['detail', '__proto__'], value: { polluted: Number.NaN } },
    { path: ['detail', Symbol('key')], value: 1 },
    { path: ['detail', ''], value: 1 },
    { path: ['detail'], value: [] },
    { path: ['detail'], value: new Map([['count', 1]]) },
    { path: ['detail'], value: new Particulars() },
    { path: ['detail'], value: Object.assign(Object.create(null), { count: 1 }) },
    { path: ['detail'], value: Object.create({ inherited: Number.NaN }) },
    { path: ['detail'], value: Object.defineProperty({ count: 1 }, 'hidden', { value: Number.NaN, enumerable: false }) },
    { path: ['detail'], value: { constructor: 'x' } },
    { path: ['detail'], value: { constructor: undefined } },
  ),
  // the event itself: not an object, or carrying a key it does not declare where zod looks
  at([[]], fc.oneof(wrongType, anything)),
)
/** Shapes of the whole event: an inherited key zod refuses, a non-enumerable one it does not see. */
const wholeEvent = fc.tuple(validEvent, fc.constantFrom('inherited extra', 'hidden extra', 'array')).map(([event, how]) => {
  if (how === 'inherited extra') return Object.assign(Object.create({ extra: 1 }), event)
  if (how === 'hidden extra') return Object.defineProperty({ ...event }, 'extra', { value: 1, enumerable: false })
  return [event]
})

describe('checkAuditEvent agrees with auditEventSchema', () => {
  it('the generators cover every field of the schema', () => {
    expect(Object.keys(eventFields)).toEqual(Object.keys(auditEventSchema.shape))
    expect(Object.keys(operationFields)).toEqual(Object.keys(operationShape))
    expect(Object.keys(coordinatesFields)).toEqual(Object.keys(coordinatesShape))
    expect(Object.keys(connectorFields)).toEqual(Object.keys(connectorCallSchema.shape))
  })

  it('accepts every valid event, and parses it to what zod returns', () => {
    fc.assert(
      fc.property(reshaped, (event) => {
        expect(auditEventSchema.safeParse(event).success).toBe(true)
        agree(event)
      }),
      { numRuns: RUNS },
    )
  })

  it('refuses what zod refuses, one mutation at a time, naming the same path', () => {
    fc.assert(
      fc.property(validEvent, mutation, (event, change) => agree(mutated(filled(event), change))),
      { numRuns: RUNS * 2 },
    )
    fc.assert(fc.property(wholeEvent, agree), { numRuns: 200 })
  })

  it('agrees on arbitrary input, and on arbitrary values under the schema’s own keys', () => {
    const keys = [...Object.keys(auditEventSchema.shape), 'extra']
    fc.assert(fc.property(fc.oneof(anything, fc.dictionary(fc.constantFrom(...keys), anything, { maxKeys: keys.length })), agree), { numRuns: RUNS })
  })
})

describe('checkAuditEvent names the first bad path', () => {
  const event: Json = {
    v: 1,
    id: '0190e5a8-1c2b-7def-8abc-0123456789ab',
    at: '2024-02-29T23:59:59.999Z',
    kind: 'access.graphql',
    requestId: 'req-1',
    instance: 'gw-1',
    decision: 'granted',
    status: 200,
    subjects: ['AAAAAAAAAAAAAAAAAAAAAA'],
    connectors: [validConnector, validConnector],
    latencyMs: 1.5,
  }

  it.each<[string, Json | unknown, string]>([
    ['a valid event', event, ''],
    ['not an object', 'event', '(root): expected an object'],
    ['a key it does not declare', { ...event, extra: 1 }, '(root): unknown key "extra"'],
    ['a missing field', { ...event, instance: undefined }, 'instance: required'],
    ['an upper-case hex digit', { ...event, operation: { hash: 'A'.repeat(64) } }, 'operation.hash: not 64 lowercase hex digits'],
    ['a negative count in the second call', { ...event, connectors: [validConnector, { ...validConnector, calls: -1 }] }, 'connectors.1.calls: less than 0'],
    ['a fractional status', { ...event, status: 200.5 }, 'status: expected a safe integer'],
    ['NaN', { ...event, latencyMs: Number.NaN }, 'latencyMs: expected a finite number'],
    ['a bad subject', { ...event, subjects: ['AAAAAAAAAAAAAAAAAAAAAA', 'short'] }, 'subjects.1: not a subject hash'],
    ['a detail key too long', { ...event, detail: { ['k'.repeat(61)]: 1 } }, `detail.${'k'.repeat(61)}: key longer than 60 characters`],
    ['the first of two bad fields', { ...event, kind: 'nope', status: 1 }, 'kind: not a known kind'],
    ['the time without milliseconds', { ...event, at: '2024-02-29T23:59:59Z' }, 'at: not an ISO 8601 UTC time with milliseconds'],
    ['a version 9 UUID', { ...event, id: '0190e5a8-1c2b-9def-8abc-0123456789ab' }, 'id: not a UUID'],
  ])('%s', (_case, value, expected) => {
    expect(checkAuditEvent(value)).toBe(expected || null)
  })

  it('counts characters as zod does: an astral character is one, even as two UTF-16 units', () => {
    expect(checkAuditEvent({ ...event, requestId: `${'a'.repeat(199)}😀` })).toBeNull()
    expect(checkAuditEvent({ ...event, requestId: `${'a'.repeat(200)}😀` })).toBe('requestId: longer than 200 characters')
  })

  it('parseAuditEvent throws the first problem, never the value', () => {
    const secret = `012345678901-${'x'.repeat(200)}`
    expect(() => parseAuditEvent({ ...event, requestId: secret })).toThrow(AuditEventError)
    expect(() => parseAuditEvent({ ...event, requestId: secret })).toThrow(/^Invalid audit event at requestId: longer than 200 characters$/)
  })

  it('parseAuditEvent returns a copy: what is chained does not change with the caller’s object', () => {
    const input: Json = structuredClone({ ...event, grants: ['population.read'], detail: { count: 1 } })
    const parsed = parseAuditEvent(input)
    ;(input.grants as string[]).push('land.read')
    ;(input.detail as Json).count = 2
    input.status = 500
    expect(parsed).toMatchObject({ grants: ['population.read'], detail: { count: 1 }, status: 200 })
  })

  it('parseAuditEvent hashes what zod returned: inherited fields made own, an own __proto__ in detail left out', () => {
    const parsed = parseAuditEvent(Object.create({ ...event, detail: JSON.parse('{"__proto__": {"polluted": 1}, "count": 1}') }))
    expect(canonicalJson(parsed)).toBe(canonicalJson(auditEventSchema.parse({ ...event, detail: { count: 1 } })))
    expect(Object.keys(parsed.detail!)).toEqual(['count'])
    expect(Object.getPrototypeOf(parsed.detail)).toBe(Object.prototype)
  })
})
