/**
 * `lgsp conformance run` and `verify` as a vendor's engineer and the province's operator run them:
 * against the iGate-style sandbox desk, with the gateway's keys in DATA_DIR; the report is signed,
 * its HTML written in Vietnamese, and an edited report is refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { JWK } from 'jose'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startPartnerSandboxes, type PartnerSandboxes } from '../../connectors/partners/sandbox/index.js'
import { createFileKeyStore } from '../../gateway/identity/keys/file-key-store.node.js'
import { createGatewayKeys, type GatewayKeys } from '../../gateway/identity/keys/index.js'
import { gatewayEnv, runLgsp } from '../gateway-process.js'

const work = mkdtempSync(join(tmpdir(), 'lgsp-conformance-'))
const env = gatewayEnv({ DATA_DIR: work })
let keys: GatewayKeys
let partners: PartnerSandboxes

const lgsp = (...args: string[]) =>
  runLgsp(env, ...args).then(
    (out) => ({ code: 0, stdout: out.stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  )

beforeAll(async () => {
  // The keys the CLI signs with: the gateway's, in DATA_DIR; the sandbox trusts what they publish.
  keys = createGatewayKeys({ store: createFileKeyStore({ dir: work }), refreshMs: 0 })
  await keys.init()
  partners = await startPartnerSandboxes({ jwks: () => keys.jwks().keys as JWK[] })
}, 30_000)
afterAll(async () => {
  await partners?.close()
  keys?.close()
  rmSync(work, { recursive: true, force: true })
})

it('runs every case against the sandbox desk, writes a signed report and its Vietnamese HTML; verify takes it and refuses it edited', async () => {
  const report = join(work, 'report.json')
  const html = join(work, 'report.html')
  const run = await lgsp(
    'conformance',
    'run',
    '--role',
    'desk',
    '--agency',
    'mot-cua-phuong-hong-ha',
    '--wire',
    'igate',
    '--target',
    partners.igate.url,
    '--out',
    report,
    '--html',
    html,
  )
  expect(run.stdout).toMatch(/^\[1\/9\] ok {3}acknowledges-every-step: /m)
  expect(run.stdout).toMatch(/^\[9\/9\] ok {3}refuses-malformed-payload: /m)
  expect(run.stdout).toMatch(/^GREEN: 9 passed, 0 failed/m)
  expect(run.code).toBe(0)
  expect(readFileSync(html, 'utf8')).toContain('ĐẠT: mọi trường hợp đều đạt')
  const verified = await lgsp('conformance', 'verify', report)
  expect(verified.stdout).toMatch(/^VERIFIED GREEN$/m)
  expect(verified.code).toBe(0)
  const elsewhere = await lgsp('conformance', 'record', report, '--agency', 'so-tu-phap-ha-noi')
  expect(elsewhere.code).toBe(1)
  expect(elsewhere.stdout).toMatch(/^NOT RECORDED: the report was made for mot-cua-phuong-hong-ha, not so-tu-phap-ha-noi/m)
  const recorded = await lgsp('conformance', 'record', report, '--agency', 'mot-cua-phuong-hong-ha')
  expect(recorded.stdout).toMatch(/^recorded for mot-cua-phuong-hong-ha: green, 9 passed, 0 failed$/m)
  expect(recorded.code).toBe(0)
  const edited = JSON.parse(readFileSync(report, 'utf8'))
  edited.target = 'http://he-thong-khac.example'
  writeFileSync(report, JSON.stringify(edited))
  const refused = await lgsp('conformance', 'verify', report)
  expect(refused.code).toBe(1)
  expect(refused.stdout).toMatch(/^NOT VERIFIED: the signature does not verify/m)
  const notRecorded = await lgsp('conformance', 'record', report, '--agency', 'mot-cua-phuong-hong-ha')
  expect(notRecorded.code).toBe(1)
  expect(notRecorded.stdout).toMatch(/^NOT RECORDED: the signature does not verify/m)
}, 90_000)

it('names the cases a vendor fails, what to fix, and exits 1', async () => {
  await fetch(`${partners.opencps.url}/__sandbox/exchange-faults`, { method: 'PUT', body: JSON.stringify({ skipDedup: true }) })
  const run = await lgsp('conformance', 'run', '--role', 'department', '--wire', 'opencps', '--target', partners.opencps.url, '--out', join(work, 'red.json'))
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(/^\[3\/9\] FAIL deduplicates-redelivery: /m)
  expect(run.stdout).toMatch(/^To fix deduplicates-redelivery: Deduplicate on the Idempotency-Key/m)
  expect(run.stdout).toMatch(/^RED: 8 passed, 1 failed/m)
  const bad = await lgsp('conformance', 'run', '--role', 'reception', '--target', partners.opencps.url)
  expect(bad.code).toBe(2)
}, 90_000)
