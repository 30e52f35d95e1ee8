/**
 * The check of a list root field: a canonical `…Connection` field answered by one operation read
 * in windows by offset. Its arguments become the operation's parameters (checked against the
 * parameters' own schemas), and its records are either the items themselves or summaries whose
 * full records a lookup's batch reads.
 */
import type { DescribedOperation, JsonSchema } from './description.js'
import { enumValues, kindOf, propertyAt } from './json-schema.js'
import type { ArgumentMapping, ListMapping, TextStep } from './mapping-schema.js'
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

function parameterKind(operation: DescribedOperation, name: string): { schema: JsonSchema } | undefined {
  const parameter = operation.parameters.find((p) => p.name === name && p.in === 'query')
  return parameter ? { schema: parameter.schema } : undefined
}

export function planList(context: PlanContext, field: string, list: ListMapping, lookups: readonly LookupPlan[]): ListPlan | undefined {
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
  if (operation.soap) {
    report([...path, 'operation'], 'lists of a SOAP operation are not offered yet')
    return undefined
  }
  if (operation.method !== 'GET') report([...path, 'operation'], `${operation.id} is ${operation.method}: a list reads with GET`)

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
    if (argument.type !== undefined && argument.type !== typeText) report([...apath, 'type'], `${name} is ${typeText} in the canonical schema`)
    const plan = planArgument(context, operation, name, argument, typeText, apath)
    if (plan) {
      planned.push(plan)
      given.add(argument.to)
    }
  }

  // Every filter the caller can send must reach the source: one left out would widen the answer
  // to records the caller did not ask for.
  const mapped = new Set(Object.keys(list.arguments ?? {}))
  for (const leaf of argumentLeaves(context, canonical.args))
    if (!mapped.has(leaf) && leaf !== 'first' && leaf !== 'after')
      report([...path, 'arguments'], `${leaf} of Query.${field} is not sent to the source: every argument must be`)
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
    if (!parameter) report([...path, 'page', role], `${operation.id} has no query parameter ${name}`)
    else if (kindOf(parameter.schema) !== 'integer') report([...path, 'page', role], `${name} of ${operation.id} is not a whole number`)
    else if (role === 'limit' && typeof parameter.schema.maximum === 'number') maxWindow = Math.min(maxWindow, parameter.schema.maximum)
    given.add(name)
  }
  for (const parameter of operation.parameters)
    if (parameter.required && !given.has(parameter.name))
      report([...path, 'operation'], `${operation.id} requires ${parameter.in} parameter ${parameter.name}, which the mapping does not give`)

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
  else if (!totalAt.present || kindOf(totalAt.schema) !== 'integer')
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
  }
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
    report([...path, 'to'], `${operation.id} has no query parameter ${argument.to}`)
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
  if (sourceKind === 'integer' && !enumValuesOfType && !['Int', 'AdminCode'].includes(type.named))
    report([...path, 'to'], `${argument.to} of ${operation.id} is a whole number, and ${name} is ${typeText}`)
  if (!['integer', 'string'].includes(sourceKind)) report([...path, 'to'], `${argument.to} of ${operation.id} is neither text nor a whole number`)
  return plan
}
