import { makeExecutableSchema } from '@graphql-tools/schema'
import { parse } from 'graphql'
import { describe, expect, it } from 'vitest'
import { servedCanonical } from '../entry/canonical.js'
import { createCostEstimator } from './request-cost.js'

describe('the cost of a request that reads a registry connected by description', () => {
  const { plans, typeDefs } = servedCanonical()
  const schema = makeExecutableSchema({ typeDefs: [...typeDefs] })
  const described = Object.fromEntries(plans.map((plan) => [plan.name, plan.sdl]))
  const estimate = createCostEstimator(schema, described)

  it.each([
    ['{ socialInsuranceRecord(pin: "001085999001") { pin } }', ['social-insurance'], 1],
    ['{ a: socialInsuranceRecord(pin: "001085999001") { periods { kind } } b: socialInsuranceRecord(pin: "001190999002") { pin } }', ['social-insurance'], 2],
    ['{ socialInsuranceRecord(pin: "001085999001") { pin } citizen(pin: "001085999001") { pin } }', ['population', 'social-insurance'], 4],
  ])('%s reads %j, costs %i', (query, registries, cost) => {
    const result = estimate(parse(query), undefined, {})
    expect(result.registries).toEqual(registries)
    expect(result.cost).toBe(cost)
  })

  it('without its SDL the registry would go uncounted: the gateway passes it (yoga.ts)', () => {
    const blind = createCostEstimator(schema)
    expect(blind(parse('{ socialInsuranceRecord(pin: "001085999001") { pin } citizen(pin: "001085999001") { pin } }'), undefined, {}).registries).toEqual([
      'population',
    ])
  })
})
