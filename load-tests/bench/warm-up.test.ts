import { describe, expect, it } from 'vitest'
import type { Measure } from './measure.js'
import { nextWindowS, warmUp, warmUpRule, warmUpState } from './warm-up.js'

const rule = warmUpRule(15, 90)

describe('warmUpState', () => {
  it.each([
    // The gateway's windows of 5 s on a two-CPU machine: it settles after 40 s, not at the minimum.
    { what: 'still falling at the minimum', windows: [3221, 2234, 1638], elapsed: 15, state: 'warming' },
    { what: 'a step down after a flat window starts the count again', windows: [3221, 2234, 1638, 1422, 1305, 1091], elapsed: 30, state: 'warming' },
    { what: 'one window without gain is not enough', windows: [3221, 2234, 1638, 1422, 1305, 1091, 1047], elapsed: 35, state: 'warming' },
    {
      what: 'two windows in a row within 5 % of the best before them',
      windows: [3221, 2234, 1638, 1422, 1305, 1091, 1047, 1041],
      elapsed: 40,
      state: 'steady',
    },
    // Bare Yoga's: a noisy window above the best is not a gain either.
    { what: 'two windows above the best', windows: [2826, 2458, 1730, 1432, 1470, 1020, 1055, 1195], elapsed: 40, state: 'steady' },
    // The peer's: each window a little cheaper than the one before, together more than 5 %.
    { what: 'a slow slide is still warming', windows: [3998, 2684, 1881, 1841, 1749], elapsed: 25, state: 'warming' },
    { what: 'a slide of 4 % a window is still warming', windows: [1200, 1150, 1100, 1050], elapsed: 20, state: 'warming' },
    { what: 'flat from the start, before the minimum', windows: [1000, 1000], elapsed: 10, state: 'warming' },
    { what: 'flat from the start, at the minimum', windows: [1000, 1000, 1000], elapsed: 15, state: 'steady' },
    { what: 'just under 5 % cheaper counts as flat', windows: [1000, 951, 952], elapsed: 15, state: 'steady' },
    { what: 'more than 5 % cheaper is a gain', windows: [1000, 1000, 949], elapsed: 15, state: 'warming' },
    { what: 'two windows only: nothing before them to compare', windows: [1000, 1000], elapsed: 15, state: 'warming' },
    { what: 'still falling at the most', windows: [9000, 8000, 7000], elapsed: 90, state: 'cut' },
    { what: 'steady at the most', windows: [9000, 7000, 7000, 7000], elapsed: 90, state: 'steady' },
    { what: 'no CPU reading: the minimum is all', windows: [null, null, null], elapsed: 15, state: 'unread' },
    { what: 'no CPU reading, before the minimum', windows: [null], elapsed: 5, state: 'warming' },
  ] as const)('$what → $state', ({ windows, elapsed, state }) => {
    expect(warmUpState(windows, elapsed, rule)).toBe(state)
  })

  it('a rule whose least is its most follows no trend', () => {
    expect(warmUpState([5000], 1, warmUpRule(1, 1))).toBe('fixed')
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

describe('warmUp', () => {
  const window = (cpuUs: number | null, failed = 0): Measure => ({ cpuUs, rps: 100, p50: 1, p99: 2, requests: 500, non2xx: failed, errors: 0 })
  const scripted = (cpu: Array<number | null>, failed: number[] = []) => {
    const asked: number[] = []
    const load = async (seconds: number) => {
      asked.push(seconds)
      const i = asked.length - 1
      return window(cpu[i] ?? cpu[cpu.length - 1]!, failed[i] ?? 0)
    }
    return { load, asked }
  }

  it('loads window by window until steady, and keeps every window', async () => {
    const { load, asked } = scripted([3000, 2000, 1500, 1200, 1190, 1180])
    const result = await warmUp(load, rule)
    expect(result).toEqual({ seconds: 30, cpuUs: [3000, 2000, 1500, 1200, 1190, 1180], state: 'steady', failed: 0 })
    expect(asked).toEqual([5, 5, 5, 5, 5, 5])
  })

  it('stops at the most while still falling, and says so', async () => {
    const falling = Array.from({ length: 30 }, (_, i) => 5000 - i * 150)
    const result = await warmUp(scripted(falling).load, warmUpRule(5, 20))
    expect(result.state).toBe('cut')
    expect(result.seconds).toBe(20)
  })

  it('counts the requests that failed while warming', async () => {
    const result = await warmUp(scripted([1000, 1000, 1000], [0, 3, 4]).load, rule)
    expect(result).toMatchObject({ state: 'steady', failed: 7 })
  })

  it('a quick run warms once', async () => {
    const { load, asked } = scripted([5000])
    expect(await warmUp(load, warmUpRule(1, 1))).toMatchObject({ seconds: 1, state: 'fixed' })
    expect(asked).toEqual([1])
  })
})
