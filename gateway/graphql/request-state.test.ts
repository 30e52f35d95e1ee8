import { describe, expect, it } from 'vitest'
import type { RequestPolicy } from './enforce/request-policy.js'
import { answeredNoMatch, createRequestState } from './request-state.js'
import type { Pager } from '../../connectors/index.js'

const policy = { version: 3, agencyId: 'thue-ha-noi' } as RequestPolicy
const pager: Pager = { page: async () => ({ nodes: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } }) }

describe('request state', () => {
  it('starts undecided: no policy, and a pager that fails closed', async () => {
    const state = createRequestState()
    expect(state.policy).toBeUndefined()
    await expect(state.pager.page({ read: async () => ({ items: [], totalCount: 0 }) }, { first: 1 }, {} as never)).rejects.toMatchObject({
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    })
  })

  it('takes one decision, with the pager cut under it, and refuses a second', () => {
    const state = createRequestState()
    state.decide(policy, pager)
    expect(state.policy).toBe(policy)
    expect(state.pager).toBe(pager)
    expect(() => state.decide(policy, pager)).toThrow('already decided')
    expect(state.policy).toBe(policy)
  })

  it('keeps each request apart', () => {
    const one = createRequestState()
    const two = createRequestState()
    one.decide(policy, pager)
    one.rateLimit.retryAfterMs = 1000
    one.verifications.push({ match: false })
    expect(two.policy).toBeUndefined()
    expect(two.rateLimit).toEqual({})
    expect(answeredNoMatch(one)).toBe(true)
    expect(answeredNoMatch(two)).toBe(false)
  })

  it.each([
    [[], false],
    [[{ match: true }], false],
    [[{ match: null }], false],
    [[{ match: true }, { match: false }], true],
  ])('answeredNoMatch(%j) is %s', (answers, expected) => {
    const state = createRequestState()
    state.verifications.push(...answers)
    expect(answeredNoMatch(state)).toBe(expected)
  })
})
