import type { Condition } from '../schema/grant.js'

/** Values the gateway fills in per caller: `$jurisdiction.communes`, `$jurisdiction.provinces`. */
export type PolicyVariables = Readonly<Record<string, readonly (string | number)[]>>

export const KNOWN_VARIABLES = ['jurisdiction.communes', 'jurisdiction.provinces'] as const

type Literal = string | number | boolean | null
type Operand = Literal | readonly (string | number)[]

/** A condition with its variables replaced by values: what is evaluated against records. */
export type BoundCondition =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'and'; all: BoundCondition[] }
  | { kind: 'or'; any: BoundCondition[] }
  | { kind: 'not'; inner: BoundCondition }
  | { kind: 'in'; path: string[]; values: ReadonlySet<Literal> }
  | { kind: 'eq'; path: string[]; value: Literal }

export const TRUE: BoundCondition = { kind: 'true' }
export const FALSE: BoundCondition = { kind: 'false' }

/** `$name` → the variable's values; an unknown variable binds to nothing (deny), never to "any". */
function resolveOperand(operand: Operand, variables: PolicyVariables): Operand {
  if (typeof operand === 'string' && operand.startsWith('$')) return variables[operand.slice(1)] ?? []
  return operand
}

/** Whether a value is a comparison (`{ in: operand }` or `{ eq: operand }`), not a condition. */
export function isComparison(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const keys = Object.keys(value)
  if (keys.length !== 1 || (keys[0] !== 'in' && keys[0] !== 'eq')) return false
  const operand = (value as Record<string, unknown>)[keys[0]]
  // An operand is a literal or a list; an object there is a condition on a field named `in` or `eq`.
  return operand === null || typeof operand !== 'object' || Array.isArray(operand)
}

/**
 * The condition a `{ not: … }` negates, read as the schema reads it: a field named `not` that is
 * compared directly (`{ not: { eq: 'x' } }`) is a comparison, not a negation. Null: not a negation.
 */
function negated(condition: Condition): Condition | null {
  if (!('not' in condition) || Object.keys(condition).length !== 1 || isComparison(condition.not)) return null
  return condition.not as Condition
}

/** The variables a condition refers to, for validation (an unknown one is a policy error). */
export function conditionVariables(condition: Condition): string[] {
  const found: string[] = []
  const visit = (node: Condition): void => {
    const inner = negated(node)
    if ('and' in node && Array.isArray(node.and)) node.and.forEach(visit)
    else if ('or' in node && Array.isArray(node.or)) node.or.forEach(visit)
    else if (inner) visit(inner)
    else {
      for (const comparison of Object.values(node as Record<string, { in?: Operand; eq?: Operand }>)) {
        const operand = 'in' in comparison ? comparison.in : comparison.eq
        if (typeof operand === 'string' && operand.startsWith('$')) found.push(operand.slice(1))
      }
    }
  }
  visit(condition)
  return found
}

/** Replaces variables and normalises the condition tree (`in` lists become sets). */
export function bindCondition(condition: Condition, variables: PolicyVariables): BoundCondition {
  if ('and' in condition && Array.isArray(condition.and)) return and(condition.and.map((c) => bindCondition(c, variables)))
  if ('or' in condition && Array.isArray(condition.or)) return or(condition.or.map((c) => bindCondition(c, variables)))
  const inner = negated(condition)
  if (inner) return not(bindCondition(inner, variables))
  const parts: BoundCondition[] = []
  for (const [path, comparison] of Object.entries(condition as Record<string, { in?: Operand; eq?: Operand }>)) {
    const segments = path.split('.')
    if ('in' in comparison) {
      const operand = resolveOperand(comparison.in as Operand, variables)
      const values = Array.isArray(operand) ? operand : [operand]
      parts.push({ kind: 'in', path: segments, values: new Set(values as Literal[]) })
    } else {
      const operand = resolveOperand(comparison.eq as Operand, variables)
      // eq against a variable's list is membership: `{ eq: $jurisdiction.provinces }` with one province.
      if (Array.isArray(operand)) parts.push({ kind: 'in', path: segments, values: new Set(operand as Literal[]) })
      else parts.push({ kind: 'eq', path: segments, value: operand as Literal })
    }
  }
  return and(parts)
}

export function and(parts: BoundCondition[]): BoundCondition {
  const kept: BoundCondition[] = []
  const keys = new Set<string>()
  for (const part of parts.flatMap((p) => (p.kind === 'and' ? p.all : [p]))) {
    if (part.kind === 'false') return FALSE
    if (part.kind === 'true') continue
    const key = conditionKey(part)
    if (!keys.has(key)) kept.push(part)
    keys.add(key)
  }
  if (kept.length === 0) return TRUE
  return kept.length === 1 ? kept[0]! : { kind: 'and', all: kept }
}

export function or(parts: BoundCondition[]): BoundCondition {
  const kept: BoundCondition[] = []
  const keys = new Set<string>()
  for (const part of parts.flatMap((p) => (p.kind === 'or' ? p.any : [p]))) {
    if (part.kind === 'true') return TRUE
    if (part.kind === 'false') continue
    const key = conditionKey(part)
    if (!keys.has(key)) kept.push(part)
    keys.add(key)
  }
  if (kept.length === 0) return FALSE
  return kept.length === 1 ? kept[0]! : { kind: 'or', any: kept }
}

export function not(inner: BoundCondition): BoundCondition {
  if (inner.kind === 'true') return FALSE
  if (inner.kind === 'false') return TRUE
  if (inner.kind === 'not') return inner.inner
  return { kind: 'not', inner }
}

const keys = new WeakMap<BoundCondition, string>()

/** A stable text form, to deduplicate conditions and to key caches (memoised: conditions are immutable). */
export function conditionKey(condition: BoundCondition): string {
  let key = keys.get(condition)
  if (key === undefined) keys.set(condition, (key = computeKey(condition)))
  return key
}

function computeKey(condition: BoundCondition): string {
  switch (condition.kind) {
    case 'true':
    case 'false':
      return condition.kind
    case 'and':
      return `and(${condition.all.map(conditionKey).join(',')})`
    case 'or':
      return `or(${condition.any.map(conditionKey).join(',')})`
    case 'not':
      return `not(${conditionKey(condition.inner)})`
    case 'in':
      return `${condition.path.join('.')} in ${JSON.stringify([...condition.values].sort())}`
    case 'eq':
      return `${condition.path.join('.')} = ${JSON.stringify(condition.value)}`
  }
}

/**
 * Reads a GraphQL field path over a canonical record. Records keep unit references as codes
 * (`communeCode`) that resolvers expand into `commune { code … }`, so `commune.code` also reads
 * `communeCode`. Lists are walked: the result is every value the path reaches.
 */
export function readPath(record: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [record]
  for (let index = 0; index < path.length; index++) {
    const segment = path[index]!
    const next: unknown[] = []
    for (const value of current) {
      if (value === null || value === undefined) continue
      if (Array.isArray(value)) {
        // a list in the middle of a path: every element continues the walk
        current.push(...value)
        continue
      }
      if (typeof value !== 'object') continue
      const object = value as Record<string, unknown>
      if (segment in object) next.push(object[segment])
      else if (path[index + 1] === 'code' && `${segment}Code` in object) {
        next.push({ code: object[`${segment}Code`] })
      }
    }
    current = next
  }
  return current.flatMap((value) => (Array.isArray(value) ? value : [value]))
}

/**
 * Whether a record satisfies a bound condition. A path that reaches no value fails `in` and `eq`
 * (a record with no address is not "in" a commune), so a missing field never widens access.
 */
export function matches(condition: BoundCondition, record: unknown): boolean {
  switch (condition.kind) {
    case 'true':
      return true
    case 'false':
      return false
    case 'and':
      return condition.all.every((part) => matches(part, record))
    case 'or':
      return condition.any.some((part) => matches(part, record))
    case 'not':
      return !matches(condition.inner, record)
    case 'in':
      return readPath(record, condition.path).some((value) => condition.values.has(value as Literal))
    case 'eq':
      return readPath(record, condition.path).some((value) => value === condition.value)
  }
}
