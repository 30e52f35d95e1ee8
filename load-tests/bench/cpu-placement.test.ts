import { describe, expect, it } from 'vitest'
import { cpuSplit, onCpus } from './cpu-placement.js'

describe('cpuSplit', () => {
  it.each([
    { count: 0, split: null },
    { count: 1, split: null },
    { count: 2, split: { load: '0', target: '1' } },
    { count: 3, split: { load: '0-1', target: '2' } },
    { count: 16, split: { load: '0-14', target: '15' } },
    { count: 2.5, split: null },
  ])('$count CPUs → $split', ({ count, split }) => {
    expect(cpuSplit(count)).toEqual(split)
  })
})

describe('onCpus', () => {
  it('runs the command through taskset on the CPUs given', () => {
    expect(onCpus('1', ['node', 'server.ts'])).toEqual(['taskset', '--cpu-list', '1', 'node', 'server.ts'])
  })
  it('runs it as it is without CPUs', () => {
    expect(onCpus(undefined, ['node', 'server.ts'])).toEqual(['node', 'server.ts'])
  })
})
