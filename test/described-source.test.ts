/**
 * The fourth registry, social insurance, connected by files alone (connectors/social-insurance:
 * its OpenAPI description and a mapping), through the whole gateway with the policies that ship:
 * queryable by the grant that names it, its PIN masked like every PIN, fields outside the grant
 * refused, the grant's requirements enforced, other agencies refused, every read audited with its
 * subject and the registry named, and the folder holding no code.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CONNECTORS_ROOT, servedCanonical } from '../gateway/entry/canonical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, testKeyedHash, type TestGateway } from './harness.js'
import { loadSandboxPolicies, sandboxAgencies, tokenFor, type SandboxAgencies } from './policy/sandbox-agencies.js'

const FOUND = '001085999001'
const MISSING = '001099999999'
const DESK = 'mot-cua-phuong-hong-ha'
const PURPOSE = 'TRO_GIUP_XA_HOI'
const BOOK = `query Book($pin: PIN!) { socialInsuranceRecord(pin: $pin) { code pin name birthDate status periods { fromMonth toMonth employer kind } } }`

let gw: TestGateway
let agencies: SandboxAgencies
const tokens = new Map<string, string>()

beforeAll(async () => {
  agencies = await sandboxAgencies(await loadSandboxPolicies())
  gw = await createTestGateway({ described: true, policies: () => agencies.set })
  for (const agency of agencies.set.agencies) tokens.set(agency.agency, await tokenFor(gw.identity, agencies, agency.agency))
})
afterAll(() => gw?.close())

function ask(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}, agency = DESK) {
  return gw.graphql(query, variables, {
    authorization: `Bearer ${tokens.get(agency)}`,
    'x-purpose': PURPOSE,
    'x-case-id': 'HS-000777.2026',
    'x-end-user': 'can-bo.tran',
    ...headers,
  })
}

describe('a registry connected by description, through the gateway', () => {
  it('answers the grant’s fields, the PIN masked as every PIN of the purpose is, and audits the read', async () => {
    const res = await ask(BOOK, { pin: FOUND })
    expect(res.status).toBe(200)
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data?.socialInsuranceRecord).toEqual({
      code: '3199990001',
      pin: '********9001',
      name: 'Nguyễn Văn Thử',
      birthDate: '1985-03-15',
      status: 'ACTIVE',
      periods: [
        { fromMonth: '2008-07', toMonth: '2015-12', employer: 'CÔNG TY TNHH THỬ NGHIỆM MẪU', kind: 'COMPULSORY_SOCIAL' },
        { fromMonth: '2016-01', toMonth: null, employer: 'CÔNG TY CỔ PHẦN DỮ LIỆU GIẢ LẬP', kind: 'COMPULSORY_SOCIAL' },
      ],
    })
    const event = gw.audit.events.find((e) => e.requestId === res.headers.get('x-request-id'))!
    expect(event).toMatchObject({ agency: DESK, purpose: PURPOSE, status: 200, grants: ['social-assistance-insurance-status'] })
    expect(event.subjects).toEqual([testKeyedHash(FOUND)])
    expect(event.connectors).toEqual([expect.objectContaining({ connector: 'social-insurance', calls: 1, failures: 0 })])
    expect(event.coordinates?.returned).toEqual(expect.arrayContaining(['Query.socialInsuranceRecord', 'SocialInsuranceRecord.pin', 'InsurancePeriod.kind']))
    // The audit trail holds the keyed hash, never the PIN.
    expect(JSON.stringify(event)).not.toContain(FOUND)
  })

  it('answers null for a person the registry has no book for', async () => {
    const res = await ask(BOOK, { pin: MISSING })
    expect(res.status).toBe(200)
    expect(res.body.data?.socialInsuranceRecord).toBeNull()
  })

  it('refuses a field the grant leaves out (the salary), naming it, before the registry is called', async () => {
    const before = gw.replays.servers[0]!.hits()
    const res = await ask(`query($pin: PIN!) { socialInsuranceRecord(pin: $pin) { periods { salary } } }`, { pin: FOUND })
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(JSON.stringify(res.body.errors)).toContain('InsurancePeriod.salary')
    expect(gw.replays.servers[0]!.hits()).toBe(before)
  })

  it.each([
    ['without a case id', { 'x-case-id': '' }, 'CASE_REQUIRED'],
    ['for another purpose', { 'x-purpose': 'XAC_MINH_NHAN_THAN' }, 'FORBIDDEN'],
    ['with no purpose', { 'x-purpose': '' }, 'PURPOSE_REQUIRED'],
  ])('refuses the desk %s', async (_name, headers, code) => {
    const res = await ask(BOOK, { pin: FOUND }, headers)
    expect(res.body.data?.socialInsuranceRecord ?? null).toBeNull()
    expect(res.body.errors?.[0]?.extensions?.code).toBe(code)
  })

  it('refuses every other sandbox agency, whatever purpose it has', async () => {
    for (const agency of agencies.set.agencies.filter((a) => a.agency !== DESK)) {
      for (const purpose of [...new Set(agency.grants.flatMap((g) => g.purposes))]) {
        const res = await ask(BOOK, { pin: FOUND }, { 'x-purpose': purpose }, agency.agency)
        expect(res.body.data?.socialInsuranceRecord ?? null, `${agency.agency} ${purpose}`).toBeNull()
        expect(['FORBIDDEN', 'PURPOSE_NOT_ALLOWED', 'CASE_REQUIRED', 'END_USER_REQUIRED'], `${agency.agency} ${purpose}`).toContain(
          res.body.errors?.[0]?.extensions?.code,
        )
      }
    }
  })

  it('is connected by files only: the folder holds a description, a mapping and a README, and no code', () => {
    const files = readdirSync(join(import.meta.dirname, '..', 'connectors', 'social-insurance'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort()
    expect(files).toEqual(['README.md', 'mapping.yaml', 'openapi.yaml'])
  })
})

describe('a described source’s identifiers are in their data class', () => {
  it('validation refuses a grant that reads its PIN without saying how to show it', async () => {
    const { readPolicyFiles } = await import('../gateway/policy/store/read-files.node.js')
    const { validatePolicyFiles } = await import('../gateway/entry/policies.js')
    const files = await readPolicyFiles(join(import.meta.dirname, '..', 'policies'))
    const desk = files.find((file) => file.name.endsWith(`${DESK}.yaml`))!
    const edited = desk.text.replace(/(id: social-assistance-insurance-status[\s\S]*?)\n {4}mask: \{ pin: last4 \}\n/, '$1\n')
    expect(edited).not.toBe(desk.text)
    const problems = validatePolicyFiles(files.map((file) => (file === desk ? { ...file, text: edited } : file)))
    expect(problems.map((p) => p.message).join('\n')).toMatch(/pin/)
  })

  const NOTHING = { caseId: false, endUser: false, signedContext: false }
  it('the gateway masks its PIN by the purpose’s PIN mask even in a set never validated against it', async () => {
    const desk = agencies.set.agencies.find((a) => a.agency === DESK)!
    // Grant A masks PINs for the purpose; grant B reads the described record and says nothing of PINs.
    const set = {
      ...agencies.set,
      agencies: [
        {
          ...desk,
          grants: [
            { id: 'a', purposes: ['KIEM_THU'], legalBasis: 'test', allow: ['Query.citizen', 'Citizen.pin'], mask: { pin: 'last4' as const }, require: NOTHING },
            { id: 'b', purposes: ['KIEM_THU'], legalBasis: 'test', allow: ['Query.socialInsuranceRecord', 'SocialInsuranceRecord.*'], require: NOTHING },
          ],
        },
      ],
      purposes: [...agencies.set.purposes, { code: 'KIEM_THU', name: 'Kiểm thử', legalBasis: 'test' }],
    }
    gw.policies.replace(set as never, 99)
    try {
      const res = await ask(`query($pin: PIN!) { socialInsuranceRecord(pin: $pin) { pin } }`, { pin: FOUND }, { 'x-purpose': 'KIEM_THU' })
      expect(res.body, JSON.stringify(res.body)).toMatchObject({ data: { socialInsuranceRecord: { pin: '********9001' } } })
    } finally {
      gw.policies.replace(agencies.set, 0)
    }
  })
})

describe('the gateway serves one registry per canonical root field', () => {
  const root = mkdtempSync(join(tmpdir(), 'lgsp-described-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('refuses a described folder that answers Query.enterprise beside the hand-written connector', () => {
    cpSync(join(CONNECTORS_ROOT, 'business', 'described'), join(root, 'business'), { recursive: true })
    expect(() => servedCanonical(root)).toThrow(/connector business: answers Query\.enterprise, Query\.enterprises, which a hand-written connector serves/)
  })
})
