import { describe, expect, it } from 'vitest'
import type { Logger } from '../logger.js'
import { createOutageLog } from './outage-log.js'

type Line = { level: string; message: string; fields: Record<string, unknown> }

function recorder() {
  const lines: Line[] = []
  const at = (level: string) => (fields: object, message: string) => void lines.push({ level, message, fields: fields as Record<string, unknown> })
  const logger: Logger = { info: at('info'), warn: at('warn'), error: at('error') }
  return { lines, logger }
}

describe('audit outage log: state changes and a summary, not a line per failed commit', () => {
  it.each<[string, Array<['fail', number, number] | ['ok', number]>, Array<[string, string, Record<string, unknown>?]>]>([
    [
      'a healthy store says nothing',
      [
        ['ok', 0],
        ['ok', 10],
      ],
      [],
    ],
    [
      '35 failures a second for 10 s: one error, then the recovery with totals',
      [...Array.from({ length: 350 }, (_, i) => ['fail', Math.floor((i * 1000) / 35), 2] as ['fail', number, number]), ['ok', 10_500]],
      [
        ['error', 'audit store unavailable: requests fail closed until it commits again', { events: 2 }],
        ['info', 'audit store reachable again', { commits: 350, events: 700, forMs: 10_500 }],
      ],
    ],
    [
      'a long outage: a summary every 30 s of what was refused since the last',
      [
        ['fail', 0, 1],
        ['fail', 10_000, 1],
        ['fail', 30_000, 3],
        ['fail', 45_000, 1],
        ['fail', 61_000, 1],
        ['ok', 62_000],
      ],
      [
        ['error', 'audit store unavailable: requests fail closed until it commits again', { events: 1 }],
        ['error', 'audit store still unavailable: commits and requests refused since the last report', { commits: 2, events: 4, forMs: 30_000 }],
        ['error', 'audit store still unavailable: commits and requests refused since the last report', { commits: 2, events: 2, forMs: 61_000 }],
        ['info', 'audit store reachable again', { commits: 5, events: 7, forMs: 62_000 }],
      ],
    ],
    [
      'two outages are two: each starts with its error',
      [
        ['fail', 0, 1],
        ['ok', 5],
        ['fail', 100, 1],
        ['ok', 200],
      ],
      [
        ['error', 'audit store unavailable: requests fail closed until it commits again'],
        ['info', 'audit store reachable again', { commits: 1, events: 1, forMs: 5 }],
        ['error', 'audit store unavailable: requests fail closed until it commits again'],
        ['info', 'audit store reachable again', { commits: 1, events: 1, forMs: 100 }],
      ],
    ],
  ])('%s', (_case, steps, expected) => {
    const { lines, logger } = recorder()
    let t = 0
    const log = createOutageLog({ logger, writer: () => 'gw-1-abc', now: () => t })
    for (const step of steps) {
      t = step[1]
      if (step[0] === 'fail') log.failed(new Error('connection refused'), step[2])
      else log.committed()
    }
    expect(lines.map((line) => [line.level, line.message])).toEqual(expected.map(([level, message]) => [level, message]))
    expected.forEach(([, , fields], i) => {
      if (fields) expect(lines[i]!.fields).toMatchObject({ writer: 'gw-1-abc', ...fields })
    })
  })
})
