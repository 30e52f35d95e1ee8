/**
 * The conformance kit against the sandbox vendor systems: each passes every case for its role,
 * and each fault switch (a vendor that gets it wrong) fails exactly the cases it should, with a
 * message that says what to fix. A signed report verifies; changed after signing it does not, and
 * one made under an older contract is flagged.
 */
import type { JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PARTNER_SANDBOXES, startPartnerSandboxes, type PartnerSandboxes } from '../../connectors/partners/sandbox/index.js'
import type { WireName } from '../../connectors/index.js'
import { buildReport, renderReportHtml, runConformance, signReport, verifyReport, type ConformanceRole } from '../../gateway/conformance/index.js'
import { CONTRACT_VERSION } from '../../gateway/contract/index.js'
import { createGatewayKeys, createMemoryKeyStore, type GatewayKeys } from '../../gateway/identity/keys/index.js'

let keys: GatewayKeys
let partners: PartnerSandboxes

const SYSTEMS: Record<(typeof PARTNER_SANDBOXES)[number], { role: ConformanceRole; wire: WireName }> = {
  igate: { role: 'desk', wire: 'igate' },
  opencps: { role: 'department', wire: 'opencps' },
  soap: { role: 'department', wire: 'soap' },
  portal: { role: 'portal', wire: 'portal' },
}
const SIGNATURE_CASES = ['refuses-unsigned', 'refuses-tampered-body', 'refuses-wrong-key', 'refuses-expired', 'refuses-replayed-to-another-system']

beforeAll(async () => {
  keys = createGatewayKeys({ store: createMemoryKeyStore(), refreshMs: 0 })
  await keys.init()
  partners = await startPartnerSandboxes({ jwks: () => keys.jwks().keys as JWK[] })
}, 30_000)
afterAll(async () => {
  await partners?.close()
  keys?.close()
})

async function setFaults(name: (typeof PARTNER_SANDBOXES)[number], faults: Record<string, unknown>) {
  const res = await fetch(`${partners[name].url}/__sandbox/exchange-faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  })
  expect(res.status).toBe(200)
}

const run = (name: (typeof PARTNER_SANDBOXES)[number], deadlineMs?: number) =>
  runConformance({ ...SYSTEMS[name], target: partners[name].url, key: keys.signingKey(), ...(deadlineMs ? { deadlineMs } : {}) })

describe.each(PARTNER_SANDBOXES)('the %s sandbox', (name) => {
  it('passes every case for its role', async () => {
    const results = await run(name)
    expect(results.filter((r) => r.verdict === 'fail').map((r) => `${r.id}: ${r.message}`)).toEqual([])
    expect(results.map((r) => r.id)).toEqual([
      'acknowledges-every-step',
      'answers-within-deadline',
      'deduplicates-redelivery',
      ...SIGNATURE_CASES,
      'refuses-malformed-payload',
    ])
    // The redelivery was seen to be applied once, not just acknowledged.
    expect(results.find((r) => r.id === 'deduplicates-redelivery')!.message).toContain('applied 1 time')
  }, 60_000)

  it.each([
    ['no signature check', { skipSignatureCheck: true }, SIGNATURE_CASES, /signature/],
    ['no deduplication', { skipDedup: true }, ['deduplicates-redelivery'], /Deduplicate on the Idempotency-Key/],
    ['wrong status codes', { wrongStatusCodes: true }, [...SIGNATURE_CASES, 'refuses-malformed-payload'], /answer 401|Refuse a payload/],
    ['slow answers', { slowAnswerMs: 150 }, ['answers-within-deadline'], /Answer within 100 ms/],
  ] as const)(
    'with %s, fails exactly the cases it should, saying what to fix',
    async (_fault, faults, failing, fix) => {
      await setFaults(name, faults)
      try {
        const results = await run(name, 'slowAnswerMs' in faults ? 100 : undefined)
        const failed = results.filter((r) => r.verdict === 'fail')
        expect(failed.map((r) => r.id)).toEqual([...failing])
        for (const result of failed) {
          expect(result.fix).toMatch(fix)
          expect(result.evidence.length).toBeGreaterThan(0)
        }
      } finally {
        await setFaults(name, { skipSignatureCheck: false, skipDedup: false, wrongStatusCodes: false, slowAnswerMs: 0 })
      }
    },
    60_000,
  )
})

describe('the signed report', () => {
  let signed: Awaited<ReturnType<typeof signReport>>
  beforeAll(async () => {
    const startedAt = new Date().toISOString()
    const cases = await run('igate')
    signed = await signReport(
      buildReport({
        agency: 'mot-cua-phuong-hong-ha',
        role: 'desk',
        wire: 'igate',
        target: partners.igate.url,
        startedAt,
        finishedAt: new Date().toISOString(),
        deadlineMs: 3000,
        cases,
      }),
      keys.signingKey(),
    )
  }, 60_000)

  it('verifies, under the contract in force, and says green', async () => {
    expect(signed.green).toBe(true)
    expect(signed.contractVersion).toBe(CONTRACT_VERSION)
    expect(await verifyReport(JSON.parse(JSON.stringify(signed)), keys.keyHistory().keys)).toEqual({ ok: true, kid: keys.signingKey().kid, current: true })
  })

  it.each([
    ['a failed case turned into a pass', (r: any) => ({ ...r, cases: r.cases.map((c: any, i: number) => (i === 0 ? { ...c, verdict: 'fail' } : c)) })],
    ['another target', (r: any) => ({ ...r, target: 'http://127.0.0.1:1/khac' })],
    ['green added to a red report', (r: any) => ({ ...r, green: !r.green })],
    [
      'one character of the signature',
      (r: any) => ({ ...r, signature: r.signature.slice(0, -2) + (r.signature.at(-2) === 'A' ? 'B' : 'A') + r.signature.at(-1) }),
    ],
  ])('fails once altered: %s', async (_name, alter) => {
    const verdict = await verifyReport(alter(JSON.parse(JSON.stringify(signed))), keys.keyHistory().keys)
    expect(verdict).toMatchObject({ ok: false })
    if (!verdict.ok) expect(verdict.reason).toMatch(/changed after it was signed|not signed/)
  })

  it('flags a report made under an older contract', async () => {
    const older = await signReport(
      {
        ...buildReport({
          agency: 'mot-cua-phuong-hong-ha',
          role: 'desk',
          wire: 'igate',
          target: 'x',
          startedAt: '',
          finishedAt: '',
          deadlineMs: 3000,
          cases: signed.cases,
        }),
        contractVersion: '2026-11-20',
      },
      keys.signingKey(),
    )
    expect(await verifyReport(older, keys.keyHistory().keys)).toMatchObject({ ok: true, current: false, reason: expect.stringContaining('run the kit again') })
  })

  it('renders in Vietnamese by default, with what to fix on each failed case', () => {
    const html = renderReportHtml({
      ...signed,
      green: false,
      summary: { passed: 8, failed: 1 },
      cases: [{ ...signed.cases[0]!, verdict: 'fail', fix: 'Sửa <ngay>' }, ...signed.cases.slice(1)],
    })
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('Báo cáo kiểm thử tuân thủ LGSP')
    expect(html).toContain('KHÔNG ĐẠT: 1/9')
    expect(html).toContain('Sửa &#60;ngay&#62;')
    expect(html).not.toContain('<script')
  })
})
