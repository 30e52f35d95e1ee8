/**
 * Answers that were weaker than they should be: a status that says success for a refused
 * operation, bytes that are not text executed as if they were, error bodies that repeat what the
 * caller sent. Each is a 4xx in the error contract, with no data and nothing echoed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from '../harness.js'
import { TEST_PURPOSE } from '../policies.js'

let gw: TestGateway
let token = ''
beforeAll(async () => {
  gw = await createTestGateway()
  token = await gw.identity.token()
})
afterAll(async () => gw?.close())

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  gw.app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': TEST_PURPOSE, ...headers }, body })
const totalHits = () => gw.sandboxes.population.hits() + gw.sandboxes.land.hits() + gw.sandboxes.business.hits()

describe('operations the gateway does not serve', () => {
  it.each<[string, string, string?, string?]>([
    ['a subscription', 'subscription { __typename }'],
    ['a subscription to data', 'subscription { citizen(pin: "001085000101") { pin } }'],
    ['a named subscription among queries', 'query A { __typename } subscription B { __typename }', 'B'],
    ['a subscription, to a client that accepts only application/json', 'subscription { __typename }', undefined, 'application/json'],
    // a document holding any operation but queries is refused whole (coordinates.ts)
    ['a subscription beside the query asked for', 'query A { __typename } subscription B { __typename }', 'A'],
    ['a mutation', 'mutation { __typename }'],
  ])('%s → 400 BAD_USER_INPUT, no data, no registry call', async (_name, query, operationName, accept) => {
    gw.resetHits()
    const res = await post(JSON.stringify({ query, ...(operationName ? { operationName } : {}) }), accept ? { accept } : {})
    const body = (await res.json()) as any
    expect(res.status, JSON.stringify(body)).toBe(400)
    expect(body.data ?? null).toBeNull()
    expect(body.errors).toHaveLength(1)
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', requestId: expect.any(String) })
    expect(totalHits()).toBe(0)
  })
})
