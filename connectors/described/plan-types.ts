/**
 * The check of a mapping's types against the source's record schemas: each field's type, where it
 * is read, and the steps that make its value. A type is either new (declared by the mapping, every
 * field typed there) or canonical (the schema's own `Enterprise`, `Address`…: the mapping answers
 * it, each field typed by the canonical schema, and every required field must be answered).
 */
import type { CanonicalCatalog } from './canonical-catalog.js'
import type { DescribedOperation, JsonSchema, SourceDescription } from './description.js'
import { enumValues, isDecimalText, isNullable, kindOf, propertyAt, type SchemaKind } from './json-schema.js'
import type { DateLayout, FieldMapping, Mapping, TextStep } from './mapping-schema.js'
import { LOOKUP_KEYS } from './lookup-keys.js'
import { FULL_DATE_LAYOUTS, foldCode } from './values.js'

export interface TypeRef {
  named: string
  nonNull: boolean
  list: boolean
  itemNonNull: boolean
}

export interface FieldPlan {
  name: string
  /** A dotted path into the record; empty for an object read from the record itself. */
  from: readonly string[]
  type: TypeRef
  /**
   * `scalar`: a canonical or built-in scalar; `enum`: through `codes`; `object`: the planned type
   * `object`; `personName`: a full name split; `link`: answered by another registry's loader.
   */
  kind: 'scalar' | 'enum' | 'object' | 'personName' | 'link'
  object?: string
  /** A list the source leaves out or sends as null is empty. */
  emptyIfAbsent?: true
  text?: readonly TextStep[]
  zeroPad?: number
  date?: DateLayout
  /** Source code → canonical value; with `match: folded`, the codes are already folded. */
  codes?: ReadonlyMap<string, string | boolean>
  match?: 'exact' | 'folded'
  ifBlank?: true
  ifInvalid?: true
  /** The object is null when the value here is absent or null. */
  when?: readonly string[]
  link?: { loader: string; key: string }
  startsWith?: { field: string; separator: string }
  /** A key of this form of LOOKUP_KEYS, answered in its canonical spelling. */
  form?: string
  /** The value must be these fields of the same object joined by `separator` (compared in `form`'s spelling when it has one). */
  composedOf?: { fields: readonly string[]; separator: string }
  /** Folded texts that mean no value. */
  none?: ReadonlySet<string>
  /** Folded words the value follows, longest first. */
  after?: readonly string[]
  /** The path read depends on the code at `field`; a code not listed reads nothing. */
  by?: { field: readonly string[]; from: ReadonlyMap<string, readonly string[]> }
  /** With codes: the value of a code outside the list. */
  otherwise?: string
  /** The address written out from `detail` and the units' names. */
  addressText?: { detail?: readonly string[]; units: ReadonlyArray<readonly string[]> }
}

export interface TypePlan {
  /** The plan's own name: the type's, or `Parent.field` for an object read field by field in place. */
  name: string
  /** The GraphQL type it produces. */
  graphqlType: string
  description?: string
  fields: readonly FieldPlan[]
  /** Canonical fields the mapping does not answer and nothing else resolves: null in every record. */
  nulls: readonly string[]
}

export type ProblemPath = Array<string | number>

export interface BatchPlan {
  operation: DescribedOperation
  keysField: string
  result: readonly string[]
  maxSize: number
}

export interface LookupPlan {
  field: string
  description?: string
  type: string
  /** The per-request loader's name: the root field's for a canonical one (other registries link through it), else `<connector>:<field>`. */
  loader: string
  /** Where the key goes: a path or query parameter, or (SOAP) a field of the request element; `form` names its entry of LOOKUP_KEYS. */
  argument: { name: string; type: TypeRef; form: string; parameter: { name: string; in: 'path' | 'query' | 'body' } }
  operation: DescribedOperation
  result: readonly string[]
  /** The record's field that holds its key; every answer is checked to be the record asked for. */
  key: readonly string[]
  /** The mapped field read from `key`, if one is: listed records prime the loader by it. */
  keyField?: string
  batch?: BatchPlan
}

/** What the checks of root fields share: the description, the problem list, the type checker. */
export interface PlanContext {
  mapping: Mapping
  description: SourceDescription
  catalog: CanonicalCatalog
  types: TypeChecker
  report(path: ProblemPath, problem: string): void
  operation(id: string, path: ProblemPath): DescribedOperation | undefined
  answerOf(op: DescribedOperation): JsonSchema | undefined
  checkEnvelope(op: DescribedOperation, answer: JsonSchema, path: ProblemPath): void
  checkAnswerSchema(op: DescribedOperation, path: ProblemPath): void
}

export type Report = (path: ProblemPath, problem: string) => void

/**
 * Loaders another registry answers, as `RegistryLoaders` names them, with the type each gives and
 * the key it takes.
 */
export const LINK_LOADERS: ReadonlyMap<string, { type: string; key: string }> = new Map([
  ['citizen', { type: 'Citizen', key: 'PIN' }],
  ['enterprise', { type: 'Enterprise', key: 'TaxCode' }],
  ['household', { type: 'Household', key: 'String' }],
])

export function parseTypeRef(text: string): TypeRef {
  const nonNull = text.endsWith('!')
  const inner = nonNull ? text.slice(0, -1) : text
  if (inner.startsWith('[')) {
    const item = inner.slice(1, -1)
    const itemNonNull = item.endsWith('!')
    return { named: itemNonNull ? item.slice(0, -1) : item, nonNull, list: true, itemNonNull }
  }
  return { named: inner, nonNull, list: false, itemNonNull: false }
}

export const splitPath = (path: string) => path.split('.')

const isObjectType = (checker: TypeChecker, name: string) => checker.isMapped(name) || checker.catalogHasObject(name)

/** Which JSON kinds a scalar may be read from, given the steps that turn one into the other. */
function scalarAccepts(scalar: string, field: FieldMapping): SchemaKind[] {
  if (field.date || field.none || field.after || field.form) return ['string']
  if (field.zeroPad) return ['string', 'integer']
  if (field.codes) return ['string', 'integer', 'boolean']
  switch (scalar) {
    case 'Int':
      return ['integer']
    case 'Float':
      return ['number', 'integer']
    case 'Boolean':
      return ['boolean']
    case 'Decimal':
      return ['string', 'number', 'integer']
    // A whole number has no leading zeros to lose: its digits are its text.
    case 'ID':
    case 'String':
      return ['string', 'integer']
    default:
      return ['string']
  }
}

const describeKind = (kind: SchemaKind) => (kind === 'unknown' ? 'not one kind of value' : `a ${kind}`)

/**
 * Checks the mapping's types against every record schema they are read from (a lookup's record,
 * a batch's items, a parent's nested object: all must fit) and plans them.
 */
export class TypeChecker {
  readonly planned = new Map<string, TypePlan>()
  private readonly checked = new Set<string>()

  constructor(
    private readonly mapping: Mapping,
    private readonly catalog: CanonicalCatalog,
    private readonly report: Report,
  ) {}

  /** A type the mapping declares (new) or answers (canonical), by name. */
  isMapped(name: string): boolean {
    return Object.hasOwn(this.mapping.types, name)
  }

  catalogHasObject(name: string): boolean {
    return this.catalog.objects.has(name)
  }

  /** Whether the name is a type the mapping adds, not a canonical one. */
  isDeclared(name: string): boolean {
    return this.isMapped(name) && !this.catalog.objects.has(name)
  }

  private enumValuesOf(name: string): ReadonlySet<string> | undefined {
    const declared = this.mapping.enums ?? {}
    return Object.hasOwn(declared, name) ? new Set(Object.keys(declared[name]!.values)) : this.catalog.enums.get(name)
  }

  /** Checks a top-level type of the mapping against one record schema. */
  checkMapped(name: string, record: JsonSchema, against: string): void {
    this.checkType(name, name, this.mapping.types[name]!.fields, record, against, ['types', name, 'fields'], this.mapping.types[name]!.description)
  }

  private checkType(
    planName: string,
    graphqlType: string,
    fields: Readonly<Record<string, FieldMapping | null>>,
    record: JsonSchema,
    against: string,
    path: ProblemPath,
    description?: string,
    gated: ReadonlySet<string> = new Set(),
    enclosing?: Readonly<Record<string, FieldMapping | null>>,
  ): void {
    const key = `${planName}\u0000${against}`
    if (this.checked.has(key)) return
    this.checked.add(key)
    const canonical = this.catalog.objects.get(graphqlType)
    if (this.catalog.ownRecords.has(graphqlType)) {
      this.report(
        path,
        `${graphqlType} is answered by a hand-written connector whose resolvers read values only its records carry: a mapping cannot answer it yet`,
      )
      return
    }
    const plans: FieldPlan[] = []
    const nulls: string[] = []
    for (const [fieldName, field] of Object.entries(fields)) {
      const fieldPath = [...path, fieldName]
      if (field === null) {
        // `name: null`: the source does not have it, said in the mapping rather than left out.
        const declared = canonical?.get(fieldName)
        if (!canonical) this.report(fieldPath, `${fieldName}: null says a canonical field is not in the source; ${graphqlType} is a type of this mapping`)
        else if (!declared) this.report(fieldPath, `${graphqlType} has no field ${fieldName} (it has ${[...canonical.keys()].join(', ')})`)
        else if (declared.type.endsWith('!')) this.report(fieldPath, `${graphqlType}.${fieldName} is ${declared.type}: the source must answer it`)
        else nulls.push(fieldName)
        continue
      }
      let typeText = field.type
      if (canonical) {
        const carried = this.catalog.carried.get(graphqlType)?.get(fieldName)
        const declared = canonical.get(fieldName) ?? (carried ? { type: carried.type, args: new Map<string, string>() } : undefined)
        if (!declared) {
          this.report(fieldPath, `${graphqlType} has no field ${fieldName} (it has ${[...canonical.keys()].join(', ')})`)
          continue
        }
        if (declared.args.size) {
          this.report(fieldPath, `${graphqlType}.${fieldName} takes arguments: it cannot be read from a record`)
          continue
        }
        if (typeText !== undefined && typeText !== declared.type)
          this.report([...fieldPath, 'type'], `${graphqlType}.${fieldName} is ${declared.type} in the canonical schema`)
        typeText = declared.type
      } else if (typeText === undefined) {
        this.report(fieldPath, `${fieldName} needs its type (type: …): ${graphqlType} is a type of this mapping`)
        continue
      }
      const plan = this.checkField(graphqlType, planName, fieldName, field, parseTypeRef(typeText), fields, record, against, fieldPath, gated)
      if (plan && field.startsWith) {
        const prefix = enclosing && Object.hasOwn(enclosing, field.startsWith.field) ? enclosing[field.startsWith.field] : undefined
        if (!prefix || prefix.fields || prefix.link || prefix.from === undefined)
          this.report([...fieldPath, 'startsWith', 'field'], `${field.startsWith.field} is not a value field of the object ${fieldName} is listed under`)
        if (plan.kind !== 'scalar' || !['String', 'ID', 'TaxCode'].includes(plan.type.named))
          this.report([...fieldPath, 'startsWith'], 'startsWith applies to text and codes')
        plan.startsWith = field.startsWith
      }
      if (plan && field.composedOf) {
        for (const part of field.composedOf.fields) {
          const sibling = part === fieldName ? undefined : fields[part]
          if (!sibling || sibling.fields || sibling.link)
            this.report([...fieldPath, 'composedOf', 'fields'], `${part} is not another value field of ${graphqlType} in this mapping`)
        }
        if (plan.kind !== 'scalar' || plan.type.list || !['String', 'ID'].includes(plan.type.named))
          this.report([...fieldPath, 'composedOf'], 'composedOf applies to one text value')
        plan.composedOf = field.composedOf
      }
      if (plan) plans.push(plan)
    }
    if (canonical) {
      const answered = new Set(Object.keys(fields))
      for (const [carrier, carried] of this.catalog.carried.get(graphqlType) ?? []) if (answered.has(carrier)) answered.add(carried.answers)
      for (const [fieldName, declared] of canonical) {
        if (answered.has(fieldName) || declared.args.size) continue
        // Every field is answered or said absent: a field forgotten is not quietly null.
        if (declared.type.endsWith('!'))
          this.report(path, `${graphqlType}.${fieldName} (${declared.type}) is required by the canonical schema, and the mapping does not answer it`)
        else this.report(path, `${graphqlType}.${fieldName} is not answered: map it, or write ${fieldName}: null if the source does not have it`)
      }
    }
    if (!this.planned.has(planName)) this.planned.set(planName, { name: planName, graphqlType, ...(description ? { description } : {}), fields: plans, nulls })
  }

  private checkField(
    ownerType: string,
    planName: string,
    fieldName: string,
    field: FieldMapping,
    type: TypeRef,
    siblings: Readonly<Record<string, FieldMapping | null>>,
    record: JsonSchema,
    against: string,
    path: ProblemPath,
    gated: ReadonlySet<string>,
  ): FieldPlan | undefined {
    const typeText = field.type ?? `${type.list ? `[${type.named}${type.itemNonNull ? '!' : ''}]` : type.named}${type.nonNull ? '!' : ''}`
    // ifBlank and ifInvalid make one value null: a list's item, or the field's value.
    const nullable = type.list ? !type.itemNonNull : !type.nonNull
    if (field.link) return this.checkLink(fieldName, field, type, siblings, path, ownerType)
    if (field.addressText) return this.checkAddressText(fieldName, field, type, record, against, path)
    const isObject = this.isMapped(type.named) || this.catalog.objects.has(type.named)
    if (field.by && field.from !== undefined) this.report([...path, 'by'], 'by names where the value is read for each code: from is not needed')
    if (field.from === undefined && !field.by && !(isObject && !type.list && field.fields)) {
      this.report(path, `${fieldName} needs the path it is read from (from: …)`)
      return undefined
    }
    const from = field.from === undefined ? [] : splitPath(field.from)
    const fromText = field.from ?? (field.by ? `${Object.values(field.by.from).join(' or ')} (by ${field.by.field})` : 'the record')
    let value: JsonSchema = record
    let present = true
    let by: FieldPlan['by']
    if (field.by) {
      const read = this.checkBy(field.by, record, against, [...path, 'by'])
      if (!read) return undefined
      ;({ value, by } = read)
      // Which code needs which field no description says: a record without it is refused when read.
    } else if (from.length) {
      const at = propertyAt(record, from)
      if (typeof at === 'string') {
        this.report([...path, 'from'], `${at} in ${against}`)
        return undefined
      }
      value = at.schema
      // Inside an object that `when` makes null without it, the gating value is there.
      present = at.present || gated.has(field.from!)
    }
    let when: string[] | undefined
    if (field.when !== undefined) {
      when = splitPath(field.when)
      const at = propertyAt(record, when)
      if (typeof at === 'string') this.report([...path, 'when'], `${at} in ${against}`)
      if (!isObject) this.report([...path, 'when'], 'when applies to object fields: a value that is absent is already null')
      if (type.nonNull) this.report([...path, 'when'], `${typeText} cannot be null, and when makes it null`)
      present = true
    }
    if (field.ifAbsent !== undefined) {
      if (!type.list) this.report([...path, 'ifAbsent'], 'ifAbsent: [] reads a missing list as empty: the field is not a list')
      present = true
    }
    if (type.nonNull && !present)
      this.report([...path, 'type'], `${typeText} cannot hold ${fromText}: ${against} may omit it or send null (make the field nullable)`)
    if ((field.ifBlank !== undefined || field.ifInvalid !== undefined) && !nullable) {
      this.report(path, `ifBlank and ifInvalid make the value null, and ${typeText} cannot be null`)
    }
    const sourceKind = kindOf(value)
    if (type.list) {
      if (sourceKind !== 'array') {
        this.report([...path, 'type'], `${typeText} is a list, but ${fromText} in ${against} is ${describeKind(sourceKind)}`)
        return undefined
      }
      value = (value.items ?? {}) as JsonSchema
      if (type.itemNonNull && isNullable(value)) this.report([...path, 'type'], `${typeText} cannot hold the nulls ${fromText} in ${against} may contain`)
    } else if (sourceKind === 'array') {
      this.report([...path, 'type'], `${typeText} is not a list, but ${fromText} in ${against} is an array`)
      return undefined
    }
    const itemKind = kindOf(value)
    const plan: FieldPlan = { name: fieldName, from, type, kind: 'scalar', ...(when ? { when } : {}), ...(by ? { by } : {}) }
    if (field.ifInvalid !== undefined) plan.ifInvalid = true
    if (field.ifInvalid !== undefined && (isObjectType(this, type.named) || field.link))
      this.report([...path, 'ifInvalid'], 'ifInvalid nulls one value: an object that cannot be read is a bad answer, never null')
    if (field.ifAbsent !== undefined) plan.emptyIfAbsent = true
    const valueSteps =
      field.text || field.date || field.zeroPad || field.codes || field.personName || field.ifBlank !== undefined || field.none || field.after || field.form
    if (field.personName) {
      if (type.named !== 'PersonName') this.report([...path, 'personName'], `personName makes a PersonName, not ${type.named}`)
      if (itemKind !== 'string') this.report([...path, 'from'], `a full name is text, and ${fromText} in ${against} is ${describeKind(itemKind)}`)
      plan.kind = 'personName'
      if (field.text || field.date || field.zeroPad || field.codes) this.report(path, 'personName takes the name as the source writes it')
      return plan
    }
    if (isObject) {
      plan.kind = 'object'
      if (valueSteps) this.report(path, `${type.named} is an object type: text, date, zeroPad, codes, ifBlank and personName apply to values`)
      if (itemKind !== 'object') {
        this.report([...path, 'type'], `${type.named} is an object, but ${fromText} in ${against} is ${describeKind(itemKind)}`)
        return plan
      }
      const nested = `${against} → ${fromText}`
      if (field.fields) {
        if (this.isDeclared(type.named)) {
          this.report([...path, 'fields'], `${type.named} is a type of this mapping: its fields are mapped under types`)
          return plan
        }
        plan.object = `${planName}.${fieldName}`
        // An object read in place is read only when its `when` value is there: its fields may rely on it.
        const inPlace = from.length === 0 && field.when !== undefined ? new Set([...gated, field.when]) : new Set<string>()
        this.checkType(plan.object, type.named, field.fields, value, nested, [...path, 'fields'], undefined, inPlace, siblings)
        return plan
      }
      if (!this.isMapped(type.named)) {
        this.report(path, `${type.named} is a canonical object: map its fields here (fields: …) or under types.${type.named}`)
        return plan
      }
      plan.object = type.named
      this.checkMapped(type.named, value, nested)
      return plan
    }
    if (field.fields) this.report([...path, 'fields'], `${type.named} is not an object type`)
    if (field.ifBlank !== undefined) {
      if (itemKind !== 'string') this.report([...path, 'ifBlank'], `ifBlank reads text, and ${fromText} in ${against} is ${describeKind(itemKind)}`)
      plan.ifBlank = true
    }
    if (field.none) {
      if (itemKind !== 'string') this.report([...path, 'none'], `none lists texts, and ${fromText} in ${against} is ${describeKind(itemKind)}`)
      if (!nullable) this.report([...path, 'none'], `none makes the value null, and ${typeText} cannot be null`)
      plan.none = new Set(field.none.map(foldCode))
    }
    if (field.after) {
      if (itemKind !== 'string') this.report([...path, 'after'], `after reads text, and ${fromText} in ${against} is ${describeKind(itemKind)}`)
      // The longest first: "đến ngày" before "đến".
      plan.after = field.after.map(foldCode).sort((a, b) => b.length - a.length)
    }
    if (field.form !== undefined) {
      const form = LOOKUP_KEYS.get(field.form)
      if (form?.scalar !== 'String')
        this.report(
          [...path, 'form'],
          `${field.form} is not a key written as text (${[...LOOKUP_KEYS]
            .filter(([, key]) => key.scalar === 'String')
            .map(([name]) => name)
            .join(', ')})`,
        )
      if (type.named !== 'String' && type.named !== 'ID') this.report([...path, 'form'], `form gives a key as text: ${type.named} cannot hold it`)
      if (itemKind !== 'string') this.report([...path, 'form'], `a key is read from text, and ${fromText} in ${against} is ${describeKind(itemKind)}`)
      plan.form = field.form
    }
    if (field.otherwise !== undefined && !field.codes)
      this.report([...path, 'otherwise'], 'otherwise is the value of a code outside the list: the field has no codes')
    if (field.match && !field.codes) this.report([...path, 'match'], 'match says how codes compare: the field has no codes')
    if (field.codesOf !== undefined && (!field.codes || type.named !== 'String'))
      this.report([...path, 'codesOf'], 'codesOf names the enum of codes translated into text')
    const values = this.enumValuesOf(type.named)
    if (values) {
      plan.kind = 'enum'
      if (!field.codes) {
        this.report([...path, 'codes'], `${type.named} is an enum: the field needs the code list that translates the source's values`)
        return plan
      }
      for (const [code, target] of Object.entries(field.codes)) {
        if (typeof target !== 'string' || !values.has(target))
          this.report([...path, 'codes', code], `${String(target)} is not a value of ${type.named} (${[...values].join(', ')})`)
      }
      if (field.otherwise !== undefined && !values.has(field.otherwise))
        this.report([...path, 'otherwise'], `${field.otherwise} is not a value of ${type.named} (${[...values].join(', ')})`)
      if (field.text || field.date || field.zeroPad) this.report(path, 'an enum field takes codes only')
      this.checkCodes(field, value, itemKind, fromText, against, path, plan)
      return plan
    }
    if (!this.catalog.scalars.has(type.named)) {
      this.report([...path, 'type'], `${type.named} is not a scalar, an enum or an object type`)
      return undefined
    }
    if (field.codes) {
      const want = type.named === 'Boolean' ? 'boolean' : type.named === 'String' || type.named === 'ID' ? 'string' : null
      if (want === null) this.report([...path, 'codes'], `${type.named} takes no codes: codes translate into an enum, a text or true/false`)
      for (const [code, target] of Object.entries(field.codes)) {
        if (want !== null && typeof target !== want)
          this.report([...path, 'codes', code], `${type.named} needs ${want === 'boolean' ? 'true or false' : 'text'} here`)
      }
      if (field.codesOf !== undefined) {
        // Text that stands for an enum's value (a status's code): a typo would pass as text.
        const values = this.enumValuesOf(field.codesOf)
        if (!values) this.report([...path, 'codesOf'], `${field.codesOf} is not an enum`)
        else
          for (const [code, target] of Object.entries(field.codes))
            if (typeof target === 'string' && !values.has(target)) this.report([...path, 'codes', code], `${target} is not a value of ${field.codesOf}`)
      }
      this.checkCodes(field, value, itemKind, fromText, against, path, plan)
    }
    // A decimal the source writes as text (XML Schema's decimal, OpenAPI's format: decimal) is read as its number.
    const accepts = type.named === 'Float' && isDecimalText(value) ? ['string' as const] : scalarAccepts(type.named, field)
    if (!accepts.includes(itemKind)) {
      this.report(
        [...path, 'type'],
        `${type.named} cannot be read from ${fromText} in ${against}, which is ${describeKind(itemKind)} (it takes ${accepts.join(' or ')})`,
      )
    }
    if (field.date) {
      if (type.named !== 'PartialDate' && type.named !== 'Date') this.report(path, 'date applies only to PartialDate and Date fields')
      if (type.named === 'Date' && !FULL_DATE_LAYOUTS.has(field.date))
        this.report([...path, 'date'], `${field.date} may give a partial date: a Date field needs a whole-date layout, or make it PartialDate`)
      plan.date = field.date
    } else if (type.named === 'PartialDate' || type.named === 'Date') {
      this.report([...path, 'date'], `${type.named} needs the layout the source writes its dates in (date: …)`)
    }
    if (field.text) {
      // An identifier may be trimmed (a registry that pads its codes); its scalar checks the rest.
      const identifier = ['PIN', 'TaxCode', 'AdminCode'].includes(type.named) && field.text.every((step) => step === 'trim')
      if (type.named !== 'String' && type.named !== 'ID' && !identifier) this.report(path, 'text applies only to text fields (an identifier may be trimmed)')
      if (itemKind !== 'string') this.report([...path, 'text'], `text steps read text, and ${fromText} in ${against} is ${describeKind(itemKind)}`)
      plan.text = field.text
    }
    if (field.zeroPad) {
      if (!['String', 'ID', 'AdminCode', 'PIN', 'TaxCode'].includes(type.named))
        this.report([...path, 'zeroPad'], `zeroPad makes text: ${type.named} cannot hold it`)
      plan.zeroPad = field.zeroPad
    }
    return plan
  }

  /** A code list against the codes the source declares: no gap, nothing it never sends. */
  private checkCodes(
    field: FieldMapping,
    value: JsonSchema,
    itemKind: SchemaKind,
    fromText: string,
    against: string,
    path: ProblemPath,
    plan: FieldPlan,
  ): void {
    const codes = field.codes!
    const folded = field.match === 'folded'
    if (!['string', 'integer', 'boolean'].includes(itemKind)) this.report([...path, 'from'], `${fromText} in ${against} is not a code (text or a whole number)`)
    if (folded && itemKind !== 'string') this.report([...path, 'match'], `folded compares text, and ${fromText} in ${against} is ${describeKind(itemKind)}`)
    const key = (code: string) => (folded ? foldCode(code) : code)
    const table = new Map<string, string | boolean>()
    for (const [code, target] of Object.entries(codes)) {
      const existing = table.get(key(code))
      if (existing !== undefined && existing !== target)
        this.report([...path, 'codes', code], `${code} reads the same as another code once folded, with another value`)
      table.set(key(code), target)
    }
    const sourceCodes = enumValues(value)
    if (sourceCodes) {
      const gaps = sourceCodes.filter((code) => !table.has(key(code)))
      if (gaps.length && field.ifInvalid === undefined && field.otherwise === undefined)
        this.report([...path, 'codes'], `the code list has no entry for ${gaps.join(', ')}, which ${fromText} in ${against} may hold`)
      const declared = new Set(sourceCodes.map(key))
      for (const code of Object.keys(codes))
        if (!declared.has(key(code))) this.report([...path, 'codes', code], `${code} is not a value ${fromText} in ${against} declares`)
    }
    plan.codes = table
    if (field.otherwise !== undefined) plan.otherwise = field.otherwise
    if (folded) plan.match = 'folded'
  }

  /** `by`: the code's path, and each code's path, all in the record; the value's schema is the first one's, and all must be one kind. */
  private checkBy(
    by: NonNullable<FieldMapping['by']>,
    record: JsonSchema,
    against: string,
    path: ProblemPath,
  ): { value: JsonSchema; by: NonNullable<FieldPlan['by']> } | undefined {
    const code = propertyAt(record, splitPath(by.field))
    if (typeof code === 'string') {
      this.report([...path, 'field'], `${code} in ${against}`)
      return undefined
    }
    const codeKind = kindOf(code.schema)
    if (codeKind !== 'string' && codeKind !== 'integer') this.report([...path, 'field'], `${by.field} in ${against} is not a code (text or a whole number)`)
    const declared = enumValues(code.schema)
    const from = new Map<string, readonly string[]>()
    let value: JsonSchema | undefined
    for (const [name, at] of Object.entries(by.from)) {
      if (declared && !declared.includes(name)) this.report([...path, 'from', name], `${name} is not a value ${by.field} in ${against} declares`)
      const found = propertyAt(record, splitPath(at))
      if (typeof found === 'string') {
        this.report([...path, 'from', name], `${found} in ${against}`)
        continue
      }
      if (value && kindOf(value) !== kindOf(found.schema))
        this.report([...path, 'from', name], `${at} in ${against} is another kind of value than the other codes' fields`)
      value ??= found.schema
      from.set(name, splitPath(at))
    }
    return value ? { value, by: { field: splitPath(by.field), from } } : undefined
  }

  /** `addressText`: one text from the detail and the units' codes, each text in the record. */
  private checkAddressText(
    fieldName: string,
    field: FieldMapping,
    type: TypeRef,
    record: JsonSchema,
    against: string,
    path: ProblemPath,
  ): FieldPlan | undefined {
    const { detail, units } = field.addressText!
    if (type.list || type.named !== 'String' || type.nonNull) this.report([...path, 'type'], 'addressText makes one text, null when nothing is known: String')
    if (field.from !== undefined || field.text || field.codes || field.date || field.by)
      this.report([...path, 'addressText'], 'addressText reads its own paths and takes no other steps')
    const textAt = (at: string, where: ProblemPath) => {
      const found = propertyAt(record, splitPath(at))
      if (typeof found === 'string') this.report(where, `${found} in ${against}`)
      else if (kindOf(found.schema) !== 'string') this.report(where, `${at} in ${against} is not text`)
      return splitPath(at)
    }
    return {
      name: fieldName,
      from: [],
      type,
      kind: 'scalar',
      addressText: {
        ...(detail === undefined ? {} : { detail: textAt(detail, [...path, 'addressText', 'detail']) }),
        units: units.map((unit, index) => textAt(unit, [...path, 'addressText', 'units', index])),
      },
    }
  }

  private checkLink(
    fieldName: string,
    field: FieldMapping,
    type: TypeRef,
    siblings: Readonly<Record<string, FieldMapping | null>>,
    path: ProblemPath,
    ownerType: string,
  ): FieldPlan | undefined {
    const link = field.link!
    const loader = LINK_LOADERS.get(link.loader)
    if (field.from !== undefined || field.fields || field.codes || field.text)
      this.report(path, 'a link is answered by another registry: it reads nothing from this record')
    if (!loader) {
      this.report([...path, 'link', 'loader'], `${link.loader} is not a registry loader (${[...LINK_LOADERS.keys()].join(', ')})`)
      return undefined
    }
    if (type.list || type.named !== loader.type)
      this.report([...path, 'type'], `the ${link.loader} loader answers ${loader.type}, not ${field.type ?? type.named}`)
    if (type.nonNull) this.report([...path, 'type'], 'a link is null when the other registry has no record: the field must be nullable')
    const key = Object.hasOwn(siblings, link.key) ? siblings[link.key] : undefined
    if (!key || key.link || key.fields) this.report([...path, 'link', 'key'], `${link.key} is not a value field of the same object`)
    else {
      // The loader takes one identifier: the key field must be that identifier, checked by its scalar.
      const keyType = key.type ?? this.catalog.objects.get(ownerType)?.get(link.key)?.type
      if (!keyType || parseTypeRef(keyType).named !== loader.key || parseTypeRef(keyType).list)
        this.report([...path, 'link', 'key'], `the ${link.loader} loader takes a ${loader.key}, and ${link.key} is ${keyType ?? 'untyped'}`)
    }
    return { name: fieldName, from: [], type, kind: 'link', link: { loader: link.loader, key: link.key } }
  }
}
