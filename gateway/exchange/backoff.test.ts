import { describe, expect, it } from 'vitest'
import { retryDelayMs } from './backoff.js'

describe('retry delays: exponential with full jitter', () => {
  it.each([
    [1, 0.5, 500],
    [2, 0.5, 1000],
    [3, 0.5, 2000],
    [4, 0.999, 7992],
    [9, 0.5, 128_000],
    [10, 0.5, 150_000],
    [11, 0.5, 150_000],
    [500, 0.999, 299_700],
    [3, 0, 0],
  ])('attempt %i with random %s waits %i ms', (attempt, random, delay) => {
    expect(retryDelayMs(attempt, { random: () => random })).toBe(delay)
  })

  it('honours its base and cap', () => {
    expect(retryDelayMs(3, { baseMs: 100, maxMs: 250, random: () => 0.999 })).toBe(249)
    expect(retryDelayMs(1, { baseMs: 100, random: () => 0.5 })).toBe(50)
  })

  it.each([0, -1, 1.5, Number.NaN])('refuses attempt %s', (attempt) => {
    expect(() => retryDelayMs(attempt)).toThrow(RangeError)
  })

  it('spreads many messages that failed together', () => {
    const delays = new Set(Array.from({ length: 200 }, () => retryDelayMs(5)))
    expect(delays.size).toBeGreaterThan(100)
    for (const delay of delays) expect(delay).toBeLessThan(16_000)
  })
})
