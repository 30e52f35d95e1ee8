/**
 * The kit's calling cases against the sandbox vendor systems with the real gateway as its own
 * process: each desk and department system, acting with its own client through the kit's relay,
 * passes every case of its role; each of their calling fault switches fails exactly its cases,
 * saying what to fix. `lgsp conformance run --client …` does the same from the command line.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGatewayClient } from '../../connectors/index.js'
import { startPartnerSandboxes, type PartnerSandboxes } from '../../connectors/partners/sandbox/index.js'
import { CALLBACK_CASES, createRelay, runConformance, type CaseResult, type ConformanceRole, type RelayPlan } from '../../gateway/conformance/index.js'
import { serveRelay } from '../../gateway/conformance/relay-server.node.js'
import { createFileKeyStore } from '../../gateway/identity/keys/file-key-store.node.js'
import { createGatewayKeys, type GatewayKeys } from '../../gateway/identity/keys/index.js'
import { ensureDevClientKeys } from '../../gateway/identity/dev-clients.node.js'
import { gatewayEnv, repoRoot, runLgsp, startGatewayProcess, type GatewayProcess } from '../gateway-process.js'

const DESK = { agency: 'mot-cua-phuong-hong-ha', clientId: 'mot-cua-hong-ha-igate' }
const LAND = { agency: 'vpdk-dat-dai-ha-noi', clientId: 'vilis-ha-noi' }
const JUSTICE = { agency: 'so-tu-phap-ha-noi', clientId: 'lltp-ha-noi' }
const ISSUER = 'http://lgsp.conformance.test'

const work = mkdtempSync(join(tmpdir(), 'lgsp-conformance-calls-'))
const dataDir = join(work, 'data')
let env: Record<string, string>
let gateway: GatewayProcess
let partners: PartnerSandboxes
let keys: GatewayKeys
let clientKeys: Map<string, { privateJwk: JWK; privateKeyPath: string }>

type System = 'igate' | 'opencps' | 'soap'
const SYSTEMS: Record<System, { role: ConformanceRole; wire: 'igate' | 'opencps' | 'soap'; vendor: typeof DESK; kit: typeof DESK; procedure: string }> = {
  igate: { role: 'desk', wire: 'igate', vendor: DESK, kit: LAND, procedure: '1.004227' },
  opencps: { role: 'department', wire: 'opencps', vendor: LAND, kit: DESK, procedure: '1.004227' },
  soap: { role: 'department', wire: 'soap', vendor: JUSTICE, kit: DESK, procedure: '2.000488' },
}

beforeAll(async () => {
  // The clients' key pairs first: the sandbox systems act with them, the gateway registers their public halves.
  clientKeys = await ensureDevClientKeys(dataDir, [DESK.clientId, LAND.clientId, JUSTICE.clientId])
  const identity = (who: typeof DESK, role: 'desk' | 'department') => ({
    role,
    agency: who.agency,
    clientId: who.clientId,
    privateKey: clientKeys.get(who.clientId)!.privateJwk,
  })
  partners = await startPartnerSandboxes({
    jwks: async () => ((await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys,
    actors: { igate: identity(DESK, 'desk'), opencps: identity(LAND, 'department'), soap: identity(JUSTICE, 'department') },
  })
  const policies = join(work, 'policies')
  cpSync(join(repoRoot, 'policies'), policies, { recursive: true })
  for (const [agency, server] of [
    [DESK.agency, partners.igate],
    [LAND.agency, partners.opencps],
    [JUSTICE.agency, partners.soap],
  ] as const) {
    const file = join(policies, 'agencies', `${agency}.yaml`)
    writeFileSync(file, readFileSync(file, 'utf8').replace(/endpoint: "sandbox:[a-z]+"/, `endpoint: "${server.url}"`))
  }
  env = gatewayEnv({ DATA_DIR: dataDir, POLICIES_DIR: policies, GATEWAY_ISSUER: ISSUER, PORTAL_URL: partners.portal.url })
  gateway = await startGatewayProcess(env, { timeoutMs: 90_000 })
  // The kit signs its own pushes with the gateway's keys, as the CLI does beside the gateway.
  keys = createGatewayKeys({ store: createFileKeyStore({ dir: dataDir }), refreshMs: 0 })
  await keys.init()
}, 120_000)

afterAll(async () => {
  keys?.close()
  await gateway?.stop()
  await partners?.close()
  rmSync(work, { recursive: true, force: true })
})

async function setFaults(system: System, faults: Record<string, unknown>) {
  const res = await fetch(`${partners[system].url}/__sandbox/exchange-faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  })
  expect(res.status).toBe(200)
}

/** One whole run (the pushed cases and the calling ones) against `system`, through a relay of its own. */
async function run(system: System): Promise<CaseResult[]> {
  const spec = SYSTEMS[system]
  const plan: RelayPlan = { rateLimitedRetryAfterS: 2, unavailableRetryAfterS: 1, corruptOnce: new Set() }
  const relay = createRelay({ gateway: gateway.url, plan })
  const server = await serveRelay(relay, { host: '127.0.0.1', port: 0 })
  try {
    return await runConformance({
      role: spec.role,
      wire: spec.wire,
      target: partners[system].url,
      key: keys.signingKey(),
      callback: {
        relay,
        plan,
        relayUrl: server.url,
        issuer: ISSUER,
        counterpart: createGatewayClient({
          gateway: gateway.url,
          issuer: ISSUER,
          clientId: spec.kit.clientId,
          privateKey: clientKeys.get(spec.kit.clientId)!.privateJwk,
          purpose: 'GIAI_QUYET_TTHC',
          endUser: 'kiem-thu',
        }),
        vendorAgency: spec.vendor.agency,
        procedure: spec.procedure,
        waitMs: 30_000,
      },
    })
  } finally {
    await server.close()
  }
}

const failed = (results: CaseResult[]) => results.filter((r) => r.verdict === 'fail')

describe.each(['igate', 'opencps', 'soap'] as const)('the %s sandbox, acting through the relay', (system) => {
  it('passes every case of its role, the calling ones included', async () => {
    const results = await run(system)
    expect(failed(results).map((r) => `${r.id}: ${r.message}`)).toEqual([])
    expect(results.map((r) => r.id).slice(-CALLBACK_CASES.length)).toEqual([...CALLBACK_CASES])
    // What passed was seen: the 429 and the 503 were waited out, the changed copy fetched again.
    const byId = new Map(results.map((r) => [r.id, r]))
    // The 429 asks 2 s, the 503 1 s (different, so a mix-up between the two would show); the kit
    // allows a timer 50 ms early.
    for (const [id, status, asked] of [
      ['honours-retry-after-429', 429, 2],
      ['honours-retry-after-503', 503, 1],
    ] as const) {
      const waited = new RegExp(`answered ${status} with Retry-After: ${asked} was sent again after (\\d+) ms`).exec(byId.get(id)!.message)
      expect(waited, byId.get(id)!.message).not.toBeNull()
      expect(Number(waited![1])).toBeGreaterThanOrEqual(asked * 1000 - 50)
    }
    // Both on the system's first step.
    const first = SYSTEMS[system].role === 'desk' ? 'submitDossier' : 'addDossierProgress'
    for (const id of ['honours-retry-after-429', 'honours-retry-after-503']) expect(byId.get(id)!.message.startsWith(`${first} answered`)).toBe(true)
    expect(byId.get('checks-fetched-documents')!.message).toBe('the copy changed in transit was noticed and fetched again before acting')
    expect(byId.get('follows-state-machine')!.message).toMatch(
      SYSTEMS[system].role === 'desk' ? /returnDossierResult: every step allowed$/ : /finishDossier: every step allowed$/,
    )
  }, 90_000)
})

/** Each calling fault switch and the cases it must fail, on a department and (where the role differs) a desk. */
const FAULTS: ReadonlyArray<{ system: System; fault: string; fails: string[]; says: RegExp }> = [
  {
    system: 'opencps',
    fault: 'illegalTransitions',
    fails: ['follows-state-machine'],
    says: /addDossierProgress was refused \(FORBIDDEN: Only the agency that holds this dossier/,
  },
  {
    system: 'igate',
    fault: 'illegalTransitions',
    fails: ['follows-state-machine'],
    says: /withdrawDossier was refused \(INVALID_TRANSITION: withdraw is not allowed from PROCESSED/,
  },
  {
    system: 'opencps',
    fault: 'newKeyOnRetry',
    fails: ['keys-steps-for-idempotency'],
    says: /addDossierProgress was sent again after 429 under a new key; addDossierProgress was sent again after 503 under a new key/,
  },
  { system: 'soap', fault: 'noExpectedVersion', fails: ['sends-expected-version'], says: /^addDossierProgress, finishDossier sent without expectedVersion$/ },
  {
    system: 'opencps',
    fault: 'ignoreRetryAfter',
    fails: ['honours-retry-after-429', 'honours-retry-after-503'],
    says: /with Retry-After: [12] was sent again after \d{1,3} ms$/,
  },
  {
    system: 'igate',
    fault: 'skipHashCheck',
    fails: ['checks-fetched-documents'],
    says: /changed in transit was taken: the system acted without fetching it again/,
  },
]

describe.each(FAULTS)('$system with $fault', ({ system, fault, fails, says }) => {
  it(`fails exactly ${fails.join(', ')}, saying what to fix`, async () => {
    await setFaults(system, { [fault]: true })
    try {
      const results = await run(system)
      expect(failed(results).map((r) => r.id)).toEqual(fails)
      for (const result of failed(results)) {
        expect(result.message).toMatch(says)
        expect(result.fix).toBeTruthy()
      }
    } finally {
      await setFaults(system, { [fault]: false })
    }
  }, 90_000)
})

it('lgsp conformance run --client plays the province side from the command line and signs a green report', async () => {
  const report = join(work, 'report.json')
  const out = await runLgsp(
    { ...env, PORT: new URL(gateway.url).port },
    'conformance',
    'run',
    '--role',
    'department',
    '--wire',
    'opencps',
    '--agency',
    LAND.agency,
    '--target',
    partners.opencps.url,
    '--client',
    DESK.clientId,
    '--key',
    clientKeys.get(DESK.clientId)!.privateKeyPath,
    '--procedure',
    '1.004227',
    '--out',
    report,
  )
  expect(out.stdout).toMatch(/^relay for the system's calls: http:\/\/127\.0\.0\.1:\d+$/m)
  expect(out.stdout).toMatch(/^\[16\/16\] ok {3}honours-retry-after-503: /m)
  expect(out.stdout).toMatch(/^GREEN: 16 passed, 0 failed/m)
  const signed = JSON.parse(readFileSync(report, 'utf8')) as { cases: Array<{ id: string }> }
  expect(signed.cases.map((c) => c.id)).toContain('keys-steps-for-idempotency')
}, 90_000)
