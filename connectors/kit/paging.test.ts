import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, pageSize } from './paging.js'

describe('paging', () => {
  it.each([0, 1, 20, 99_999])('round-trips offset %i through an opaque cursor', (offset) => {
    const cursor = encodeCursor(offset)
    expect(cursor).not.toContain(String(offset === 0 ? 'o:' : offset))
    expect(decodeCursor(cursor)).toBe(offset)
  })
  it.each(['', 'abc', encodeCursor(1).slice(0, -1) + '!', btoa('o:-1'), btoa('x:5')])('rejects cursor %j with BAD_USER_INPUT', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }))
  })
  it('treats a missing cursor as the start', () => expect(decodeCursor(undefined)).toBe(0))
  it.each([
    [undefined, 20],
    [1, 1],
    [100, 100],
  ])('page size %j → %i', (first, size) => expect(pageSize(first)).toBe(size))
  it.each([0, -1, 101, 1.5])('refuses page size %j', (first) => expect(() => pageSize(first)).toThrow(/between 1 and 100/))
})
