import { describe, expect, it } from 'vitest'
import { answerSchemaOf, notFoundSchemaOf } from './answer-schema.js'
import type { DescribedOperation, JsonSchema } from './description.js'

const operation = (schema: JsonSchema, notFound?: JsonSchema | null): DescribedOperation => ({
  id: 'op',
  method: 'GET',
  path: '/x',
  parameters: [],
  responses: [
    { status: 200, mediaType: 'application/json', schema, examples: {} },
    ...(notFound === undefined ? [] : [{ status: 404, ...(notFound ? { mediaType: 'application/json', schema: notFound } : {}), examples: {} }]),
  ],
  place: { line: 1, column: 1 },
})

describe('the check every answer passes', () => {
  it('reads a schema with properties and no type as an object: anything else is refused', () => {
    const check = answerSchemaOf(operation({ properties: { a: { type: 'string' } }, required: ['a'] }))
    expect(check.safeParse({ a: 'x' }).success).toBe(true)
    for (const answer of [[], 'oops', 1, null, { unrelated: true }]) expect(check.safeParse(answer).success, JSON.stringify(answer)).toBe(false)
  })

  it('never fills in a default: a field the registry did not send stays unsent, or the answer is refused', () => {
    const optional = answerSchemaOf(operation({ type: 'object', properties: { status: { type: 'string', default: '1' } } }))
    expect(optional.parse({})).toEqual({})
    const required = answerSchemaOf(operation({ type: 'object', required: ['status'], properties: { status: { type: 'string', default: '1' } } }))
    expect(required.safeParse({}).success).toBe(false)
  })

  it('reads lists without a type by their items, and keeps enum lists as written', () => {
    const check = answerSchemaOf(operation({ items: { type: 'string', enum: ['default', 'example'] } }))
    expect(check.safeParse(['default']).success).toBe(true)
    expect(check.safeParse({}).success).toBe(false)
  })

  it('says how an operation answers "not found": not described, described without a body, or with its schema', () => {
    expect(notFoundSchemaOf(operation({ type: 'object' }))).toBeUndefined()
    expect(notFoundSchemaOf(operation({ type: 'object' }, null))).toBeNull()
    const notFound = notFoundSchemaOf(operation({ type: 'object' }, { type: 'object', required: ['maLoi'], properties: { maLoi: { type: 'string' } } }))
    expect(notFound?.safeParse({ maLoi: '04' }).success).toBe(true)
    expect(notFound?.safeParse({ message: 'no route' }).success).toBe(false)
  })
})
