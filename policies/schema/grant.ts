import { z } from 'zod'
import { stableId } from './agency.js'

/** A schema coordinate `Type.field`, or `Type.*` for every field of a type. */
export const coordinatePattern = /^[A-Z][A-Za-z0-9_]*\.(?:\*|[a-z_][A-Za-z0-9_]*)$/
export const coordinate = z.string().regex(coordinatePattern, 'a schema coordinate: Type.field or Type.*')

/** One field, `Type.field` (no wildcard): what a data class is made of. */
export const fieldCoordinate = z.string().regex(/^[A-Z][A-Za-z0-9_]*\.[a-z_][A-Za-z0-9_]*$/, 'a schema coordinate: Type.field')

/**
 * A data class: a kind of identifier, the same value wherever the schema has it (`pin`,
 * `householdId` …; the canonical ones are in schemas/data-classes.ts, a document may add its own).
 */
export const className = z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/, 'a data class name: lowerCamelCase letters and digits')

/** A purpose code, as sent in `X-Purpose` (same pattern as the request-context check). */
export const purposeCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'upper-case letters, digits and _')

/**
 * A value in a `where` comparison: a literal, or a jurisdiction variable (`$jurisdiction.communes`,
 * `$jurisdiction.provinces`) the gateway fills in per caller. Data, never code.
 */
export const operand = z.union([z.string().max(200), z.number(), z.boolean(), z.null(), z.array(z.union([z.string().max(200), z.number()])).max(1000)])

/** A path over a record, in GraphQL field names: `residence.permanent.commune.code`. */
export const fieldPath = z.string().regex(/^[a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*){0,7}$/, 'a dotted path of field names')

/** `{ in: [...] }` or `{ eq: value }` on one field path. */
const comparison = z.union([z.object({ in: operand }).strict(), z.object({ eq: operand }).strict()])

export type Condition =
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition }
  | { [path: string]: { in: z.infer<typeof operand> } | { eq: z.infer<typeof operand> } }

/**
 * A row condition: `{ path: { in | eq } }` (several paths in one object all must hold), or
 * `and`/`or`/`not` of conditions. Bounded depth, so a document cannot make evaluation explode.
 */
export const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ and: z.array(condition).min(1).max(20) }).strict(),
    z.object({ or: z.array(condition).min(1).max(20) }).strict(),
    z.object({ not: condition }).strict(),
    z.record(fieldPath, comparison).refine((record) => Object.keys(record).length > 0, 'a condition names at least one field path'),
  ]),
) as z.ZodType<Condition>

/** How a value is shown when the grant masks it (applied before the response leaves). */
export const maskSpec = z.union([
  z.enum(['last4', 'redact', 'hash', 'yearOnly']),
  z.object({ keepFirst: z.number().int().min(0).max(64) }).strict(),
  z.object({ keepLast: z.number().int().min(0).max(64) }).strict(),
])
export type MaskSpec = z.infer<typeof maskSpec>

/**
 * A token bucket: `perMinute` units per minute, up to `burst` at once; over any 60 s
 * window at most `perMinute + burst` units. A request costs by what it asks for (README).
 */
export const rateSchema = z.object({ perMinute: z.number().int().min(1).max(1_000_000), burst: z.number().int().min(0).max(1_000_000) }).strict()

/**
 * What a request costs against a grant's `perSubjectPerDay` and `perEndUserPerHour`: one unit
 * (per subject it names, for the former), and a verification that does not match costs
 * `nonMatch`, so a yes/no answer cannot be asked over and over to guess a birth date.
 */
export const GRANT_LIMIT_COSTS = { request: 1, nonMatch: 3 } as const

/**
 * A grant's own limits, on top of the agency's, for the requests it serves (README, "Rate limits
 * and quotas"): `rate`, a token bucket of its own; `perSubjectPerDay`, units per subject (each
 * PIN or tax code a root field's arguments name) per calendar day in Vietnam; `perEndUserPerHour`,
 * units per officer (`X-End-User`) per clock hour. The last two must leave room for one
 * non-matching verification.
 */
export const grantLimitsSchema = z
  .object({
    rate: rateSchema.optional(),
    perSubjectPerDay: z.number().int().min(GRANT_LIMIT_COSTS.nonMatch).max(100_000).optional(),
    perEndUserPerHour: z.number().int().min(GRANT_LIMIT_COSTS.nonMatch).max(1_000_000).optional(),
  })
  .strict()
  .refine((limits) => Object.values(limits).some((value) => value !== undefined), 'give at least one of rate, perSubjectPerDay, perEndUserPerHour')
export type GrantLimits = z.infer<typeof grantLimitsSchema>

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))?$/, 'an ISO date or date-time')

/**
 * One grant: for these purposes, with this legal basis, the agency may read these coordinates of
 * the records that satisfy `where`, masked as `mask` says. The effective permission of a request
 * is the union of the grants whose purposes contain its purpose.
 */
export const grantSchema = z
  .object({
    id: stableId,
    description: z.string().max(500).optional(),
    purposes: z.array(purposeCode).min(1).max(50),
    legalBasis: z.string().min(1).max(500),
    allow: z.array(coordinate).min(1).max(500),
    /** Per type name, the condition a record of that type must meet to be visible. */
    where: z.record(z.string().regex(/^[A-Z][A-Za-z0-9_]*$/), condition).optional(),
    /**
     * Per data class (`pin`) or coordinate (`Type.field`, `Type.*`), how values are shown. A mask
     * on a field of a data class masks the whole class, on every path of the agency's view.
     */
    mask: z.record(z.union([coordinate, className]), maskSpec).optional(),
    /** Data classes this grant shows as they are (it must say so for each class it reads unmasked). */
    plain: z.array(className).max(50).optional(),
    /** Largest `first` a list field may ask for, and most records one root field may return. */
    maxRecords: z.number().int().min(1).max(10_000).optional(),
    require: z
      .object({
        caseId: z.boolean().default(false),
        endUser: z.boolean().default(false),
        signedContext: z.boolean().default(false),
      })
      .strict()
      .default({ caseId: false, endUser: false, signedContext: false }),
    validFrom: isoDate.optional(),
    validUntil: isoDate.optional(),
    /** Covert access (investigations): hidden from the citizen's access history until this date. */
    withholdFromSubjectUntil: isoDate.optional(),
    /** Limits of its own for requests this grant serves, on top of the agency's. */
    limits: grantLimitsSchema.optional(),
  })
  .strict()
  .refine((grant) => !grant.validFrom || !grant.validUntil || grant.validFrom < grant.validUntil, {
    message: 'validFrom must be before validUntil',
    path: ['validUntil'],
  })
  // A request without an officer could not be counted per officer: the grant must not serve it.
  .refine((grant) => grant.limits?.perEndUserPerHour === undefined || grant.require.endUser, {
    message: 'limits.perEndUserPerHour needs require: { endUser: true }',
    path: ['limits', 'perEndUserPerHour'],
  })
export type Grant = z.infer<typeof grantSchema>

export const limitsSchema = z
  .object({
    rate: rateSchema.optional(),
    dailyQuota: z.number().int().min(1).optional(),
  })
  .strict()
export type Limits = z.infer<typeof limitsSchema>

/** `policies/purposes.yaml`: the catalogue of purposes an agency may declare. */
export const purposeSchema = z
  .object({
    code: purposeCode,
    name: z.string().min(1).max(300),
    legalBasis: z.string().min(1).max(500),
    /** TTHC / DVC procedure codes this purpose covers, for the one-stop desk's dossiers. */
    procedures: z.array(z.string().max(64)).max(200).optional(),
  })
  .strict()
export const purposesDocumentSchema = z.object({ purposes: z.array(purposeSchema).min(1).max(1000) }).strict()
export type Purpose = z.infer<typeof purposeSchema>
