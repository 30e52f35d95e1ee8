/**
 * The audit event: one per request, and one per admin or policy action. Checked against
 * `auditEventSchema` before it is chained, so a malformed event never reaches the store. It never
 * holds a raw citizen or enterprise identifier (subjects are keyed hashes), a token or a payload.
 */
import { z } from 'zod'
import { ErrorCode } from '../errors.js'
import { createAuditEventCheck } from './event-check.js'

/** What happened, `resource.action`: a closed set, as the codes are, so a search by kind never misses a spelling. */
export const AuditKind = z.enum([
  'access.graphql',
  'access.history',
  'token.issued',
  'token.refused',
  'policy.applied',
  'policy.activated',
  'policy.rolled_back',
  'keys.rotated',
  'audit.searched',
  'audit.exported',
  'audit.retention',
  'admin.action',
  'dossier.step',
  'dossier.looked_up',
  'blob.stored',
  'blob.read',
  'exchange.redelivered',
  'conformance.recorded',
])
export type AuditKind = z.infer<typeof AuditKind>

/**
 * The outcome of a data request: `granted` (all it asked, nothing failed), `partial` (data with
 * errors: a registry failed or a part was refused during execution), `denied` (refused by policy
 * before execution), `rejected` (the caller's malformed request), `unauthenticated` (401),
 * `rate_limited` (429), `failed` (no data, through no fault of the caller), `ok` (an action).
 */
export const AuditDecision = z.enum(['granted', 'partial', 'denied', 'rejected', 'unauthenticated', 'rate_limited', 'failed', 'ok'])
export type AuditDecision = z.infer<typeof AuditDecision>

/**
 * Patterns the gateway flags for auditors, on the event where it sees them (a closed set, so a
 * search by signal is exact): `VERIFICATION_PROBING`, repeated non-matching verifications of
 * one subject by one agency in a day — someone guessing a birth date or a name.
 */
export const AuditSignal = z.enum(['VERIFICATION_PROBING'])
export type AuditSignal = z.infer<typeof AuditSignal>

/**
 * Why a request was refused, as one machine word set by the gateway (never the caller's text, so
 * never an identifier): `SUBJECT_DAILY_LIMIT`, `FIELD_NOT_PERMITTED`, `ONE_VERIFICATION_PER_REQUEST` …
 */
export const auditReason = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/)

const shortText = z.string().max(200)
const OperationType = z.enum(['query', 'mutation', 'subscription'])
const coordinateList = z.array(z.string().max(200)).max(2000)

export const connectorCallSchema = z
  .object({
    connector: z.string().max(40),
    calls: z.number().int().min(0),
    failures: z.number().int().min(0),
    /** The first failure's code, if any. */
    code: z.string().max(40).optional(),
    latencyMs: z.number().min(0),
  })
  .strict()
export type ConnectorCallSummary = z.infer<typeof connectorCallSchema>

export const auditEventSchema = z
  .object({
    v: z.literal(1),
    id: z.string().uuid(),
    /** ISO 8601 with milliseconds, UTC. */
    at: z.string().datetime({ precision: 3 }),
    kind: AuditKind,
    requestId: shortText,
    /** The request's W3C trace id: the same as its log line and its spans carry. */
    traceId: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
    instance: shortText,
    agency: shortText.optional(),
    client: shortText.optional(),
    endUser: shortText.optional(),
    purpose: shortText.optional(),
    caseId: shortText.optional(),
    signedContext: z.boolean().optional(),
    /** For admin and CLI actions: who did it (`operator:alice`, `cli:root`, `citizen`). */
    actor: shortText.optional(),
    operation: z
      .object({ name: shortText.optional(), type: OperationType.optional(), hash: z.string().regex(/^[0-9a-f]{64}$/) })
      .strict()
      .optional(),
    coordinates: z.object({ requested: coordinateList, returned: coordinateList }).strict().optional(),
    grants: z.array(shortText).max(200).optional(),
    policyVersion: z.number().int().min(0).optional(),
    decision: AuditDecision,
    code: ErrorCode.optional(),
    /** Why it was refused (with `code`): on every refusal. */
    reason: auditReason.optional(),
    status: z.number().int().min(100).max(599),
    masks: coordinateList.optional(),
    /** Keyed hashes (HMAC under HASH_SECRET) of the PINs and tax codes touched: never raw. */
    subjects: z.array(z.string().regex(/^[A-Za-z0-9_-]{16,64}$/)).max(10_000),
    records: z.number().int().min(0).optional(),
    connectors: z.array(connectorCallSchema).max(20).optional(),
    latencyMs: z.number().min(0),
    /** Covert access: hidden from the citizen's own access history until this date. */
    withheldUntil: z.string().max(40).optional(),
    signals: z.array(AuditSignal).min(1).max(10).optional(),
    /** An action's particulars (version numbers, counts, filters): small, never personal data. */
    /** SHA-256 (hex) of the receipt the response carried: the receipt names this event, this event names it back. */
    receipt: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    detail: z.record(z.string().max(60), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict()
export type AuditEvent = z.infer<typeof auditEventSchema>

export class AuditEventError extends Error {
  override name = AuditEventError.name
}

/**
 * `auditEventSchema`'s verdict without zod's cost on the request path (event-check.ts, proved equal
 * to the schema by its test). Returns `null` for a valid event, else `path: message`.
 */
export const checkAuditEvent = createAuditEventCheck({
  kinds: AuditKind.options,
  decisions: AuditDecision.options,
  signals: AuditSignal.options,
  codes: ErrorCode.options,
  operationTypes: OperationType.options,
})

/** Checks an event before it is chained; throws naming the first bad path (never its value). */
export function parseAuditEvent(value: unknown): AuditEvent {
  const problem = checkAuditEvent(value)
  if (problem !== null) throw new AuditEventError(`Invalid audit event at ${problem}`)
  return copyEvent(value as AuditEvent)
}

const eventKeys = Object.keys(auditEventSchema.shape)
const operationKeys = Object.keys(auditEventSchema.shape.operation.unwrap().shape)
const connectorKeys = Object.keys(connectorCallSchema.shape)

/**
 * A checked event as zod's parse returned it: a fresh copy, all the way down. The writer queues
 * the event and hashes it later, so a caller changing its object after `record` must not change
 * (or break) what is chained. And the copy holds what zod's did, so the chain hashes the same
 * bytes: a field the event inherits or holds as non-enumerable becomes its own (canonicalJson
 * reads only own enumerable keys), a symbol key is dropped, and so is an own `__proto__` in
 * `detail`. Only the order of keys may differ (zod's follows the schema), and canonicalJson sorts.
 */
function copyEvent(checked: AuditEvent): AuditEvent {
  const event = copyFields(checked, eventKeys)
  const { operation, coordinates, grants, masks, subjects, connectors, signals, detail } = event
  if (operation) event.operation = copyFields(operation, operationKeys)
  if (coordinates) event.coordinates = { requested: list(coordinates.requested), returned: list(coordinates.returned) }
  if (grants) event.grants = list(grants)
  if (masks) event.masks = list(masks)
  event.subjects = list(subjects)
  if (connectors) event.connectors = list(connectors, (call) => copyFields(call, connectorKeys))
  if (signals) event.signals = list(signals)
  if (detail) {
    const copy = { ...detail }
    if (Object.hasOwn(copy, '__proto__')) Reflect.deleteProperty(copy, '__proto__')
    event.detail = copy
  }
  return event
}

/**
 * The declared fields of a checked strict object. Spread when its fields are all own, enumerable
 * and string-keyed, as a gateway-built event's are (a spread is some twenty times faster than
 * copying key by key, and these tests are cheap where Reflect.ownKeys is not); else field by field, as zod reads them (`in`, so inherited ones too),
 * keeping one present as `undefined`, as zod keeps it.
 */
function copyFields<T extends object>(source: T, keys: readonly string[]): T {
  const prototype: unknown = Object.getPrototypeOf(source)
  const plain = (prototype === Object.prototype || prototype === null) && Object.getOwnPropertyNames(source).length === Object.keys(source).length
  if (plain && Object.getOwnPropertySymbols(source).length === 0) return { ...source }
  const out: Record<string, unknown> = {}
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key]
    if (value !== undefined || key in source) out[key] = value
  }
  return out as T
}

function list<T>(items: readonly T[], copy?: (item: T) => T): T[] {
  const out: T[] = []
  for (let i = 0; i < items.length; i++) out.push(copy ? copy(items[i]!) : items[i]!)
  return out
}
