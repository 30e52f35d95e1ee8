/**
 * A description's answer schema as the zod check every answer of that operation passes. Built once
 * per operation (and first at load, so a schema zod cannot take is refused there, not at the
 * first request). Two things are normalised first: a schema with `properties` or `items` but no
 * `type` is an object or a list (zod would otherwise accept anything there), and `default` is
 * dropped (zod would fill a missing field with it: data the registry never sent).
 */
import { z } from 'zod'
import type { DescribedOperation, JsonSchema } from './description.js'

function normalised(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalised)
  if (schema === null || typeof schema !== 'object') return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'default' || key === 'example' || key === 'examples') continue
    // Sub-schemas sit under these keys; other values (enum lists, patterns) are copied as written.
    out[key] = key === 'enum' || key === 'const' || key === 'required' ? value : normalised(value)
  }
  if (out.type === undefined && out.properties !== undefined) out.type = 'object'
  if (out.type === undefined && out.items !== undefined) out.type = 'array'
  return out
}

const cache = new WeakMap<JsonSchema, z.ZodType>()

function zodOf(schema: JsonSchema): z.ZodType {
  let checked = cache.get(schema)
  if (!checked) {
    checked = z.fromJSONSchema(normalised(schema) as Parameters<typeof z.fromJSONSchema>[0], { defaultTarget: 'openapi-3.0' })
    cache.set(schema, checked)
  }
  return checked
}

/** The check of the operation's 200 answer. Throws when the description gives no JSON schema for it, or zod cannot take it. */
export function answerSchemaOf(operation: DescribedOperation): z.ZodType {
  const schema = operation.responses.find((r) => r.status === 200 && r.schema)?.schema
  if (!schema) throw new Error(`${operation.id} describes no JSON answer for 200`)
  return zodOf(schema)
}

/** How the operation says "no such record": undefined when it does not describe a 404, null when its 404 has no JSON schema. */
export function notFoundSchemaOf(operation: DescribedOperation): z.ZodType | null | undefined {
  const response = operation.responses.find((r) => r.status === 404)
  if (!response) return undefined
  return response.schema ? zodOf(response.schema) : null
}
