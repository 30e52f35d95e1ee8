/**
 * Chaos, all at once: one gateway process (`npm start`'s entry) on a real
 * redis-server and a real PostgreSQL, both on 127.0.0.1, its built-in sandbox registries faulted
 * through their control routes (`PUT /__sandbox/faults`), and a steady load of four client loops
 * throughout, as the tax office: one query reads the business registry alone, the other reads
 * all three registries side by side. Five phases:
 * 1. baseline: every request 200 with all its data; /readyz ok;
 * 2. land hangs, population answers 503 or garbage: business-only queries keep their data; the
 *    other gets its enterprise and null citizen and parcel, each with an UPSTREAM_* error naming
 *    its registry; /readyz degraded naming both registries; no 5xx;
 * 3. Redis killed (SIGKILL) too: still no 5xx and no request past the latency bound; limits per
 *    instance (RateLimit-Policy shows the share); /readyz degraded naming the shared store;
 * 4. PostgreSQL killed too: data requests fail closed (503 AUDIT_UNAVAILABLE, no `data`) within
 *    the bound; /healthz 200; /readyz 503 naming the database;
 * 5. both restarted on their ports and data, faults cleared: /readyz ok again within 15 s, full
 *    data and shared limits again, the same gateway process throughout.
 * Then the gateway stops, `lgsp audit verify` passes, and every request answered 200 with data
 * has its audit event.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorld } from '../connectors/sandboxes.js'
import { divideLimit } from '../gateway/ratelimit/failover.js'
import { recordedRequestIds, verifyTrail } from './audit/trail.js'
import { runLgsp, gatewayEnv, startGatewayProcess, type GatewayProcess } from './gateway-process.js'
import { policiesWithLiftedTaxLimit } from './policy/lifted-policies.js'
import { startPostgres, type PostgresService } from './services/postgres.js'
import { startRedis, type RedisService } from './services/redis.js'
import { sleep } from './waiting.js'

const work = mkdtempSync(join(tmpdir(), 'lgsp-chaos-'))
// The tax office's limit lifted far past this load: a 429 is not what this test looks for, and
// the RateLimit-Policy header still tells shared limits from each instance's share.
const policiesDir = policiesWithLiftedTaxLimit(work)
const WORLD = { citizens: 200, parcels: 60, enterprises: 60 }
const UPSTREAM_TIMEOUT_MS = 1000
const AUDIT_COMMIT_TIMEOUT_MS = 1000
const INSTANCES = 2
/**
 * What a request may take beyond the deadlines it can meet: the work itself, and a Redis decision
 * (50 ms deadline), on a busy two-core machine running other test files. A query that touches no
 * faulty registry stays within it while Redis is down.
 */
const WORK_BUDGET_MS = 1500
/**
 * The longest any request may take in any phase: one registry deadline (a hanging registry's
 * call, or the circuit's half-open probe) and one audit commit deadline on top of the budget.
 * A gateway that waits on a dead dependency exceeds it.
 */
const LATENCY_BOUND_MS = UPSTREAM_TIMEOUT_MS + AUDIT_COMMIT_TIMEOUT_MS + WORK_BUDGET_MS
/** A request without an answer by then is recorded as hanging (and fails the test). */
const NO_ANSWER_MS = 15_000
const LOOPS = 4
/** How long, and how many answers of each query at least, each phase runs under load. */
const PHASE_MS = 2500
const PHASE_MIN_EACH = 6
const RECOVERY_BOUND_MS = 15_000
const UPSTREAM_CODES = { population: ['UPSTREAM_BAD_RESPONSE', 'UPSTREAM_UNAVAILABLE'], land: ['UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE'] }

type Phase = 'baseline' | 'upstream-faults' | 'redis-down' | 'database-down' | 'recovering' | 'recovered'
type Kind = 'business' | 'mixed'

interface Outcome {
  requestId: string
  kind: Kind
  /** The phase when it was sent, and when its answer had arrived. */
  sent: Phase
  done: Phase
  /** performance.now() when it was sent and when its answer had arrived. */
  sentAt: number
  doneAt: number
  ms: number
  /** 0: no answer (connection failed, or none within NO_ANSWER_MS). */
  status: number
  body: any
  policy: string | null
  remaining: string | null
  retryAfter?: string | null
  failure?: string
}

interface Readiness {
  status: number
  body: { status: string; rateLimiter?: { kind: string; degraded: boolean }; checks: Record<string, { ok: boolean; critical: boolean; detail?: string }> }
}

let redis: RedisService | undefined
let postgres: PostgresService | undefined
let gateway: GatewayProcess | undefined
let env: Record<string, string>
let dbUrl = ''
let token = ''
const registries = new Map<string, string>()
const world = createWorld(WORLD)
const enterpriseCode = world.examples.enterpriseCode
const pin = world.examples.representativePin
// A parcel of the representative in Hà Nội: inside the tax office's land grant.
const parcelKey = world.parcels.find((parcel) => parcel.address.provinceCode === '01' && parcel.holders.some((holder) => holder.id === pin))?.key as string
const QUERIES: Record<Kind, string> = {
  business: JSON.stringify({ query: `{ enterprise(code: "${enterpriseCode}") { code nameVi status { name } } }` }),
  mixed: JSON.stringify({
    query: `{ enterprise(code: "${enterpriseCode}") { code nameVi } citizen(pin: "${pin}") { name { full } } landParcel(key: "${parcelKey}") { parcelKey area } }`,
  }),
}

async function setFaults(registry: string, faults: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${registries.get(registry)}/__sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  })
  if (!res.ok) throw new Error(`${registry} sandbox refused faults: ${res.status}`)
}

async function readyz(): Promise<Readiness> {
  try {
    const res = await fetch(`${gateway!.url}/readyz`, { signal: AbortSignal.timeout(NO_ANSWER_MS) })
    return { status: res.status, body: (await res.json()) as Readiness['body'] }
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause
    throw new Error(
      `/readyz did not answer: ${String(error)} (${String(cause)}); gateway exit ${gateway!.child.exitCode ?? gateway!.child.signalCode}; output:\n${gateway!.output().slice(-3000)}`,
    )
  }
}

/** Probes until `accept` or the deadline; the last answer and how long it took to be accepted (-1: never). */
async function poll<T>(probe: () => Promise<T>, accept: (value: T) => boolean, withinMs: number): Promise<{ value: T; afterMs: number }> {
  const started = performance.now()
  for (;;) {
    const value = await probe()
    if (accept(value)) return { value, afterMs: performance.now() - started }
    if (performance.now() - started > withinMs) return { value, afterMs: -1 }
    await sleep(200)
  }
}

beforeAll(async () => {
  ;[redis, postgres] = await Promise.all([startRedis(), startPostgres()])
  const database = await postgres.createDatabase('chaos')
  dbUrl = database.url
  env = gatewayEnv({
    LOG_LEVEL: 'error',
    DATA_DIR: join(work, 'data'),
    POLICIES_DIR: policiesDir,
    GATEWAY_ISSUER: 'http://lgsp.chaos.test',
    REDIS_URL: redis.url,
    RATE_LIMIT_INSTANCES: String(INSTANCES),
    DATABASE_URL: database.configUrl,
    PGUSER: 'postgres',
    UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
    AUDIT_COMMIT_TIMEOUT_MS: String(AUDIT_COMMIT_TIMEOUT_MS),
    SANDBOX_CITIZENS: String(WORLD.citizens),
    SANDBOX_PARCELS: String(WORLD.parcels),
    SANDBOX_ENTERPRISES: String(WORLD.enterprises),
  })
  gateway = await startGatewayProcess(env, { timeoutMs: 90_000 })
  const banner = gateway.output()
  for (const match of banner.matchAll(/^ {4}(population|land|business)\s+(http:\/\/127\.0\.0\.1:\d+)\s+\(sandbox\)$/gm))
    registries.set(match[1] as string, match[2] as string)
  // The token is signed with the development keys the first start generated in DATA_DIR.
  const { REDIS_URL: _redis, ...tokenEnv } = env
  token = (await runLgsp(tokenEnv, 'token', '--agency', 'thue-ha-noi')).stdout.trim()
}, 120_000)

afterAll(async () => {
  await gateway?.stop()
  await Promise.all([redis?.stop(), postgres?.stop()])
  rmSync(work, { recursive: true, force: true })
})

describe('chaos: faulty registries, Redis and PostgreSQL killed and restarted under load', () => {
  it('serves what it safely can, reports it in /readyz, fails closed without the audit store, and recovers by itself', async () => {
    const testStarted = performance.now()
    // The sandboxes inside the gateway are the world this test built: the banner's example agrees.
    expect(registries.size, gateway!.output()).toBe(3)
    expect(gateway!.output()).toContain(`enterprise(code: \\"${enterpriseCode}\\")`)
    expect(parcelKey).toEqual(expect.any(String))
    const rate = (parse(readFileSync(join(policiesDir, 'agencies', 'thue-ha-noi.yaml'), 'utf8')) as { limits: { rate: { perMinute: number; burst: number } } })
      .limits.rate
    const share = divideLimit({ kind: 'rate', name: 'agency', ...rate }, INSTANCES) as { perMinute: number; burst: number }
    const sharedPolicy = `"agency";q=${rate.perMinute + rate.burst};w=60`
    const localPolicy = `"agency";q=${share.perMinute + share.burst};w=60`

    let phase: Phase = 'baseline'
    const phaseStarted = new Map<Phase, number>()
    const enter = (next: Phase) => {
      phase = next
      phaseStarted.set(next, performance.now())
    }
    const outcomes: Outcome[] = []
    let running = true
    const call = async (kind: Kind, requestId: string): Promise<Outcome> => {
      const sent = phase
      const started = performance.now()
      const outcome: Omit<Outcome, 'done' | 'doneAt' | 'ms'> = { requestId, kind, sent, sentAt: started, status: 0, body: null, policy: null, remaining: null }
      try {
        const res = await fetch(`${gateway!.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'QUAN_LY_THUE', 'x-request-id': requestId },
          body: QUERIES[kind],
          signal: AbortSignal.timeout(NO_ANSWER_MS),
        })
        const text = await res.text()
        Object.assign(outcome, {
          status: res.status,
          policy: res.headers.get('ratelimit-policy'),
          remaining: res.headers.get('ratelimit'),
          retryAfter: res.headers.get('retry-after'),
        })
        try {
          outcome.body = JSON.parse(text)
        } catch {
          outcome.failure = `not JSON: ${text.slice(0, 200)}`
        }
      } catch (error) {
        outcome.failure = error instanceof Error ? error.message : String(error)
      }
      const doneAt = performance.now()
      return { ...outcome, done: phase, doneAt, ms: doneAt - started }
    }
    /** Answers sent and received within `p` (requests across a change of phase are only held to what holds in both). */
    // The limit is lifted far past this load, yet a few rate refusals are honest answers here: a
    // decision Redis did not answer within its deadline on a starved machine (LIMITS_UNAVAILABLE,
    // retry in a second), and the first requests after an instance falls back, whose share
    // starts empty so that the shared limit holds (a millisecond at this limit). Not what a
    // phase is judged on; counted, and bounded below.
    const undecided = (o: Outcome) => o.status === 429 && o.body?.errors?.[0]?.extensions?.code === 'RATE_LIMITED' && Number(o.retryAfter ?? 99) <= 1
    const within = (p: Phase, kind?: Kind) => outcomes.filter((o) => o.sent === p && o.done === p && (!kind || o.kind === kind) && !undecided(o))
    /** Lets the load run in this phase for PHASE_MS and until each query has PHASE_MIN_EACH answers (at most 20 s). */
    const underLoad = async (p: Phase) => {
      const deadline = performance.now() + 20_000
      while (
        performance.now() < deadline &&
        (performance.now() - (phaseStarted.get(p) as number) < PHASE_MS ||
          within(p, 'business').length < PHASE_MIN_EACH ||
          within(p, 'mixed').length < PHASE_MIN_EACH)
      ) {
        await sleep(100)
      }
    }
    /** After the answers themselves have been checked (a slow one fails there, saying how slow). */
    const expectEnough = (p: Phase) => {
      expect(within(p, 'business').length, `business answers in ${p}`).toBeGreaterThanOrEqual(PHASE_MIN_EACH)
      expect(within(p, 'mixed').length, `mixed answers in ${p}`).toBeGreaterThanOrEqual(PHASE_MIN_EACH)
    }
    const describeOutcome = (o: Outcome) => JSON.stringify(o)
    const figures: string[] = []

    // Warm-up, not measured: the first requests of a fresh process compile what they run, and
    // on a busy machine may miss a registry deadline. Each query once until it answers whole.
    const ready = await poll(readyz, (r) => r.status === 200 && r.body.status === 'ok', 10_000)
    expect(ready.value.body, 'ready before any fault').toMatchObject({ status: 'ok', rateLimiter: { degraded: false } })
    expect(
      Object.values(ready.value.body.checks).every((check) => check.ok),
      JSON.stringify(ready.value.body),
    ).toBe(true)
    const warmUp: Outcome[] = []
    for (const kind of ['business', 'mixed'] as const) {
      const whole = await poll(
        () =>
          call(kind, `chaos-warm-up-${warmUp.length}`).then((o) => {
            warmUp.push(o)
            return o
          }),
        (o) => o.status === 200 && !o.body?.errors,
        20_000,
      )
      expect(whole.afterMs, `warm-up: ${describeOutcome(whole.value)}`).toBeGreaterThanOrEqual(0)
    }

    enter('baseline')
    const load = Promise.all(
      Array.from({ length: LOOPS }, async (_, loop) => {
        for (let n = 0; running; n++) {
          outcomes.push(await call((loop + n) % 2 === 0 ? 'business' : 'mixed', `chaos-${loop}-${n}`))
          await sleep(20)
        }
      }),
    )
    try {
      // Phase 1: baseline.
      await underLoad('baseline')
      const baselineEnterprise = within('baseline', 'business')[0]?.body?.data?.enterprise
      for (const o of within('baseline')) {
        expect(o.status, describeOutcome(o)).toBe(200)
        expect(o.body.errors, describeOutcome(o)).toBeUndefined()
        expect(o.body.data.enterprise).toMatchObject({ code: enterpriseCode, nameVi: baselineEnterprise.nameVi })
        if (o.kind === 'mixed') {
          expect(o.body.data.citizen.name.full, describeOutcome(o)).toEqual(expect.any(String))
          expect(o.body.data.landParcel.parcelKey, describeOutcome(o)).toBe(parcelKey)
        }
        expect([sharedPolicy, localPolicy], describeOutcome(o)).toContain(o.policy)
        expect(o.remaining, describeOutcome(o)).toMatch(/^"agency";r=\d+;t=\d+$/)
      }
      expectEnough('baseline')
      // A lone Redis answer past its 50 ms deadline is decided locally; shared decisions prevail.
      const sharedShare = (p: Phase) => within(p).filter((o) => o.policy === sharedPolicy).length / within(p).length
      expect(sharedShare('baseline'), 'decided on the shared limits').toBeGreaterThan(0.5)

      // Phase 2: land hangs; population answers 503 or a truncated body, never a good one.
      await Promise.all([setFaults('land', { hang: true }), setFaults('population', { errorRate: 0.5, malformedRate: 1 })])
      enter('upstream-faults')
      const degraded = await poll(
        readyz,
        (r) =>
          r.status === 200 &&
          r.body.status === 'degraded' &&
          r.body.checks['registry:land']?.ok === false &&
          r.body.checks['registry:population']?.ok === false,
        10_000,
      )
      expect(degraded.afterMs, `/readyz names the failing registries: ${JSON.stringify(degraded.value.body)}`).toBeGreaterThanOrEqual(0)
      expect(degraded.value.body.checks['registry:business']?.ok).toBe(true)
      expect(degraded.value.body.checks.database?.ok).toBe(true)
      expect(degraded.value.body.checks['shared-store:redis']?.ok).toBe(true)
      await underLoad('upstream-faults')
      /** Business data whole; the fields of the failing registries null, each with its own error. */
      const expectPartial = (o: Outcome) => {
        expect(o.status, describeOutcome(o)).toBe(200)
        expect(o.body.data.enterprise, describeOutcome(o)).toEqual(
          o.kind === 'business' ? { ...baselineEnterprise } : { code: enterpriseCode, nameVi: baselineEnterprise.nameVi },
        )
        if (o.kind === 'business') {
          expect(o.body.errors, describeOutcome(o)).toBeUndefined()
          return
        }
        expect(o.body.data.citizen, describeOutcome(o)).toBeNull()
        expect(o.body.data.landParcel, describeOutcome(o)).toBeNull()
        const errors = (o.body.errors as Array<{ path: string[]; extensions: { code: string; connector: string } }>).map((e) => ({
          path: e.path.join('.'),
          connector: e.extensions.connector,
          code: e.extensions.code,
        }))
        expect(errors.map((e) => [e.path, e.connector]).sort(), describeOutcome(o)).toEqual([
          ['citizen', 'population'],
          ['landParcel', 'land'],
        ])
        for (const error of errors) expect(UPSTREAM_CODES[error.connector as keyof typeof UPSTREAM_CODES], describeOutcome(o)).toContain(error.code)
      }
      for (const o of within('upstream-faults')) {
        expectPartial(o)
        expect(o.ms, describeOutcome(o)).toBeLessThan(o.kind === 'business' ? WORK_BUDGET_MS : LATENCY_BOUND_MS)
      }
      expectEnough('upstream-faults')

      // Phase 3: Redis killed as well.
      const redisKilledAt = performance.now()
      await redis!.kill()
      enter('redis-down')
      const storeDown = await poll(
        readyz,
        (r) =>
          r.status === 200 &&
          r.body.status === 'degraded' &&
          r.body.rateLimiter?.degraded === true &&
          r.body.checks['shared-store:redis']?.ok === false &&
          r.body.checks['rate-limiter:failover']?.ok === false,
        10_000,
      )
      expect(storeDown.afterMs, `/readyz names the shared store: ${JSON.stringify(storeDown.value.body)}`).toBeGreaterThanOrEqual(0)
      expect(storeDown.value.body.checks.database?.ok).toBe(true)
      await underLoad('redis-down')
      for (const o of within('redis-down')) {
        expectPartial(o)
        expect(o.ms, describeOutcome(o)).toBeLessThan(o.kind === 'business' ? WORK_BUDGET_MS : LATENCY_BOUND_MS)
        expect(o.policy, `per-instance limits while Redis is down: ${describeOutcome(o)}`).toBe(localPolicy)
      }
      expectEnough('redis-down')

      // Phase 4: PostgreSQL killed as well. Data requests sent once /readyz has seen it down must fail closed.
      const databaseKilledAt = performance.now()
      await postgres!.kill()
      const databaseDown = await poll(readyz, (r) => r.status === 503, 10_000)
      expect(databaseDown.afterMs, `/readyz 503 once the database is down: ${JSON.stringify(databaseDown.value.body)}`).toBeGreaterThanOrEqual(0)
      enter('database-down')
      expect(databaseDown.value.body.status).toBe('unavailable')
      expect(databaseDown.value.body.checks.database).toMatchObject({ ok: false, critical: true })
      expect(databaseDown.value.body.rateLimiter?.degraded).toBe(true)
      const healthz = await fetch(`${gateway!.url}/healthz`, { signal: AbortSignal.timeout(NO_ANSWER_MS) })
      expect([healthz.status, await healthz.json()]).toEqual([200, { status: 'ok' }])
      await underLoad('database-down')
      for (const o of within('database-down')) {
        expect(o.status, describeOutcome(o)).toBe(503)
        expect(o.body.error.code, describeOutcome(o)).toBe('AUDIT_UNAVAILABLE')
        expect('data' in o.body, describeOutcome(o)).toBe(false)
        expect(JSON.stringify(o.body), 'no registry data in a refusal').not.toContain(baselineEnterprise.nameVi)
        expect(o.ms, describeOutcome(o)).toBeLessThan(LATENCY_BOUND_MS)
      }
      expectEnough('database-down')
      const firstRefusal = outcomes.filter((o) => o.status === 503).sort((a, b) => a.doneAt - b.doneAt)[0]

      // Phase 5: both back on their ports and data, faults cleared; the gateway is not restarted.
      enter('recovering')
      const restartStarted = performance.now()
      await Promise.all([
        postgres!.restart(),
        redis!.restart(),
        ...['population', 'land', 'business'].map((name) => setFaults(name, { latencyMs: 0, errorRate: 0, malformedRate: 0, hang: false })),
      ])
      const servicesBack = performance.now()
      const recovered = await poll(readyz, (r) => r.status === 200 && r.body.status === 'ok', RECOVERY_BOUND_MS)
      expect(recovered.afterMs, `/readyz ok again within ${RECOVERY_BOUND_MS} ms: ${JSON.stringify(recovered.value.body)}`).toBeGreaterThanOrEqual(0)
      enter('recovered')
      expect(recovered.value.body.rateLimiter?.degraded).toBe(false)
      expect(
        Object.values(recovered.value.body.checks).every((check) => check.ok),
        JSON.stringify(recovered.value.body),
      ).toBe(true)
      await underLoad('recovered')
      for (const o of within('recovered')) {
        expect(o.status, describeOutcome(o)).toBe(200)
        expect(o.body.errors, describeOutcome(o)).toBeUndefined()
        expect(o.body.data.enterprise.code).toBe(enterpriseCode)
        if (o.kind === 'mixed') {
          expect(o.body.data.citizen.name.full, describeOutcome(o)).toEqual(expect.any(String))
          expect(o.body.data.landParcel.parcelKey, describeOutcome(o)).toBe(parcelKey)
        }
        expect([sharedPolicy, localPolicy], describeOutcome(o)).toContain(o.policy)
        expect(o.remaining, describeOutcome(o)).toMatch(/^"agency";r=\d+;t=\d+$/)
        expect(o.ms, describeOutcome(o)).toBeLessThan(LATENCY_BOUND_MS)
      }
      expectEnough('recovered')
      expect(sharedShare('recovered'), 'shared limits again').toBeGreaterThan(0.5)
      const firstAnswer = (kind: Kind) =>
        outcomes.filter((o) => o.kind === kind && o.sentAt >= servicesBack && o.status === 200 && !o.body.errors).sort((a, b) => a.doneAt - b.doneAt)[0]
      const afterBack = (o: Outcome | undefined) => (o ? `${(o.doneAt - servicesBack).toFixed(0)} ms` : 'never')

      running = false
      await load

      // Across every phase and change of phase: an answer, in time; 200 with data, 503
      // AUDIT_UNAVAILABLE without, or one of the few rate refusals counted below.
      for (const o of outcomes) {
        expect(o.failure, describeOutcome(o)).toBeUndefined()
        expect(o.ms, describeOutcome(o)).toBeLessThan(LATENCY_BOUND_MS)
        if (undecided(o)) {
          expect('data' in o.body && o.body.data !== null, describeOutcome(o)).toBe(false)
        } else if (o.status === 503) {
          expect(o.body.error.code, describeOutcome(o)).toBe('AUDIT_UNAVAILABLE')
          expect('data' in o.body, describeOutcome(o)).toBe(false)
        } else {
          expect(o.status, describeOutcome(o)).toBe(200)
          expect(o.body.data.enterprise.code, describeOutcome(o)).toBe(enterpriseCode)
          for (const error of o.body.errors ?? []) expect(['population', 'land'], describeOutcome(o)).toContain(error.extensions.connector)
        }
      }
      const refusedOutside = outcomes.filter((o) => o.status === 503 && !['redis-down', 'database-down', 'recovering'].includes(o.sent))
      expect(refusedOutside.map(describeOutcome), 'refusals only while the database was down or coming back').toEqual([])
      // Rare, or the decision deadline is too short for the machine: at most 2 % of all answers.
      const unchecked = outcomes.filter(undecided)
      expect(
        unchecked.length,
        `${unchecked.length} of ${outcomes.length} refused by the rate limiter: ${unchecked.slice(0, 3).map(describeOutcome).join('\n')}`,
      ).toBeLessThanOrEqual(Math.ceil(outcomes.length * 0.02))

      const tally = (values: string[]) =>
        [...new Set(values)]
          .sort()
          .map((value) => `${value}×${values.filter((v) => v === value).length}`)
          .join(' ')
      const phases: Phase[] = ['baseline', 'upstream-faults', 'redis-down', 'database-down', 'recovering', 'recovered']
      for (const p of phases) {
        const list = outcomes.filter((o) => o.sent === p)
        const statuses = tally(list.map((o) => String(o.status)))
        const codes = tally(list.flatMap((o) => (o.body?.errors ?? []).map((e: any) => `${e.extensions.connector}:${e.extensions.code}`)))
        const max = (kind: Kind) => Math.max(0, ...list.filter((o) => o.kind === kind).map((o) => o.ms)).toFixed(0)
        figures.push(
          `  ${p.padEnd(16)} ${String(list.length).padStart(4)} requests (${statuses}); max latency business ${max('business')} ms, mixed ${max('mixed')} ms${codes ? `; errors ${codes}` : ''}`,
        )
      }
      figures.push(
        `  /readyz: registries degraded after ${degraded.afterMs.toFixed(0)} ms; shared store degraded ${(storeDown.afterMs + phaseStarted.get('redis-down')! - redisKilledAt).toFixed(0)} ms after the Redis kill; ` +
          `503 ${(phaseStarted.get('database-down')! - databaseKilledAt).toFixed(0)} ms after the PostgreSQL kill; first 503 AUDIT_UNAVAILABLE ${firstRefusal ? `${(firstRefusal.doneAt - databaseKilledAt).toFixed(0)} ms after it` : 'never'}`,
        `  recovery: restarts and fault reset took ${(servicesBack - restartStarted).toFixed(0)} ms; then /readyz ok after ${recovered.afterMs.toFixed(0)} ms, ` +
          `first whole answer: business-only after ${afterBack(firstAnswer('business'))}, all three registries after ${afterBack(firstAnswer('mixed'))}`,
      )
    } finally {
      running = false
      await load
    }

    // The trail after all that: verifies, and holds every request answered with data.
    expect(gateway!.child.exitCode, 'the same gateway process served every phase').toBeNull()
    await gateway!.stop()
    expect(gateway!.child.exitCode, `the gateway stopped cleanly after the chaos: ${gateway!.output().slice(-2000)}`).toBe(0)
    const delivered = [...warmUp, ...outcomes].filter((o) => o.status === 200 && o.body?.data).map((o) => o.requestId)
    const recorded = await recordedRequestIds(dbUrl, delivered)
    expect(
      delivered.filter((id) => !recorded.has(id)),
      'answered with data but not in the audit trail',
    ).toEqual([])
    const { ok, report } = await verifyTrail(env)
    expect(report.problems, JSON.stringify(report, null, 2)).toEqual([])
    expect(ok).toBe(true)
    // Chains the writer left after failed commits were sealed once the store was back; the last one at the stop.
    expect(report.warnings, JSON.stringify(report.warnings)).toEqual([])
    figures.push(
      `  audit: ${delivered.length} requests answered with data, all recorded; lgsp audit verify: OK, ${report.chains} chains, ${report.events} events`,
    )
    process.stdout.write(
      `chaos (1 gateway, Redis + PostgreSQL, ${LOOPS} client loops, ${((performance.now() - testStarted) / 1000).toFixed(1)} s):\n${figures.join('\n')}\n`,
    )
  }, 120_000)
})
