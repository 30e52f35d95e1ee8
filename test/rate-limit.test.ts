/**
 * Rate limits and quotas through the whole gateway, in process: cost estimated before
 * execution, the IETF headers on every data response, 429 + Retry-After + RATE_LIMITED before any
 * registry call, policy refusals free, grant limits, daily quota, the token endpoint's attempt
 * limits and /readyz. The memory limiter runs on an injected clock, so the figures are exact.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../gateway/config.js'
import { TOKEN_ATTEMPT_LIMITS } from '../gateway/http/attempt-limit.js'
import { createMemoryRateLimiter, DAY_MS, DAY_OFFSET_MS, type RateLimiter } from '../gateway/ratelimit/index.js'
import type { AgencyDocument } from '../policies/index.js'
import { createTestGateway, type TestGateway } from './harness.js'
import { agencyDocument, signAssertion, TEST_ISSUER } from './identity.js'
import { everyType, TEST_PURPOSE, testPurposes } from './policies.js'
import { clientAssertionForm } from '../connectors/index.js'

let now = Date.UTC(2026, 5, 1, 2, 0, 0)
let current = createMemoryRateLimiter({ now: () => now })
/** The gateway keeps one limiter; each test starts from empty buckets behind it. */
const limiter: RateLimiter = {
  kind: 'memory',
  consume: (request) => current.consume(request),
  ping: (signal) => current.ping(signal),
  close: () => current.close(),
}
let gw: TestGateway

beforeAll(async () => {
  gw = await createTestGateway({
    rateLimiter: limiter,
    clientIp: () => '203.0.113.7',
    policies: (identity) => {
      const agency: AgencyDocument = {
        ...agencyDocument('test-agency', [identity.client]),
        limits: { rate: { perMinute: 120, burst: 20 }, dailyQuota: 1000 },
        grants: [
          {
            id: 'kiem-thu',
            purposes: [TEST_PURPOSE],
            legalBasis: 'test',
            allow: everyType(),
            require: { caseId: false, endUser: false, signedContext: false },
          },
          {
            id: 'ket-noi',
            purposes: ['KIEM_TRA_KET_NOI'],
            legalBasis: 'test',
            allow: ['Query.administrativeUnit', 'AdministrativeUnit.*'],
            require: { caseId: false, endUser: false, signedContext: false },
            limits: { rate: { perMinute: 60, burst: 2 } },
          },
        ],
      }
      return { agencies: [agency], purposes: [...testPurposes, { code: 'KIEM_TRA_KET_NOI', name: 'Kiểm tra kết nối', legalBasis: 'test' }] }
    },
  })
}, 60_000)
afterAll(async () => {
  await current.close()
  await gw?.close()
})
beforeEach(async () => {
  await current.close()
  current = createMemoryRateLimiter({ now: () => now })
  gw.resetHits()
})

const unit = '{ administrativeUnit(code: "00097") { fullName } }'
const hits = () => gw.sandboxes.population.hits() + gw.sandboxes.land.hits() + gw.sandboxes.business.hits()

describe('rate limits on /graphql', () => {
  it('every data response carries RateLimit-Policy and RateLimit (IETF draft structured fields)', async () => {
    const res = await gw.graphql(unit)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.headers.get('ratelimit-policy')).toBe('"agency";q=140;w=60, "daily";q=1000;w=86400')
    const midnight = (Math.floor((now + DAY_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - DAY_OFFSET_MS
    // 1 unit taken of a bucket of 20 that refills 2 per second: full again in 0.5 s → t=1.
    expect(res.headers.get('ratelimit')).toBe(`"agency";r=19;t=1, "daily";r=999;t=${Math.ceil((midnight - now) / 1000)}`)
    expect(res.headers.get('retry-after')).toBeNull()
  })

  it('costs records × registries, estimated before execution', async () => {
    const cases: Array<[string, number]> = [
      [unit, 1],
      ['{ a: administrativeUnit(code: "00097") { code } b: administrativeUnit(code: "01") { code } }', 2],
      [`{ enterprise(code: "${gw.world.examples.enterpriseCode}") { code } }`, 1],
      [`{ enterprise(code: "${gw.world.examples.enterpriseCode}") { legalRepresentatives { citizen { name { full } } } } }`, 2],
      ['{ enterprises(first: 5) { nodes { code } } }', 5],
      ['query($n: Int) { enterprises(first: $n) { nodes { code legalRepresentatives { citizen { landParcels { parcelKey } } } } } }', 3 * 3],
      ['{ enterprises { nodes { code } } }', 20],
    ]
    for (const [query, cost] of cases) {
      await current.close()
      current = createMemoryRateLimiter({ now: () => now })
      const res = await gw.graphql(query, { n: 3 })
      expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200)
      expect(res.headers.get('ratelimit'), query).toMatch(new RegExp(`^"agency";r=${20 - cost};`))
    }
  })

  it('beyond the bucket: 429, Retry-After in whole seconds, RATE_LIMITED, no registry called; after that long it passes', async () => {
    const enterprise = `{ enterprise(code: "${gw.world.examples.enterpriseCode}") { code } }`
    for (let i = 0; i < 20; i++) expect((await gw.graphql(enterprise)).status).toBe(200)
    gw.resetHits()
    now += 100 // 0.1 s: a fifth of a unit back
    const refused = await gw.graphql(enterprise)
    expect(refused.status, JSON.stringify(refused.body)).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('1') // 0.4 s rounded up
    expect(refused.body.data ?? null).toBeNull()
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/retry after 1 s/),
        extensions: expect.objectContaining({ code: 'RATE_LIMITED', origin: 'caller', requestId: expect.any(String) }),
      }),
    ])
    expect(refused.headers.get('ratelimit')).toMatch(/^"agency";r=0;t=10,/)
    expect(hits(), 'refused before any registry call').toBe(0)
    now += 1000 * Number(refused.headers.get('retry-after'))
    expect((await gw.graphql(enterprise)).status).toBe(200)
  })

  it('a request dearer than the bucket can ever hold is QUERY_TOO_COMPLEX (400), not a 429 to wait out', async () => {
    const res = await gw.graphql('{ enterprises(first: 21) { nodes { code } } }')
    expect(res.status).toBe(400)
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' })
    expect(res.body.errors?.[0]?.message).toMatch(/costs 21 units .*at most 20/)
    expect(hits()).toBe(0)
    expect((await gw.graphql(unit)).headers.get('ratelimit'), 'it took nothing').toMatch(/^"agency";r=19;/)
  })

  it('a request the policy refuses costs nothing and carries no limit headers', async () => {
    const denied = await gw.graphql(unit, undefined, { 'x-purpose': 'QUAN_LY_THUE' })
    expect(denied.status).toBe(403)
    expect(denied.headers.get('ratelimit')).toBeNull()
    expect((await gw.graphql(unit)).headers.get('ratelimit')).toMatch(/^"agency";r=19;/)
  })

  it('a grant with its own rate limit adds it to the requests it serves', async () => {
    const viaGrant = () => gw.graphql(unit, undefined, { 'x-purpose': 'KIEM_TRA_KET_NOI' })
    const first = await viaGrant()
    expect(first.headers.get('ratelimit-policy')).toBe('"agency";q=140;w=60, "daily";q=1000;w=86400, "grant-ket-noi";q=62;w=60')
    expect((await viaGrant()).status).toBe(200)
    const refused = await viaGrant()
    expect(refused.status).toBe(429)
    expect(refused.headers.get('ratelimit')).toMatch(/"grant-ket-noi";r=0;t=2$/)
    expect((await gw.graphql(unit)).status, 'the agency limit still has room for other grants').toBe(200)
  })

  it('the daily quota refuses until local midnight (UTC+7)', async () => {
    const saved = now
    try {
      // 1000 units in steps of 20, waiting for the bucket between them.
      for (let used = 0; used < 1000; used += 20) {
        const res = await gw.graphql('{ enterprises(first: 20) { nodes { code } } }')
        expect(res.status, `after ${used} units: ${JSON.stringify(res.body.errors)}`).toBe(200)
        now += 10_000
      }
      const refused = await gw.graphql(unit)
      expect(refused.status).toBe(429)
      const midnight = (Math.floor((now + DAY_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - DAY_OFFSET_MS
      expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil((midnight - now) / 1000))
      expect(refused.headers.get('ratelimit')).toMatch(/"daily";r=0;/)
      now = midnight
      expect((await gw.graphql(unit)).status, 'a new day').toBe(200)
    } finally {
      now = saved
    }
  })

  it('/readyz names the limiter and its state', async () => {
    const res = await gw.app.request('/readyz')
    expect(await res.json()).toMatchObject({
      rateLimiter: { kind: 'memory', degraded: false },
      checks: { 'rate-limiter:memory': { ok: true, critical: false } },
    })
  })
})

describe('attempt limits on /oauth/token', () => {
  const tokenRequest = async (assertion: string) =>
    gw.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: clientAssertionForm(assertion),
    })

  it(`per registered client: ${TOKEN_ATTEMPT_LIMITS.perSubject.burst} at once, then 429 with Retry-After`, async () => {
    const statuses: number[] = []
    for (let i = 0; i <= TOKEN_ATTEMPT_LIMITS.perSubject.burst; i++) {
      statuses.push((await tokenRequest(await signAssertion(gw.identity.client, { audience: `${TEST_ISSUER}/oauth/token` }))).status)
    }
    expect(
      statuses.slice(0, -1).every((s) => s === 200),
      statuses.join(','),
    ).toBe(true)
    const refused = await tokenRequest(await signAssertion(gw.identity.client))
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(await refused.json()).toMatchObject({ error: 'temporarily_unavailable', error_description: expect.stringMatching(/retry after 1 s/) })
    now += 1000
    expect((await tokenRequest(await signAssertion(gw.identity.client))).status).toBe(200)
  })

  it(`per address: ${TOKEN_ATTEMPT_LIMITS.perIp.burst} attempts at once, good or bad, then 429`, async () => {
    for (let i = 0; i < TOKEN_ATTEMPT_LIMITS.perIp.burst; i++) {
      const res = await gw.app.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      })
      expect(res.status).toBe(400)
    }
    const refused = await tokenRequest(await signAssertion(gw.identity.client))
    expect(refused.status).toBe(429)
    expect(refused.headers.get('ratelimit')).toMatch(/^"ip";r=0;/)
  })
})

describe('configuration', () => {
  it('RATE_LIMIT_INSTANCES: default 1, a positive whole number, else start-up stops naming it', () => {
    expect(parseConfig({}).RATE_LIMIT_INSTANCES).toBe(1)
    expect(parseConfig({ RATE_LIMIT_INSTANCES: '3' }).RATE_LIMIT_INSTANCES).toBe(3)
    for (const bad of ['0', '-1', 'two', '1.5']) {
      expect(() => parseConfig({ RATE_LIMIT_INSTANCES: bad })).toThrow(ConfigError)
      expect(() => parseConfig({ RATE_LIMIT_INSTANCES: bad })).toThrow(/RATE_LIMIT_INSTANCES/)
    }
  })
})
