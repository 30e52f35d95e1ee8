import { describe, expect, it } from 'vitest'
import { isWarm, nextWindowS, warmUpRule } from './warm-up.js'

const rule = warmUpRule(15, 90)

describe('isWarm', () => {
  it.each([
    // The gateway's windows of 5 s on a two-CPU machine: it settles after 40 s, not at the minimum.
    { what: 'still falling at the minimum', windows: [3221, 2234, 1638], elapsed: 15, warm: false },
    { what: 'a step down after a flat window starts the count again', windows: [3221, 2234, 1638, 1422, 1305, 1091], elapsed: 30, warm: false },
    { what: 'one window without gain is not enough', windows: [3221, 2234, 1638, 1422, 1305, 1091, 1047], elapsed: 35, warm: false },
    { what: 'two windows in a row within 5 % of the best', windows: [3221, 2234, 1638, 1422, 1305, 1091, 1047, 1041], elapsed: 40, warm: true },
    // Bare Yoga's: a noisy window above the best is not a gain either.
    { what: 'two windows above the best', windows: [2826, 2458, 1730, 1432, 1470, 1020, 1055, 1195], elapsed: 40, warm: true },
    { what: 'flat from the start, before the minimum', windows: [1000, 1000], elapsed: 10, warm: false },
    { what: 'flat from the start, at the minimum', windows: [1000, 1000, 1000], elapsed: 15, warm: true },
    { what: 'just under 5 % cheaper still counts as flat', windows: [1000, 951, 952], elapsed: 15, warm: true },
    { what: 'more than 5 % cheaper is a gain', windows: [1000, 1000, 949], elapsed: 15, warm: false },
    { what: 'still falling at the most', windows: [9000, 8000, 7000], elapsed: 90, warm: true },
    { what: 'no CPU reading: the minimum is all', windows: [null, null, null], elapsed: 15, warm: true },
    { what: 'no CPU reading, before the minimum', windows: [null], elapsed: 5, warm: false },
  ])('$what → $warm', ({ windows, elapsed, warm }) => {
    expect(isWarm(windows, elapsed, rule)).toBe(warm)
  })

  it('a quick run warms once, for its minimum', () => {
    const quick = warmUpRule(1, 1)
    expect(nextWindowS(0, quick)).toBe(1)
    expect(isWarm([5000], 1, quick)).toBe(true)
  })
})

describe('nextWindowS', () => {
  it.each([
    { elapsed: 0, seconds: 5 },
    { elapsed: 85, seconds: 5 },
    { elapsed: 87, seconds: 3 },
    { elapsed: 89.5, seconds: 1 },
  ])('after $elapsed s → $seconds s', ({ elapsed, seconds }) => {
    expect(nextWindowS(elapsed, rule)).toBe(seconds)
  })

  it('a maximum below the minimum is raised to it', () => {
    expect(warmUpRule(20, 10).maxS).toBe(20)
  })
})
