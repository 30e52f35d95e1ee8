/**
 * The mapping file of a described connector (`connectors/<name>/mapping.yaml`): how the source's
 * operations and fields become canonical types and root fields. This schema checks the file's
 * shape; `check-mapping.ts` then checks it against the source's description and the canonical
 * schema. Credentials never appear here: the file names which kind the source wants, and the
 * entry reads the value from configuration.
 */
import { z } from 'zod'

/** A GraphQL name; `__` starts the names GraphQL keeps for itself. */
const graphqlName = z
  .string()
  .regex(/^[_A-Za-z][_0-9A-Za-z]*$/, 'must be a GraphQL name (letters, digits, _)')
  .refine((name) => !name.startsWith('__'), 'must not begin with __ (GraphQL keeps those names)')
/** An enum value: a GraphQL name that is not one of GraphQL's own literals. */
const enumValueName = graphqlName.refine((name) => !['true', 'false', 'null'].includes(name), 'true, false and null cannot be enum values')
/** A GraphQL output type reference as written in SDL: `Name`, `Name!`, `[Name!]`, `[Name!]!`. */
const typeReference = z
  .string()
  .regex(/^(\[[_A-Za-z][_0-9A-Za-z]*!?\]|[_A-Za-z][_0-9A-Za-z]*)!?$/, 'must be a type as SDL writes it: Name, Name!, [Name!] or [Name!]!')
/** A dotted path into a source record: `hoTen`, `diaChi.maXa`. */
const sourcePath = z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, 'must be a dotted path such as hoTen or diaChi.maXa')
const description = z.string().min(1).max(2000)

/** Date layouts the sources write; each is read into the canonical `YYYY[-MM[-DD]]`. */
export const DATE_LAYOUTS = ['yyyyMMdd', 'yyyyMM', 'yyyy', 'yyyyMMdd|yyyyMM|yyyy', 'dd/MM/yyyy', 'dd/MM/yyyy|MM/yyyy|yyyy', 'yyyy-MM-dd'] as const
export type DateLayout = (typeof DATE_LAYOUTS)[number]

/** Text normalisations, applied in order after the value is read. */
export const TEXT_STEPS = ['trim', 'titleCase', 'upperCase', 'collapseSpaces'] as const
export type TextStep = (typeof TEXT_STEPS)[number]

/** How a code list compares the source's codes: as written, or folded (case, accents kept, spacing and Unicode form ignored). */
export const CODE_MATCHES = ['exact', 'folded'] as const

/** A cross-registry link: the field is answered by another registry's per-request loader, keyed by a field of the same object. */
const linkMapping = z
  .object({
    /** The loader: `citizen` (population, by PIN), `enterprise` (business, by tax code), `household`. */
    loader: z.string().min(1),
    /** The field of this object (already mapped) whose value is the key. */
    key: graphqlName,
  })
  .strict()

export interface FieldMapping {
  /** The GraphQL type; taken from the canonical schema when the type is a canonical one. */
  type?: string | undefined
  /** Where the value is in the source record; for an object, the nested record (absent: the same record). */
  from?: string | undefined
  description?: string | undefined
  text?: TextStep[] | undefined
  zeroPad?: number | undefined
  date?: DateLayout | undefined
  /** The source's code → the canonical value (an enum value, a text, or true/false). */
  codes?: Record<string, string | boolean> | undefined
  /** For codes into text: the enum whose values they are (`EnterpriseStatus` for a status's code). */
  codesOf?: string | undefined
  match?: (typeof CODE_MATCHES)[number] | undefined
  /** `null`: text that is empty after its steps is null (the source writes "no value" as ""). */
  ifBlank?: null | undefined
  /** `null`: a value the field cannot hold is null instead of a bad answer (only where the record stays true without it). */
  ifInvalid?: null | undefined
  /** A full name in one text, split into a `PersonName` (family, middle, given; Vietnamese order) and title-cased. */
  personName?: true | undefined
  /** `[]`: a list the source leaves out or sends as null is an empty list. */
  ifAbsent?: never[] | undefined
  /** An object field is null when the value at this path of the record is absent, null or blank text. */
  when?: string | undefined
  /**
   * An object read field by field from the record (or from `from`): the fields of the field's type.
   * `name: null` says the source does not have that (nullable) field of a canonical type.
   */
  fields?: Record<string, FieldMapping | null> | undefined
  link?: z.infer<typeof linkMapping> | undefined
  /**
   * The value must begin with a field of the enclosing object, then `separator`: a branch's code
   * `0199000017-001` belongs to the enterprise `0199000017` it is listed under.
   */
  startsWith?: { field: string; separator: string } | undefined
  /** The value is a key of this form (LOOKUP_KEYS: `parcelKey`), answered in its canonical spelling. */
  form?: string | undefined
  /**
   * The value must be these fields of the same object joined by `separator` (a parcel key
   * `00097.12.345` repeats the commune, sheet and parcel numbers the record also gives).
   */
  composedOf?: { fields: string[]; separator: string } | undefined
  /** Texts that mean "no value" (compared folded): the field is then null. */
  none?: string[] | undefined
  /** The value follows one of these words (compared folded), which are dropped: `đến 15/10/2063` → `15/10/2063`. */
  after?: string[] | undefined
  /**
   * Where the value is read depends on a code of the record: `field` is the code's path, `from`
   * each code's path. A code not listed gives no value (null).
   */
  by?: { field: string; from: Record<string, string> } | undefined
  /** With `codes`: a code outside the list is this value, not a bad answer (a catch-all such as `OTHER`). */
  otherwise?: string | undefined
  /**
   * An address written out: `detail` then each unit's kind and name from the admin-unit catalogue
   * (`Số 12, Phường Hồng Hà, Thành phố Hà Nội`); a unit not in the catalogue is left out.
   */
  addressText?: { detail?: string | undefined; units: string[] } | undefined
}

const fieldMapping: z.ZodType<FieldMapping> = z.lazy(() =>
  z
    .object({
      type: typeReference.optional(),
      from: sourcePath.optional(),
      description: description.optional(),
      /** Text steps, in order. */
      text: z.array(z.enum(TEXT_STEPS)).min(1).optional(),
      /** Left-pads a code with zeros to this width (a source that sends `97` for `00097`). */
      zeroPad: z.number().int().min(1).max(32).optional(),
      /** Reads a date written in this layout. */
      date: z.enum(DATE_LAYOUTS).optional(),
      /** A value outside the list is a bad answer (or null with `ifInvalid`), never passed through. */
      codes: z.record(z.string(), z.union([z.string().min(1), z.boolean()])).optional(),
      codesOf: graphqlName.optional(),
      match: z.enum(CODE_MATCHES).optional(),
      ifBlank: z.null().optional(),
      ifInvalid: z.null().optional(),
      ifAbsent: z.array(z.never()).max(0).optional(),
      personName: z.literal(true).optional(),
      when: sourcePath.optional(),
      fields: z.record(graphqlName, fieldMapping.nullable()).optional(),
      link: linkMapping.optional(),
      startsWith: z
        .object({ field: graphqlName, separator: z.string().min(1).max(8) })
        .strict()
        .optional(),
      form: z.string().min(1).optional(),
      composedOf: z
        .object({ fields: z.array(graphqlName).min(2).max(8), separator: z.string().min(1).max(8) })
        .strict()
        .optional(),
      none: z.array(z.string().min(1).max(200)).min(1).max(50).optional(),
      after: z.array(z.string().min(1).max(50)).min(1).max(20).optional(),
      by: z
        .object({ field: sourcePath, from: z.record(z.string().min(1), sourcePath).refine((from) => Object.keys(from).length > 0, 'name at least one code') })
        .strict()
        .optional(),
      otherwise: z.string().min(1).optional(),
      addressText: z
        .object({ detail: sourcePath.optional(), units: z.array(sourcePath).min(1).max(4) })
        .strict()
        .optional(),
    })
    .strict(),
)

const typeMapping = z
  .object({
    description: description.optional(),
    fields: z.record(graphqlName, fieldMapping.nullable()).refine((fields) => Object.keys(fields).length > 0, 'a type needs at least one field'),
  })
  .strict()
export type TypeMapping = z.infer<typeof typeMapping>

const enumMapping = z
  .object({
    description: description.optional(),
    values: z.record(enumValueName, z.object({ description: description.optional() }).strict().nullable()),
  })
  .strict()
export type EnumMapping = z.infer<typeof enumMapping>

/** How a root field's argument reaches the operation: a path or query parameter. */
const argumentMapping = z
  .object({
    /** Taken from the canonical schema when the root field is a canonical one. */
    type: typeReference.optional(),
    /** The operation's parameter that takes it. */
    to: z.string().min(1),
    description: description.optional(),
    /** Text steps before the value is sent; text empty after them is not sent. */
    text: z.array(z.enum(TEXT_STEPS)).min(1).optional(),
    /** The value must be exactly this many characters (a 2-digit province code), else the caller's input is refused. */
    length: z.number().int().min(1).max(64).optional(),
    /** The canonical value (an enum value) → the source's code for it. */
    codes: z.record(enumValueName, z.union([z.string().min(1), z.number()])).optional(),
    /** A lookup's key written as text: which key it is (`parcelKey`), so the engine can refuse a malformed one and compare answers. */
    form: z.string().min(1).optional(),
    /** A list's argument the caller must give when the list is read from the operation (not from its group). */
    required: z.literal(true).optional(),
  })
  .strict()
export type ArgumentMapping = z.infer<typeof argumentMapping>

/** Many keys in one call, for the per-request batch loader. */
const batchMapping = z
  .object({
    operation: z.string().min(1),
    /** The JSON body field that takes the list of keys. */
    keys: z.string().min(1),
    /** Where the list of records is in the answer (records in any order, missing ones absent, each named by the lookup's `key`). */
    result: sourcePath,
    /** Keys per call. */
    maxSize: z.number().int().min(1).max(1000),
  })
  .strict()
export type BatchMapping = z.infer<typeof batchMapping>

/** A root field: one lookup by one key (the loader's key), answered by a record or null. */
const lookupMapping = z
  .object({
    description: description.optional(),
    /** Taken from the canonical schema when the root field is a canonical one. */
    type: graphqlName.optional(),
    arguments: z.record(graphqlName, argumentMapping).refine((args) => Object.keys(args).length === 1, 'a lookup takes exactly one argument, its key'),
    operation: z.string().min(1),
    /** Where the record is in the answer. */
    result: sourcePath,
    /**
     * The field of the record that holds its key: every answer must be the record asked for (a
     * registry answering for another person is a broken registry, never data).
     */
    key: sourcePath,
    batch: batchMapping.optional(),
  })
  .strict()
export type LookupMapping = z.infer<typeof lookupMapping>

/**
 * A root field that answers a page of records (a canonical `…Connection`): one operation read in
 * windows by offset, its arguments sent as parameters.
 */
const listMapping = z
  .object({
    description: description.optional(),
    operation: z.string().min(1),
    /** The root field's arguments (dotted into input objects: `filter.name`) → the operation's parameters. */
    arguments: z
      .record(z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)*$/, 'must be an argument, or a dotted path into one'), argumentMapping)
      .optional(),
    /** The operation's paging parameters: where the window starts, and how many records it holds. */
    page: z.object({ offset: z.string().min(1), limit: z.string().min(1) }).strict(),
    /** Where the count of the whole list is in the answer. */
    total: sourcePath,
    /** Where the window's records are in the answer. */
    items: sourcePath,
    /**
     * Each listed record: `lookup` when the list gives summaries (the full records are then read by
     * that root field's batch, keyed by `key`); without it the items are the records themselves.
     */
    each: z.object({ key: sourcePath.optional(), lookup: graphqlName.optional() }).strict(),
    /**
     * When the caller gives this argument (a holder), the list is that key's group, whole (the
     * source answers it at once), then filtered: each filter argument must equal one of the
     * record's fields it names (`commune: [communeCode, address.communeCode]`).
     */
    byGroup: z
      .object({
        argument: graphqlName,
        group: graphqlName,
        filters: z
          .record(
            graphqlName,
            z
              .array(z.string().regex(/^[_A-Za-z]\w*(\.[_A-Za-z]\w*)*$/, 'must be a field, or a dotted path of fields'))
              .min(1)
              .max(8),
          )
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
export type ListMapping = z.infer<typeof listMapping>

/** A code the source writes: text, or a whole number. */
const sourceCode = z.union([z.string().min(1), z.number().int()])

/**
 * Records grouped per key: a loader that answers a list for each key (the parcels a holder holds),
 * many keys per call. A key is a holder: a PIN or a tax code, which the source names by a kind
 * code and a number.
 */
const groupMapping = z
  .object({
    description: description.optional(),
    operation: z.string().min(1),
    keys: z
      .object({
        /** Where the list of keys goes in the request (a dotted path into its body). */
        to: sourcePath,
        /** The field of each key that says its kind, and the source's code for each kind. */
        kind: z
          .object({
            field: z.string().min(1),
            codes: z.object({ PIN: sourceCode.optional(), TaxCode: sourceCode.optional() }).strict(),
          })
          .strict(),
        /** The field of each key that holds the identifier. */
        id: z.string().min(1),
      })
      .strict(),
    /** Where the groups are in the answer; each names its key by the same two fields. */
    result: sourcePath,
    /** Where a group's records are. */
    items: sourcePath,
    /** Keys per call. */
    maxSize: z.number().int().min(1).max(1000),
    /**
     * Fields of other registries' records this group answers, each with the field of that record
     * that holds the key: `Citizen.landParcels: pin`.
     */
    answers: z.record(z.string().regex(/^[_A-Za-z]\w*\.[_A-Za-z]\w*$/, 'must be Type.field'), graphqlName).optional(),
  })
  .strict()
export type GroupMapping = z.infer<typeof groupMapping>

/** What every answer of the source says about itself: which field tells success, and its value. */
const envelopeMapping = z
  .object({
    /** A field of every JSON answer, e.g. `maLoi`. */
    status: sourcePath,
    /** Its value on success, e.g. `"00"`; anything else is the source failing to serve. */
    success: z.union([z.string(), z.number()]),
  })
  .strict()

const authMapping = z.discriminatedUnion('kind', [
  /** An API key in a header; the value comes from `UPSTREAM_<NAME>_API_KEY`. */
  z.object({ kind: z.literal('apiKey'), header: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name') }).strict(),
  z.object({ kind: z.literal('none') }).strict(),
  /**
   * OAuth 2.0 client credentials: a token from the description's token URL (or
   * `UPSTREAM_<NAME>_TOKEN_URL`), for `UPSTREAM_<NAME>_CLIENT_ID` and `_CLIENT_SECRET`, sent as a
   * bearer token. `scopes`: those asked for, each one the flow declares.
   */
  z
    .object({
      kind: z.literal('oauthClientCredentials'),
      scopes: z
        .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be an OAuth scope'))
        .max(20)
        .optional(),
    })
    .strict(),
  /**
   * A SOAP service's account in a header element of every call (a user name and a password field);
   * the values come from `UPSTREAM_<NAME>_USERNAME` and `_PASSWORD`. `requestId`: the header's field
   * that carries the gateway's request id, which the service's own logs then keep.
   */
  z
    .object({
      kind: z.literal('soapHeader'),
      header: graphqlName,
      username: graphqlName,
      password: graphqlName,
      requestId: graphqlName.optional(),
    })
    .strict(),
])

export const mappingSchema = z
  .object({
    /** Must equal the folder's name: it names the connector in errors, metrics and the audit trail. */
    connector: z.string().regex(/^[a-z][a-z0-9-]{1,38}$/, 'must be lower-case letters, digits and dashes, at most 39'),
    /** The registry's name for people, e.g. "Cơ sở dữ liệu quốc gia về bảo hiểm". */
    registry: z.string().min(1).max(200),
    /** The source's own description, a file in the same folder. */
    description: z.string().regex(/^[A-Za-z0-9._-]+\.(ya?ml|json|wsdl)$/, 'must be a .yaml, .yml, .json or .wsdl file in the same folder'),
    auth: authMapping,
    /**
     * The source asks for a client certificate (mutual TLS): the gateway presents the one from
     * `UPSTREAM_<NAME>_CLIENT_CERT` and `_CLIENT_KEY` (PEM files), besides the credential in `auth`.
     */
    clientCertificate: z.literal(true).optional(),
    /** Deadline of one call to the source, ms. */
    deadlineMs: z.number().int().min(100).max(60_000).optional(),
    /**
     * The source's retry policy for reads that fail to be served (timeout, 5xx): attempts after
     * the first, and the first backoff delay. It may lower the gateway's, never raise it: a source
     * whose reads are costly says 0.
     */
    retries: z
      .object({ attempts: z.number().int().min(0).max(3), delayMs: z.number().int().min(10).max(5000).optional() })
      .strict()
      .optional(),
    envelope: envelopeMapping.optional(),
    /** An operation without parameters that answers when the source is up. */
    health: z.object({ operation: z.string().min(1) }).strict(),
    enums: z.record(graphqlName, enumMapping).optional(),
    types: z.record(graphqlName, typeMapping),
    query: z.record(graphqlName, lookupMapping).refine((fields) => Object.keys(fields).length > 0, 'the source must answer at least one root field'),
    /** Root fields that answer pages of records. */
    lists: z.record(graphqlName, listMapping).optional(),
    /** Loaders that answer a list of records per key (`parcelsByHolder`). */
    groups: z.record(graphqlName, groupMapping).optional(),
  })
  .strict()
export type Mapping = z.infer<typeof mappingSchema>
