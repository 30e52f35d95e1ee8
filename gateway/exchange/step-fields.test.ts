/**
 * The partners' side of the step mutations (`stepOperation`, which the sandbox systems and the
 * conformance kit send) against the schema the gateway serves: every step, with and without its
 * optional arguments, is a valid operation; the mutation names the resolvers take are the same list.
 */
import { makeExecutableSchema } from '@graphql-tools/schema'
import { parse, validate } from 'graphql'
import { describe, expect, it } from 'vitest'
import { STEP_FIELDS, stepNameSchema, stepOperation, SUBMIT_MUTATION } from '../../connectors/index.js'
import { typeDefs } from '../../schemas/index.js'
import { STEP_MUTATIONS } from './resolvers.js'

const schema = makeExecutableSchema({ typeDefs })
const PART = { name: 'Tờ khai', copyType: 'ORIGINAL' as const, sha256: 'ab'.repeat(32) }
const steps = stepNameSchema.options.filter((step) => step !== 'submit')

describe('stepOperation against the served schema', () => {
  /** What a step cannot go without besides its code and note: the agency a transfer names, a supplement's parts. */
  const needs = (step: (typeof steps)[number]) => ({ ...(step === 'transfer' ? { to: 'so-x' } : {}), ...(step === 'supplement' ? { parts: [PART] } : {}) })

  it.each(steps)('%s: valid, with every optional argument and with none', (step) => {
    const bare = { step, code: 'A-20261204-0001', note: 'n', ...needs(step) }
    const full = { ...bare, expectedVersion: 3, ...(step === 'finish' ? { parts: [PART] } : {}) }
    for (const request of [bare, full]) expect(validate(schema, parse(stepOperation(request).query)).map((e) => e.message)).toEqual([])
  })

  it('the submission is valid', () => expect(validate(schema, parse(SUBMIT_MUTATION))).toEqual([]))

  it("the resolvers' mutations are the partners' list, every one in the schema", () => {
    const mutations = schema.getMutationType()!.getFields()
    expect(Object.keys(STEP_MUTATIONS).sort()).toEqual(Object.values(STEP_FIELDS).sort())
    for (const [field, step] of Object.entries(STEP_MUTATIONS)) {
      expect(mutations[field], field).toBeDefined()
      expect(STEP_FIELDS[step]).toBe(field)
    }
  })
})
