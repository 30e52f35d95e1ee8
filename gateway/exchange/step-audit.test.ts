/**
 * A step and its audit event commit together, on both database adapters: refused or rolled-back
 * steps leave no event, concurrent steps from two stores (two instances) extend the same chains
 * without a fork, and `lgsp audit verify` accepts the result once the chains are sealed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bothDatabases } from '../../test/services/databases.js'
import { testEvent, testSigner } from '../../test/audit-fixture.js'
import { createStepChains, verifyAuditTrail, type StepChains } from '../audit/index.js'
import type { JWK } from 'jose'
import { type Database, migrate } from '../database/index.js'
import { createDossierStore, type DossierStore, type NewDossier, type StepOptions } from './dossier-store.js'

const DESK = 'mot-cua-phuong-01'
const DEPT = 'so-tnmt-ha-noi'
const { adapters } = bothDatabases('step_audit')

let counter = 0
const newDossier = (): NewDossier => ({
  code: `G09.20-20261204-${String(++counter).padStart(7, '0')}`,
  procedure: '1.004227',
  channel: 1,
  applicant: '001085000101',
})
const audited = (actor: string, extra: Partial<StepOptions> = {}): StepOptions => ({
  actor,
  ...extra,
  event: ({ dossier, step, seq }) => testEvent({ kind: 'dossier.step', agency: actor, caseId: dossier.code, decision: 'ok', detail: { step, seq } }),
})

describe.each(adapters)('step audit on $name', (adapter) => {
  let db: Database
  let chains: StepChains
  let stores: DossierStore[]
  let jwks: JWK[]
  const stepEvents = async () => (await db.query<{ n: number }>("select count(*)::int as n from audit_events where kind = 'dossier.step'"))[0]!.n

  beforeAll(async () => {
    db = await adapter.open()
    await migrate(db)
    const signer = await testSigner()
    jwks = signer.jwks
    // A small checkpoint interval, so checkpoints are also signed inside steps.
    chains = createStepChains({ sign: signer.sign, chains: 4, checkpointEvery: 5 })
    // Two stores on one database with their own chain objects: two gateway instances.
    stores = [
      createDossierStore(db, { audit: chains }),
      createDossierStore(db, { audit: createStepChains({ sign: signer.sign, chains: 4, checkpointEvery: 5 }) }),
    ]
  })
  afterAll(async () => {
    await db?.close()
  })

  it('each applied step is one event in its chain; a refused step writes none', async () => {
    const before = await stepEvents()
    const dossier = newDossier()
    const [store] = stores
    expect((await store!.submit(dossier, audited(DESK))).ok).toBe(true)
    expect((await store!.step(dossier.code, 'accept', audited(DESK))).ok).toBe(true)
    expect(await store!.step(dossier.code, 'finish', audited(DESK))).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    expect(await store!.step(dossier.code, 'transfer', audited(DEPT, { target: DESK }))).toMatchObject({ ok: false, code: 'NOT_HOLDER' })
    expect(await stepEvents()).toBe(before + 2)
    const events = await db.query<{ case_id: string; writer: string }>(
      "select case_id, writer from audit_events where kind = 'dossier.step' and case_id = $1",
      [dossier.code],
    )
    // One dossier, one chain: its steps are in order in it.
    expect(new Set(events.map((e) => e.writer)).size).toBe(1)
  })

  it('a step whose event is malformed is not applied', async () => {
    const dossier = newDossier()
    const before = await stepEvents()
    await expect(stores[0]!.submit(dossier, { actor: DESK, event: () => testEvent({ kind: 'dossier.step', subjects: ['not a hash!'] }) })).rejects.toThrow(
      /Invalid audit event/,
    )
    expect(await stores[0]!.get(dossier.code)).toBeNull()
    expect(await stepEvents()).toBe(before)
  })

  it('concurrent steps from two instances extend the chains without a fork, and the trail verifies', async () => {
    const codes = Array.from({ length: 12 }, () => newDossier())
    await Promise.all(codes.map((d, i) => stores[i % 2]!.submit(d, audited(DESK))))
    await Promise.all(codes.map((d, i) => stores[(i + 1) % 2]!.step(d.code, 'accept', audited(DESK))))
    await Promise.all(codes.map((d, i) => stores[i % 2]!.step(d.code, 'transfer', audited(DESK, { target: DEPT }))))
    expect(await chains.seal(db)).toBeGreaterThan(0)
    // Nothing left to sign: a second seal signs nothing.
    expect(await chains.seal(db)).toBe(0)
    const report = await verifyAuditTrail(db, { jwks })
    expect(report.problems).toEqual([])
    expect(report.warnings).toEqual([])
    expect(report.ok).toBe(true)
    const heads = await db.query<{ writer: string; seq: string | number }>('select writer, seq from audit_chain_heads order by writer')
    const perWriter = await db.query<{ writer: string; n: number }>(
      "select writer, count(*)::int as n from audit_events where writer like 'steps/%' group by writer order by writer",
    )
    expect(heads.map((h) => [h.writer, Number(h.seq)])).toEqual(perWriter.map((w) => [w.writer, w.n]))
  })
})
