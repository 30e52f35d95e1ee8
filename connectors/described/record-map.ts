/**
 * A source record → a canonical object, by the plan: each field read at its path, through its
 * steps, and its value checked by the same scalar code as every other field of the schema. The
 * record already matched the description's schema; what fails here is a value the description
 * allows and the mapping cannot read (an impossible date, a code outside the list, a PIN of the
 * wrong length). Those throw, and the engine answers UPSTREAM_BAD_RESPONSE: never wrong data.
 */
import type { GraphQLScalarType } from 'graphql'
import { scalarResolvers } from '../../schemas/scalars/index.js'
import type { FieldPlan, TypePlan } from './plan.js'
import { applyTextSteps, readDate, translateCode, zeroPad } from './values.js'

export type RecordMapper = (record: unknown) => Record<string, unknown>

const customScalars: Readonly<Record<string, GraphQLScalarType>> = scalarResolvers

/** The value at a dotted path of own properties (never the prototype's), or undefined. */
export function valueAt(record: unknown, path: readonly string[]): unknown {
  let value = record
  for (const step of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return undefined
    value = (value as Record<string, unknown>)[step]
  }
  return value
}

const builtIn: Readonly<Record<string, (value: unknown) => boolean>> = {
  String: (v) => typeof v === 'string',
  ID: (v) => typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v)),
  Int: (v) => typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31,
  Float: (v) => typeof v === 'number' && Number.isFinite(v),
  Boolean: (v) => typeof v === 'boolean',
}

function scalarValue(field: FieldPlan, raw: unknown): unknown {
  let value = raw
  if (field.zeroPad !== undefined) value = zeroPad(value as string | number, field.zeroPad)
  if (field.text) value = applyTextSteps(value as string, field.text)
  if (field.date) value = readDate(value as string, field.date)
  // Amounts written as JSON numbers become the Decimal's text; one too large to be exact is refused by its check.
  if (field.type.named === 'Decimal' && typeof value === 'number') value = Number.isSafeInteger(value) ? String(value) : ''
  const scalar = customScalars[field.type.named]
  // The canonical scalar's own check: the value must be what the schema promises (a PIN of 12 digits…).
  if (scalar) return scalar.serialize(value)
  const check = builtIn[field.type.named]
  if (!check?.(value)) throw new RangeError(`not a ${field.type.named}`)
  return field.type.named === 'ID' ? String(value) : value
}

/** Compiles every type of the plan; `mapperOf(name)` maps one record of that type. */
export function compileMappers(types: ReadonlyMap<string, TypePlan>): (type: string) => RecordMapper {
  const compiled = new Map<string, RecordMapper>()

  function one(field: FieldPlan, raw: unknown, where: string): unknown {
    if (raw === null || raw === undefined) {
      if (field.type.list ? field.type.itemNonNull : field.type.nonNull) throw new RangeError(`${where} is missing`)
      return null
    }
    try {
      if (field.kind === 'object') return mapperOf(field.type.named)(raw)
      if (field.kind === 'enum') return translateCode(raw, field.codes!)
      return scalarValue(field, raw)
    } catch (error) {
      // The path of the field, never its value: values may be personal data and go to logs.
      throw new RangeError(`${where}: ${error instanceof Error ? error.message : 'unreadable'}`, { cause: error })
    }
  }

  function compile(type: TypePlan): RecordMapper {
    return (record) => {
      if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new RangeError(`${type.name}: not a record`)
      const out: Record<string, unknown> = {}
      for (const field of type.fields) {
        const raw = valueAt(record, field.from)
        const where = `${type.name}.${field.name}`
        if (!field.type.list || raw === null || raw === undefined) {
          if (field.type.list && field.type.nonNull && (raw === null || raw === undefined)) throw new RangeError(`${where} is missing`)
          out[field.name] = field.type.list ? null : one(field, raw, where)
          continue
        }
        if (!Array.isArray(raw)) throw new RangeError(`${where}: not a list`)
        out[field.name] = raw.map((item, i) => one(field, item, `${where}[${i}]`))
      }
      return out
    }
  }

  function mapperOf(name: string): RecordMapper {
    let mapper = compiled.get(name)
    if (!mapper) {
      const type = types.get(name)
      if (!type) throw new Error(`no plan for type ${name}`)
      mapper = compile(type)
      compiled.set(name, mapper)
    }
    return mapper
  }
  return mapperOf
}
