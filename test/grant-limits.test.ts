/**
 * A grant's limits per subject and per officer, and what keeps `verifyCitizen` from being an
 * oracle, through the whole gateway: one verification per request, a non-match charged more than
 * a match (per subject, per officer and in the agency's rate), refusals before any registry call
 * with their reason in the audit event, the probing signal and its metric, and the counts shared
 * by two gateway instances on one Redis. The store and the rate limiter run on an injected clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createPromMetrics, type PromMetrics } from '../gateway/metrics/prom.node.js'
import { createMemoryRateLimiter, DAY_MS, DAY_OFFSET_MS, type RateLimiter } from '../gateway/ratelimit/index.js'
import { createMemorySharedStore, SharedStoreUnavailableError, type SharedStore } from '../gateway/shared-store/index.js'
import { createRedisSharedStore } from '../gateway/shared-store/redis.node.js'
import type { AgencyDocument, PolicySet } from '../policies/index.js'
import { createTestGateway, testKeyedHash, type TestGateway } from './harness.js'
import { agencyDocument } from './identity.js'
import { everyType, TEST_PURPOSE, testPurposes } from './policies.js'
import { startRedis, type RedisService } from './services/redis.js'

const VERIFY = 'XAC_MINH'
const HOUR_MS = 3_600_000
/** 09:00 on 1 June 2026 in Vietnam. */
const START = Date.UTC(2026, 5, 1, 2, 0)
const noRequirement = { caseId: false, endUser: false, signedContext: false }

function policySet(client: Parameters<typeof agencyDocument>[1][number]): PolicySet {
  const agency: AgencyDocument = {
    ...agencyDocument('test-agency', [client]),
    limits: { rate: { perMinute: 60, burst: 20 } },
    grants: [
      {
        id: 'xac-minh',
        purposes: [VERIFY],
        legalBasis: 'NĐ 118/2025',
        allow: ['Query.verifyCitizen', 'CitizenVerification.*', 'Query.citizen', 'Citizen.pin', 'Citizen.name', 'PersonName.*'],
        require: { caseId: false, endUser: true, signedContext: false },
        limits: { perSubjectPerDay: 10, perEndUserPerHour: 15 },
      },
      { id: 'kiem-thu', purposes: [TEST_PURPOSE], legalBasis: 'test', allow: everyType(), require: noRequirement },
    ],
  }
  return { agencies: [agency], purposes: [...testPurposes, { code: VERIFY, name: 'Xác minh', legalBasis: 'NĐ 118/2025' }] }
}

let now = START
let store = createMemorySharedStore({ now: () => now })
let limiterNow = createMemoryRateLimiter({ now: () => now })
let storeDown = false
/** The gateway keeps one store and one limiter; each test starts from empty ones behind them. */
const counters: SharedStore = {
  kind: 'memory',
  claimOnce: (key, ttl) => store.claimOnce(key, ttl),
  count: (list) => (storeDown ? Promise.reject(new SharedStoreUnavailableError('Redis connection is reconnecting')) : store.count(list)),
  ping: (signal) => store.ping(signal),
  close: () => store.close(),
}
const limiter: RateLimiter = {
  kind: 'memory',
  consume: (request) => limiterNow.consume(request),
  refund: (request) => limiterNow.refund(request),
  ping: (signal) => limiterNow.ping(signal),
  close: () => limiterNow.close(),
}
let metrics: PromMetrics
let gw: TestGateway
let person: { pin: string; name: string; birthDate: string }
let others: Array<{ pin: string; name: string; birthDate: string }>

beforeAll(async () => {
  metrics = createPromMetrics({ processMetrics: false })
  gw = await createTestGateway({
    world: { citizens: 200, parcels: 20, enterprises: 20 },
    policies: (identity) => policySet(identity.client),
    rateLimiter: limiter,
    counters,
    metrics,
  })
  const people = gw.world.people
    .filter((p) => p.birthDate.length === 10 && !p.deceasedOn)
    .map((p) => ({ pin: p.pin, name: [p.family, p.middle, p.given].filter(Boolean).join(' '), birthDate: p.birthDate }))
  ;[person, ...others] = people.slice(0, 8) as [typeof person, ...typeof others]
}, 60_000)
afterAll(() => gw?.close())
beforeEach(async () => {
  now = START
  storeDown = false
  await store.close()
  await limiterNow.close()
  store = createMemorySharedStore({ now: () => now })
  limiterNow = createMemoryRateLimiter({ now: () => now })
  gw.resetHits()
})

const QUERY = 'query V($pin: PIN!, $name: String!, $birth: PartialDate!) { verifyCitizen(pin: $pin, name: $name, birthDate: $birth) { match } }'
const wrongDate = (birthDate: string) => `${birthDate.slice(0, 4)}-${birthDate.slice(5, 7) === '01' ? '02' : '01'}-15`
function verify(who: { pin: string; name: string; birthDate: string }, options: { match?: boolean; officer?: string | null } = {}) {
  const headers: Record<string, string> = { 'x-purpose': VERIFY }
  if (options.officer !== null) headers['x-end-user'] = options.officer ?? 'can-bo.an'
  return gw.graphql(QUERY, { pin: who.pin, name: who.name, birth: options.match === false ? wrongDate(who.birthDate) : who.birthDate }, headers)
}
const hits = () => gw.sandboxes.population.hits()
const eventOf = (res: { headers: Headers }) => gw.audit.events.find((e) => e.requestId === res.headers.get('x-request-id'))!
const midnight = () => (Math.floor((now + DAY_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - DAY_OFFSET_MS
const agencyRemaining = (res: { headers: Headers }) => Number(/"agency";r=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1])

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const found = metrics.registry.getSingleMetric(name)
  if (!found) return 0
  const { values } = await found.get()
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => String((v.labels as Record<string, unknown>)[k]) === l))
    .reduce((sum, v) => sum + v.value, 0)
}

describe('one verification per request', () => {
  it.each([
    [
      'two aliases',
      `query { a: verifyCitizen(pin: "$PIN", name: "$NAME", birthDate: "1990") { match } b: verifyCitizen(pin: "$PIN", name: "$NAME", birthDate: "1991") { match } }`,
    ],
    ['one fragment spread twice', `query { ...V ...V } fragment V on Query { verifyCitizen(pin: "$PIN", name: "$NAME", birthDate: "1990") { match } }`],
    [
      'a field and an inline fragment',
      `query { verifyCitizen(pin: "$PIN", name: "$NAME", birthDate: "1990") { match } ... on Query { x: verifyCitizen(pin: "$PIN", name: "$NAME", birthDate: "1991") { match } } }`,
    ],
    [
      'two selections behind @skip and @include',
      `query($a: Boolean = true) { a: verifyCitizen(pin: "$PIN", name: "$NAME", birthDate: "1990") @include(if: $a) { match } b: verifyCitizen(pin: "$PIN", name: "$NAME", birthDate: "1991") @skip(if: $a) { match } }`,
    ],
  ])('%s: 400 BAD_USER_INPUT before any registry call, audited with its reason', async (_label, template) => {
    const query = template.replaceAll('$PIN', person.pin).replaceAll('$NAME', person.name)
    // The unlimited test purpose too: the rule is the field's, not a grant's.
    for (const purpose of [VERIFY, TEST_PURPOSE]) {
      const res = await gw.graphql(query, undefined, { 'x-purpose': purpose, 'x-end-user': 'can-bo.an' })
      expect(res.status, JSON.stringify(res.body)).toBe(400)
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ONE_VERIFICATION_PER_REQUEST' })
      expect(eventOf(res)).toMatchObject({ decision: 'rejected', code: 'BAD_USER_INPUT', reason: 'ONE_VERIFICATION_PER_REQUEST' })
    }
    expect(hits()).toBe(0)
  })

  it('one verification with variables, next to other fields, passes', async () => {
    const res = await gw.graphql(
      `query V($pin: PIN!, $name: String!, $birth: PartialDate!) { verifyCitizen(pin: $pin, name: $name, birthDate: $birth) { match } citizen(pin: $pin) { name { full } } }`,
      { pin: person.pin, name: person.name, birth: person.birthDate },
      { 'x-purpose': VERIFY, 'x-end-user': 'can-bo.an' },
    )
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data?.verifyCitizen).toEqual({ match: true })
  })
})

describe('per subject per day', () => {
  it('a non-match costs 3 units, charged before the answer: 3 wrong guesses, then 429 until midnight in Vietnam, no registry call', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await verify(person, { match: false, officer: `can-bo-${i}` })
      expect(res.body.data?.verifyCitizen, JSON.stringify(res.body)).toEqual({ match: false })
    }
    gw.resetHits()
    // 9 of 10 units used: even the right date cannot be tried, since it might not match.
    const refused = await verify(person, { officer: 'can-bo-x' })
    expect(refused.status, JSON.stringify(refused.body)).toBe(429)
    expect(refused.body.data ?? null).toBeNull()
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'SUBJECT_DAILY_LIMIT' })
    expect(refused.body.errors?.[0]?.message).toMatch(/10 units per subject per day and this subject has 9/)
    expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil((midnight() - now) / 1000))
    expect(hits(), 'refused before the registry').toBe(0)
    expect(eventOf(refused)).toMatchObject({
      decision: 'rate_limited',
      code: 'RATE_LIMITED',
      reason: 'SUBJECT_DAILY_LIMIT',
      grants: ['xac-minh'],
      subjects: [testKeyedHash(person.pin)],
    })
    expect((await verify(others[0]!)).status, 'another subject is counted apart').toBe(200)
    now = midnight()
    expect((await verify(person)).body.data?.verifyCitizen, 'a new day in Vietnam').toEqual({ match: true })
  })

  it('a match costs 1 unit: the difference is given back after the answer', async () => {
    for (let i = 0; i < 8; i++) expect((await verify(person, { officer: `can-bo-${i}` })).status).toBe(200)
    // 8 used: a ninth needs 3 free units until it is known to match.
    expect((await verify(person, { officer: 'can-bo-9' })).body.errors?.[0]?.extensions?.reason).toBe('SUBJECT_DAILY_LIMIT')
  })

  it('a verification the registry does not answer costs 1 unit too: nothing was learnt', async () => {
    gw.sandboxes.population.setFaults({ errorRate: 1 })
    try {
      for (let i = 0; i < 8; i++) expect((await verify(person, { officer: `can-bo-${i}` })).body.data?.verifyCitizen ?? null).toBeNull()
    } finally {
      gw.clearFaults()
    }
    expect((await verify(person, { officer: 'can-bo-9' })).body.errors?.[0]?.extensions?.reason).toBe('SUBJECT_DAILY_LIMIT')
  })

  it('citizen(pin) under the same grant costs 1 unit per subject', async () => {
    const read = `{ citizen(pin: "${person.pin}") { name { full } } }`
    for (let i = 0; i < 10; i++) expect((await gw.graphql(read, undefined, { 'x-purpose': VERIFY, 'x-end-user': `can-bo-${i}` })).status).toBe(200)
    const refused = await gw.graphql(read, undefined, { 'x-purpose': VERIFY, 'x-end-user': 'can-bo-x' })
    expect(refused.status).toBe(429)
    expect(refused.body.errors?.[0]?.extensions?.reason).toBe('SUBJECT_DAILY_LIMIT')
  })
})

describe('per officer per hour', () => {
  it('15 units per officer per hour: 5 non-matches over 5 applicants, then 429 until the hour ends; another officer goes on', async () => {
    now = START + 25 * 60_000 // 09:25
    for (const who of others.slice(0, 5)) expect((await verify(who, { match: false })).status).toBe(200)
    const refused = await verify(person)
    expect(refused.status).toBe(429)
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'END_USER_HOURLY_LIMIT' })
    expect(refused.headers.get('retry-after')).toBe(String(35 * 60))
    expect(eventOf(refused)).toMatchObject({ reason: 'END_USER_HOURLY_LIMIT', endUser: 'can-bo.an' })
    expect((await verify(person, { officer: 'can-bo.binh' })).status).toBe(200)
    now = START + HOUR_MS
    expect((await verify(person)).status, 'a new hour').toBe(200)
  })

  it('a request without the officer is refused by the policy (the grant requires it), with its reason', async () => {
    const res = await verify(person, { officer: null })
    expect(res.status).toBe(403)
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'END_USER_REQUIRED' })
    expect(eventOf(res)).toMatchObject({ decision: 'denied', code: 'FORBIDDEN', reason: 'END_USER_REQUIRED' })
    expect(hits()).toBe(0)
  })
})

describe("the agency's rate", () => {
  it('a verification costs 3 units until it matches: a match leaves 1 taken, a non-match 3', async () => {
    const match = await verify(person, { officer: 'can-bo-1' })
    expect(agencyRemaining(match), 'charged 3 before the answer').toBe(17)
    expect(agencyRemaining(await verify(others[0]!, { officer: 'can-bo-2' })), 'the match before was given back 2').toBe(16)
    expect(agencyRemaining(await verify(others[1]!, { match: false, officer: 'can-bo-3' }))).toBe(15)
    expect(agencyRemaining(await verify(others[2]!, { officer: 'can-bo-4' })), 'the non-match kept its 3').toBe(12)
  })

  it('a refused verification (grant limit) keeps only 1 unit of the agency rate', async () => {
    for (let i = 0; i < 3; i++) await verify(person, { match: false, officer: `can-bo-${i}` })
    now += 60_000 // the bucket is full again
    expect((await verify(person, { officer: 'can-bo-x' })).status).toBe(429)
    expect(agencyRemaining(await verify(others[0]!, { officer: 'can-bo-y' }))).toBe(20 - 1 - 3)
  })
})

describe('when the counters cannot be reached', () => {
  it('a limited request is refused (429, retry in 1 s, LIMITS_UNAVAILABLE) before any registry call; an unlimited one is served', async () => {
    storeDown = true
    const res = await verify(person)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'LIMITS_UNAVAILABLE' })
    expect(eventOf(res)).toMatchObject({ code: 'RATE_LIMITED', reason: 'LIMITS_UNAVAILABLE' })
    expect(hits()).toBe(0)
    const unlimited = await gw.graphql('{ administrativeUnit(code: "00097") { code } }')
    expect(unlimited.status).toBe(200)
  })
})

describe('suspected probing', () => {
  it('the second non-match of one subject in a day flags the event (and the refusals after it) and counts the signal; matches do not', async () => {
    const before = await metric('lgsp_audit_signals_total', { agency: 'test-agency', signal: 'VERIFICATION_PROBING' })
    const nonMatches = await metric('lgsp_verifications_total', { agency: 'test-agency', outcome: 'no_match' })
    const match = await verify(person, { officer: 'can-bo-0' })
    const first = await verify(person, { match: false, officer: 'can-bo-1' })
    const second = await verify(person, { match: false, officer: 'can-bo-2' })
    const third = await verify(person, { match: false, officer: 'can-bo-3' })
    const refused = await verify(person, { match: false, officer: 'can-bo-4' })
    expect(refused.status).toBe(429)
    expect([match, first, second, third, refused].map((res) => eventOf(res).signals ?? [])).toEqual([
      [],
      [],
      ['VERIFICATION_PROBING'],
      ['VERIFICATION_PROBING'],
      ['VERIFICATION_PROBING'],
    ])
    expect(eventOf(refused)).toMatchObject({ decision: 'rate_limited', reason: 'SUBJECT_DAILY_LIMIT', signals: ['VERIFICATION_PROBING'] })
    expect(await metric('lgsp_audit_signals_total', { agency: 'test-agency', signal: 'VERIFICATION_PROBING' })).toBe(before + 3)
    expect(await metric('lgsp_verifications_total', { agency: 'test-agency', outcome: 'no_match' })).toBe(nonMatches + 3)
    // No identifier in any label: agency, outcome and signal only.
    const exposition = await metrics.registry.metrics()
    expect(exposition).not.toContain(person.pin)
    expect(exposition).not.toContain(testKeyedHash(person.pin))
    // Another subject's single non-match is not flagged.
    expect(eventOf(await verify(others[0]!, { match: false, officer: 'can-bo-5' })).signals).toBeUndefined()
  })
})

describe('two gateway instances on one Redis', () => {
  let redis: RedisService
  const gateways: TestGateway[] = []
  const stores: Array<ReturnType<typeof createRedisSharedStore>> = []
  beforeAll(async () => {
    redis = await startRedis()
    for (let i = 0; i < 2; i++) {
      const shared = createRedisSharedStore({ url: redis.url, commandTimeoutMs: 1000 })
      stores.push(shared)
      gateways.push(
        await createTestGateway({
          world: { citizens: 50, parcels: 10, enterprises: 10 },
          policies: (identity) => policySet(identity.client),
          counters: shared,
        }),
      )
    }
  }, 60_000)
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()))
    await Promise.all(stores.map((s) => s.close()))
    await redis?.stop()
  })

  it('share the per-subject count (3 wrong guesses in all, whichever instance answers), and no key holds a PIN or an officer id', async () => {
    const who = gateways[0]!.world.people.find((p) => p.birthDate.length === 10 && !p.deceasedOn)!
    const name = [who.family, who.middle, who.given].filter(Boolean).join(' ')
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      const res = await gateways[i % 2]!.graphql(
        QUERY,
        { pin: who.pin, name, birth: wrongDate(who.birthDate) },
        { 'x-purpose': VERIFY, 'x-end-user': `can-bo.${i}` },
      )
      statuses.push(res.status)
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429])
    const { Redis } = await import('ioredis')
    const raw = new Redis(redis.url)
    try {
      const keys = await raw.keys('lgsp:gl:*')
      expect(keys.length).toBeGreaterThan(0)
      expect(keys.join('\n')).not.toContain(who.pin)
      expect(keys.join('\n')).not.toContain('can-bo')
      expect(keys.every((key) => key.startsWith('lgsp:gl:{test-agency}:'))).toBe(true)
    } finally {
      raw.disconnect()
    }
  })
})
