/**
 * Dossier steps on both database adapters: each step one transaction (the dossier, its progress
 * entry, its outbox messages), refusals that write nothing, optimistic concurrency, and
 * Idempotency-Key retries applied once, also when they race.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bothDatabases } from '../../test/services/databases.js'
import { type Database, migrate } from '../database/index.js'
import { createDossierStore, PORTAL_RECEIVER, type DossierStore, type NewDossier } from './dossier-store.js'

const DESK = 'mot-cua-phuong-01'
const DEPT = 'so-tnmt-ha-noi'
const HASH_A = 'a'.repeat(64)
const HASH_B = 'b'.repeat(64)

const { adapters } = bothDatabases('exchange')

let dossiers = 0
const newDossier = (): NewDossier => ({
  code: `G09.20-20261204-${String(++dossiers).padStart(7, '0')}`,
  procedure: '1.004227',
  channel: 2,
  applicant: '001085000101',
  dueAt: '2026-12-20T10:00:00.000Z',
})

describe.each(adapters)('dossier store on $name', (adapter) => {
  let db: Database
  let store: DossierStore
  const counts = async () => {
    const [row] = await db.query<{ d: number; p: number; o: number; k: number }>(
      'select (select count(*) from dossiers)::int as d, (select count(*) from dossier_progress)::int as p, (select count(*) from exchange_outbox)::int as o, (select count(*) from idempotency_keys)::int as k',
    )
    return row
  }
  beforeAll(async () => {
    db = await adapter.open()
    await migrate(db)
    store = createDossierStore(db)
  })
  afterAll(async () => {
    await db?.close()
  })

  it('a desk submits: the dossier is new and held by the desk, with its first step and a message for the portal', async () => {
    const dossier = newDossier()
    const result = await store.submit(dossier, { actor: DESK, officer: 'can-bo-01' })
    expect(result).toMatchObject({
      ok: true,
      seq: 1,
      dossier: { ...dossier, receivingAgency: DESK, holder: DESK, handlingAgency: null, status: 'NEW', version: 1, finishedAt: null },
    })
    expect(await store.get(dossier.code)).toEqual(result.ok ? result.dossier : null)
    expect(await store.progress(dossier.code)).toMatchObject([{ seq: 1, agency: DESK, officer: 'can-bo-01', step: 'submit', status: 'NEW' }])
    const outbox = await store.outbox(dossier.code)
    expect(outbox).toMatchObject([
      { seq: 1, receiver: PORTAL_RECEIVER, state: 'pending', payload: { dossier: dossier.code, step: 'submit', status: 1, statusName: 'NEW', holder: DESK } },
    ])
    expect(outbox[0]!.payload.messageId).toBe(outbox[0]!.id)
  })

  it('the flow between desk and department: each step one progress entry, and messages for the portal and the next holder', async () => {
    const { code } = newDossier()
    await store.submit({ ...newDossier(), code }, { actor: DESK })
    const steps: Array<[Parameters<DossierStore['step']>[1], string, string?]> = [
      ['accept', DESK],
      ['transfer', DESK, DEPT],
      ['requestSupplement', DEPT],
      ['supplement', DESK],
      ['finish', DEPT],
      ['returnResult', DESK],
    ]
    for (const [step, actor, target] of steps) {
      const result = await store.step(code, step, { actor, ...(target ? { target } : {}) })
      expect(result, `${step}: ${JSON.stringify(result)}`).toMatchObject({ ok: true })
    }
    const dossier = await store.get(code)
    expect(dossier).toMatchObject({ status: 'RESULT_RETURNED', holder: DESK, handlingAgency: DEPT, version: 7, finishedAt: expect.any(String) })
    expect((await store.progress(code)).map((entry) => [entry.seq, entry.step, entry.status, entry.agency])).toEqual([
      [1, 'submit', 'NEW', DESK],
      [2, 'accept', 'ACCEPTED', DESK],
      [3, 'transfer', 'PROCESSING', DESK],
      [4, 'requestSupplement', 'SUPPLEMENT_REQUESTED', DEPT],
      [5, 'supplement', 'PROCESSING', DESK],
      [6, 'finish', 'PROCESSED', DEPT],
      [7, 'returnResult', 'RESULT_RETURNED', DESK],
    ])
    expect((await store.outbox(code)).map((m) => [m.seq, m.receiver])).toEqual([
      [1, PORTAL_RECEIVER],
      [2, PORTAL_RECEIVER],
      [3, PORTAL_RECEIVER],
      [3, DEPT],
      [4, DESK],
      [4, PORTAL_RECEIVER],
      [5, PORTAL_RECEIVER],
      [5, DEPT],
      [6, DESK],
      [6, PORTAL_RECEIVER],
      [7, PORTAL_RECEIVER],
    ])
  })

  it.each<[string, (code: string) => ReturnType<DossierStore['step']>, string]>([
    ['an illegal step', (code) => store.step(code, 'finish', { actor: DESK }), 'INVALID_TRANSITION'],
    ['a step by an agency that does not hold the dossier', (code) => store.step(code, 'accept', { actor: DEPT }), 'NOT_HOLDER'],
    ['a step on a version the caller did not see', (code) => store.step(code, 'accept', { actor: DESK, expectedVersion: 2 }), 'VERSION_CONFLICT'],
    ['a dossier that does not exist', () => store.step('G09.20-20261204-9999999', 'accept', { actor: DESK }), 'NOT_FOUND'],
    ['a transfer naming no department', (code) => store.step(code, 'transfer', { actor: DESK }), 'INVALID_TRANSITION'],
  ])('%s is refused and writes nothing', async (_case, attempt, code) => {
    const dossier = newDossier()
    await store.submit(dossier, { actor: DESK })
    const before = await counts()
    expect(await attempt(dossier.code)).toMatchObject({ ok: false, code })
    expect(await counts()).toEqual(before)
    expect(await store.get(dossier.code)).toMatchObject({ status: 'NEW', version: 1 })
  })

  it('a dossier code used twice is refused, and the first dossier stays as it was', async () => {
    const dossier = newDossier()
    await store.submit(dossier, { actor: DESK })
    const before = await counts()
    expect(await store.submit({ ...dossier, applicant: '0100109106' }, { actor: 'mot-cua-phuong-02' })).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
    expect(await counts()).toEqual(before)
    expect(await store.get(dossier.code)).toMatchObject({ applicant: dossier.applicant, receivingAgency: DESK })
  })

  it('the same Idempotency-Key and body get the same answer, applied once; another body is a conflict', async () => {
    const dossier = newDossier()
    await store.submit(dossier, { actor: DESK })
    const first = await store.step(dossier.code, 'accept', { actor: DESK, idempotencyKey: 'k-accept-1', requestHash: HASH_A })
    const before = await counts()
    const again = await store.step(dossier.code, 'accept', { actor: DESK, idempotencyKey: 'k-accept-1', requestHash: HASH_A })
    expect(again).toEqual(first)
    expect(await counts()).toEqual(before)
    expect(await store.step(dossier.code, 'accept', { actor: DESK, idempotencyKey: 'k-accept-1', requestHash: HASH_B })).toMatchObject({
      ok: false,
      code: 'IDEMPOTENCY_CONFLICT',
    })
    // Keys are per agency: another agency's key of the same name is its own.
    expect(await store.step(dossier.code, 'transfer', { actor: DEPT, target: DESK, idempotencyKey: 'k-accept-1', requestHash: HASH_B })).toMatchObject({
      ok: false,
      code: 'NOT_HOLDER',
    })
  })

  it('ten retries of one request at once are applied once, and all get its answer', async () => {
    const dossier = newDossier()
    await store.submit(dossier, { actor: DESK })
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.step(dossier.code, 'accept', { actor: DESK, idempotencyKey: 'k-race', requestHash: HASH_A })),
    )
    expect(results.every((result) => result.ok)).toBe(true)
    for (const result of results) expect(result).toEqual(results[0])
    expect((await store.progress(dossier.code)).map((entry) => entry.step)).toEqual(['submit', 'accept'])
    expect(await store.get(dossier.code)).toMatchObject({ status: 'ACCEPTED', version: 2 })
  })

  it('ten different requests for one step at once: one moves the dossier, the others find it moved', async () => {
    const dossier = newDossier()
    await store.submit(dossier, { actor: DESK })
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.step(dossier.code, 'accept', { actor: DESK, idempotencyKey: `k-${i}`, requestHash: HASH_A })),
    )
    expect(results.filter((result) => result.ok)).toHaveLength(1)
    expect(results.filter((result) => !result.ok).every((result) => !result.ok && result.code === 'INVALID_TRANSITION')).toBe(true)
    expect((await store.progress(dossier.code)).map((entry) => entry.step)).toEqual(['submit', 'accept'])
  })
})
