import { describe, expect, it } from 'vitest'
import { cpuMs, mainThreadCpuMs, statCpuMs } from './measure.js'

/** A `/proc/<pid>/stat` line with the given command name, utime and stime (in ticks of 10 ms). */
const statLine = (comm: string, utime: number, stime: number) =>
  `4242 (${comm}) R 1 4242 4242 0 -1 4194560 900 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 123 456789 1234`

describe('statCpuMs', () => {
  it.each([
    { what: 'a plain name', text: statLine('node', 150, 50), ms: 2000 },
    { what: 'a name with spaces and parentheses', text: statLine('a) b) (c', 7, 3), ms: 100 },
    { what: 'a name ending in ") "', text: statLine('x) ', 1, 0), ms: 10 },
    { what: 'no CPU yet', text: statLine('node', 0, 0), ms: 0 },
    { what: 'an empty text', text: '', ms: null },
    { what: 'a line cut before utime', text: '4242 (node) R 1 4242', ms: null },
    { what: 'no name at all', text: '4242 node R 1 4242 4242 0 -1 4194560 900 0 0 0 150 50', ms: null },
  ])('$what → $ms', ({ text, ms }) => {
    expect(statCpuMs(text)).toBe(ms)
  })

  it('reads this process: its main thread has spent CPU, and no more than the whole process', () => {
    // The main thread first: read after the whole, it could gain a tick between the two reads.
    const main = mainThreadCpuMs(process.pid)
    const all = cpuMs(process.pid)
    expect(all).toBeGreaterThan(0)
    expect(main).toBeGreaterThan(0)
    expect(main!).toBeLessThanOrEqual(all!)
    expect(cpuMs(2 ** 30)).toBeNull() // no such process
  })
})
