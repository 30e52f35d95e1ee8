/**
 * Compiled execution must answer every request as graphql-js does. The policy property test
 * compares generated operations with well-formed variables; this table covers what graphql-jit
 * would otherwise answer its own way: variables that do not coerce (graphql-js: 400, the error
 * contract's wording, suggestions hidden), missing ones, and execution errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, type GraphQLResponse, type TestGateway } from './harness.js'

let compiled: TestGateway
let interpreted: TestGateway
beforeAll(async () => {
  ;[compiled, interpreted] = await Promise.all([
    createTestGateway({ timeoutMs: 5000, mode: 'production' }),
    createTestGateway({ timeoutMs: 5000, mode: 'production', gateway: { compiledExecution: false } }),
  ])
})
afterAll(() => Promise.all([compiled?.close(), interpreted?.close()]))

const comparable = (res: GraphQLResponse) =>
  JSON.parse(JSON.stringify({ status: res.status, body: res.body }), (key, value) => (key === 'requestId' ? '<id>' : value))

const byStatus = 'query($s: EnterpriseStatus) { enterprises(filter: { status: $s }) { totalCount } }'
const byFilter = 'query($f: EnterpriseFilter) { enterprises(filter: $f) { totalCount } }'
const byPin = 'query($p: PIN!) { citizen(pin: $p) { pin } }'

describe('compiled and interpreted execution answer alike', () => {
  it.each<[string, string, Record<string, unknown> | undefined]>([
    ['an enum value that does not exist', byStatus, { s: 'ACTIV' }],
    ['an enum value of the wrong type', byStatus, { s: 3 }],
    ['an input field that does not exist', byFilter, { f: { statu: 'ACTIVE' } }],
    ['an input object that is a string', byFilter, { f: 'ACTIVE' }],
    ['a malformed PIN', byPin, { p: '12345' }],
    ['a PIN as a number', byPin, { p: 1090000001 }],
    ['a required variable missing', byPin, {}],
    ['a required variable null', byPin, { p: null }],
    ['no variables at all', byPin, undefined],
    ['a well-formed PIN no one holds', byPin, { p: '001090999999' }],
    ['a well-formed enum value', byStatus, { s: 'ACTIVE' }],
  ])('%s', async (_name, query, variables) => {
    const [a, b] = await Promise.all([compiled.graphql(query, variables), interpreted.graphql(query, variables)])
    expect(comparable(a)).toEqual(comparable(b))
    expect(JSON.stringify(a.body)).not.toMatch(/did you mean/i)
  })
})
