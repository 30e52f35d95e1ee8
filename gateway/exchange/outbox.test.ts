/**
 * The outbox on both database adapters: due messages claimed once at a time (also by two
 * workers at once), in each dossier's order per receiver, retried after a backoff, dead-lettered
 * after the last attempt, and redelivered by an operator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bothDatabases } from '../../test/services/databases.js'
import { type Database, migrate } from '../database/index.js'
import { createDossierStore, PORTAL_RECEIVER, type DossierStore } from './dossier-store.js'
import { createDeliveryWorker } from './delivery.js'
import { createOutbox } from './outbox.js'

const { adapters } = bothDatabases('outbox')
const DESK = 'mot-cua-phuong-01'
const DEPT = 'so-tnmt-ha-noi'

describe.each(adapters)('outbox on $name', (adapter) => {
  let db: Database
  let store: DossierStore
  let clock = Date.UTC(2026, 11, 4, 8, 0, 0)
  const now = () => new Date(clock)
  let dossiers = 0
  beforeAll(async () => {
    db = await adapter.open()
    await migrate(db)
    store = createDossierStore(db, { now })
  })
  afterAll(async () => {
    await db?.close()
  })

  /** A dossier taken to the department: messages for the portal (seq 1–3) and the department (seq 3). */
  async function transferred(): Promise<string> {
    const code = `G09.20-20261204-${String(++dossiers).padStart(7, '0')}`
    await store.submit({ code, procedure: '1.004227', channel: 1, applicant: '001085000101' }, { actor: DESK })
    await store.step(code, 'accept', { actor: DESK })
    await store.step(code, 'transfer', { actor: DESK, target: DEPT })
    return code
  }
  const drain = async (outbox: ReturnType<typeof createOutbox>) => {
    for (let claimed = await outbox.claim(100); claimed.length > 0; claimed = await outbox.claim(100)) for (const m of claimed) await outbox.delivered(m.id)
  }

  it("offers a receiver a dossier's messages one at a time, in order, each once while it is leased", async () => {
    const outbox = createOutbox(db, { now, leaseMs: 10_000 })
    await drain(outbox)
    const code = await transferred()
    const first = await outbox.claim(10)
    expect(first.map((m) => [m.seq, m.receiver, m.attempt])).toEqual([
      [1, PORTAL_RECEIVER, 1],
      [3, DEPT, 1],
    ])
    expect(first[0]!.payload).toMatchObject({ messageId: first[0]!.id, dossier: code, step: 'submit', status: 1 })
    // Leased: not offered again; the portal's seq 2 waits for seq 1.
    expect(await outbox.claim(10)).toEqual([])
    await outbox.delivered(first[0]!.id)
    expect((await outbox.claim(10)).map((m) => [m.seq, m.receiver])).toEqual([[2, PORTAL_RECEIVER]])
  })

  it('a worker that dies mid-push loses nothing: the lease runs out and the message is offered again', async () => {
    const outbox = createOutbox(db, { now, leaseMs: 10_000 })
    await drain(outbox)
    await transferred()
    const taken = await outbox.claim(1)
    expect(taken).toHaveLength(1)
    clock += 10_001
    const again = await outbox.claim(10)
    expect(again.find((m) => m.id === taken[0]!.id)).toMatchObject({ attempt: 2 })
    // The second worker delivers it; the first, back from the dead, reports its failure: nothing changes.
    await outbox.delivered(taken[0]!.id)
    expect(await outbox.failed(taken[0]!.id, 'timed out')).toBe('settled')
    expect((await outbox.deadLetters()).some((d) => d.id === taken[0]!.id)).toBe(false)
  })

  it('a failed push is retried after its backoff, and dead-lettered after the last attempt with its reason', async () => {
    const outbox = createOutbox(db, { now, leaseMs: 1000, maxAttempts: 3, backoff: { baseMs: 1000, random: () => 0.999 } })
    await drain(outbox)
    const code = await transferred()
    const target = (await outbox.claim(10)).find((m) => m.receiver === DEPT)!
    expect(await outbox.failed(target.id, 'HTTP 503 from the department')).toBe('retry')
    // Backoff after attempt 1: up to 1 s (999 ms here); not offered before.
    clock += 998
    expect((await outbox.claim(10)).some((m) => m.id === target.id)).toBe(false)
    clock += 2
    const second = (await outbox.claim(10)).find((m) => m.id === target.id)!
    expect(second.attempt).toBe(2)
    expect(await outbox.failed(target.id, 'HTTP 503 from the department')).toBe('retry')
    clock += 2000
    const third = (await outbox.claim(10)).find((m) => m.id === target.id)!
    expect(third.attempt).toBe(3)
    expect(await outbox.failed(target.id, 'the portal refused the payload: MaHoSo missing')).toBe('dead')
    expect((await outbox.deadLetters()).find((d) => d.id === target.id)).toEqual({
      id: target.id,
      dossier: code,
      seq: 3,
      receiver: DEPT,
      attempts: 3,
      lastError: 'the portal refused the payload: MaHoSo missing',
    })
    clock += 3_600_000
    expect((await outbox.claim(100)).some((m) => m.id === target.id)).toBe(false)
    // An operator redelivers it: due at once, attempts counted afresh.
    expect(await outbox.redeliver(target.id)).toBe(true)
    expect(await outbox.redeliver(target.id)).toBe(false)
    expect((await outbox.claim(100)).find((m) => m.id === target.id)).toMatchObject({ attempt: 1 })
  })

  it('never claims the messages of a system that reads its inbox: they wait there until it acknowledges', async () => {
    const outbox = createOutbox(db, { now, leaseMs: 60_000 })
    await drain(outbox)
    const code = await transferred()
    const claimed = await outbox.claim(100, [DEPT])
    expect(claimed.every((m) => m.receiver !== DEPT)).toBe(true)
    const inbox = (await outbox.inbox(DEPT, 100)).filter((m) => m.payload.dossier === code)
    expect(inbox.map((m) => m.payload.seq)).toEqual([3])
    expect(await outbox.acknowledge(PORTAL_RECEIVER, [inbox[0]!.id])).toBe(0)
    expect(await outbox.acknowledge(DEPT, [inbox[0]!.id])).toBe(1)
    expect(await outbox.acknowledge(DEPT, [inbox[0]!.id])).toBe(0)
    for (const m of claimed) await outbox.delivered(m.id)
  })

  it('two workers claiming at once never take the same message', async () => {
    const outbox = createOutbox(db, { now, leaseMs: 60_000 })
    await drain(outbox)
    for (let i = 0; i < 20; i++) await transferred()
    const [a, b] = await Promise.all([createOutbox(db, { now, leaseMs: 60_000 }).claim(25), createOutbox(db, { now, leaseMs: 60_000 }).claim(25)])
    const ids = [...a, ...b].map((m) => m.id)
    expect(new Set(ids).size).toBe(ids.length)
    // Per dossier: the portal's seq 1 and the department's seq 3, 20 dossiers.
    const more = await outbox.claim(100)
    expect(ids.length + more.length).toBe(40)
  })

  it('sums up each receiver: waiting, failing with the latest error, dead, delivered, and the oldest wait', async () => {
    const outbox = createOutbox(db, { now, leaseMs: 60_000, maxAttempts: 1 })
    await drain(outbox)
    const before = new Map((await outbox.summary()).map((r) => [r.receiver, r]))
    await transferred()
    await transferred()
    clock += 5000
    const claimed = await outbox.claim(10)
    const [toDept] = claimed.filter((m) => m.receiver === DEPT)
    const [toPortal] = claimed.filter((m) => m.receiver === PORTAL_RECEIVER)
    await outbox.failed(toDept!.id, 'HTTP 503') // one attempt allowed: a dead letter
    await outbox.delivered(toPortal!.id)
    const after = new Map((await outbox.summary()).map((r) => [r.receiver, r]))
    const delta = (receiver: string, key: 'pending' | 'dead' | 'delivered') => after.get(receiver)![key] - (before.get(receiver)?.[key] ?? 0)
    expect([delta(DEPT, 'pending'), delta(DEPT, 'dead'), delta(DEPT, 'delivered')]).toEqual([1, 1, 0])
    expect([delta(PORTAL_RECEIVER, 'pending'), delta(PORTAL_RECEIVER, 'delivered')]).toEqual([5, 1])
    expect(after.get(PORTAL_RECEIVER)!.oldestPendingMs).toBeGreaterThanOrEqual(5000)
    // A message retried after a failure is waiting and failing, with its error.
    const patient = createOutbox(db, { now, leaseMs: 60_000, maxAttempts: 5 })
    clock += 61_000 // the other messages of the first claim are leased until then
    const next = (await patient.claim(10)).find((m) => m.receiver === DEPT)!
    const failingBefore = (await patient.summary()).find((r) => r.receiver === DEPT)!.failing
    expect(await patient.failed(next.id, 'could not connect (so-tnmt-ha-noi)')).toBe('retry')
    expect((await patient.summary()).find((r) => r.receiver === DEPT)).toMatchObject({
      failing: failingBefore + 1,
      lastError: 'could not connect (so-tnmt-ha-noi)',
    })
    clock += 3_600_000
    await drain(outbox)
  })

  it('two instances’ delivery workers draining at once push each message exactly once', async () => {
    const outbox = createOutbox(db, { now, leaseMs: 60_000 })
    await drain(outbox)
    for (let i = 0; i < 30; i++) await transferred()
    const pushes = new Map<string, number>()
    const push = async (message: { id: string }) => {
      pushes.set(message.id, (pushes.get(message.id) ?? 0) + 1)
      await new Promise((resolve) => setTimeout(resolve, 1))
      return { ok: true as const }
    }
    // Two instances: their own outbox objects on the one database, several rounds each.
    const workers = [0, 1].map(() => createDeliveryWorker({ outbox: createOutbox(db, { now, leaseMs: 60_000 }), push, batch: 7 }))
    const rounds = await Promise.all(workers.map((worker) => worker.drain()))
    // 30 dossiers × (3 portal messages + 1 department message).
    expect(pushes.size).toBe(120)
    expect([...pushes.values()].every((count) => count === 1)).toBe(true)
    expect(rounds[0]!.delivered + rounds[1]!.delivered).toBe(120)
    expect(rounds.every((round) => round.delivered > 0)).toBe(true)
  })
})
