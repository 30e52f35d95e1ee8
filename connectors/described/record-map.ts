/**
 * A source record → a canonical object, by the plan: each field read at its path, through its
 * steps, and its value checked by the same scalar code as every other field of the schema. The
 * record already matched the description's schema; what fails here is a value the description
 * allows and the mapping cannot read (an impossible date, a code outside the list, a PIN of the
 * wrong length). Those throw, and the engine answers UPSTREAM_BAD_RESPONSE: never wrong data.
 */
import type { GraphQLScalarType } from 'graphql'
import { scalarResolvers } from '../../schemas/scalars/index.js'
import { addressTextOf, personNameOf } from '../kit/index.js'
import type { FieldPlan, TypePlan } from './plan.js'
import { LOOKUP_KEYS } from './lookup-keys.js'
import { afterWords, applyTextSteps, decimalNumber, foldCode, readDate, translateCode, zeroPad } from './values.js'

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

type ValueStep = (value: unknown) => unknown

/**
 * A value field's steps, compiled once into the list of functions the plan asks for: each record
 * then runs only its field's own steps, not a test of every option the mapping language has.
 */
function compileValue(field: FieldPlan): ValueStep {
  if (field.kind === 'personName') {
    return (raw) => {
      if (typeof raw !== 'string' || raw.trim() === '') throw new RangeError('not a name')
      return personNameOf(raw)
    }
  }
  const folded = field.match === 'folded'
  const { otherwise } = field
  if (field.kind === 'enum') {
    const codes = field.codes!
    return (raw) => translateCode(raw, codes, folded, otherwise)
  }
  const steps: ValueStep[] = []
  const named = field.type.named
  if (field.codes) {
    const codes = field.codes
    steps.push((value) => translateCode(value, codes, folded, otherwise))
  }
  if (field.zeroPad !== undefined) {
    const width = field.zeroPad
    steps.push((value) => zeroPad(value as string | number, width))
  }
  if (field.text) {
    const text = field.text
    steps.push((value) => applyTextSteps(value as string, text))
  }
  if (field.ifBlank) steps.push((value) => (typeof value === 'string' && value.trim() === '' ? BLANK : value))
  if (field.none) {
    const none = field.none
    steps.push((value) => (value !== BLANK && none.has(foldCode(value as string)) ? BLANK : value))
  }
  if (field.after) {
    const words = field.after
    steps.push((value) => (value === BLANK ? value : afterWords(value as string, words)))
  }
  if (field.form !== undefined) {
    const { canonical } = LOOKUP_KEYS.get(field.form)!
    steps.push((value) => {
      if (value === BLANK) return value
      const key = canonical(value as string)
      if (key === null) throw new RangeError(`not a ${field.form}`)
      return key
    })
  }
  if (field.date) {
    const layout = field.date
    steps.push((value) => (value === BLANK ? value : readDate(value as string, layout)))
  }
  // Amounts written as JSON numbers become the Decimal's text, checked by the Decimal scalar.
  // A whole number is written out digit by digit (BigInt: `String` would write 1e21 for a large one).
  if (named === 'Float') steps.push(decimalNumber)
  if (named === 'Decimal') steps.push((value) => (typeof value === 'number' ? (Number.isInteger(value) ? BigInt(value).toString() : String(value)) : value))
  // A whole number read as text: its digits (the plan allows it only where no leading zero can be lost).
  if (named === 'String' || named === 'ID') steps.push((value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value))
  const scalar = customScalars[named]
  const check = builtIn[named]
  // The canonical scalar's own check: the value must be what the schema promises (a PIN of 12 digits…).
  const last: ValueStep = scalar
    ? (value) => (value === BLANK ? value : scalar.serialize(value))
    : (value) => {
        if (value === BLANK) return value
        if (!check?.(value)) throw new RangeError(`not a ${named}`)
        return value
      }
  steps.push(last)
  if (steps.length === 1) return last
  return (raw) => {
    let value = raw
    for (const step of steps) value = step(value)
    return value
  }
}

/** The value at a dotted path, compiled: one property read for the usual one-step path. */
function compileGetter(path: readonly string[]): (record: object) => unknown {
  if (path.length === 0) return (record) => record
  if (path.length === 1) {
    const [step] = path as [string]
    return (record) => (Object.hasOwn(record, step) ? (record as Record<string, unknown>)[step] : undefined)
  }
  return (record) => valueAt(record, path)
}

/** Where a field's raw value comes from: its path, a path chosen by a code (`by`), or an address written out. */
function compileSource(field: FieldPlan): (record: object) => unknown {
  const { by, addressText } = field
  if (by) {
    const codeOf = compileGetter(by.field)
    const getters = new Map([...by.from].map(([code, path]) => [code, compileGetter(path)]))
    return (record) => {
      const code = codeOf(record)
      return getters.get(String(code))?.(record)
    }
  }
  if (addressText) {
    const detailOf = addressText.detail ? compileGetter(addressText.detail) : () => undefined
    const unitsOf = addressText.units.map(compileGetter)
    return (record) => {
      const detail = detailOf(record)
      const text = typeof detail === 'string' ? applyTextSteps(detail, ['collapseSpaces']) : ''
      const codes = unitsOf.map((unit) => unit(record)).filter((code): code is string => typeof code === 'string')
      return addressTextOf(text === '' ? null : text, codes)
    }
  }
  return compileGetter(field.from)
}

/** The check that a value repeats the fields it is composed of (a parcel key and its parts). */
function compileComposed(type: TypePlan): Array<(out: Readonly<Record<string, unknown>>) => void> {
  return type.fields
    .filter((field) => field.composedOf)
    .map((field) => {
      const { fields, separator } = field.composedOf!
      const spelling = field.form === undefined ? (text: string) => text : LOOKUP_KEYS.get(field.form)!.canonical
      return (out) => {
        const value = out[field.name]
        if (value === null || value === undefined) return
        const parts = fields.map((name) => out[name])
        if (parts.some((part) => part === null || part === undefined) || spelling(parts.join(separator)) !== value)
          throw new RangeError(`${type.name}.${field.name} does not match ${fields.join(separator)}`)
      }
    })
}

/** Compiles every type of the plan; `mapperOf(name)` maps one record of that type. */
export function compileMappers(types: ReadonlyMap<string, TypePlan>): (type: string) => RecordMapper {
  const compiled = new Map<string, RecordMapper>()

  interface CompiledField {
    field: FieldPlan
    /** `Type.field`, for messages; built once, an item's index added only when one fails. */
    where: string
    required: boolean
    get: (record: object) => unknown
    gate: ((record: object) => unknown) | undefined
    value: ValueStep | undefined
  }

  const whereOf = (c: CompiledField, index: number) => (index < 0 ? c.where : `${c.where}[${index}]`)

  function one(c: CompiledField, raw: unknown, index: number, self: Readonly<Record<string, unknown>>, enclosing?: Readonly<Record<string, unknown>>): unknown {
    const field = c.field
    if (raw === null || raw === undefined) {
      if (c.required) throw new RangeError(`${whereOf(c, index)} is missing`)
      return null
    }
    try {
      const value = field.kind === 'object' ? mapperOf(field.object!)(raw, self) : c.value!(raw)
      if (value === BLANK) {
        if (c.required) throw new RangeError(`${whereOf(c, index)} is blank`)
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
      throw new RangeError(`${whereOf(c, index)}: ${error instanceof Error ? error.message : 'unreadable'}`, { cause: error })
    }
  }

  function compile(type: TypePlan): RecordMapper {
    // Links are answered by resolvers from another registry's loader, never read from the record.
    // Values first, objects after: an object's `startsWith` reads the values of the one it is under.
    const fields: CompiledField[] = [
      ...type.fields.filter((field) => field.kind !== 'link' && field.kind !== 'object'),
      ...type.fields.filter((field) => field.kind === 'object'),
    ].map((field) => ({
      field,
      where: `${type.name}.${field.name}`,
      required: field.type.list ? field.type.itemNonNull : field.type.nonNull,
      get: compileSource(field),
      // Every entry has every key: one shape, so the loop below stays fast.
      gate: field.when ? compileGetter(field.when) : undefined,
      value: field.kind === 'object' ? undefined : compileValue(field),
    }))
    const { nulls } = type
    const composed = compileComposed(type)
    return (record, enclosing) => {
      if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new RangeError(`${type.name}: not a record`)
      const out: Record<string, unknown> = {}
      for (const name of nulls) out[name] = null
      for (const c of fields) {
        const { field } = c
        if (c.gate) {
          const gate = c.gate(record)
          if (gate === null || gate === undefined || (typeof gate === 'string' && gate.trim() === '')) {
            out[field.name] = null
            continue
          }
        }
        // An object read in place reads the record itself.
        let raw = c.get(record)
        if (field.emptyIfAbsent && (raw === null || raw === undefined)) raw = []
        if (!field.type.list) {
          out[field.name] = one(c, raw, -1, out, enclosing)
          continue
        }
        if (raw === null || raw === undefined) {
          if (field.type.nonNull) throw new RangeError(`${c.where} is missing`)
          out[field.name] = null
          continue
        }
        if (!Array.isArray(raw)) throw new RangeError(`${c.where}: not a list`)
        const items = new Array<unknown>(raw.length)
        for (let i = 0; i < raw.length; i++) items[i] = one(c, raw[i], i, out, enclosing)
        out[field.name] = items
      }
      for (const check of composed) check(out)
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
