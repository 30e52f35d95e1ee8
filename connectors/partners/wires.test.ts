/**
 * Each partner wire against its sandbox system over real HTTP: the gateway's message written in
 * the vendor's shape is read back by the vendor's rules, signed pushes verify, redeliveries are
 * acknowledged and applied once, and what the vendor refuses is a permanent failure in its words.
 */
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpPush } from '../../gateway/exchange/delivery.js'
import type { StepMessage, WireName } from './message.js'
import { readAnswer } from './message.js'
import { signPush, type PushSigningKey } from './signatures.js'
import { PORTAL_NOTE_MAX, startPartnerSandboxes, type PartnerSandboxes, type PartnerSandboxServer } from './sandbox/index.js'
import { partnerWire } from './wires.js'

let sandboxes: PartnerSandboxes
let key: PushSigningKey
let jwks: JWK[]
let counter = 0

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  key = { kid: 'gw-test', privateKey }
  jwks = [{ ...(await exportJWK(publicKey)), kid: 'gw-test', alg: 'ES256' }]
  sandboxes = await startPartnerSandboxes({ jwks: () => jwks })
})
afterAll(async () => {
  await sandboxes?.close()
})

function message(overrides: Partial<StepMessage> = {}): StepMessage {
  counter += 1
  return {
    messageId: crypto.randomUUID(),
    dossier: `G09.20-20261204-${String(counter).padStart(7, '0')}`,
    seq: 1,
    step: 'submit',
    status: 1,
    statusName: 'NEW',
    holder: 'mot-cua-a',
    agency: 'mot-cua-a',
    officer: 'can-bo-01',
    note: null,
    at: '2026-12-04T02:00:00.000Z',
    procedure: '1.004227',
    channel: 2,
    applicant: '001085000101',
    commune: '00097',
    receivingAgency: 'mot-cua-a',
    handlingAgency: null,
    receivedAt: '2026-12-04T02:00:00.000Z',
    dueAt: '2026-12-14T02:00:00.000Z',
    finishedAt: null,
    version: 1,
    parts: [{ name: 'Đơn đăng ký', copyType: 0, mediaType: 'application/pdf', size: 1234, sha256: 'a'.repeat(64) }],
    ...overrides,
  }
}

const systems: Array<[WireName, keyof Omit<PartnerSandboxes, 'close'>]> = [
  ['igate', 'igate'],
  ['opencps', 'opencps'],
  ['soap', 'soap'],
  ['portal', 'portal'],
]

function pushTo(wire: WireName, server: PartnerSandboxServer, signed = true) {
  return httpPush({
    endpointOf: () => ({ url: server.url, wire: partnerWire(wire) }),
    ...(signed ? { sign: (request) => signPush({ ...request, key }) } : {}),
    timeoutMs: 3000,
  })
}

const claimed = (m: StepMessage) => ({ id: m.messageId, dossier: m.dossier, seq: m.seq, receiver: 'partner', payload: m, attempt: 1 })

describe.each(systems)('the %s wire and its sandbox system', (wire, name) => {
  const server = () => sandboxes[name]

  it('a signed step is read back in the vendor’s names, applied once, and a redelivery is acknowledged without effect', async () => {
    const submitted = message()
    const progress = message({ dossier: submitted.dossier, seq: 2, step: 'accept', status: 2, statusName: 'ACCEPTED', note: 'Hồ sơ hợp lệ', parts: [] })
    const push = pushTo(wire, server())
    expect(await push(claimed(submitted))).toEqual({ ok: true })
    expect(await push(claimed(progress))).toEqual({ ok: true })
    const before = server().exchange.duplicates
    expect(await push(claimed(progress))).toEqual({ ok: true })
    expect(server().exchange.duplicates).toBe(before + 1)
    const applied = server().exchange.applied.filter((m) => m.dossier === submitted.dossier)
    expect(applied.map((m) => [m.messageId, m.status])).toEqual([
      [submitted.messageId, 1],
      [progress.messageId, 2],
    ])
    if (wire !== 'portal') expect(applied.map((m) => m.seq)).toEqual([1, 2])
  })

  it('an unsigned push is refused, and may be retried (the receiver’s keys may be behind a rotation)', async () => {
    const before = server().exchange.refusedSignatures.get('UNSIGNED') ?? 0
    const outcome = await pushTo(wire, server(), false)(claimed(message()))
    expect(outcome).toMatchObject({ ok: false })
    expect(outcome.ok === false && outcome.permanent).not.toBe(true)
    expect(server().exchange.refusedSignatures.get('UNSIGNED')).toBe(before + 1)
  })

  it('a payload the vendor’s rules refuse is a permanent failure, in the vendor’s words, and nothing is applied', async () => {
    const bad = message({ dossier: 'not a dossier code' })
    const before = server().exchange.applied.length
    const outcome = await pushTo(wire, server())(claimed(bad))
    expect(outcome).toMatchObject({ ok: false, permanent: true })
    expect(outcome.ok === false && outcome.error).toMatch(/MaHoSo|dossierNo/)
    expect(server().exchange.applied.length).toBe(before)
  })
})

describe('the portal’s own rules', () => {
  it.each([
    ['a progress update for a dossier never synchronised', () => message({ seq: 2, step: 'accept', status: 2, statusName: 'ACCEPTED' }), /chưa được đồng bộ/],
    [
      'a note longer than the portal takes',
      () => message({ seq: 2, step: 'addProgress', status: 4, statusName: 'PROCESSING', note: 'x'.repeat(PORTAL_NOTE_MAX + 1) }),
      /NoiDungXuLy/,
    ],
    ['a dossier synchronised twice', () => message(), /đã được đồng bộ/],
  ])('refuses %s for good', async (_case, make, words) => {
    const m = make()
    if (m.step !== 'submit' || _case.includes('twice')) {
      // The dossier the update is about, synchronised first where the case needs it.
      if (!_case.includes('never')) expect(await pushTo('portal', sandboxes.portal)(claimed(message({ dossier: m.dossier })))).toEqual({ ok: true })
    }
    const outcome = await pushTo('portal', sandboxes.portal)(claimed(m))
    expect(outcome).toMatchObject({ ok: false, permanent: true })
    expect(outcome.ok === false && outcome.error).toMatch(words)
  })
})

describe('reading answers', () => {
  it.each<[WireName, number, string, ReturnType<typeof readAnswer>]>([
    ['canonical', 204, '', { ok: true }],
    ['canonical', 503, 'busy', { ok: false, error: 'HTTP 503: busy' }],
    ['canonical', 429, '', { ok: false, error: 'HTTP 429' }],
    ['canonical', 422, '{"error":"x"}', { ok: false, error: 'refused (HTTP 422): {"error":"x"}', permanent: true }],
    ['igate', 200, '{"error_code":"0"}', { ok: true }],
    ['igate', 200, '{"error_code":"-1","message":"Sai MaHoSo"}', { ok: false, error: 'iGate error_code -1: Sai MaHoSo', permanent: true }],
    ['igate', 200, '<html>proxy</html>', { ok: false, error: 'iGate error_code ?: no error_code in the answer', permanent: false }],
    ['opencps', 200, '{"status":"SUCCESS"}', { ok: true }],
    ['soap', 200, '<KetQua>1</KetQua>', { ok: true }],
    ['soap', 500, '<faultcode>soap:Server</faultcode><faultstring>DB down</faultstring>', { ok: false, error: 'SOAP fault (Server): DB down' }],
    ['soap', 500, '<faultcode>soap:Client</faultcode><faultstring>Sai</faultstring>', { ok: false, error: 'SOAP fault (Client): Sai', permanent: true }],
    ['portal', 200, '{"error_code":0}', { ok: true }],
  ])('%s answering %i %s', (wire, status, body, expected) => {
    expect(readAnswer(partnerWire(wire), status, body)).toEqual(expected)
  })
})
