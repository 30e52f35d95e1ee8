/**
 * The check of a list root field: a canonical `…Connection` field answered by one operation read
 * in windows by offset. Its arguments become the operation's parameters (query parameters, or a
 * SOAP request's fields; checked against their own schemas), and its records are either the items
 * themselves or summaries whose full records a lookup's batch reads. A list may instead be a
 * group's, whole, when the caller names the group's key (a holder's parcels).
 */
import type { DescribedOperation, JsonSchema } from './description.js'
import { enumValues, kindOf, propertyAt } from './json-schema.js'
import type { ArgumentMapping, ListMapping, TextStep } from './mapping-schema.js'
import type { GroupPlan, HolderKind } from './plan-groups.js'
import { type LookupPlan, parseTypeRef, type PlanContext, splitPath } from './plan-types.js'

/** Registries page at 100 records at most; a parameter's own `maximum` may say less. */
const MAX_WINDOW = 100

export interface ListArgumentPlan {
  /** The argument, then the fields into its input object: `['filter', 'name']`. */
  path: readonly string[]
  parameter: string
  /** The parameter is a whole number: the value's digits are sent as one. */
  integer: boolean
  text?: readonly TextStep[]
  length?: number
  codes?: ReadonlyMap<string, string | number>
  /** The caller must give it (when the list is not read from its group). */
  required?: true
}

/** A list read from a group when the caller gives its argument: the key's records, whole, filtered. */
export interface ListGroupPlan {
  argument: string
  /** The argument's input fields, by the kind of key each holds: `{ pin: PIN, taxCode: TaxCode }`. */
  keyFields: ReadonlyArray<{ field: string; kind: HolderKind }>
  group: GroupPlan
  /** Each filter argument, and the paths of the mapped record any of which must equal it. */
  filters: ReadonlyArray<{ argument: string; paths: ReadonlyArray<readonly string[]> }>
}

export interface ListPlan {
  field: string
  /** The record type of the connection's `nodes`. */
  type: string
  operation: DescribedOperation
  arguments: readonly ListArgumentPlan[]
  page: { offset: string; limit: string; maxWindow: number }
  total: readonly string[]
  items: readonly string[]
  /** Summaries read in full by this lookup (by `key`), or the items mapped as they are. */
  each: { key?: readonly string[]; lookup?: LookupPlan }
  byGroup?: ListGroupPlan
}

/** The type of an argument path (`filter.name`) through the canonical input objects, or a problem. */
function argumentType(context: PlanContext, args: ReadonlyMap<string, string>, path: readonly string[]): string | { problem: string } {
  let type = args.get(path[0]!)
  if (type === undefined) return { problem: `has no argument ${path[0]}` }
  for (const step of path.slice(1)) {
    const input = context.catalog.inputs.get(parseTypeRef(type).named)
    if (!input) return { problem: `${parseTypeRef(type).named} is not an input object: ${step} cannot be read from it` }
    type = input.get(step)
    if (type === undefined) return { problem: `has no input field ${step}` }
  }
  return type
}

/** The arguments of a field as dotted leaves: `filter.name`, `filter.status`, `first`. */
function argumentLeaves(context: PlanContext, args: ReadonlyMap<string, string>): string[] {
  const leaves: string[] = []
  const walk = (prefix: string, type: string, depth: number) => {
    const input = context.catalog.inputs.get(parseTypeRef(type).named)
    if (!input || depth > 4) {
      leaves.push(prefix)
      return
    }
    for (const [name, inner] of input) walk(`${prefix}.${name}`, inner, depth + 1)
  }
  for (const [name, type] of args) walk(name, type, 0)
  return leaves
}

/** A REST operation's query parameter, or a SOAP operation's field of its request element. */
function parameterKind(operation: DescribedOperation, name: string): { schema: JsonSchema } | undefined {
  if (operation.soap) {
    const field = propertyAt(operation.requestBody?.schema ?? {}, [name])
    return typeof field === 'string' ? undefined : { schema: field.schema }
  }
  const parameter = operation.parameters.find((p) => p.name === name && p.in === 'query')
  return parameter ? { schema: parameter.schema } : undefined
}

/** What the operation calls its parameters, for messages. */
const parameterNoun = (operation: DescribedOperation) => (operation.soap ? 'request field' : 'query parameter')

export function planList(
  context: PlanContext,
  field: string,
  list: ListMapping,
  lookups: readonly LookupPlan[],
  groups: readonly GroupPlan[],
): ListPlan | undefined {
  const { report, catalog, types } = context
  const path = ['lists', field]
  const canonical = catalog.query.get(field)
  if (!canonical) {
    report(path, `Query.${field} is not a root field of the canonical schema: a source answers canonical lists (new list fields are not offered yet)`)
    return undefined
  }
  const connection = catalog.objects.get(parseTypeRef(canonical.type).named)
  const nodes = connection?.get('nodes')
  if (!nodes || !connection?.has('pageInfo') || !connection.has('totalCount')) {
    report(path, `Query.${field} is ${canonical.type}, not a connection (nodes, pageInfo, totalCount)`)
    return undefined
  }
  for (const paging of ['first', 'after'])
    if (!canonical.args.has(paging)) report(path, `Query.${field} has no ${paging} argument: a list is paged by first and after`)
  const type = parseTypeRef(nodes.type).named
  if (!Object.hasOwn(context.mapping.types, type)) report(path, `${type} is not mapped: answer it under types.${type}`)

  const operation = context.operation(list.operation, [...path, 'operation'])
  if (!operation) return undefined
  if (!operation.soap && operation.method !== 'GET') report([...path, 'operation'], `${operation.id} is ${operation.method}: a list reads with GET`)
  const byGroup = list.byGroup ? planByGroup(context, field, list.byGroup, canonical.args, type, groups) : undefined

  const given = new Set<string>()
  const planned: ListArgumentPlan[] = []
  for (const [name, argument] of Object.entries(list.arguments ?? {})) {
    const apath = [...path, 'arguments', name]
    const steps = name.split('.')
    if (steps[0] === 'first' || steps[0] === 'after') {
      report(apath, `${steps[0]} pages the list: the engine sends it as the page's offset and limit`)
      continue
    }
    const typeText = argumentType(context, canonical.args, steps)
    if (typeof typeText !== 'string') {
      report(apath, `Query.${field} ${typeText.problem}`)
      continue
    }
    if (argument.form !== undefined) report([...apath, 'form'], "form names a lookup's key: a list's arguments are sent as the caller gives them")
    if (argument.type !== undefined && argument.type !== typeText) report([...apath, 'type'], `${name} is ${typeText} in the canonical schema`)
    const plan = planArgument(context, operation, name, argument, typeText, apath)
    if (plan) {
      planned.push(plan)
      given.add(argument.to)
    }
  }

  // Every filter the caller can send must reach the source: one left out would widen the answer
  // to records the caller did not ask for. The group's argument chooses the group instead, and
  // then every other argument must filter it.
  const mapped = new Set(Object.keys(list.arguments ?? {}))
  const byArgument = list.byGroup?.argument
  for (const leaf of argumentLeaves(context, canonical.args)) {
    if (leaf === 'first' || leaf === 'after' || (byArgument !== undefined && (leaf === byArgument || leaf.startsWith(`${byArgument}.`)))) continue
    if (!mapped.has(leaf)) report([...path, 'arguments'], `${leaf} of Query.${field} is not sent to the source: every argument must be`)
    if (list.byGroup && !Object.hasOwn(list.byGroup.filters ?? {}, leaf.split('.')[0]!))
      report([...path, 'byGroup', 'filters'], `${leaf} of Query.${field} does not filter the group: every argument must`)
  }
  const targets = new Map<string, string>()
  for (const [name, argument] of Object.entries(list.arguments ?? {})) {
    const other = targets.get(argument.to)
    if (other !== undefined) report([...path, 'arguments', name, 'to'], `${argument.to} already takes ${other}: one parameter takes one argument`)
    targets.set(argument.to, name)
  }
  const pageParameters = { offset: list.page.offset, limit: list.page.limit }
  for (const [role, name] of Object.entries(pageParameters))
    if (targets.has(name)) report([...path, 'page', role], `${name} takes ${targets.get(name)}: the page's ${role} needs its own parameter`)
  let maxWindow = MAX_WINDOW
  for (const [role, name] of Object.entries(pageParameters)) {
    const parameter = parameterKind(operation, name)
    if (!parameter) report([...path, 'page', role], `${operation.id} has no ${parameterNoun(operation)} ${name}`)
    else if (kindOf(parameter.schema) !== 'integer') report([...path, 'page', role], `${name} of ${operation.id} is not a whole number`)
    else if (role === 'limit' && typeof parameter.schema.maximum === 'number') maxWindow = Math.min(maxWindow, parameter.schema.maximum)
    given.add(name)
  }
  for (const parameter of operation.parameters)
    if (parameter.required && !given.has(parameter.name))
      report([...path, 'operation'], `${operation.id} requires ${parameter.in} parameter ${parameter.name}, which the mapping does not give`)
  const requiredFields = operation.soap ? ((operation.requestBody?.schema.required as string[] | undefined) ?? []) : []
  for (const name of requiredFields) {
    const argument = Object.values(list.arguments ?? {}).find((a) => a.to === name)
    // A field the operation requires is given on every call: by the page, or by an argument the caller must give.
    if (!given.has(name) || (argument !== undefined && !argument.required))
      report([...path, 'operation'], `${operation.id} requires ${name} in its request: map an argument to it with required: true`)
  }

  const answer = context.answerOf(operation)
  if (!answer) {
    report([...path, 'operation'], `${operation.id} describes no JSON answer for status 200`)
    return undefined
  }
  context.checkEnvelope(operation, answer, [...path, 'operation'])
  context.checkAnswerSchema(operation, [...path, 'operation'])
  const total = splitPath(list.total)
  const totalAt = propertyAt(answer, total)
  if (typeof totalAt === 'string') report([...path, 'total'], `${totalAt} in ${operation.id}'s answer`)
  // An .asmx service declares every result element optional (minOccurs 0): an answer without the
  // count is refused when it comes, not at load.
  else if ((!totalAt.present && !operation.soap) || kindOf(totalAt.schema) !== 'integer')
    report([...path, 'total'], `${list.total} in ${operation.id}'s answer is not a count every answer carries`)
  const items = splitPath(list.items)
  const itemsAt = propertyAt(answer, items)
  let item: JsonSchema | undefined
  if (typeof itemsAt === 'string') report([...path, 'items'], `${itemsAt} in ${operation.id}'s answer`)
  else if (kindOf(itemsAt.schema) !== 'array' || kindOf((itemsAt.schema.items ?? {}) as JsonSchema) !== 'object')
    report([...path, 'items'], `${list.items} in ${operation.id}'s answer is not a list of records`)
  else item = itemsAt.schema.items as JsonSchema

  let lookup: LookupPlan | undefined
  const key = list.each.key === undefined ? undefined : splitPath(list.each.key)
  if (list.each.lookup !== undefined) {
    lookup = lookups.find((l) => l.field === list.each.lookup)
    if (!lookup) report([...path, 'each', 'lookup'], `${list.each.lookup} is not a lookup of this mapping`)
    else if (lookup.type !== type) report([...path, 'each', 'lookup'], `${list.each.lookup} answers ${lookup.type}, and the list holds ${type}`)
    if (!key) report([...path, 'each'], 'a lookup reads each record by its key: give each.key')
    else if (item) {
      const at = propertyAt(item, key)
      if (typeof at === 'string') report([...path, 'each', 'key'], `${at} in ${operation.id} → ${list.items}[]`)
      else if (!at.present || kindOf(at.schema) !== 'string')
        report([...path, 'each', 'key'], `${list.each.key} in ${operation.id} → ${list.items}[] is not text every record carries`)
    }
  } else if (item && Object.hasOwn(context.mapping.types, type)) {
    types.checkMapped(type, item, `${operation.id} → ${list.items}[]`)
  }
  return {
    field,
    type,
    operation,
    arguments: planned,
    page: { ...pageParameters, maxWindow },
    total,
    items,
    each: { ...(key ? { key } : {}), ...(lookup ? { lookup } : {}) },
    ...(byGroup ? { byGroup } : {}),
  }
}

function planByGroup(
  context: PlanContext,
  field: string,
  byGroup: NonNullable<ListMapping['byGroup']>,
  args: ReadonlyMap<string, string>,
  type: string,
  groups: readonly GroupPlan[],
): ListGroupPlan | undefined {
  const { report, catalog } = context
  const path = ['lists', field, 'byGroup']
  const group = groups.find((g) => g.loader === byGroup.group)
  if (!group) {
    report([...path, 'group'], `${byGroup.group} is not a group of this mapping`)
    return undefined
  }
  if (group.type !== type) report([...path, 'group'], `${byGroup.group} answers ${group.type}, and the list holds ${type}`)
  const argumentType = args.get(byGroup.argument)
  const input = argumentType === undefined ? undefined : catalog.inputs.get(parseTypeRef(argumentType).named)
  const keyFields: Array<ListGroupPlan['keyFields'][number]> = []
  if (!input) report([...path, 'argument'], `${byGroup.argument} is not an input argument of Query.${field}`)
  else
    for (const [name, typeText] of input) {
      const kind = parseTypeRef(typeText).named
      if (kind !== 'PIN' && kind !== 'TaxCode')
        report([...path, 'argument'], `${name} of ${byGroup.argument} is ${typeText}: a group's key is a PIN or a TaxCode`)
      else if (!group.codes.has(kind)) report([...path, 'argument'], `${name} is a ${kind}, which ${byGroup.group} has no code for`)
      else keyFields.push({ field: name, kind })
    }
  const filters: Array<ListGroupPlan['filters'][number]> = []
  for (const [argument, paths] of Object.entries(byGroup.filters ?? {})) {
    if (!args.has(argument)) report([...path, 'filters', argument], `Query.${field} has no argument ${argument}`)
    const planned = paths.map((text, index) => {
      const steps = splitPath(text)
      // A path of the canonical record: its fields, or the codes it carries for the kit's resolvers.
      let owner = type
      for (const [i, step] of steps.entries()) {
        const declared = catalog.objects.get(owner)?.get(step) ?? catalog.carried.get(owner)?.get(step)
        if (!declared) {
          report([...path, 'filters', argument, index], `${owner} has no field ${step}`)
          break
        }
        if (i < steps.length - 1) owner = parseTypeRef(declared.type).named
      }
      return steps
    })
    filters.push({ argument, paths: planned })
  }
  return { argument: byGroup.argument, keyFields, group, filters }
}

function planArgument(
  context: PlanContext,
  operation: DescribedOperation,
  name: string,
  argument: ArgumentMapping,
  typeText: string,
  path: Array<string | number>,
): ListArgumentPlan | undefined {
  const { report, catalog } = context
  const parameter = parameterKind(operation, argument.to)
  if (!parameter) {
    report([...path, 'to'], `${operation.id} has no ${parameterNoun(operation)} ${argument.to}`)
    return undefined
  }
  const type = parseTypeRef(typeText)
  if (type.list) report([...path, 'type'], `${name} is a list: a list argument is not sent as a parameter yet`)
  const sourceKind = kindOf(parameter.schema)
  const enumValuesOfType = catalog.enums.get(type.named)
  const plan: ListArgumentPlan = { path: name.split('.'), parameter: argument.to, integer: sourceKind === 'integer' }
  if (enumValuesOfType) {
    if (!argument.codes) {
      report([...path, 'codes'], `${type.named} is an enum: the argument needs the source's code for each value`)
      return plan
    }
    const gaps = [...enumValuesOfType].filter((value) => !Object.hasOwn(argument.codes!, value))
    if (gaps.length) report([...path, 'codes'], `the code list has no code for ${gaps.join(', ')}, which a caller may send`)
    const declared = enumValues(parameter.schema)
    for (const [value, code] of Object.entries(argument.codes)) {
      if (!enumValuesOfType.has(value)) report([...path, 'codes', value], `${value} is not a value of ${type.named}`)
      if (declared && !declared.includes(String(code))) report([...path, 'codes', value], `${code} is not a value ${argument.to} of ${operation.id} declares`)
      if (sourceKind === 'integer' && !Number.isInteger(code)) report([...path, 'codes', value], `${argument.to} of ${operation.id} is a whole number`)
    }
    const seen = new Map<string, string>()
    for (const [value, code] of Object.entries(argument.codes)) {
      if (seen.has(String(code)))
        report([...path, 'codes', value], `${code} is already the code of ${seen.get(String(code))}: two values would ask for the same records`)
      seen.set(String(code), value)
    }
    plan.codes = new Map(Object.entries(argument.codes))
  } else if (argument.codes) report([...path, 'codes'], `${type.named} is not an enum: codes translate enum values`)
  if (argument.text) {
    if (type.named !== 'String') report([...path, 'text'], `text steps apply to String arguments, not ${type.named}`)
    plan.text = argument.text
  }
  if (argument.length !== undefined) plan.length = argument.length
  if (argument.required) plan.required = true
  if (sourceKind === 'integer' && !enumValuesOfType && !['Int', 'AdminCode'].includes(type.named))
    report([...path, 'to'], `${argument.to} of ${operation.id} is a whole number, and ${name} is ${typeText}`)
  if (!['integer', 'string'].includes(sourceKind)) report([...path, 'to'], `${argument.to} of ${operation.id} is neither text nor a whole number`)
  return plan
}
