/**
 * Exactly one audit event per request, with the right fields, for each kind of outcome
 *: granted, partial, denied by policy, rejected, 401, upstream failure, and
 * the token endpoint; and the fail-closed rule when the event cannot be recorded.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../gateway/audit/index.js'
import { createMemoryRateLimiter } from '../../gateway/ratelimit/index.js'
import { createTestGateway, testKeyedHash, type TestGateway } from '../harness.js'
import { signAssertion } from '../identity.js'
import { fixtureGrants, fixturePolicySet } from '../policy/fixture.js'
import { everyType, TEST_PURPOSE, testPurposes } from '../policies.js'
import { clientAssertionForm } from '../../connectors/index.js'

let gw: TestGateway
beforeAll(async () => {
  gw = await createTestGateway({
    timeoutMs: 300,
    // A frozen clock: buckets never refill during the test.
    rateLimiter: createMemoryRateLimiter({ now: () => Date.UTC(2026, 5, 1, 2, 0, 0) }),
    policies: (identity) => {
      const none = { caseId: false, endUser: false, signedContext: false }
      const kiemThu = { id: 'kiem-thu', purposes: [TEST_PURPOSE], legalBasis: 'test suite only', allow: everyType(), require: none }
      // One request a minute, no burst: the second is refused with 429.
      const gioiHan = {
        id: 'gioi-han',
        purposes: ['GIOI_HAN'],
        legalBasis: 'test',
        allow: ['Query.administrativeUnit', 'AdministrativeUnit.*'],
        require: none,
        limits: { rate: { perMinute: 1, burst: 0 } },
      }
      const set = fixturePolicySet(identity, { grants: [...fixtureGrants, kiemThu, gioiHan] })
      return { ...set, purposes: [...set.purposes, ...testPurposes, { code: 'GIOI_HAN', name: 'Giới hạn', legalBasis: 'test' }] }
    },
  })
})
afterAll(async () => {
  await gw?.close()
})
beforeEach(() => {
  gw.clearFaults()
  gw.audit.failing = false
})

const ENTERPRISE = `query Tax($code: TaxCode!) { enterprise(code: $code) { code nameVi legalRepresentatives { name { full } pin } } }`

interface Row {
  name: string
  request: () => Promise<{ status: number; body: any }>
  before?: () => unknown
  expected: (ctx: { code: string; pin: string }) => Partial<AuditEvent>
  /** Coordinates that must be among those returned (granted/partial). */
  returned?: string[]
}

async function post(headers: Record<string, string>, body: unknown) {
  const res = await gw.app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  return { status: res.status, body: await res.json() }
}

const rows: Row[] = [
  {
    name: 'granted: every field read, masks and subjects recorded',
    request: () =>
      gw.graphql(ENTERPRISE, { code: gw.world.examples.enterpriseCode }, { 'x-purpose': 'THUE', 'x-end-user': 'can-bo-01', 'x-case-id': 'HS-2026-001' }),
    expected: ({ code }) => ({
      kind: 'access.graphql',
      decision: 'granted',
      reason: undefined,
      status: 200,
      agency: 'test-agency',
      purpose: 'THUE',
      endUser: 'can-bo-01',
      caseId: 'HS-2026-001',
      grants: ['thue-doanh-nghiep'],
      masks: ['LegalRepresentative.pin'],
      records: 1,
      subjects: [code, ...gw.world.enterprises.find((e) => e.code === code)!.representatives.map((r) => r.pin)].map(testKeyedHash).sort(),
    }),
    returned: ['Query.enterprise', 'Enterprise.code', 'Enterprise.legalRepresentatives', 'LegalRepresentative.pin'],
  },
  {
    name: 'partial: one registry fails, its fields are null, the rest is returned',
    before: () => gw.sandboxes.business.setFaults({ errorRate: 1 }),
    request: () =>
      gw.graphql(
        `query { enterprise(code: "${gw.world.examples.enterpriseCode}") { code } administrativeUnit(code: "01") { code name } }`,
        {},
        { 'x-purpose': TEST_PURPOSE },
      ),
    expected: () => ({ decision: 'partial', code: 'UPSTREAM_UNAVAILABLE', reason: undefined, status: 200 }),
  },
  {
    name: 'denied by policy: a field outside the grant, refused before any registry call',
    request: () => gw.graphql(`{ enterprise(code: "${gw.world.examples.enterpriseCode}") { code status { name } } }`, {}, { 'x-purpose': 'THUE' }),
    expected: () => ({
      decision: 'denied',
      code: 'FORBIDDEN',
      reason: 'PURPOSE_NOT_GRANTED',
      status: 403,
      grants: undefined,
      records: 0,
      subjects: [],
      connectors: undefined,
    }),
  },
  {
    name: 'denied: a purpose the agency has no grant for',
    request: () => gw.graphql(`{ enterprise(code: "${gw.world.examples.enterpriseCode}") { code } }`, {}, { 'x-purpose': 'KHONG_CAP' }),
    expected: () => ({ decision: 'denied', code: 'PURPOSE_NOT_ALLOWED', reason: 'PURPOSE_NOT_ALLOWED', purpose: 'KHONG_CAP' }),
  },
  {
    name: 'rejected: a malformed query',
    request: () => gw.graphql('{ enterprise(code: ', {}, { 'x-purpose': 'THUE' }),
    expected: () => ({ decision: 'rejected', code: 'BAD_USER_INPUT', reason: 'INVALID_OPERATION', status: 400 }),
  },
  {
    name: '401: no token',
    request: () => post({ 'x-purpose': 'THUE' }, { query: '{ __typename }' }),
    expected: () => ({ decision: 'unauthenticated', code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED', status: 401, agency: undefined, client: undefined }),
  },
  {
    name: '401: a forged token',
    request: () => post({ authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA', 'x-purpose': 'THUE' }, { query: '{ __typename }' }),
    expected: () => ({ decision: 'unauthenticated', code: 'UNAUTHENTICATED', status: 401, agency: undefined }),
  },
  {
    name: "429: over the grant's rate limit, refused before any registry call",
    before: () => gw.graphql('{ administrativeUnit(code: "01") { code } }', {}, { 'x-purpose': 'GIOI_HAN' }),
    request: () => gw.graphql('{ administrativeUnit(code: "01") { code } }', {}, { 'x-purpose': 'GIOI_HAN' }),
    expected: () => ({
      decision: 'rate_limited',
      code: 'RATE_LIMITED',
      reason: 'GRANT_RATE_LIMIT',
      status: 429,
      purpose: 'GIOI_HAN',
      records: 0,
      connectors: undefined,
    }),
  },
  {
    name: 'upstream failure: the only registry asked is down, no data',
    before: () => gw.sandboxes.business.setFaults({ errorRate: 1 }),
    request: () => gw.graphql(`{ enterprise(code: "${gw.world.examples.enterpriseCode}") { code } }`, {}, { 'x-purpose': 'THUE' }),
    expected: () => ({
      decision: 'failed',
      code: 'UPSTREAM_UNAVAILABLE',
      reason: undefined,
      connectors: [expect.objectContaining({ connector: 'business', failures: expect.any(Number), code: 'UPSTREAM_UNAVAILABLE' })] as any,
    }),
  },
]

describe('one audit event per request', () => {
  it.each(rows)('$name', async (row) => {
    await row.before?.()
    const before = gw.audit.events.length
    const response = await row.request()
    expect(gw.audit.events.length - before, 'exactly one event').toBe(1)
    const event = gw.audit.events.at(-1)!
    const requestId = response.body.errors?.[0]?.extensions?.requestId ?? response.body.error?.requestId
    if (requestId) expect(event.requestId).toBe(requestId)
    const expected = row.expected({ code: gw.world.examples.enterpriseCode, pin: gw.world.examples.representativePin })
    for (const [key, value] of Object.entries(expected)) {
      if (value === undefined) expect(event, key).not.toHaveProperty(key)
      else expect(event[key as keyof AuditEvent], key).toEqual(value)
    }
    expect(event.status).toBe(response.status)
    for (const coordinate of row.returned ?? []) expect(event.coordinates?.returned).toContain(coordinate)
    // Never a raw identifier anywhere in the event.
    const text = JSON.stringify(event)
    expect(text).not.toContain(gw.world.examples.enterpriseCode)
    expect(text).not.toContain(gw.world.examples.representativePin)
  })

  it('an event that cannot be recorded withholds the data: 503 AUDIT_UNAVAILABLE, no data', async () => {
    gw.audit.failing = true
    const res = await gw.graphql(ENTERPRISE, { code: gw.world.examples.enterpriseCode }, { 'x-purpose': 'THUE' })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.body).toEqual({ error: { code: 'AUDIT_UNAVAILABLE', message: expect.any(String), requestId: expect.any(String) } })
    expect(JSON.stringify(res.body)).not.toContain(gw.world.examples.enterpriseCode)
    gw.audit.failing = false
    const again = await gw.graphql(ENTERPRISE, { code: gw.world.examples.enterpriseCode }, { 'x-purpose': 'THUE' })
    expect(again.status).toBe(200)
  })

  it('the token endpoint: an issued token and a refused assertion are events too', async () => {
    const before = gw.audit.events.length
    const assertion = await signAssertion(gw.identity.client)
    const ok = await gw.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: clientAssertionForm(assertion),
    })
    expect(ok.status).toBe(200)
    const refused = await gw.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: clientAssertionForm(assertion),
    })
    expect(refused.status).toBe(401)
    const events = gw.audit.events.slice(before)
    expect(events.map((e) => [e.kind, e.decision, e.status])).toEqual([
      ['token.issued', 'ok', 200],
      ['token.refused', 'unauthenticated', 401],
    ])
    expect(events[0]).toMatchObject({ agency: 'test-agency', client: gw.identity.client.clientId })
  })
})
