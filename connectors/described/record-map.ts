/**
 * A source record → a canonical object, by the plan: each field read at its path, through its
 * steps, and its value checked by the same scalar code as every other field of the schema. The
 * record already matched the description's schema; what fails here is a value the description
 * allows and the mapping cannot read (an impossible date, a code outside the list, a PIN of the
 * wrong length). Those throw, and the engine answers UPSTREAM_BAD_RESPONSE: never wrong data.
 */
import type { GraphQLScalarType } from 'graphql'
import { scalarResolvers } from '../../schemas/scalars/index.js'
import { personNameOf } from '../kit/index.js'
import type { FieldPlan, TypePlan } from './plan.js'
import { applyTextSteps, readDate, translateCode, zeroPad } from './values.js'

/** Maps one record; `enclosing` is the object it is listed under, for `startsWith`. */
export type RecordMapper = (record: unknown, enclosing?: Readonly<Record<string, unknown>>) => Record<string, unknown>

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

/** Marks a value that reads as no value (`ifBlank`): the field is then null. */
const BLANK = Symbol('blank')

function scalarValue(field: FieldPlan, raw: unknown): unknown {
  let value = raw
  if (field.codes) value = translateCode(value, field.codes, field.match === 'folded')
  if (field.zeroPad !== undefined) value = zeroPad(value as string | number, field.zeroPad)
  if (field.text) value = applyTextSteps(value as string, field.text)
  if (field.ifBlank && typeof value === 'string' && value.trim() === '') return BLANK
  if (field.date) value = readDate(value as string, field.date)
  // Amounts written as JSON numbers become the Decimal's text, checked by the Decimal scalar.
  // A whole number is written out digit by digit (BigInt: `String` would write 1e21 for a large one).
  if (field.type.named === 'Decimal' && typeof value === 'number') value = Number.isInteger(value) ? BigInt(value).toString() : String(value)
  // A whole number read as text: its digits (the plan allows it only where no leading zero can be lost).
  if ((field.type.named === 'String' || field.type.named === 'ID') && typeof value === 'number' && Number.isSafeInteger(value)) value = String(value)
  const scalar = customScalars[field.type.named]
  // The canonical scalar's own check: the value must be what the schema promises (a PIN of 12 digits…).
  if (scalar) return scalar.serialize(value)
  const check = builtIn[field.type.named]
  if (!check?.(value)) throw new RangeError(`not a ${field.type.named}`)
  return value
}

/** Compiles every type of the plan; `mapperOf(name)` maps one record of that type. */
export function compileMappers(types: ReadonlyMap<string, TypePlan>): (type: string) => RecordMapper {
  const compiled = new Map<string, RecordMapper>()

  function one(field: FieldPlan, raw: unknown, where: string, self: Readonly<Record<string, unknown>>, enclosing?: Readonly<Record<string, unknown>>): unknown {
    const required = field.type.list ? field.type.itemNonNull : field.type.nonNull
    if (raw === null || raw === undefined) {
      if (required) throw new RangeError(`${where} is missing`)
      return null
    }
    try {
      let value: unknown
      if (field.kind === 'object') value = mapperOf(field.object!)(raw, self)
      else if (field.kind === 'personName') {
        if (typeof raw !== 'string' || raw.trim() === '') throw new RangeError('not a name')
        value = personNameOf(raw)
      } else if (field.kind === 'enum') value = translateCode(raw, field.codes!, field.match === 'folded')
      else value = scalarValue(field, raw)
      if (value === BLANK) {
        if (required) throw new RangeError(`${where} is blank`)
        return null
      }
      if (field.startsWith) {
        const prefix = enclosing?.[field.startsWith.field]
        if (typeof prefix !== 'string' || typeof value !== 'string' || !value.startsWith(`${prefix}${field.startsWith.separator}`))
          throw new RangeError(`does not begin with the ${field.startsWith.field} of the object it is listed under`)
      }
      return value
    } catch (error) {
      // A value the mapping allows to be unreadable: null, the rest of the record stands.
      if (field.ifInvalid) return null
      // The path of the field, never its value: values may be personal data and go to logs.
      throw new RangeError(`${where}: ${error instanceof Error ? error.message : 'unreadable'}`, { cause: error })
    }
  }

  function compile(type: TypePlan): RecordMapper {
    // Links are answered by resolvers from another registry's loader, never read from the record.
    // Values first, objects after: an object's `startsWith` reads the values of the one it is under.
    const fields = [
      ...type.fields.filter((field) => field.kind !== 'link' && field.kind !== 'object'),
      ...type.fields.filter((field) => field.kind === 'object'),
    ]
    return (record, enclosing) => {
      if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new RangeError(`${type.name}: not a record`)
      const out: Record<string, unknown> = {}
      for (const name of type.nulls) out[name] = null
      for (const field of fields) {
        const where = `${type.name}.${field.name}`
        if (field.when) {
          const gate = valueAt(record, field.when)
          if (gate === null || gate === undefined || (typeof gate === 'string' && gate.trim() === '')) {
            out[field.name] = null
            continue
          }
        }
        // An object read in place reads the record itself.
        let raw = field.from.length ? valueAt(record, field.from) : record
        if (field.emptyIfAbsent && (raw === null || raw === undefined)) raw = []
        if (!field.type.list || raw === null || raw === undefined) {
          if (field.type.list && field.type.nonNull && (raw === null || raw === undefined)) throw new RangeError(`${where} is missing`)
          out[field.name] = field.type.list ? null : one(field, raw, where, out, enclosing)
          continue
        }
        if (!Array.isArray(raw)) throw new RangeError(`${where}: not a list`)
        out[field.name] = raw.map((item, i) => one(field, item, `${where}[${i}]`, out, enclosing))
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
