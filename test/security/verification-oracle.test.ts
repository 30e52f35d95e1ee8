/**
 * `verifyCitizen` as a birth-date oracle, replayed against the one-stop desk's shipped policy.
 *
 * The attacker holds a citizen's PIN and name. The PIN gives the birth year (the
 * century/sex digit and the last two digits of the year), so the birth date is one of at most 366
 * days, and each verification answers yes or no. The recorded attack put 20 aliases in a request
 * and waited out every 429: 17 requests, 61 s. Here the attacker adapts (one verification per
 * request once batches are refused), rotates officer names and case ids, waits out every
 * `Retry-After` on an injected clock, tries the likeliest date first, and starts ten minutes
 * before midnight in Vietnam so that one run of 24 hours spans two of the limits' days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryRateLimiter, DAY_MS, DAY_OFFSET_MS } from '../../gateway/ratelimit/index.js'
import { createMemorySharedStore } from '../../gateway/shared-store/index.js'
import type { PolicySet } from '../../policies/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { loadSandboxPolicies, sandboxAgencies, tokenFor, type SandboxAgencies } from '../policy/sandbox-agencies.js'

const DESK = 'mot-cua-phuong-hong-ha'
const PURPOSE = 'XAC_MINH_NHAN_THAN'
/** Most aliases graphql-armor lets through (use-query-limits.ts). */
const MAX_BATCH = 20
const HOUR_MS = 3_600_000

/** 2026-06-01 23:50 in Vietnam (UTC+7). */
const START = Date.UTC(2026, 5, 1, 0, 0) - DAY_OFFSET_MS + DAY_MS - 10 * 60_000

/** The attacker's order: 1 January first (the usual placeholder for an unknown day), then the calendar. */
function bestOrder(year: number): string[] {
  const dates: string[] = []
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += DAY_MS) dates.push(new Date(t).toISOString().slice(0, 10))
  return dates
}

interface Outcome {
  found: string | null
  /** Dates the gateway answered (match or not). */
  answered: number
  requests: number
  /** Refusals by `extensions.code` and reason. */
  refusals: Map<string, number>
  elapsedMs: number
  requestIds: string[]
}

interface Harness {
  gw: TestGateway
  token: string
  clock: { now: number }
}

async function startDesk(policies: (set: SandboxAgencies) => PolicySet): Promise<Harness & { agencies: SandboxAgencies }> {
  const clock = { now: START }
  const agencies = await sandboxAgencies(await loadSandboxPolicies())
  const gw = await createTestGateway({
    world: { citizens: 400, parcels: 50, enterprises: 20 },
    policies: () => policies(agencies),
    rateLimiter: createMemoryRateLimiter({ now: () => clock.now }),
    counters: createMemorySharedStore({ now: () => clock.now }),
  })
  return { gw, agencies, clock, token: await tokenFor(gw.identity, agencies, DESK) }
}

/**
 * Searches the birth date of `target` for up to 24 hours of the injected clock. Each request takes
 * 100 ms; a 429 is waited out for its `Retry-After`; a refused batch makes it send one at a time.
 */
async function attack(h: Harness, target: { pin: string; name: string; year: number }): Promise<Outcome> {
  const candidates = bestOrder(target.year)
  const started = h.clock.now
  const outcome: Outcome = { found: null, answered: 0, requests: 0, refusals: new Map(), elapsedMs: 0, requestIds: [] }
  let batch = MAX_BATCH
  let officer = 0
  while (candidates.length > 0 && h.clock.now - started < DAY_MS && outcome.requests < 5000) {
    const tries = candidates.slice(0, batch)
    const query = `query Xac($pin: PIN!, $name: String!) { ${tries.map((date, i) => `a${i}: verifyCitizen(pin: $pin, name: $name, birthDate: "${date}") { match }`).join(' ')} }`
    officer += 1
    const res = await h.gw.graphql(
      query,
      { pin: target.pin, name: target.name },
      {
        authorization: `Bearer ${h.token}`,
        'x-purpose': PURPOSE,
        'x-case-id': `HS-${String(officer).padStart(6, '0')}.2026`,
        'x-end-user': `can-bo-${officer}`,
      },
    )
    outcome.requests += 1
    outcome.requestIds.push(res.headers.get('x-request-id') ?? '')
    h.clock.now += 100
    const error = res.body.errors?.[0]
    if (error) {
      const key = `${res.status} ${error.extensions?.code} ${error.extensions?.reason ?? ''}`.trim()
      outcome.refusals.set(key, (outcome.refusals.get(key) ?? 0) + 1)
    }
    if (res.status === 429) {
      h.clock.now += 1000 * Math.max(1, Number(res.headers.get('retry-after') ?? '1'))
      continue
    }
    if (error && batch > 1 && (error.extensions?.code === 'BAD_USER_INPUT' || error.extensions?.code === 'QUERY_TOO_COMPLEX')) {
      batch = 1 // batches refused: one date per request
      continue
    }
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    for (const [i, date] of tries.entries()) {
      const answer = res.body.data?.[`a${i}`] as { match: boolean } | null | undefined
      if (!answer) continue
      outcome.answered += 1
      candidates.splice(candidates.indexOf(date), 1)
      if (answer.match) {
        outcome.found = date
        break
      }
    }
    if (outcome.found) break
  }
  outcome.elapsedMs = h.clock.now - started
  return outcome
}

const describeOutcome = (o: Outcome) =>
  `found ${o.found ?? 'nothing'} after ${o.requests} requests, ${o.answered} dates answered, ${(o.elapsedMs / 1000).toFixed(0)} s of clock; refusals ${JSON.stringify([...o.refusals])}`

describe('verifyCitizen is not a birth-date oracle (one-stop desk, shipped policy)', () => {
  let h: Harness & { agencies: SandboxAgencies }
  let target: { pin: string; name: string; year: number; birthDate: string }

  beforeAll(async () => {
    h = await startDesk((agencies) => agencies.set)
    // An adult with a full birth date well after the attacker's first guesses (not in January).
    const person = h.gw.world.people.find((p) => p.birthDate.length === 10 && !p.deceasedOn && Number(p.birthDate.slice(5, 7)) >= 3)!
    target = {
      pin: person.pin,
      name: [person.family, person.middle, person.given].filter(Boolean).join(' '),
      year: Number(person.birthDate.slice(0, 4)),
      birthDate: person.birthDate,
    }
  }, 60_000)
  afterAll(() => h?.gw.close())

  it('an attacker waiting out every refusal for 24 hours does not find the birth date, and learns at most 2 × 3 answers', async () => {
    const outcome = await attack(h, target)
    console.info(`oracle attack on the shipped policy: ${describeOutcome(outcome)}`)
    expect(outcome.found, describeOutcome(outcome)).toBeNull()
    expect(outcome.elapsedMs, 'the attacker kept going for the whole day').toBeGreaterThanOrEqual(DAY_MS)
    // perSubjectPerDay 10, a non-match costs 3 and is charged before the answer: 3 per Vietnam
    // day, and a run of 24 hours touches two of them.
    expect(outcome.answered, describeOutcome(outcome)).toBeLessThanOrEqual(6)
    expect(outcome.refusals.get('400 BAD_USER_INPUT ONE_VERIFICATION_PER_REQUEST'), 'the 20-alias batch is refused').toBe(1)
    expect(outcome.refusals.get('429 RATE_LIMITED SUBJECT_DAILY_LIMIT'), describeOutcome(outcome)).toBeGreaterThanOrEqual(1)
  })

  it('every refusal of the attack is audited with its code and reason, and the probing is flagged', async () => {
    const events = h.gw.audit.events.filter((e) => e.agency === DESK && e.kind === 'access.graphql')
    const refused = events.filter((e) => e.decision !== 'granted')
    expect(refused.length).toBeGreaterThan(0)
    for (const event of refused) {
      expect(event.code, JSON.stringify(event)).toBeDefined()
      expect(event.reason, JSON.stringify(event)).toMatch(/^[A-Z][A-Z0-9_]+$/)
    }
    expect(new Set(refused.map((e) => `${e.code} ${e.reason}`))).toEqual(
      new Set(['BAD_USER_INPUT ONE_VERIFICATION_PER_REQUEST', 'RATE_LIMITED SUBJECT_DAILY_LIMIT']),
    )
    expect(events.filter((e) => e.signals?.includes('VERIFICATION_PROBING')).length, 'repeated non-matches are flagged').toBeGreaterThan(0)
    // The subject is a keyed hash there, never the PIN.
    expect(JSON.stringify(events)).not.toContain(target.pin)
  })
})

describe('control: the same attacker against the desk without its verification limits', () => {
  let h: Harness & { agencies: SandboxAgencies }
  beforeAll(async () => {
    h = await startDesk((agencies) => ({
      ...agencies.set,
      agencies: agencies.set.agencies.map((agency) =>
        agency.agency !== DESK ? agency : { ...agency, grants: agency.grants.map(({ limits: _limits, ...grant }) => grant) },
      ),
    }))
  }, 60_000)
  afterAll(() => h?.gw.close())

  it('finds the birth date well within the day: the attacker is competent, the limits are what stop it', async () => {
    const person = h.gw.world.people.find((p) => p.birthDate.length === 10 && !p.deceasedOn && Number(p.birthDate.slice(5, 7)) >= 3)!
    const outcome = await attack(h, {
      pin: person.pin,
      name: [person.family, person.middle, person.given].filter(Boolean).join(' '),
      year: Number(person.birthDate.slice(0, 4)),
    })
    console.info(`oracle attack without grant limits: ${describeOutcome(outcome)}`)
    expect(outcome.found, describeOutcome(outcome)).toBe(person.birthDate)
    expect(outcome.elapsedMs).toBeLessThan(HOUR_MS)
  })
})
