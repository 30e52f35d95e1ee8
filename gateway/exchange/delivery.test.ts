/**
 * Delivery over real HTTP to a receiver on 127.0.0.1 that counts its effects: a receiver down
 * for a while gets every message once it is back, in each dossier's order, none lost; an
 * acknowledgement lost on the way is redelivered and deduplicated by the message id; a receiver
 * that refuses a payload for good leaves a dead letter with the reason.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { until } from '../../test/waiting.js'
import { type Database, migrate } from '../database/index.js'
import { openPglite } from '../database/pglite.node.js'
import { partnerWire } from '../../connectors/index.js'
import { createDeliveryWorker, httpPush } from './delivery.js'
import { createDossierStore, PORTAL_RECEIVER, type DossierStore } from './dossier-store.js'
import { createOutbox, type Outbox } from './outbox.js'

const DESK = 'mot-cua-phuong-01'
const DEPT = 'so-tnmt-ha-noi'

/** A receiving system: answers as `mode` says, and applies each message id's effect once. */
function receiver() {
  const applied: Array<{ dossier: string; seq: number; messageId: string }> = []
  const seen = new Set<string>()
  const state = { mode: 'up' as 'up' | 'down' | 'lose-ack' | 'refuse', calls: 0 }
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      state.calls += 1
      if (state.mode === 'down') return response.writeHead(503).end()
      if (state.mode === 'refuse') return response.writeHead(422).end('{"error":"MaHoSo missing"}')
      const message = JSON.parse(body) as { dossier: string; seq: number; messageId: string }
      // Deduplicated on the id the gateway sends: a redelivery changes nothing.
      const id = String(request.headers['idempotency-key']).replace(/^"(.*)"$/, '$1')
      if (!seen.has(id)) {
        seen.add(id)
        applied.push({ dossier: message.dossier, seq: message.seq, messageId: id })
      }
      if (state.mode === 'lose-ack') {
        state.mode = 'up'
        return response.writeHead(500).end()
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ack":true}')
    })
  })
  return {
    state,
    applied,
    listen: () =>
      new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/inbox`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('delivery of dossier steps over HTTP', () => {
  let db: Database
  let store: DossierStore
  let outbox: Outbox
  let clock = Date.UTC(2026, 11, 4, 8, 0, 0)
  const now = () => new Date(clock)
  const portal = receiver()
  const department = receiver()
  const desk = receiver()
  let urls: Record<string, string>
  let dossiers = 0

  beforeAll(async () => {
    db = await openPglite()
    await migrate(db)
    store = createDossierStore(db, { now })
    outbox = createOutbox(db, { now, maxAttempts: 4, leaseMs: 5000, backoff: { baseMs: 1000, random: () => 0.5 } })
    urls = { [PORTAL_RECEIVER]: await portal.listen(), [DEPT]: await department.listen(), [DESK]: await desk.listen() }
  })
  afterAll(async () => {
    await Promise.all([portal.close(), department.close(), desk.close()])
    await db?.close()
  })

  const worker = (onDead?: (error: string) => void) =>
    createDeliveryWorker({
      outbox,
      push: httpPush({ endpointOf: (r) => (urls[r] ? { url: urls[r], wire: partnerWire('canonical') } : null), timeoutMs: 2000 }),
      ...(onDead ? { onDead: (_m, e) => onDead(e) } : {}),
    })

  async function flow(): Promise<string> {
    const code = `G09.20-20261204-${String(++dossiers).padStart(7, '0')}`
    await store.submit({ code, procedure: '1.004227', channel: 1, applicant: '001085000101' }, { actor: DESK })
    await store.step(code, 'accept', { actor: DESK })
    await store.step(code, 'transfer', { actor: DESK, target: DEPT })
    await store.step(code, 'requestSupplement', { actor: DEPT })
    return code
  }

  it('a receiver down for a while gets every message once it is back, in order, each once', async () => {
    const codes = [await flow(), await flow(), await flow()]
    portal.state.mode = 'down'
    const whileDown = await worker().drain()
    // The department's transfer and the desk's supplement request, for each dossier.
    expect(whileDown.delivered).toBe(2 * codes.length)
    expect(whileDown.retried).toBe(codes.length) // the portal's first message of each dossier
    portal.state.mode = 'up'
    // Before the backoff is over nothing is offered; after it, everything arrives.
    expect((await worker().drain()).claimed).toBe(0)
    clock += 60_000
    const after = await worker().drain()
    expect(after.dead).toBe(0)
    for (const code of codes) {
      expect(portal.applied.filter((m) => m.dossier === code).map((m) => m.seq)).toEqual([1, 2, 3, 4])
      expect(department.applied.filter((m) => m.dossier === code).map((m) => m.seq)).toEqual([3])
      expect(desk.applied.filter((m) => m.dossier === code).map((m) => m.seq)).toEqual([4])
    }
    expect(new Set(portal.applied.map((m) => m.messageId)).size).toBe(portal.applied.length)
  })

  it('an acknowledgement lost on the way: the message is sent again and applied once', async () => {
    const code = await flow()
    department.state.mode = 'lose-ack'
    const before = department.state.calls
    await worker().drain()
    clock += 60_000
    await worker().drain()
    expect(department.state.calls - before).toBe(2)
    expect(department.applied.filter((m) => m.dossier === code)).toHaveLength(1)
  })

  it('a receiver that refuses a payload for good leaves a dead letter with its reason at once, and the dossier goes on', async () => {
    const code = await flow()
    portal.state.mode = 'refuse'
    const dead: string[] = []
    await worker((error) => dead.push(error)).drain()
    const reason = `${PORTAL_RECEIVER}: refused (HTTP 422): {"error":"MaHoSo missing"}`
    expect(dead).toContain(reason)
    // Refused for good: no attempts wasted on it, and the dossier's later messages are not held back.
    expect((await outbox.deadLetters()).filter((d) => d.dossier === code).map((d) => [d.seq, d.attempts, d.lastError])).toEqual([
      [4, 1, reason],
      [3, 1, reason],
      [2, 1, reason],
      [1, 1, reason],
    ])
    portal.state.mode = 'up'
  })

  it('a receiver that is down is retried until the attempts run out, then a dead letter', async () => {
    const code = await flow()
    department.state.mode = 'down'
    for (let i = 0; i < 5; i++) {
      await worker().drain()
      clock += 600_000
    }
    expect((await outbox.deadLetters()).filter((d) => d.dossier === code).map((d) => [d.seq, d.receiver, d.attempts, d.lastError])).toEqual([
      [3, DEPT, 4, `${DEPT}: HTTP 503`],
    ])
    department.state.mode = 'up'
  })

  it('an unregistered receiver or an unreachable one is a failure with its reason, never a throw', async () => {
    const claimed = { id: '00000000-0000-4000-8000-000000000001', dossier: 'x', seq: 1, receiver: 'nobody', payload: {} as never, attempt: 1 }
    expect(await httpPush({ endpointOf: () => null })(claimed)).toEqual({ ok: false, error: 'no endpoint is registered for nobody' })
    expect(await httpPush({ endpointOf: () => ({ url: 'http://127.0.0.1:9/inbox', wire: partnerWire('canonical') }), timeoutMs: 1000 })(claimed)).toEqual({
      ok: false,
      error: 'could not connect (nobody)',
    })
  })

  it('runs in the background until stopped', async () => {
    const code = await flow()
    const background = worker()
    background.start()
    await until(() => portal.applied.filter((m) => m.dossier === code).length >= 4, { withinMs: 10_000, what: 'four steps at the portal' })
    await background.stop()
    expect(portal.applied.filter((m) => m.dossier === code).map((m) => m.seq)).toEqual([1, 2, 3, 4])
  })

  it('woken by a commit, it delivers at once instead of after its idle pause', async () => {
    const idle = createDeliveryWorker({
      outbox,
      push: httpPush({ endpointOf: (r) => (urls[r] ? { url: urls[r], wire: partnerWire('canonical') } : null), timeoutMs: 2000 }),
      idleMs: 600_000,
    })
    await idle.drain()
    idle.start()
    // Idle now: without a wake, the next round is ten minutes away.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const code = await flow()
    idle.wake()
    await until(() => portal.applied.filter((m) => m.dossier === code).length >= 1, { withinMs: 10_000, what: 'the first step at the portal' })
    await idle.stop()
  })
})
