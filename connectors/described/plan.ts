/**
 * A mapping checked against the source's description and the canonical schema, and turned into
 * the plan the engine runs: which operation answers each root field, where each canonical field
 * is read from, and which steps make its value. Every problem is collected, each naming the
 * mapping's path (and so its line); nothing is checked later, at request time, that could have
 * been checked here.
 */
import type { CanonicalCatalog } from './canonical-catalog.js'
import type { DescribedOperation, JsonSchema, SourceDescription } from './description.js'
import { enumValues, isNullable, kindOf, propertyAt, type SchemaKind } from './json-schema.js'
import type { DateLayout, EnumMapping, FieldMapping, Mapping, TextStep } from './mapping-schema.js'
import { answerSchemaOf } from './answer-schema.js'
import { FULL_DATE_LAYOUTS } from './values.js'

/** The scalars a lookup may be keyed by (see planConnector). */
const LOOKUP_KEY_SCALARS: ReadonlySet<string> = new Set(['PIN', 'TaxCode'])

export interface TypeRef {
  named: string
  nonNull: boolean
  list: boolean
  itemNonNull: boolean
}

export interface FieldPlan {
  name: string
  from: readonly string[]
  type: TypeRef
  /** `scalar`: a canonical or built-in scalar; `enum`: through `codes`; `object`: a type of this mapping. */
  kind: 'scalar' | 'enum' | 'object'
  text?: readonly TextStep[]
  zeroPad?: number
  date?: DateLayout
  codes?: Readonly<Record<string, string>>
}

export interface TypePlan {
  name: string
  description?: string
  fields: readonly FieldPlan[]
}

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
  argument: { name: string; type: TypeRef; parameter: { name: string; in: 'path' | 'query' } }
  operation: DescribedOperation
  result: readonly string[]
  /** The record's field that holds its key; every answer is checked to be the record asked for. */
  key: readonly string[]
  batch?: BatchPlan
}

export interface ConnectorPlan {
  name: string
  /** The source's description the plan was checked against (the replay sandbox answers from its examples). */
  source: SourceDescription
  registry: string
  auth: Mapping['auth']
  deadlineMs?: number
  envelope?: { status: readonly string[]; success: string | number }
  health: DescribedOperation
  enums: ReadonlyMap<string, EnumMapping>
  types: ReadonlyMap<string, TypePlan>
  lookups: readonly LookupPlan[]
  /** The canonical schema's extension: the mapping's enums and types and its root fields. */
  sdl: string
}

export interface Problem {
  path: Array<string | number>
  problem: string
}

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

const splitPath = (path: string) => path.split('.')

/** Which JSON kinds a scalar may be read from, given the steps that turn one into the other. */
function scalarAccepts(scalar: string, field: FieldMapping): SchemaKind[] {
  if (field.date) return ['string']
  if (field.zeroPad) return ['string', 'integer']
  switch (scalar) {
    case 'Int':
      return ['integer']
    case 'Float':
      return ['number', 'integer']
    case 'Boolean':
      return ['boolean']
    case 'Decimal':
      return ['string', 'number', 'integer']
    case 'ID':
      return ['string', 'integer']
    default:
      return ['string']
  }
}

/**
 * Checks a mapping against its source's description and the canonical catalog, and plans it.
 * Returns the plan, or every problem found (an empty plan is never returned with problems).
 */
export function planConnector(mapping: Mapping, description: SourceDescription, catalog: CanonicalCatalog): ConnectorPlan | Problem[] {
  const problems: Problem[] = []
  const report = (path: Array<string | number>, problem: string) => problems.push({ path, problem })
  const operation = (id: string, path: Array<string | number>): DescribedOperation | undefined => {
    const found = description.operations.get(id)
    if (!found) report(path, `${description.file} has no operation ${id} (it has ${[...description.operations.keys()].join(', ') || 'none'})`)
    return found
  }
  const answerOf = (op: DescribedOperation): JsonSchema | undefined => op.responses.find((r) => r.status === 200 && r.schema)?.schema

  const declaredTypes = mapping.types
  const declaredEnums = mapping.enums ?? {}
  for (const name of [...Object.keys(declaredTypes), ...Object.keys(declaredEnums)]) {
    const where = Object.hasOwn(declaredTypes, name) ? 'types' : 'enums'
    if (catalog.typeNames.has(name)) report([where, name], `${name} is already a type of the canonical schema: a source adds types, it does not redefine them`)
  }
  for (const name of Object.keys(declaredEnums))
    if (Object.hasOwn(declaredTypes, name)) report(['enums', name], `${name} is declared both as a type and as an enum`)
  const enumValuesOf = (name: string): ReadonlySet<string> | undefined =>
    Object.hasOwn(declaredEnums, name) ? new Set(Object.keys(declaredEnums[name]!.values)) : catalog.enums.get(name)

  // Each declared type is checked against every source schema it is read from (a lookup's record,
  // a batch's items, a parent's nested object): all must fit.
  const plannedTypes = new Map<string, TypePlan>()
  const checkedAgainst = new Set<string>()

  function checkField(typeName: string, fieldName: string, field: FieldMapping, record: JsonSchema, against: string): FieldPlan | undefined {
    const path = ['types', typeName, 'fields', fieldName]
    const type = parseTypeRef(field.type)
    const from = splitPath(field.from)
    const at = propertyAt(record, from)
    if (typeof at === 'string') {
      report([...path, 'from'], `${at} in ${against}`)
      return undefined
    }
    if (type.nonNull && !at.present)
      report([...path, 'type'], `${field.type} cannot hold ${field.from}: ${against} may omit it or send null (make the field nullable)`)
    let value = at.schema
    const sourceKind = kindOf(value)
    if (type.list) {
      if (sourceKind !== 'array') {
        report(
          [...path, 'type'],
          `${field.type} is a list, but ${field.from} in ${against} is ${sourceKind === 'unknown' ? 'not one kind of value' : `a ${sourceKind}`}`,
        )
        return undefined
      }
      value = (value.items ?? {}) as JsonSchema
      if (type.itemNonNull && isNullable(value)) report([...path, 'type'], `${field.type} cannot hold the nulls ${field.from} in ${against} may contain`)
    } else if (sourceKind === 'array') {
      report([...path, 'type'], `${field.type} is not a list, but ${field.from} in ${against} is an array`)
      return undefined
    }
    const itemKind = kindOf(value)
    const named = type.named
    const plan: FieldPlan = { name: fieldName, from, type, kind: 'scalar' }
    const only = (what: string, ok: boolean) => {
      if (!ok) report(path, `${what} applies only to ${what === 'date' ? 'PartialDate and Date' : 'text'} fields`)
    }
    if (Object.hasOwn(declaredTypes, named)) {
      plan.kind = 'object'
      if (field.text || field.date || field.zeroPad || field.codes) report(path, `${named} is an object type: text, date, zeroPad and codes apply to values`)
      if (itemKind !== 'object') {
        report(
          [...path, 'type'],
          `${named} is an object, but ${field.from} in ${against} is ${itemKind === 'unknown' ? 'not one kind of value' : `a ${itemKind}`}`,
        )
        return plan
      }
      checkType(named, value, `${against} → ${field.from}`)
      return plan
    }
    const values = enumValuesOf(named)
    if (values) {
      plan.kind = 'enum'
      if (!field.codes) {
        report([...path, 'codes'], `${named} is an enum: the field needs the code list that translates the source's values`)
        return plan
      }
      if (!['string', 'integer', 'boolean'].includes(itemKind)) report([...path, 'from'], `${field.from} in ${against} is not a code (text or a whole number)`)
      for (const [code, canonical] of Object.entries(field.codes)) {
        if (!values.has(canonical)) report([...path, 'codes', code], `${canonical} is not a value of ${named} (${[...values].join(', ')})`)
      }
      const sourceCodes = enumValues(value)
      if (sourceCodes) {
        const gaps = sourceCodes.filter((code) => !Object.hasOwn(field.codes!, code))
        if (gaps.length) report([...path, 'codes'], `the code list has no entry for ${gaps.join(', ')}, which ${field.from} in ${against} may hold`)
        for (const code of Object.keys(field.codes))
          if (!sourceCodes.includes(code)) report([...path, 'codes', code], `${code} is not a value ${field.from} in ${against} declares`)
      }
      plan.codes = field.codes
      if (field.text || field.date || field.zeroPad) report(path, 'an enum field takes codes only')
      return plan
    }
    if (!catalog.scalars.has(named)) {
      report(
        [...path, 'type'],
        `${named} is not a scalar, an enum or a type of this mapping${catalog.typeNames.has(named) ? ' (a canonical object type cannot be produced from a source yet)' : ''}`,
      )
      return undefined
    }
    if (field.codes) report([...path, 'codes'], `${named} is not an enum: codes translate into an enum`)
    const accepts = scalarAccepts(named, field)
    if (!accepts.includes(itemKind)) {
      report(
        [...path, 'type'],
        `${named} cannot be read from ${field.from} in ${against}, which is ${itemKind === 'unknown' ? 'not one kind of value' : `a ${itemKind}`} (it takes ${accepts.join(' or ')})`,
      )
    }
    if (field.date) {
      only('date', named === 'PartialDate' || named === 'Date')
      if (named === 'Date' && !FULL_DATE_LAYOUTS.has(field.date))
        report([...path, 'date'], `${field.date} may give a partial date: a Date field needs a whole-date layout, or make it PartialDate`)
      plan.date = field.date
    } else if (named === 'PartialDate' || named === 'Date') {
      report([...path, 'date'], `${named} needs the layout the source writes its dates in (date: …)`)
    }
    if (field.text) {
      only('text', named === 'String' || named === 'ID')
      if (itemKind !== 'string') report([...path, 'text'], `text steps read text, and ${field.from} in ${against} is a ${itemKind}`)
      plan.text = field.text
    }
    if (field.zeroPad) {
      if (!['String', 'ID', 'AdminCode', 'PIN', 'TaxCode'].includes(named)) report([...path, 'zeroPad'], `zeroPad makes text: ${named} cannot hold it`)
      plan.zeroPad = field.zeroPad
    }
    return plan
  }

  function checkType(name: string, record: JsonSchema, against: string): void {
    const key = `${name}\u0000${against}`
    if (checkedAgainst.has(key)) return
    checkedAgainst.add(key)
    const mapping = declaredTypes[name]!
    const fields: FieldPlan[] = []
    for (const [fieldName, field] of Object.entries(mapping.fields)) {
      const plan = checkField(name, fieldName, field, record, against)
      if (plan) fields.push(plan)
    }
    if (!plannedTypes.has(name)) plannedTypes.set(name, { name, ...(mapping.description ? { description: mapping.description } : {}), fields })
  }

  const envelope = mapping.envelope ? { status: splitPath(mapping.envelope.status), success: mapping.envelope.success } : undefined
  function checkEnvelope(op: DescribedOperation, answer: JsonSchema, path: Array<string | number>): void {
    if (!envelope || !mapping.envelope) return
    const at = propertyAt(answer, envelope.status)
    if (typeof at === 'string') report(path, `the envelope's ${mapping.envelope.status}: ${at} in ${op.id}'s answer`)
    else {
      const kind = kindOf(at.schema)
      const success = typeof mapping.envelope.success === 'string' ? 'string' : 'number'
      if (!(kind === success || (success === 'number' && kind === 'integer')))
        report(
          ['envelope', 'success'],
          `${mapping.envelope.status} in ${op.id}'s answer is a ${kind}; the success value ${JSON.stringify(mapping.envelope.success)} would never match`,
        )
    }
  }

  /** The key field: text every record carries, compared as written with the key asked for. */
  function checkKey(record: JsonSchema, key: readonly string[], path: Array<string | number>, against: string): void {
    const at = propertyAt(record, key)
    if (typeof at === 'string') report(path, `${at} in ${against}`)
    else if (!at.present || kindOf(at.schema) !== 'string')
      report(path, `${key.join('.')} in ${against} is not text every record carries (a key written as a number loses its leading zeros)`)
  }

  /** The answer's schema becomes the check every answer passes: one it cannot become is refused now, not at the first request. */
  function checkAnswerSchema(op: DescribedOperation, path: Array<string | number>): void {
    try {
      answerSchemaOf(op)
    } catch (error) {
      report(path, `${op.id}'s answer schema cannot be checked: ${error instanceof Error ? error.message.split('\n')[0] : 'unsupported'}`)
    }
  }

  const lookups: LookupPlan[] = []
  for (const [fieldName, lookup] of Object.entries(mapping.query)) {
    const path = ['query', fieldName]
    if (catalog.queryFields.has(fieldName)) report(path, `Query.${fieldName} is already a root field of the canonical schema`)
    if (!Object.hasOwn(declaredTypes, lookup.type)) report([...path, 'type'], `${lookup.type} is not a type of this mapping`)
    const op = operation(lookup.operation, [...path, 'operation'])
    const [argName, arg] = Object.entries(lookup.arguments)[0]!
    const argType = parseTypeRef(arg.type)
    // An identifier scalar: the audit trail records the subject asked about and grants can limit
    // reads per subject only for these (other keys are not offered yet).
    if (argType.list || !LOOKUP_KEY_SCALARS.has(argType.named))
      report([...path, 'arguments', argName, 'type'], `a lookup's key is one identifier, ${[...LOOKUP_KEY_SCALARS].join(' or ')}, not ${arg.type}`)
    if (!argType.nonNull) report([...path, 'arguments', argName, 'type'], `a lookup's key is required: ${arg.type}!`)
    if (!op) continue
    if (op.method !== 'GET') report([...path, 'operation'], `${op.id} is ${op.method}: a lookup reads with GET (many keys at once go in batch)`)
    const parameter = op.parameters.find((p) => p.name === arg.to)
    if (!parameter || parameter.in === 'header') report([...path, 'arguments', argName, 'to'], `${op.id} has no path or query parameter ${arg.to}`)
    if (/\d{6,}/.test(op.path))
      report([...path, 'operation'], `${op.id}'s path ${op.path} holds a run of six digits, which the registry client refuses (an identifier written in)`)
    for (const other of op.parameters)
      if (other.required && other.name !== arg.to)
        report([...path, 'operation'], `${op.id} requires ${other.in} parameter ${other.name}, which the mapping does not give`)
    if (op.requestBody?.required) report([...path, 'operation'], `${op.id} requires a request body`)
    const answer = answerOf(op)
    if (!answer) {
      report([...path, 'operation'], `${op.id} describes no JSON answer for status 200`)
      continue
    }
    checkEnvelope(op, answer, [...path, 'operation'])
    const result = splitPath(lookup.result)
    const record = propertyAt(answer, result)
    const key = splitPath(lookup.key)
    if (typeof record === 'string') report([...path, 'result'], `${record} in ${op.id}'s answer`)
    else if (kindOf(record.schema) !== 'object') report([...path, 'result'], `${lookup.result} in ${op.id}'s answer is not an object (a record)`)
    else {
      // A 200 is a record: "not found" is the described 404, never a missing or null result.
      if (!record.present) report([...path, 'result'], `${lookup.result} may be absent or null in ${op.id}'s answer: a 200 must carry the record`)
      checkKey(record.schema, key, [...path, 'key'], `${op.id} → ${lookup.result}`)
      if (Object.hasOwn(declaredTypes, lookup.type)) checkType(lookup.type, record.schema, `${op.id} → ${lookup.result}`)
    }
    checkAnswerSchema(op, [...path, 'operation'])

    let batch: BatchPlan | undefined
    if (lookup.batch) {
      const bpath = [...path, 'batch']
      const bop = operation(lookup.batch.operation, [...bpath, 'operation'])
      if (bop) {
        const body = bop.requestBody?.schema
        const keys = body ? propertyAt(body, [lookup.batch.keys]) : `${bop.id} takes no JSON body`
        if (typeof keys === 'string') report([...bpath, 'keys'], keys)
        else if (kindOf(keys.schema) !== 'array') report([...bpath, 'keys'], `${lookup.batch.keys} in ${bop.id}'s body is not a list`)
        else {
          const maxItems = keys.schema.maxItems
          if (typeof maxItems === 'number' && lookup.batch.maxSize > maxItems) report([...bpath, 'maxSize'], `${bop.id} takes at most ${maxItems} keys`)
        }
        for (const other of bop.parameters)
          if (other.required) report([...bpath, 'operation'], `${bop.id} requires ${other.in} parameter ${other.name}, which the mapping does not give`)
        const banswer = answerOf(bop)
        const bresult = splitPath(lookup.batch.result)
        const list = banswer ? propertyAt(banswer, bresult) : `${bop.id} describes no JSON answer for status 200`
        if (banswer) checkEnvelope(bop, banswer, [...bpath, 'operation'])
        if (typeof list === 'string') report([...bpath, 'result'], list)
        else if (kindOf(list.schema) !== 'array' || kindOf((list.schema.items ?? {}) as JsonSchema) !== 'object')
          report([...bpath, 'result'], `${lookup.batch.result} in ${bop.id}'s answer is not a list of records`)
        else {
          const items = list.schema.items as JsonSchema
          checkKey(items, key, [...path, 'key'], `${bop.id} → ${lookup.batch.result}[]`)
          const keyItems = typeof keys === 'string' ? undefined : ((keys.schema.items ?? {}) as JsonSchema)
          if (keyItems && kindOf(keyItems) !== 'string') report([...bpath, 'keys'], `${lookup.batch.keys} in ${bop.id}'s body must be a list of text keys`)
          if (Object.hasOwn(declaredTypes, lookup.type)) checkType(lookup.type, items, `${bop.id} → ${lookup.batch.result}[]`)
          checkAnswerSchema(bop, [...bpath, 'operation'])
          batch = { operation: bop, keysField: lookup.batch.keys, result: bresult, maxSize: lookup.batch.maxSize }
        }
      }
    }
    if (parameter && parameter.in !== 'header') {
      lookups.push({
        field: fieldName,
        ...(lookup.description ? { description: lookup.description } : {}),
        type: lookup.type,
        argument: { name: argName, type: argType, parameter: { name: parameter.name, in: parameter.in } },
        operation: op,
        result,
        key,
        ...(batch ? { batch } : {}),
      })
    }
  }

  // A type no root field reaches, directly or through another type's fields, is dead weight.
  const reached = new Set<string>()
  const reach = (name: string) => {
    if (reached.has(name) || !Object.hasOwn(declaredTypes, name)) return
    reached.add(name)
    for (const field of Object.values(declaredTypes[name]!.fields)) reach(parseTypeRef(field.type).named)
  }
  for (const lookup of Object.values(mapping.query)) reach(lookup.type)
  for (const name of Object.keys(declaredTypes)) if (!reached.has(name)) report(['types', name], `${name} is not read by any root field`)

  const health = operation(mapping.health.operation, ['health', 'operation'])
  if (health && health.method !== 'GET') report(['health', 'operation'], `${health.id} is ${health.method}: health is asked with GET`)
  if (health?.parameters.some((p) => p.required)) report(['health', 'operation'], `${health.id} requires parameters: health needs an operation that takes none`)

  const sourceKeys = description.apiKeys.map((k) => k.header.toLowerCase())
  if (mapping.auth.kind === 'apiKey' && sourceKeys.length && !sourceKeys.includes(mapping.auth.header.toLowerCase())) {
    report(['auth', 'header'], `${description.file} asks for the key in ${description.apiKeys.map((k) => k.header).join(', ')}, not ${mapping.auth.header}`)
  }
  if (mapping.auth.kind === 'none' && sourceKeys.length)
    report(['auth'], `${description.file} asks for an API key in ${description.apiKeys.map((k) => k.header).join(', ')}`)

  if (problems.length || !health) return problems
  const plan: ConnectorPlan = {
    name: mapping.connector,
    source: description,
    registry: mapping.registry,
    auth: mapping.auth,
    ...(mapping.deadlineMs === undefined ? {} : { deadlineMs: mapping.deadlineMs }),
    ...(envelope ? { envelope } : {}),
    health,
    enums: new Map(Object.entries(declaredEnums)),
    types: plannedTypes,
    lookups,
    sdl: '',
  }
  plan.sdl = printExtension(mapping)
  return plan
}

const quote = (text: string) => JSON.stringify(text)
const described = (text: string | undefined, indent: string) => (text ? `${indent}${quote(text)}\n` : '')

/** The SDL the mapping adds: enums, types, and the root fields as an extension of Query. */
export function printExtension(mapping: Mapping): string {
  const parts: string[] = []
  for (const [name, definition] of Object.entries(mapping.enums ?? {})) {
    const values = Object.entries(definition.values).map(([value, about]) => `${described(about?.description, '  ')}  ${value}`)
    parts.push(`${described(definition.description, '')}enum ${name} {\n${values.join('\n')}\n}`)
  }
  for (const [name, definition] of Object.entries(mapping.types)) {
    const fields = Object.entries(definition.fields).map(([field, about]) => `${described(about.description, '  ')}  ${field}: ${about.type}`)
    parts.push(`${described(definition.description, '')}type ${name} {\n${fields.join('\n')}\n}`)
  }
  const roots = Object.entries(mapping.query).map(([field, lookup]) => {
    const args = Object.entries(lookup.arguments).map(([arg, about]) => `${about.description ? `${quote(about.description)} ` : ''}${arg}: ${about.type}`)
    return `${described(lookup.description, '  ')}  ${field}(${args.join(', ')}): ${lookup.type}`
  })
  parts.push(`extend type Query {\n${roots.join('\n')}\n}`)
  return `${parts.join('\n\n')}\n`
}
