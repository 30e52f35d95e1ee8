/**
 * A mapping checked against the source's description and the canonical schema, and turned into
 * the plan the engine runs: which operation answers each root field, where each canonical field
 * is read from, and which steps make its value. Every problem is collected, each naming the
 * mapping's path (and so its line); nothing is checked later, at request time, that could have
 * been checked here.
 */
import type { CanonicalCatalog } from './canonical-catalog.js'
import type { DescribedOperation, JsonSchema, SourceDescription } from './description.js'
import { kindOf, propertyAt } from './json-schema.js'
import type { EnumMapping, Mapping } from './mapping-schema.js'
import { answerSchemaOf } from './answer-schema.js'
import { LOOKUP_KEYS, lookupKeyOf } from './lookup-keys.js'
import { type GroupPlan, planGroup } from './plan-groups.js'
import { type ListPlan, planList } from './plan-lists.js'
import { type BatchPlan, type LookupPlan, parseTypeRef, type PlanContext, type ProblemPath, splitPath, TypeChecker, type TypePlan } from './plan-types.js'

export type { BatchPlan, FieldPlan, LookupPlan, PlanContext, TypePlan, TypeRef } from './plan-types.js'
export { parseTypeRef } from './plan-types.js'
export type { ListPlan } from './plan-lists.js'
export type { GroupPlan, HolderKind } from './plan-groups.js'

export interface ConnectorPlan {
  name: string
  /** The source's description the plan was checked against (the replay sandbox answers from its examples). */
  source: SourceDescription
  registry: string
  auth: Mapping['auth']
  /** For `auth: oauthClientCredentials`: the description's token URL, and the scopes asked for. */
  oauth?: { tokenUrl: string; scopes: readonly string[] }
  /** The source asks for a client certificate (mutual TLS). */
  clientCertificate: boolean
  deadlineMs?: number
  /** The source's retry policy (`retries`), applied within the gateway's. */
  retries?: { attempts: number; delayMs?: number }
  envelope?: { status: readonly string[]; success: string | number }
  health: DescribedOperation
  enums: ReadonlyMap<string, EnumMapping>
  types: ReadonlyMap<string, TypePlan>
  lookups: readonly LookupPlan[]
  lists: readonly ListPlan[]
  groups: readonly GroupPlan[]
  /** The canonical schema's extension: the mapping's enums and types and its root fields (canonical ones it answers are not repeated). */
  sdl: string
}

export interface Problem {
  path: Array<string | number>
  problem: string
}

/** A loader name of the fixed set (`RegistryLoaders`): a canonical root field's own. */
const loaderOf = (connector: string, field: string, canonical: boolean) => (canonical ? field : `${connector}:${field}`)

/**
 * Checks a mapping against its source's description and the canonical catalog, and plans it.
 * Returns the plan, or every problem found (an empty plan is never returned with problems).
 */
export function planConnector(mapping: Mapping, description: SourceDescription, catalog: CanonicalCatalog): ConnectorPlan | Problem[] {
  const problems: Problem[] = []
  const seen = new Set<string>()
  // A type read from several records (a lookup's, a batch's) may fail the same way in each: said once.
  const report = (path: ProblemPath, problem: string) => {
    const key = `${path.join('.')}\u0000${problem}`
    if (seen.has(key)) return
    seen.add(key)
    problems.push({ path, problem })
  }
  const types = new TypeChecker(mapping, catalog, report)
  const envelope = mapping.envelope ? { status: splitPath(mapping.envelope.status), success: mapping.envelope.success } : undefined
  const context: PlanContext = {
    mapping,
    description,
    catalog,
    types,
    report,
    operation(id, path) {
      const found = description.operations.get(id)
      if (!found) report(path, `${description.file} has no operation ${id} (it has ${[...description.operations.keys()].join(', ') || 'none'})`)
      return found
    },
    answerOf: (op) => op.responses.find((r) => r.status === 200 && r.schema)?.schema,
    checkEnvelope(op, answer, path) {
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
    },
    // The answer's schema becomes the check every answer passes: one it cannot become is refused now, not at the first request.
    checkAnswerSchema(op, path) {
      try {
        answerSchemaOf(op)
      } catch (error) {
        report(path, `${op.id}'s answer schema cannot be checked: ${error instanceof Error ? error.message.split('\n')[0] : 'unsupported'}`)
      }
    },
  }
  const { operation, answerOf, checkEnvelope, checkAnswerSchema } = context

  const declaredTypes = mapping.types
  const declaredEnums = mapping.enums ?? {}
  for (const name of Object.keys(declaredEnums)) {
    if (catalog.typeNames.has(name))
      report(['enums', name], `${name} is already a type of the canonical schema: a source adds types, it does not redefine them`)
    if (Object.hasOwn(declaredTypes, name)) report(['enums', name], `${name} is declared both as a type and as an enum`)
  }
  for (const [name, type] of Object.entries(declaredTypes)) {
    // A canonical object type is answered, not redefined: its fields come from the canonical schema.
    if (catalog.typeNames.has(name) && !catalog.objects.has(name))
      report(['types', name], `${name} is already a type of the canonical schema, and not an object type a source can answer`)
    if (catalog.objects.has(name) && type.description) report(['types', name, 'description'], `${name} is described by the canonical schema`)
  }

  /** The key field: text every record carries, compared with the key asked for. */
  function checkKey(record: JsonSchema, key: readonly string[], path: ProblemPath, against: string): void {
    const at = propertyAt(record, key)
    if (typeof at === 'string') report(path, `${at} in ${against}`)
    else if (!at.present || kindOf(at.schema) !== 'string')
      report(path, `${key.join('.')} in ${against} is not text every record carries (a key written as a number loses its leading zeros)`)
  }

  const lookups: LookupPlan[] = []
  for (const [fieldName, lookup] of Object.entries(mapping.query)) {
    const path = ['query', fieldName]
    const canonical = catalog.query.get(fieldName)
    const [argName, arg] = Object.entries(lookup.arguments)[0]!
    let typeName = lookup.type
    let argTypeText = arg.type
    if (canonical) {
      // A canonical root field this source is the registry of: its type and argument are the schema's.
      const named = parseTypeRef(canonical.type)
      if (named.list || named.nonNull) report(path, `Query.${fieldName} is ${canonical.type}: a lookup answers one record or null`)
      if (typeName !== undefined && typeName !== named.named) report([...path, 'type'], `Query.${fieldName} is ${canonical.type} in the canonical schema`)
      typeName = named.named
      const canonicalArg = canonical.args.get(argName)
      if (canonicalArg === undefined)
        report([...path, 'arguments', argName], `Query.${fieldName} has no argument ${argName} (it has ${[...canonical.args.keys()].join(', ')})`)
      else if (canonical.args.size !== 1)
        report([...path, 'arguments'], `Query.${fieldName} takes ${canonical.args.size} arguments: a lookup takes one, its key`)
      if (argTypeText !== undefined && canonicalArg !== undefined && argTypeText !== canonicalArg)
        report([...path, 'arguments', argName, 'type'], `${argName} is ${canonicalArg} in the canonical schema`)
      argTypeText = canonicalArg ?? argTypeText
    } else {
      if (typeName === undefined) report([...path, 'type'], `${fieldName} needs its type: it is a root field of this mapping`)
      if (argTypeText === undefined) report([...path, 'arguments', argName, 'type'], `${argName} needs its type: ${fieldName} is a root field of this mapping`)
      if (typeName !== undefined && !Object.hasOwn(declaredTypes, typeName)) report([...path, 'type'], `${typeName} is not a type of this mapping`)
    }
    if (typeName !== undefined && !Object.hasOwn(declaredTypes, typeName)) {
      if (canonical) report([...path, 'type'], `${typeName} is not mapped: answer it under types.${typeName}`)
    }
    const op = operation(lookup.operation, [...path, 'operation'])
    const argType = parseTypeRef(argTypeText ?? 'String')
    // One key of the table: an identifier scalar, or text in a form the engine knows.
    const keyOf = argType.list ? undefined : lookupKeyOf(argType.named, arg.form)
    if (argTypeText !== undefined && !keyOf) {
      const forms = [...LOOKUP_KEYS].map(([name, key]) => (key.scalar === 'String' ? `String with form: ${name}` : name))
      report(
        [...path, 'arguments', argName, arg.form === undefined ? 'type' : 'form'],
        `a lookup's key is one of ${forms.join(', ')}; not ${argTypeText}${arg.form === undefined ? '' : ` with form: ${arg.form}`}`,
      )
    }
    if (argTypeText !== undefined && !argType.nonNull) report([...path, 'arguments', argName, 'type'], `a lookup's key is required: ${argTypeText}!`)
    if (!op || typeName === undefined) continue
    // A SOAP operation takes its key as a field of its request element; a REST one as a path or query parameter of a GET.
    const soap = op.soap !== undefined
    let parameter: { name: string; in: 'path' | 'query' | 'body' } | undefined
    if (soap) {
      const request = op.requestBody?.schema ?? {}
      const field = propertyAt(request, [arg.to])
      if (typeof field === 'string') report([...path, 'arguments', argName, 'to'], `${op.id}'s request has no field ${arg.to}`)
      else if (kindOf(field.schema) !== 'string')
        report([...path, 'arguments', argName, 'to'], `${arg.to} of ${op.id}'s request is not text (an identifier written as a number loses its leading zeros)`)
      else parameter = { name: arg.to, in: 'body' }
      for (const other of Array.isArray(request.required) ? (request.required as string[]) : [])
        if (other !== arg.to) report([...path, 'operation'], `${op.id} requires ${other} in its request, which the mapping does not give`)
    } else {
      if (op.method !== 'GET') report([...path, 'operation'], `${op.id} is ${op.method}: a lookup reads with GET (many keys at once go in batch)`)
      const found = op.parameters.find((p) => p.name === arg.to)
      if (!found || found.in === 'header') report([...path, 'arguments', argName, 'to'], `${op.id} has no path or query parameter ${arg.to}`)
      else parameter = { name: found.name, in: found.in }
      if (/\d{6,}/.test(op.path))
        report([...path, 'operation'], `${op.id}'s path ${op.path} holds a run of six digits, which the registry client refuses (an identifier written in)`)
      for (const other of op.parameters)
        if (other.required && other.name !== arg.to)
          report([...path, 'operation'], `${op.id} requires ${other.in} parameter ${other.name}, which the mapping does not give`)
      if (op.requestBody?.required) report([...path, 'operation'], `${op.id} requires a request body`)
    }
    if (arg.text || arg.length || arg.codes)
      report([...path, 'arguments', argName], "a lookup's key is sent as the identifier's canonical form: text, length and codes apply to list arguments")
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
      // A REST 200 is a record: "not found" is the described 404, never a missing or null result.
      // A SOAP service answers every call with 200 and says "none" by leaving the record out.
      if (!record.present && !soap) report([...path, 'result'], `${lookup.result} may be absent or null in ${op.id}'s answer: a 200 must carry the record`)
      checkKey(record.schema, key, [...path, 'key'], `${op.id} → ${lookup.result}`)
      if (Object.hasOwn(declaredTypes, typeName)) types.checkMapped(typeName, record.schema, `${op.id} → ${lookup.result}`)
    }
    checkAnswerSchema(op, [...path, 'operation'])

    let batch: BatchPlan | undefined
    if (lookup.batch && soap) report([...path, 'batch'], 'batches of a SOAP operation are not offered yet')
    else if (lookup.batch) {
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
          if (Object.hasOwn(declaredTypes, typeName)) types.checkMapped(typeName, items, `${bop.id} → ${lookup.batch.result}[]`)
          checkAnswerSchema(bop, [...bpath, 'operation'])
          batch = { operation: bop, keysField: lookup.batch.keys, result: bresult, maxSize: lookup.batch.maxSize }
        }
      }
    }
    // The field that holds the key as the loader's key: read as it is (a trim at most), by the key's own scalar.
    const keyField = Object.entries(declaredTypes[typeName]?.fields ?? {}).find(
      ([name, field]) =>
        field !== null &&
        field.from === lookup.key &&
        !field.fields &&
        !field.link &&
        !field.codes &&
        !field.zeroPad &&
        !field.by &&
        field.form === arg.form &&
        (field.text ?? []).every((step) => step === 'trim') &&
        parseTypeRef(field.type ?? catalog.objects.get(typeName)?.get(name)?.type ?? '').named === argType.named,
    )?.[0]
    if (parameter) {
      lookups.push({
        field: fieldName,
        ...(lookup.description ? { description: lookup.description } : {}),
        type: typeName,
        loader: loaderOf(mapping.connector, fieldName, canonical !== undefined),
        argument: { name: argName, type: argType, form: keyOf?.name ?? argType.named, parameter },
        operation: op,
        result,
        key,
        ...(keyField ? { keyField } : {}),
        ...(batch ? { batch } : {}),
      })
    }
  }

  const groups: GroupPlan[] = []
  for (const [name, group] of Object.entries(mapping.groups ?? {})) {
    const planned = planGroup(context, name, group)
    if (planned) groups.push(planned)
  }

  const lists: ListPlan[] = []
  for (const [fieldName, list] of Object.entries(mapping.lists ?? {})) {
    const planned = planList(context, fieldName, list, lookups, groups)
    if (planned) lists.push(planned)
  }

  // A type no root field reaches, directly or through another type's fields, is dead weight.
  const reached = new Set<string>()
  const reach = (name: string | undefined) => {
    if (name === undefined || reached.has(name) || !Object.hasOwn(declaredTypes, name)) return
    reached.add(name)
    const walk = (fields: Readonly<Record<string, { type?: string | undefined; fields?: unknown } | null>>, owner: string) => {
      for (const [fieldName, field] of Object.entries(fields)) {
        if (field === null) continue
        const typeText = field.type ?? catalog.objects.get(owner)?.get(fieldName)?.type
        if (typeText) reach(parseTypeRef(typeText).named)
        const inner = field.fields as Readonly<Record<string, { type?: string | undefined; fields?: unknown } | null>> | undefined
        if (inner && typeText) walk(inner, parseTypeRef(typeText).named)
      }
    }
    walk(declaredTypes[name]!.fields, name)
  }
  for (const lookup of lookups) reach(lookup.type)
  for (const list of lists) reach(list.type)
  for (const group of groups) reach(group.type)
  for (const [fieldName, lookup] of Object.entries(mapping.query))
    reach(lookup.type ?? (catalog.query.get(fieldName) ? parseTypeRef(catalog.query.get(fieldName)!.type).named : undefined))
  for (const name of Object.keys(declaredTypes)) if (!reached.has(name)) report(['types', name], `${name} is not read by any root field`)

  const health = operation(mapping.health.operation, ['health', 'operation'])
  if (health && !health.soap && health.method !== 'GET') report(['health', 'operation'], `${health.id} is ${health.method}: health is asked with GET`)
  const healthTakes = health?.soap
    ? ((health.requestBody?.schema.required as string[] | undefined) ?? [])
    : (health?.parameters.filter((p) => p.required) ?? [])
  if (health && healthTakes.length) report(['health', 'operation'], `${health.id} requires parameters: health needs an operation that takes none`)

  const sourceKeys = description.apiKeys.map((k) => k.header.toLowerCase())
  if (mapping.auth.kind === 'apiKey' && sourceKeys.length && !sourceKeys.includes(mapping.auth.header.toLowerCase())) {
    report(['auth', 'header'], `${description.file} asks for the key in ${description.apiKeys.map((k) => k.header).join(', ')}, not ${mapping.auth.header}`)
  }
  if (mapping.auth.kind === 'soapHeader') {
    const auth = mapping.auth
    // Every SOAP call the engine makes carries the account: each operation must declare that header with those fields as text.
    const called = [
      ...lookups.flatMap((lookup) => [lookup.operation, ...(lookup.batch ? [lookup.batch.operation] : [])]),
      ...lists.map((list) => list.operation),
      ...groups.map((group) => group.operation),
      ...(health ? [health] : []),
    ]
    if (description.kind !== 'wsdl') report(['auth', 'kind'], `soapHeader is for a SOAP source, and ${description.file} is not a WSDL`)
    else
      for (const op of new Set(called)) {
        const header = op.soap?.headers.find((h) => h.element === auth.header)
        if (!header) {
          report(['auth', 'header'], `${op.id} declares no SOAP header ${auth.header}`)
          continue
        }
        for (const field of [auth.username, auth.password, ...(auth.requestId ? [auth.requestId] : [])]) {
          const at = propertyAt(header.schema, [field])
          if (typeof at === 'string' || kindOf(at.schema) !== 'string') report(['auth'], `${field} is not a text field of ${op.id}'s header ${auth.header}`)
        }
      }
  }
  if (mapping.auth.kind === 'none' && sourceKeys.length)
    report(['auth'], `${description.file} asks for an API key in ${description.apiKeys.map((k) => k.header).join(', ')}`)
  // One credential per source: a description that asks for OAuth is answered with OAuth, and only one flow is taken.
  let oauth: ConnectorPlan['oauth']
  if (mapping.auth.kind === 'oauthClientCredentials') {
    const [flow, ...others] = description.oauth
    if (!flow)
      report(['auth', 'kind'], `${description.file} describes no OAuth client credentials flow (securitySchemes of type oauth2 with flows.clientCredentials)`)
    else if (others.length) report(['auth', 'kind'], `${description.file} asks for ${description.oauth.length} OAuth schemes at once: one is taken`)
    else {
      const scopes = mapping.auth.scopes ?? []
      scopes.forEach((scope, index) => {
        if (!flow.scopes.includes(scope))
          report(['auth', 'scopes', index], `${scope} is not a scope ${flow.scheme} declares (${flow.scopes.join(', ') || 'none'})`)
      })
      oauth = { tokenUrl: flow.tokenUrl, scopes }
    }
    if (sourceKeys.length) report(['auth', 'kind'], `${description.file} also asks for an API key: one credential per source is offered`)
  } else if (description.oauth.length)
    report(
      ['auth', 'kind'],
      `${description.file} asks for OAuth client credentials (${description.oauth.map((o) => o.scheme).join(', ')}): auth: { kind: oauthClientCredentials }`,
    )

  if (description.mutualTls && !mapping.clientCertificate)
    report(['auth'], `${description.file} asks for a client certificate (mutualTLS): clientCertificate: true`)

  if (problems.length || !health) return problems
  return {
    name: mapping.connector,
    source: description,
    registry: mapping.registry,
    auth: mapping.auth,
    ...(oauth ? { oauth } : {}),
    clientCertificate: mapping.clientCertificate === true,
    ...(mapping.deadlineMs === undefined ? {} : { deadlineMs: mapping.deadlineMs }),
    ...(mapping.retries === undefined ? {} : { retries: mapping.retries }),
    ...(envelope ? { envelope } : {}),
    health,
    enums: new Map(Object.entries(declaredEnums)),
    types: types.planned,
    lookups,
    lists,
    groups,
    sdl: printExtension(mapping, catalog),
  }
}

const quote = (text: string) => JSON.stringify(text)
const described = (text: string | undefined, indent: string) => (text ? `${indent}${quote(text)}\n` : '')

/** The SDL the mapping adds: enums, types, and the root fields as an extension of Query. */
export function printExtension(mapping: Mapping, catalog: CanonicalCatalog): string {
  const parts: string[] = []
  for (const [name, definition] of Object.entries(mapping.enums ?? {})) {
    const values = Object.entries(definition.values).map(([value, about]) => `${described(about?.description, '  ')}  ${value}`)
    parts.push(`${described(definition.description, '')}enum ${name} {\n${values.join('\n')}\n}`)
  }
  for (const [name, definition] of Object.entries(mapping.types)) {
    // A canonical type the source answers is already in the schema.
    if (catalog.objects.has(name)) continue
    // A new type's fields are all mapped (the check refuses `null` there).
    const fields = Object.entries(definition.fields).map(([field, about]) => `${described(about?.description, '  ')}  ${field}: ${about?.type}`)
    parts.push(`${described(definition.description, '')}type ${name} {\n${fields.join('\n')}\n}`)
  }
  const roots = Object.entries(mapping.query)
    .filter(([field]) => !catalog.query.has(field))
    .map(([field, lookup]) => {
      const args = Object.entries(lookup.arguments).map(([arg, about]) => `${about.description ? `${quote(about.description)} ` : ''}${arg}: ${about.type}`)
      return `${described(lookup.description, '  ')}  ${field}(${args.join(', ')}): ${lookup.type}`
    })
  if (roots.length) parts.push(`extend type Query {\n${roots.join('\n')}\n}`)
  return parts.length ? `${parts.join('\n\n')}\n` : ''
}
