import { describe, expect, it } from 'vitest'
import { CLOCK_SKEW_S, lifetimeProblem, replayWindowMs, singleAudience } from './lifetime.js'

const now = 1_800_000_000 // seconds
const nowMs = now * 1000

describe('lifetimeProblem: the bounds on iat, exp and nbf of a signed object (max lifetime 60 s, skew 30 s)', () => {
  it.each<[string, unknown, unknown, unknown, string | null]>([
    ['issued now, 60 s', now, now + 60, undefined, null],
    ['issued 29 s ahead (within the skew)', now + 29, now + 60, undefined, null],
    ['issued exactly 30 s ahead (the skew)', now + 30, now + 60, undefined, null],
    ['issued 31 s ahead', now + 31, now + 60, undefined, 'is issued in the future (iat)'],
    ['issued an hour ahead', now + 3600, now + 3630, undefined, 'is issued in the future (iat)'],
    ['expires when issued', now, now, undefined, 'expires before it is issued'],
    ['expires before issued', now, now - 1, undefined, 'expires before it is issued'],
    ['lives 61 s', now, now + 61, undefined, 'may live 60 seconds at most'],
    ['lives 60 s from 30 s ahead: ends 90 s from now, the furthest allowed', now + 30, now + 90, undefined, null],
    ['ends 91 s from now', now + 30, now + 91, undefined, 'may live 60 seconds at most'],
    ['issued long ago, expired: jose refuses the expiry, not this', now - 3600, now - 3550, undefined, null],
    ['iat a string', String(now), now + 60, undefined, 'iat and exp must be numbers'],
    ['exp missing', now, undefined, undefined, 'iat and exp must be numbers'],
    ['iat Infinity', Number.POSITIVE_INFINITY, now + 60, undefined, 'iat and exp must be numbers'],
    ['exp Infinity', now, Number.POSITIVE_INFINITY, undefined, 'iat and exp must be numbers'],
    ['exp NaN', now, Number.NaN, undefined, 'iat and exp must be numbers'],
    ['nbf a number', now, now + 60, now, null],
    ['nbf -Infinity (JSON -1e999)', now, now + 60, Number.NEGATIVE_INFINITY, 'nbf must be a number'],
    ['nbf a string', now, now + 60, 'now', 'nbf must be a number'],
    ['nbf null', now, now + 60, null, 'nbf must be a number'],
  ])('%s', (_case, iat, exp, nbf, expected) => {
    expect(lifetimeProblem(iat, exp, nowMs, 60, nbf)).toBe(expected)
  })

  it('the skew is 30 s: a bug loosening it to 300 s fails here', () => {
    expect(CLOCK_SKEW_S).toBe(30)
    expect(lifetimeProblem(now + 45, now + 60, nowMs, 60)).toBe('is issued in the future (iat)')
  })

  it('milliseconds of the clock count: 30.5 s ahead is past the skew', () => {
    expect(lifetimeProblem(now + 30, now + 60, nowMs - 500, 60)).toBe('is issued in the future (iat)')
    expect(lifetimeProblem(now + 30, now + 60, nowMs + 500, 60)).toBeNull()
  })
})

describe('replayWindowMs: a jti is remembered until expiry plus the skew, at least a second', () => {
  it.each<[string, number, number]>([
    ['expires in 60 s: 90 s', now + 60, 90_000],
    ['expired 10 s ago: 20 s (jose still accepts it within the skew)', now - 10, 20_000],
    ['expired 30 s ago: a second at least', now - 30, 1000],
    ['expired long ago: a second at least', now - 3600, 1000],
    ['a fraction of a millisecond rounds up', now + 0.0005, 30_001],
  ])('%s', (_case, exp, expected) => {
    expect(replayWindowMs(exp, nowMs)).toBe(expected)
  })
})

describe('singleAudience: exactly one audience, and an accepted one', () => {
  const accepted = ['https://lgsp.example', 'https://lgsp.example/oauth/token']
  it.each<[string, unknown, boolean]>([
    ['the gateway', 'https://lgsp.example', true],
    ['the token endpoint', 'https://lgsp.example/oauth/token', true],
    ['an array of one', ['https://lgsp.example'], true],
    ['another service', 'https://other.example', false],
    ['two audiences, one of them ours', ['https://lgsp.example', 'https://other.example'], false],
    ['an empty array', [], false],
    ['missing', undefined, false],
    ['a number', 1, false],
    ['an array of a number', [1], false],
  ])('%s', (_case, aud, expected) => {
    expect(singleAudience(aud, accepted)).toBe(expected)
  })
})
