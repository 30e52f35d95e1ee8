/**
 * The pure arithmetic of the rate limiter, by table: each step of GCRA and of the daily count,
 * refunds, the decision over several limits, and the checks on a request. The adapters run
 * this (memory) or mirror it (the Redis script; the conformance suite holds them equal).
 */
import { describe, expect, it } from 'vitest'
import {
  assertConsumeRequest,
  countEmptyFrom,
  DAY_MS,
  DAY_OFFSET_MS,
  decideLimits,
  largestCost,
  longestTolerance,
  refundLimit,
  stepLimit,
  type ConsumeRequest,
  type LimitSpec,
} from './rate-limiter.js'

const now = 1_000_000_000
const rate = (perMinute: number, burst: number, name = 'agency'): LimitSpec => ({ name, kind: 'rate', perMinute, burst })
const daily = (quota: number, name = 'daily'): LimitSpec => ({ name, kind: 'daily', quota })
const r60 = rate(60, 5) // one unit a second, five at most: a tolerance of 5 s
// One hour into local day 20000 (UTC+7).
const dayNow = 20_000 * DAY_MS - DAY_OFFSET_MS + 3_600_000
const untilMidnight = DAY_MS - 3_600_000

describe('stepLimit: one GCRA step', () => {
  it.each<[string, { tat: number } | undefined, number, object]>([
    [
      'a fresh bucket',
      undefined,
      1,
      { allowed: true, retryAfterMs: 0, next: { tat: now + 1000 }, ttlMs: 2000, report: { remaining: 4, resetMs: 1000, quota: 65, windowS: 60 } },
    ],
    [
      'two units from a bucket that holds three',
      { tat: now + 2000 },
      2,
      { allowed: true, next: { tat: now + 4000 }, ttlMs: 5000, report: { remaining: 1, resetMs: 4000 } },
    ],
    [
      'an empty bucket',
      { tat: now + 5000 },
      1,
      { allowed: false, retryAfterMs: 1000, next: { tat: now + 5000 }, ttlMs: 6000, report: { remaining: 0, resetMs: 5000 } },
    ],
    [
      'half a unit short',
      { tat: now + 4500 },
      1,
      { allowed: false, retryAfterMs: 500, next: { tat: now + 4500 }, ttlMs: 5500, report: { remaining: 0, resetMs: 4500 } },
    ],
    ['a stale state is a full bucket', { tat: now - 60_000 }, 1, { allowed: true, next: { tat: now + 1000 }, report: { remaining: 4 } }],
  ])('%s', (_case, state, cost, expected) => {
    expect(stepLimit(r60, state, cost, now)).toMatchObject(expected)
  })

  it('counted empty at an instant: refills from there', () => {
    expect(stepLimit(r60, undefined, 1, now, now - 2000)).toMatchObject({ allowed: true, next: { tat: now + 4000 }, report: { remaining: 1 } })
    expect(stepLimit(r60, undefined, 1, now, now + 500)).toMatchObject({
      allowed: false,
      retryAfterMs: 1500,
      next: { tat: now + 5500 },
      ttlMs: 6500,
      report: { remaining: 0, resetMs: 5500 },
    })
  })

  it.each<[string, { day: number; used: number } | undefined, number, object]>([
    [
      'the first units of the day',
      undefined,
      3,
      {
        allowed: true,
        retryAfterMs: 0,
        next: { day: 20_000, used: 3 },
        ttlMs: untilMidnight + 60_000,
        report: { remaining: 7, resetMs: untilMidnight, quota: 10, windowS: 86_400 },
      },
    ],
    ['the last units', { day: 20_000, used: 8 }, 2, { allowed: true, next: { day: 20_000, used: 10 }, report: { remaining: 0 } }],
    [
      'over the quota',
      { day: 20_000, used: 9 },
      2,
      {
        allowed: false,
        retryAfterMs: untilMidnight,
        next: { day: 20_000, used: 9 },
        ttlMs: untilMidnight + 60_000,
        report: { remaining: 1, resetMs: untilMidnight },
      },
    ],
    ["yesterday's count is not today's", { day: 19_999, used: 9 }, 2, { allowed: true, next: { day: 20_000, used: 2 } }],
  ])('daily: %s', (_case, state, cost, expected) => {
    expect(stepLimit(daily(10), state, cost, dayNow)).toMatchObject(expected)
  })
})

describe('refundLimit: units given back', () => {
  it.each<[string, LimitSpec, Parameters<typeof refundLimit>[1], number, number, ReturnType<typeof refundLimit>]>([
    ['rate: nothing stored', r60, undefined, 1, now, null],
    ['rate: a full bucket (tat now)', r60, { tat: now }, 1, now, null],
    ['rate: a daily state is not a bucket', r60, { day: 1, used: 1 }, 1, now, null],
    ['rate: one unit back', r60, { tat: now + 3000 }, 1, now, { next: { tat: now + 2000 }, ttlMs: 3000 }],
    ['rate: never beyond full', r60, { tat: now + 500 }, 2, now, { next: { tat: now }, ttlMs: 1000 }],
    ['daily: nothing stored', daily(10), undefined, 1, dayNow, null],
    ['daily: a bucket is not a count', daily(10), { tat: dayNow }, 1, dayNow, null],
    ["daily: yesterday's count", daily(10), { day: 19_999, used: 3 }, 1, dayNow, null],
    ['daily: nothing used', daily(10), { day: 20_000, used: 0 }, 1, dayNow, null],
    ['daily: two back', daily(10), { day: 20_000, used: 3 }, 2, dayNow, { next: { day: 20_000, used: 1 }, ttlMs: untilMidnight + 60_000 }],
    ['daily: never below zero', daily(10), { day: 20_000, used: 3 }, 5, dayNow, { next: { day: 20_000, used: 0 }, ttlMs: untilMidnight + 60_000 }],
  ])('%s', (_case, limit, state, cost, at, expected) => {
    expect(refundLimit(limit, state, cost, at)).toEqual(expected)
  })
})

describe('decideLimits: all or nothing, the longest wait', () => {
  it('refused by two limits: the longer of their waits, and reports of what is left now', () => {
    const request: ConsumeRequest = { partition: 'p', cost: 1, limits: [r60, rate(30, 1, 'grant')] }
    const decision = decideLimits(request, [{ tat: now + 4500 }, { tat: now + 2000 }], now)
    expect(decision.allowed).toBe(false)
    expect(decision.retryAfterMs).toBe(2000)
    expect(decision.reports.map((r) => [r.name, r.remaining])).toEqual([
      ['agency', 0],
      ['grant', 0],
    ])
  })

  it('allowed by every limit: no wait, the steps to store', () => {
    const decision = decideLimits({ partition: 'p', cost: 1, limits: [r60, daily(10)] }, [undefined, undefined], dayNow)
    expect(decision).toMatchObject({ allowed: true, retryAfterMs: 0 })
    expect(decision.steps.map((s) => s.next)).toEqual([{ tat: dayNow + 1000 }, { day: 20_000, used: 1 }])
  })
})

describe('the sizes of limits', () => {
  it.each<[string, LimitSpec[], number]>([
    ['a bucket holds its burst', [rate(60, 7)], 7],
    ['a burst of 0 still holds one unit', [rate(60, 0)], 1],
    ['the smallest of several', [rate(60, 7), rate(60, 4), daily(5)], 4],
    ['a daily quota smaller than the bucket', [rate(60, 7), daily(3)], 3],
  ])('largestCost: %s', (_case, limits, expected) => {
    expect(largestCost(limits)).toBe(expected)
  })

  it.each<[string, LimitSpec[], number]>([
    ['no limits', [], 0],
    ['one bucket: burst × interval', [r60], 5000],
    ['the longest of several; a daily quota refills by day, not here', [r60, rate(30, 1), daily(5)], 5000],
    ['a burst of 0 is one interval', [rate(60, 0)], 1000],
    ['a daily quota alone', [daily(5)], 0],
  ])('longestTolerance: %s', (_case, limits, expected) => {
    expect(longestTolerance(limits)).toBe(expected)
  })
})

describe('countEmptyFrom: buckets counted empty at an instant, while that still matters', () => {
  const request: ConsumeRequest = { partition: 'p', cost: 1, limits: [r60] }
  it.each<[string, ConsumeRequest, number | undefined, number | undefined]>([
    ['no instant: as it was', request, undefined, undefined],
    ['3 s ago', request, now - 3000, 3000],
    ['a whole refill ago: still counts', request, now - 5000, 5000],
    ['longer ago than any refill: as it was', request, now - 5001, undefined],
    ['in the future', request, now + 200, -200],
    ['a later instant already given wins', { ...request, drainedAgoMs: 1000 }, now - 3000, 1000],
    ['a later instant than the one given wins', { ...request, drainedAgoMs: 4000 }, now - 3000, 3000],
  ])('%s', (_case, given, emptyAt, drainedAgoMs) => {
    expect(countEmptyFrom(given, emptyAt, now).drainedAgoMs).toBe(drainedAgoMs)
  })
})

describe('assertConsumeRequest: a malformed request is a TypeError that says what is wrong', () => {
  const ok: ConsumeRequest = { partition: 'agency:x', cost: 1, limits: [r60] }
  it.each<[string, ConsumeRequest, string | null]>([
    ['a good request', ok, null],
    ['a partition of 200 characters', { ...ok, partition: 'p'.repeat(200) }, null],
    ['a partition of 201', { ...ok, partition: 'p'.repeat(201) }, 'consume: partition must be 1–200 characters without braces or spaces'],
    ['a partition that is no string', { ...ok, partition: 7 as unknown as string }, 'consume: partition must be 1–200 characters without braces or spaces'],
    ['a partition with a space', { ...ok, partition: 'a b' }, 'consume: partition must be 1–200 characters without braces or spaces'],
    ['cost 0', { ...ok, cost: 0 }, 'consume: cost must be a positive integer (got 0)'],
    ['drainedAgoMs NaN', { ...ok, drainedAgoMs: Number.NaN }, 'consume: drainedAgoMs must be a finite number'],
    ['drainedAgoMs negative is allowed', { ...ok, drainedAgoMs: -5 }, null],
    ['eight limits', { ...ok, limits: Array.from({ length: 8 }, (_, i) => rate(60, 1, `l${i}`)) }, null],
    ['nine limits', { ...ok, limits: Array.from({ length: 9 }, (_, i) => rate(60, 1, `l${i}`)) }, 'consume: give 1–8 limits'],
    ['no limits', { ...ok, limits: [] }, 'consume: give 1–8 limits'],
    [
      'a limit name that is no string',
      { ...ok, limits: [{ ...r60, name: 5 as unknown as string }] },
      'consume: limit names must be unique words of letters, digits and . _ : -',
    ],
    ['two limits of one name', { ...ok, limits: [r60, r60] }, 'consume: limit names must be unique words of letters, digits and . _ : -'],
    ['a burst of 0', { ...ok, limits: [rate(60, 0)] }, null],
    ['a negative burst', { ...ok, limits: [rate(60, -1)] }, 'consume: limit agency is malformed'],
    ['a fractional burst', { ...ok, limits: [rate(60, 1.5)] }, 'consume: limit agency is malformed'],
    ['a daily quota of 1', { ...ok, limits: [daily(1)] }, null],
    ['a daily quota of 0', { ...ok, limits: [daily(0)] }, 'consume: limit daily is malformed'],
    ['a fractional daily quota', { ...ok, limits: [daily(1.5)] }, 'consume: limit daily is malformed'],
    ['another kind', { ...ok, limits: [{ name: 'x', kind: 'weekly', quota: 5 } as unknown as LimitSpec] }, 'consume: limit x is malformed'],
  ])('%s', (_case, request, message) => {
    if (message === null) expect(() => assertConsumeRequest(request)).not.toThrow()
    else expect(() => assertConsumeRequest(request)).toThrow(new TypeError(message))
  })
})
