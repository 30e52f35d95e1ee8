import { describe, expect, it } from 'vitest'
import { allowedCpus, cpuSplit, onCpus, parseCpuList } from './cpu-placement.js'

describe('parseCpuList', () => {
  it.each([
    { text: '0', cpus: [0] },
    { text: '0-1', cpus: [0, 1] },
    { text: '0-3,8,10-11\n', cpus: [0, 1, 2, 3, 8, 10, 11] },
    { text: ' 2,3 ', cpus: [2, 3] },
    { text: '', cpus: null },
    { text: '3-1', cpus: null },
    { text: '0-', cpus: null },
    { text: 'ff', cpus: null },
  ])('$text → $cpus', ({ text, cpus }) => {
    expect(parseCpuList(text)).toEqual(cpus)
  })
})

describe('cpuSplit', () => {
  it.each([
    { what: 'no CPU', allowed: [], split: null },
    { what: 'one CPU', allowed: [0], split: null },
    { what: 'two CPUs', allowed: [0, 1], split: { load: '0', target: '1', allowed: '0,1' } },
    {
      what: 'sixteen CPUs',
      allowed: [...Array(16).keys()],
      split: { load: '0,1,2,3,4,5,6,7,8,9,10,11,12,13,14', target: '15', allowed: '0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15' },
    },
    // A container allowed CPUs 2 and 3 of a larger host: never a CPU it may not use.
    { what: 'a cpuset that skips the first CPUs', allowed: [3, 2], split: { load: '2', target: '3', allowed: '2,3' } },
    { what: 'a CPU listed twice', allowed: [1, 1], split: null },
  ])('$what → $split', ({ allowed, split }) => {
    expect(cpuSplit(allowed)).toEqual(split)
  })
})

describe('onCpus', () => {
  it('runs the command through taskset on the CPUs given', () => {
    expect(onCpus('0,1', ['node', 'server.ts'])).toEqual(['taskset', '--cpu-list', '0,1', 'node', 'server.ts'])
  })
  it('runs it as it is without CPUs', () => {
    expect(onCpus(undefined, ['node', 'server.ts'])).toEqual(['node', 'server.ts'])
  })
})

it('reads the CPUs this process may use', () => {
  const cpus = allowedCpus()
  expect(cpus).not.toBeNull()
  expect(cpus!.length).toBeGreaterThan(0)
})
