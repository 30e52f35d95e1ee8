/**
 * How a Workers isolate comes to serve: one build at a time and nobody waiting on it, a lasting
 * problem (configuration, keys) refused for the isolate's life without building again, a passing
 * one (the database not up yet) tried again a second later.
 */
import { describe, expect, it } from 'vitest'
import { recordingLogger } from '../../test/recording-logger.js'
import { ConfigError } from '../config.js'
import { KeyStoreError } from '../identity/keys/index.js'
import { BUILD_ABANDONED_MS, isolateStart, REBUILD_AFTER_MS } from './workers-start.js'

function world(outcomes: Array<'ok' | 'hold' | Error>) {
  let clock = 1_000_000
  let builds = 0
  let release = (): void => undefined
  const { logger, lines } = recordingLogger()
  const start = isolateStart(
    async () => {
      const built = ++builds
      const outcome = outcomes[built - 1] ?? 'ok'
      if (outcome === 'hold') await new Promise<void>((resolve) => (release = resolve))
      else if (outcome instanceof Error) throw outcome
      return { built }
    },
    logger,
    () => clock,
  )
  return { start, lines, builds: () => builds, release: () => release(), advance: (ms: number) => (clock += ms) }
}

const statusOf = async (started: Awaited<ReturnType<ReturnType<typeof world>['start']>>) => ('response' in started ? started.response.status : 200)

describe('isolate start (workerd)', () => {
  it('builds once and serves every request after from it', async () => {
    const w = world(['ok'])
    expect(await w.start()).toEqual({ gateway: { built: 1 } })
    expect(await w.start()).toEqual({ gateway: { built: 1 } })
    expect(w.builds()).toBe(1)
  })

  it('while one request builds, the others are told to come back at once rather than wait or build', async () => {
    const w = world(['hold'])
    const first = w.start()
    const others = await Promise.all([w.start(), w.start()])
    for (const other of others) {
      expect('response' in other).toBe(true)
      if ('response' in other) {
        expect(other.response.status).toBe(503)
        expect(other.response.headers.get('retry-after')).toBe('1')
      }
    }
    expect(w.builds()).toBe(1)
    w.release()
    expect(await first).toEqual({ gateway: { built: 1 } })
  })

  it.each([
    ['a configuration problem', new ConfigError(['GATEWAY_ISSUER: is required on workerd']), 'invalid configuration'],
    ['keys that cannot be opened', new KeyStoreError('GATEWAY_KEYS_PASSPHRASE is wrong'), 'the gateway keys could not be opened'],
  ])("%s is refused for the isolate's life, logged once, never rebuilt", async (_, error, logged) => {
    const w = world([error])
    for (let i = 0; i < 3; i++) {
      const started = await w.start()
      expect(await statusOf(started)).toBe(503)
      w.advance(REBUILD_AFTER_MS * 10)
    }
    expect(w.builds()).toBe(1)
    expect(w.lines.filter((line) => line.level === 'error')).toHaveLength(1)
    expect(w.lines[0]!.message).toContain(logged)
    const last = await w.start()
    if (!('response' in last)) throw new Error('served after a lasting refusal')
    expect(await last.response.text()).not.toMatch(/GATEWAY_|passphrase/i) // the problem is in the log, not the answer
  })

  it('a failure that may pass is tried again a second later, not on every request', async () => {
    const w = world([new Error('connect ECONNREFUSED 127.0.0.1:5432'), 'ok'])
    expect(await statusOf(await w.start())).toBe(503)
    expect(await statusOf(await w.start())).toBe(503)
    expect(w.builds()).toBe(1)
    w.advance(REBUILD_AFTER_MS)
    expect(await w.start()).toEqual({ gateway: { built: 2 } })
    expect(w.lines.map((line) => line.message)).toEqual(['the gateway could not start; a request will try again'])
  })

  it('a build that never settles (its request cancelled) is given up, and a late one changes nothing', async () => {
    const w = world(['hold', 'ok'])
    const abandoned = w.start()
    expect(await statusOf(await w.start())).toBe(503)
    w.advance(BUILD_ABANDONED_MS)
    expect(await w.start()).toEqual({ gateway: { built: 2 } })
    w.release() // the first build settles long after
    await abandoned
    expect(await w.start()).toEqual({ gateway: { built: 2 } }) // not the late first one
    expect(w.builds()).toBe(2)
  })
})
