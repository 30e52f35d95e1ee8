/**
 * The audit writer's Durable Object and its Worker-side sink, under Node with the objects in
 * memory: an event is acknowledged only once the object's writer committed it, and every way it
 * cannot be (the writer refuses, fails to open, the event is malformed, the object does not
 * answer) reaches the caller as AuditUnavailableError, so the request fails closed. The object
 * on workerd, with PostgreSQL behind it, runs in the black-box suites.
 */
import { describe, expect, it } from 'vitest'
import { memoryObjectNamespace } from '../support/durable-object.fixture.js'
import type { ObjectNamespace } from '../support/index.js'
import { actionEvent } from './action-event.js'
import { auditWriterObjectClass, createDurableObjectAuditSink } from './durable-object.js'
import type { AuditEvent } from './event.js'
import { AuditUnavailableError } from './unavailable.js'
import type { AuditWriter } from './writer.js'
import { recordingLogger } from '../../test/recording-logger.js'

function fakeWriter(behaviour: (event: AuditEvent) => Promise<void>): AuditWriter & { committed: AuditEvent[]; healthy: boolean } {
  const committed: AuditEvent[] = []
  const writer = {
    committed,
    healthy: true,
    writer: 'test/1',
    async record(event: AuditEvent) {
      await behaviour(event)
      committed.push(event)
    },
    status: () => ({ writer: 'test/1', queued: 0, healthy: writer.healthy, committed: committed.length, transactions: committed.length, lastCommitMs: null }),
    flush: async () => undefined,
    close: async () => undefined,
  }
  return writer
}

const event = () => actionEvent({ kind: 'keys.rotated', actor: 'gateway', instance: 'test', detail: { kid: 'k2', previous: 'k1' } })

function sinkOver(open: () => Promise<AuditWriter>, timeoutMs = 2000, logger = recordingLogger().logger) {
  const AuditObject = auditWriterObjectClass<null>(open, () => logger)
  return createDurableObjectAuditSink(
    memoryObjectNamespace((state) => new AuditObject(state, null)),
    timeoutMs,
  )
}

describe('audit writer in a Durable Object', () => {
  it('acknowledges an event once the writer has committed it, and only then', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const writer = fakeWriter(() => held)
    const sink = sinkOver(async () => writer)
    const recorded = event()
    let settled = false
    const call = sink.record(recorded).then(() => (settled = true))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(settled).toBe(false)
    release()
    await call
    expect(writer.committed).toEqual([recorded])
  })

  it.each([
    ['the writer refuses (store down)', () => sinkOver(async () => fakeWriter(async () => Promise.reject(new AuditUnavailableError('down'))))],
    ['the writer fails otherwise', () => sinkOver(async () => fakeWriter(async () => Promise.reject(new Error('bug'))))],
    ['the writer cannot be opened', () => sinkOver(async () => Promise.reject(new Error('no database')))],
    [
      'the object cannot be reached',
      () => {
        const unreachable: ObjectNamespace = {
          idFromName: (name) => name,
          get: () => ({ fetch: async () => Promise.reject(new TypeError('network connection lost')) }),
        }
        return createDurableObjectAuditSink(unreachable, 2000)
      },
    ],
    ['the object does not answer in time', () => sinkOver(async () => fakeWriter(() => new Promise(() => undefined)), 50)],
  ])('fails closed when %s', async (_, makeSink) => {
    await expect(makeSink().record(event())).rejects.toBeInstanceOf(AuditUnavailableError)
  })

  it('refuses a malformed event without committing it, and the caller fails closed', async () => {
    const writer = fakeWriter(async () => undefined)
    const sink = sinkOver(async () => writer)
    await expect(sink.record({ ...event(), kind: 'not.a.kind' } as unknown as AuditEvent)).rejects.toBeInstanceOf(AuditUnavailableError)
    expect(writer.committed).toEqual([])
  })

  it('opens the writer again after a failed open: a store down at the first event does not stick', async () => {
    let attempts = 0
    const writer = fakeWriter(async () => undefined)
    const sink = sinkOver(async () => {
      attempts++
      if (attempts === 1) throw new Error('database not reachable yet')
      return writer
    })
    await expect(sink.record(event())).rejects.toBeInstanceOf(AuditUnavailableError)
    await sink.record(event())
    await sink.record(event())
    expect(attempts).toBe(2)
    expect(writer.committed).toHaveLength(2)
  })

  it('answers its ping with the writer status: not ok while the last commit failed, or the writer cannot open', async () => {
    const writer = fakeWriter(async () => undefined)
    const sink = sinkOver(async () => writer)
    expect(await sink.ping()).toMatchObject({ ok: true })
    writer.healthy = false
    expect(await sink.ping()).toMatchObject({ ok: false, detail: 'the last commit failed' })
    writer.healthy = true
    expect(await sink.ping()).toMatchObject({ ok: true })
    expect(await sinkOver(async () => Promise.reject(new Error('down'))).ping()).toMatchObject({ ok: false, detail: 'the writer could not be opened' })
  })

  it("logs a failed open and a failure no caller sees the cause of, never the store's refusal twice", async () => {
    const { logger, lines } = recordingLogger()
    let attempt = 0
    const sink = sinkOver(
      async () => {
        if (++attempt === 1) throw new Error('database not reachable yet')
        return fakeWriter(async (e) => Promise.reject(e.kind === 'keys.rotated' ? new Error('bug') : new AuditUnavailableError('down')))
      },
      2000,
      logger,
    )
    await expect(sink.record(event())).rejects.toBeInstanceOf(AuditUnavailableError)
    await expect(sink.record(event())).rejects.toBeInstanceOf(AuditUnavailableError)
    await expect(
      sink.record(actionEvent({ kind: 'policy.applied', actor: 'gateway:test', instance: 'test', detail: { version: 2, author: 'test' } })),
    ).rejects.toBeInstanceOf(AuditUnavailableError)
    expect(lines.map((line) => line.message)).toEqual(['audit writer not opened; the next event tries again', 'audit writer failed an event'])
  })
})
