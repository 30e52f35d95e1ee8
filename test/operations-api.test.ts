/**
 * The operations API (`/admin/api/ops/*`) as a table: every operation, every kind of caller.
 * Deny by default: no credential, a wrong one, an agency's access token, or the local operator
 * credential from anywhere but loopback is 401; a staff token runs only what its role may; the
 * local credential (the gateway's own account on this machine) runs everything. Then what an
 * allowed call does: the audit event with the real actor, this instance switched at once, and
 * clear refusals of bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localCredentialHash, newLocalCredential } from '../gateway/admin/ops/index.js'
import { issueStaffToken } from '../gateway/admin/staff-token.js'
import type { AuditEvent } from '../gateway/audit/index.js'
import { migrate, type Database } from '../gateway/database/index.js'
import { openPglite } from '../gateway/database/pglite.node.js'
import { openPolicyStore, policySetOf } from '../gateway/entry/policies.js'
import type { PolicyStore } from '../gateway/policy/store/index.js'
import { policyFiles } from './console/console-gateway.js'
import { createTestGateway, type TestGateway } from './harness.js'
import { agencyDocument } from './identity.js'
import { testPolicySet } from './policies.js'
import type { PolicySet } from '../policies/index.js'

let db: Database
let store: PolicyStore
let gw: TestGateway
let policySet: PolicySet
const credential = newLocalCredential()
const PEER = 'x-test-peer'

beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
  store = openPolicyStore(db)
  gw = await createTestGateway({
    auditDb: db,
    // The peer address comes from a header here, so one table can try loopback and the network.
    clientIp: (c) => c.req.header(PEER) ?? '127.0.0.1',
    policies: (identity) => {
      policySet = testPolicySet([agencyDocument('test-agency', [identity.client])])
      return policySet
    },
    operations: {
      db,
      policyStore: store,
      historicJwks: () => gw.identity.keys.historicJwks(),
      loadSet: policySetOf,
      localCredentialHash: await localCredentialHash(credential),
    },
  })
  await store.apply(policyFiles(policySet), { author: 'test' })
}, 60_000)
afterAll(async () => {
  await gw?.close()
  await db?.close()
})

interface Call {
  method: 'GET' | 'POST'
  path: string
  body?: unknown
}
let accounts = 0
const OPERATIONS: Record<string, () => Call> = {
  whoami: () => ({ method: 'GET', path: '/whoami' }),
  'create an account': () => ({ method: 'POST', path: '/accounts', body: { name: `acct-${++accounts}`, role: 'auditor', password: 'mat-khau-du-dai-1' } }),
  'list versions': () => ({ method: 'GET', path: '/policies' }),
  'read the active version': () => ({ method: 'GET', path: '/policies/active' }),
  'read version 1': () => ({ method: 'GET', path: '/policies/1' }),
  'diff versions': () => ({ method: 'GET', path: '/policies/diff?a=1&b=1' }),
  'apply a set': () => ({ method: 'POST', path: '/policies', body: { files: [{ name: 'purposes.yaml', text: 'purposes: []\n' }] } }),
  'activate a version': () => ({ method: 'POST', path: '/policies/1/activate' }),
  'roll back': () => ({ method: 'POST', path: '/policies/rollback' }),
  'verify the trail': () => ({ method: 'POST', path: '/audit/verify' }),
  'export the trail': () => ({ method: 'POST', path: '/audit/export', body: {} }),
  'trim the trail': () => ({ method: 'POST', path: '/audit/retention', body: { days: 90 } }),
}

type Verdict = 'runs' | 401 | 403
const OPERATOR_ONLY: Verdict[] = ['runs', 'runs', 403, 401, 401, 401, 401, 401]
const AUDITOR_ONLY: Verdict[] = ['runs', 403, 'runs', 401, 401, 401, 401, 401]
const STAFF: Verdict[] = ['runs', 'runs', 'runs', 401, 401, 401, 401, 401]
const LOCAL_ONLY: Verdict[] = ['runs', 403, 403, 401, 401, 401, 401, 401]
/**
 * Columns: local credential on loopback, operator token, auditor token, local credential from the
 * network, local credential through a proxy on this machine, agency token, garbage, none.
 */
const EXPECTED: Record<keyof typeof OPERATIONS, Verdict[]> = {
  whoami: STAFF,
  // An operator able to make an auditor's account could read the trail through it.
  'create an account': LOCAL_ONLY,
  'list versions': STAFF,
  'read the active version': STAFF,
  'read version 1': STAFF,
  'diff versions': STAFF,
  'apply a set': OPERATOR_ONLY,
  'activate a version': OPERATOR_ONLY,
  'roll back': OPERATOR_ONLY,
  'verify the trail': STAFF,
  'export the trail': AUDITOR_ONLY,
  'trim the trail': OPERATOR_ONLY,
}

async function callers(): Promise<Array<{ name: string; headers: Record<string, string> }>> {
  const keys = gw.identity.keys
  const { issuer } = gw.identity.deps
  return [
    { name: 'local credential on loopback', headers: { authorization: `Bearer ${credential}`, 'x-lgsp-os-user': 'vanhanh' } },
    { name: 'operator token', headers: { authorization: `Bearer ${await issueStaffToken(keys, issuer, { role: 'operator', name: 'vh.nam' })}` } },
    { name: 'auditor token', headers: { authorization: `Bearer ${await issueStaffToken(keys, issuer, { role: 'auditor', name: 'kt.hoa' })}` } },
    { name: 'local credential from the network', headers: { authorization: `Bearer ${credential}`, [PEER]: '10.1.2.3' } },
    { name: 'local credential through a proxy on this machine', headers: { authorization: `Bearer ${credential}`, 'x-forwarded-for': '203.0.113.9' } },
    { name: 'an agency access token', headers: { authorization: `Bearer ${await gw.identity.token()}` } },
    { name: 'a credential of the right shape, not this start’s', headers: { authorization: `Bearer ${newLocalCredential()}` } },
    { name: 'no credential', headers: {} },
  ]
}

async function send(call: Call, headers: Record<string, string>) {
  const res = await gw.app.request(`/admin/api/ops${call.path}`, {
    method: call.method,
    headers: { ...headers, ...(call.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

const lastEvent = () =>
  gw.writer!.flush().then(async () => {
    const [row] = await db.query<{ body: string }>('select body from audit_events order by at desc, seq desc limit 1')
    return JSON.parse(row!.body) as AuditEvent
  })

describe('operations API: who may run what', () => {
  it.each(Object.keys(OPERATIONS))('%s', async (operation) => {
    const all = await callers()
    const seen: Verdict[] = []
    for (const caller of all) {
      const { status, body } = await send(OPERATIONS[operation]!(), caller.headers)
      // An allowed caller may still be refused for the request itself (nothing to roll back): never 401/403, never a 5xx.
      expect(status, `${operation} by ${caller.name}`).toBeLessThan(500)
      const verdict: Verdict = status === 401 || status === 403 ? status : 'runs'
      seen.push(verdict)
      if (verdict !== 'runs') expect(body.error?.code, `${operation} by ${caller.name}`).toBe(status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN')
    }
    expect(seen).toEqual(EXPECTED[operation])
  })
})

describe('operations API: what an allowed call does', () => {
  const local = { authorization: `Bearer ${credential}`, 'x-lgsp-os-user': 'van hanh;root' }

  it('applies a version, switches this instance before answering, and records the actor', async () => {
    const files = policyFiles(policySet).map((f) => (f.name === 'purposes.yaml' ? { ...f, text: f.text.replace(/name: .+/, 'name: Kiểm thử đổi tên') } : f))
    const before = (await store.activeVersion())!
    const applied = await send({ method: 'POST', path: '/policies', body: { files, message: 'đổi tên' } }, local)
    expect(applied.status).toBe(200)
    expect(applied.body).toMatchObject({ created: true, version: before + 1 })
    expect(gw.policies.current().version).toBe(before + 1)
    const event = await lastEvent()
    // The OS account as the CLI named it, reduced to safe characters.
    expect(event).toMatchObject({ kind: 'policy.applied', actor: 'local:van_hanh_root', detail: { version: before + 1, message: 'đổi tên' } })

    const rolled = await send({ method: 'POST', path: '/policies/rollback' }, local)
    expect(rolled).toMatchObject({ status: 200, body: { version: before, previous: before + 1 } })
    expect(gw.policies.current().version).toBe(before)
    expect(await lastEvent()).toMatchObject({ kind: 'policy.rolled_back', actor: 'local:van_hanh_root' })
  })

  it.each([
    ['an invalid policy set', { method: 'POST', path: '/policies', body: { files: [{ name: 'agencies/x.yaml', text: 'agency: Not An Id\n' }] } }, 422],
    ['files that are not documents', { method: 'POST', path: '/policies', body: { files: 'all of them' } }, 400],
    ['a body that is not JSON', { method: 'POST', path: '/policies', body: undefined }, 400],
    ['an unknown version', { method: 'POST', path: '/policies/99/activate' }, 404],
    ['a version that is not a number', { method: 'GET', path: '/policies/latest' }, 400],
    ['a diff without versions', { method: 'GET', path: '/policies/diff' }, 400],
    ['a short password', { method: 'POST', path: '/accounts', body: { name: 'ngan', role: 'auditor', password: 'short' } }, 400],
    ['an unknown role', { method: 'POST', path: '/accounts', body: { name: 'vaitro', role: 'admin', password: 'mat-khau-du-dai-1' } }, 400],
    ['retention under 90 days', { method: 'POST', path: '/audit/retention', body: { days: 30 } }, 400],
    ['an export filter that is not one', { method: 'POST', path: '/audit/export', body: { filters: { subject: 'not-a-pin' } } }, 400],
    ['an export cursor this API did not hand out', { method: 'POST', path: '/audit/export', body: { cursor: 'eyJub3QiOiJvdXJzIn0' } }, 400],
    ['a cursor hidden among the filters', { method: 'POST', path: '/audit/export', body: { filters: { cursor: 'x' } } }, 400],
    ['retention of a million years', { method: 'POST', path: '/audit/retention', body: { days: 365_000_000 } }, 400],
  ] satisfies Array<[string, Call, number]>)('refuses %s with a message, changing nothing', async (_name, call, status) => {
    const version = await store.activeVersion()
    const res = await send(call, local)
    expect(res.status).toBe(status)
    expect(res.body.error.code).toBe(status === 404 ? 'NOT_FOUND' : 'BAD_USER_INPUT')
    expect(res.body.error.message).toMatch(/\w/)
    expect(JSON.stringify(res.body)).not.toMatch(/at .+\.ts:\d+/)
    expect(await store.activeVersion()).toBe(version)
  })

  it('an export records its subject filter as the keyed hash, never the PIN', async () => {
    const pin = '001099012345'
    const res = await send({ method: 'POST', path: '/audit/export', body: { filters: { subject: pin } } }, local)
    expect(res.status).toBe(200)
    const event = await lastEvent()
    expect(event.kind).toBe('audit.exported')
    expect(JSON.stringify(event)).not.toContain(pin)
    expect(event.detail?.subject).toMatch(/^[A-Za-z0-9_-]{16,}$/)
  })
})
