/**
 * Query abuse: deep nesting, alias bombs, token floods and directive floods are refused
 * as QUERY_TOO_COMPLEX before any policy work or registry call, each as one audit event; field
 * suggestions never describe the schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QUERY_LIMITS } from '../../gateway/graphql/plugins/use-query-limits.js'
import { createTestGateway, type TestGateway } from '../harness.js'

let gw: TestGateway
beforeAll(async () => {
  gw = await createTestGateway()
}, 60_000)
afterAll(async () => {
  await gw?.close()
})

const nested = (depth: number) => `{ administrativeUnit(code: "01") { ${'successors { '.repeat(depth)}code${' }'.repeat(depth)} } }`

describe('query limits', () => {
  const refused: Array<[string, () => string, RegExp]> = [
    ['deep nesting', () => nested(QUERY_LIMITS.maxDepth + 3), /depth limit/i],
    [
      'an alias bomb',
      () =>
        `{ ${Array.from({ length: QUERY_LIMITS.maxAliases + 5 }, (_, i) => `a${i}: enterprise(code: "${gw.world.examples.enterpriseCode}") { code }`).join(' ')} }`,
      /aliases limit/i,
    ],
    ['a token flood', () => `{ __typename ${'__typename '.repeat(QUERY_LIMITS.maxTokens)} }`, /token limit/i],
    ['a directive flood', () => `{ __typename ${'@include(if: true) '.repeat(QUERY_LIMITS.maxDirectives + 5)} }`, /directives limit/i],
  ]

  it.each(refused)('refuses %s as QUERY_TOO_COMPLEX before any registry call, audited once', async (_name, query, message) => {
    gw.resetHits()
    const before = gw.audit.events.length
    const res = await gw.graphql(query())
    expect(res.status, JSON.stringify(res.body)).toBe(400)
    expect(res.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX')
    expect(res.body.errors?.[0]?.message).toMatch(message)
    expect(res.body.data ?? null).toBeNull()
    expect(gw.audit.events.length - before).toBe(1)
    expect(gw.audit.events.at(-1)).toMatchObject({ decision: 'rejected', code: 'QUERY_TOO_COMPLEX' })
    for (const sandbox of [gw.sandboxes.population, gw.sandboxes.land, gw.sandboxes.business]) expect(sandbox.hits()).toBe(0)
  })

  it('accepts an honest deep query within the limits', async () => {
    const res = await gw.graphql(
      `{ enterprise(code: "${gw.world.examples.enterpriseCode}") { code legalRepresentatives { citizen { residence { permanent { commune { code successors { code } } } } } } } }`,
    )
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.errors).toBeUndefined()
  })

  it('never suggests field names ("did you mean")', async () => {
    const res = await gw.graphql(`{ enterprise(code: "${gw.world.examples.enterpriseCode}") { cod } }`)
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).not.toMatch(/did you mean/i)
  })
})
