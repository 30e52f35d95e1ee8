/**
 * The check of a group: a per-request loader that answers a list of records for each key (the
 * parcels a holder holds), many keys per call, and the fields of other registries' records it
 * answers (`Citizen.landParcels`). The loader is one of the fixed set other modules use
 * (`RegistryLoaders`), so its name, its record type and its key are the table's, not the mapping's.
 */
import type { DescribedOperation, JsonSchema } from './description.js'
import { enumValues, kindOf, propertyAt } from './json-schema.js'
import type { GroupMapping } from './mapping-schema.js'
import { parseTypeRef, type PlanContext, splitPath } from './plan-types.js'

/** The kinds of a holder key, as `holderKey()` writes them (`pin:…`, `tax:…`), by identifier scalar. */
export type HolderKind = 'PIN' | 'TaxCode'

/** Group loaders of `RegistryLoaders`: the record type each answers a list of. Each is keyed by a holder. */
export const GROUP_LOADERS: ReadonlyMap<string, { type: string }> = new Map([['parcelsByHolder', { type: 'LandParcel' }]])

export interface GroupPlan {
  loader: string
  type: string
  operation: DescribedOperation
  /** Where the list of keys goes in the request body. */
  keysAt: readonly string[]
  kindField: string
  /** Each kind's code, as the source writes it. */
  codes: ReadonlyMap<HolderKind, string | number>
  idField: string
  result: readonly string[]
  items: readonly string[]
  maxSize: number
  /** Fields of other records answered by this loader: the key read from `key`, of the kind its scalar is. */
  answers: ReadonlyArray<{ type: string; field: string; key: string; kind: HolderKind }>
}

export function planGroup(context: PlanContext, name: string, group: GroupMapping): GroupPlan | undefined {
  const { report, catalog } = context
  const path = ['groups', name]
  const known = GROUP_LOADERS.get(name)
  if (!known) {
    report(path, `${name} is not a group loader (${[...GROUP_LOADERS.keys()].join(', ')})`)
    return undefined
  }
  const { type } = known
  if (!Object.hasOwn(context.mapping.types, type)) report(path, `${name} answers ${type}, which is not mapped: answer it under types.${type}`)
  const operation = context.operation(group.operation, [...path, 'operation'])
  if (!operation) return undefined
  if (!operation.soap && operation.method !== 'POST')
    report([...path, 'operation'], `${operation.id} is ${operation.method}: many keys are sent in a POST body`)
  for (const parameter of operation.parameters)
    if (parameter.required)
      report([...path, 'operation'], `${operation.id} requires ${parameter.in} parameter ${parameter.name}, which the mapping does not give`)

  const codes = new Map(Object.entries(group.keys.kind.codes).filter((entry): entry is [HolderKind, string | number] => entry[1] !== undefined))
  if (codes.size === 0) report([...path, 'keys', 'kind', 'codes'], 'name the code of at least one kind, PIN or TaxCode')
  if (new Set([...codes.values()].map(String)).size !== codes.size)
    report([...path, 'keys', 'kind', 'codes'], 'two kinds have one code: a group could not be told apart')
  /** A key as the source writes it, in the request or in a group of the answer: a kind code and a text identifier. */
  const checkKeyFields = (record: JsonSchema, against: string, where: Array<string | number>) => {
    const kind = propertyAt(record, [group.keys.kind.field])
    if (typeof kind === 'string') report([...where, 'kind', 'field'], `${kind} in ${against}`)
    else {
      const declared = enumValues(kind.schema)
      for (const [holder, code] of codes)
        if (declared && !declared.includes(String(code)))
          report([...where, 'kind', 'codes', holder], `${code} is not a value ${group.keys.kind.field} in ${against} declares`)
      if (!['string', 'integer'].includes(kindOf(kind.schema))) report([...where, 'kind', 'field'], `${group.keys.kind.field} in ${against} is not a code`)
    }
    const id = propertyAt(record, [group.keys.id])
    if (typeof id === 'string') report([...where, 'id'], `${id} in ${against}`)
    else if (kindOf(id.schema) !== 'string')
      report([...where, 'id'], `${group.keys.id} in ${against} is not text (an identifier written as a number loses its leading zeros)`)
  }

  const request = operation.requestBody?.schema
  const keysAt = splitPath(group.keys.to)
  const keys = request ? propertyAt(request, keysAt) : `${operation.id} takes no body`
  if (typeof keys === 'string') report([...path, 'keys', 'to'], keys)
  else if (kindOf(keys.schema) !== 'array' || kindOf((keys.schema.items ?? {}) as JsonSchema) !== 'object')
    report([...path, 'keys', 'to'], `${group.keys.to} in ${operation.id}'s request is not a list of keys`)
  else {
    checkKeyFields(keys.schema.items as JsonSchema, `${operation.id}'s request → ${group.keys.to}[]`, [...path, 'keys'])
    const maxItems = keys.schema.maxItems
    if (typeof maxItems === 'number' && group.maxSize > maxItems) report([...path, 'maxSize'], `${operation.id} takes at most ${maxItems} keys`)
    // The keys list may sit inside an object of the request: every other required field there is one the mapping cannot give.
    for (let depth = 0; request && depth < keysAt.length; depth++) {
      const holder = depth === 0 ? request : propertyAt(request, keysAt.slice(0, depth))
      if (typeof holder === 'string') break
      const schema = depth === 0 ? request : (holder as { schema: JsonSchema }).schema
      for (const other of Array.isArray(schema.required) ? (schema.required as string[]) : [])
        if (other !== keysAt[depth])
          report(
            [...path, 'operation'],
            `${operation.id} requires ${[...keysAt.slice(0, depth), other].join('.')} in its request, which the mapping does not give`,
          )
    }
  }

  const answer = context.answerOf(operation)
  if (!answer) {
    report([...path, 'operation'], `${operation.id} describes no answer for status 200`)
    return undefined
  }
  context.checkEnvelope(operation, answer, [...path, 'operation'])
  context.checkAnswerSchema(operation, [...path, 'operation'])
  const result = splitPath(group.result)
  const items = splitPath(group.items)
  const groups = propertyAt(answer, result)
  if (typeof groups === 'string') report([...path, 'result'], `${groups} in ${operation.id}'s answer`)
  else if (kindOf(groups.schema) !== 'array' || kindOf((groups.schema.items ?? {}) as JsonSchema) !== 'object')
    report([...path, 'result'], `${group.result} in ${operation.id}'s answer is not a list of groups`)
  else {
    const each = groups.schema.items as JsonSchema
    const against = `${operation.id} → ${group.result}[]`
    checkKeyFields(each, against, [...path, 'keys'])
    const records = propertyAt(each, items)
    if (typeof records === 'string') report([...path, 'items'], `${records} in ${against}`)
    else if (kindOf(records.schema) !== 'array' || kindOf((records.schema.items ?? {}) as JsonSchema) !== 'object')
      report([...path, 'items'], `${group.items} in ${against} is not a list of records`)
    else if (Object.hasOwn(context.mapping.types, type)) context.types.checkMapped(type, records.schema.items as JsonSchema, `${against} → ${group.items}[]`)
  }

  const answers: Array<GroupPlan['answers'][number]> = []
  for (const [target, key] of Object.entries(group.answers ?? {})) {
    const where = [...path, 'answers', target]
    const [owner, field] = target.split('.') as [string, string]
    const declared = catalog.extensions.get(owner)?.get(field) ?? catalog.objects.get(owner)?.get(field)
    if (!declared) {
      report(where, `${owner} has no field ${field}`)
      continue
    }
    const declaredType = parseTypeRef(declared.type)
    if (!declaredType.list || declaredType.named !== type || declaredType.nonNull || declared.args.size)
      report(where, `${target} is ${declared.type}: a group answers a nullable list of ${type} without arguments`)
    const keyType = catalog.objects.get(owner)?.get(key)?.type
    const kind = keyType === undefined ? undefined : parseTypeRef(keyType)
    if (!kind || kind.list || (kind.named !== 'PIN' && kind.named !== 'TaxCode'))
      report(where, `${key} of ${owner} is ${keyType ?? 'not a field'}: the key is a PIN or a TaxCode`)
    else if (!codes.has(kind.named)) report(where, `${key} is a ${kind.named}, and keys.kind.codes gives no code for it`)
    else answers.push({ type: owner, field, key, kind: kind.named })
  }
  return {
    loader: name,
    type,
    operation,
    keysAt,
    kindField: group.keys.kind.field,
    codes,
    idField: group.keys.id,
    result,
    items,
    maxSize: group.maxSize,
    answers,
  }
}
