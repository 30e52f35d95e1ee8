/**
 * The audit guarantees with real processes, on one real PostgreSQL:
 * - two gateway instances write concurrently and the trail verifies (`lgsp audit verify`);
 * - crash: under load, `kill -9` a gateway; after restart every request whose client received a
 *   200 with data has its event (matched by request id), and the trail still verifies;
 * - the audit store stopped: data requests get 503 AUDIT_UNAVAILABLE and no data; when it is
 *   back, service resumes without a restart.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot as root, runLgsp, gatewayEnv, startGatewayProcess, type GatewayProcess } from '../gateway-process.js'
import { policiesWithLiftedTaxLimit } from '../policy/lifted-policies.js'
import { startPostgres, type PostgresService } from '../services/postgres.js'
import { recordedRequestIds, verifyTrail } from './trail.js'
import { sleep } from '../waiting.js'

const work = mkdtempSync(join(tmpdir(), 'lgsp-audit-'))
// The shipped policies, with the tax office's rate limit lifted: these tests load the gateway far
// past it, and a 429 would not be "a 200 with data" (rate limits have their own tests).
const policiesDir = policiesWithLiftedTaxLimit(work)
let server: PostgresService
let env: Record<string, string>
let dbUrl = ''
let token = ''
const running = new Set<GatewayProcess>()

const lgsp = (...args: string[]) => runLgsp(env, ...args)
const eventsFor = (requestIds: string[]) => recordedRequestIds(dbUrl, requestIds)
const verify = () => verifyTrail(env)
const QUERY = JSON.stringify({ query: '{ administrativeUnit(code: "01") { code name } }' })

async function start(): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess(env, { timeoutMs: 90_000 })
  running.add(gateway)
  return gateway
}

async function call(url: string, requestId: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'KIEM_TRA_KET_NOI', 'x-request-id': requestId },
    body: QUERY,
  })
  return { status: res.status, body: await res.json() }
}

/**
 * `workers` loops per URL, each sending requests until `stopAt` or until its gateway goes away.
 * Returns the request ids whose response was a 200 with data, and every status seen.
 */
async function drive(urls: string[], options: { workers: number; durationMs: number; prefix: string }) {
  const delivered: string[] = []
  const statuses = new Map<number, number>()
  const stopAt = Date.now() + options.durationMs
  let n = 0
  await Promise.all(
    urls.flatMap((url) =>
      Array.from({ length: options.workers }, async () => {
        while (Date.now() < stopAt) {
          const requestId = `${options.prefix}-${++n}`
          let result
          try {
            result = await call(url, requestId)
          } catch {
            return // the gateway went away (killed): this loop is done
          }
          statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1)
          if (result.status === 200 && result.body.data?.administrativeUnit) delivered.push(requestId)
        }
      }),
    ),
  )
  return { delivered, statuses }
}

beforeAll(async () => {
  server = await startPostgres()
  const database = await server.createDatabase('audit_process')
  dbUrl = database.url
  env = gatewayEnv({
    LOG_LEVEL: 'fatal',
    DATA_DIR: join(work, 'data'),
    POLICIES_DIR: policiesDir,
    GATEWAY_ISSUER: 'http://lgsp.audit.test',
    DATABASE_URL: database.configUrl,
    PGUSER: 'postgres',
    AUDIT_COMMIT_TIMEOUT_MS: '1000',
  })
  // The first start generates the development keys in DATA_DIR that the CLI signs tokens with.
  const first = await start()
  token = (await lgsp('token', '--agency', 'thue-ha-noi')).stdout.trim()
  await first.stop()
  running.delete(first)
}, 200_000)

afterAll(async () => {
  await Promise.all([...running].map((gateway) => gateway.stop()))
  await server?.stop()
  rmSync(work, { recursive: true, force: true })
})

describe('audit trail on the embedded PGlite (the default)', () => {
  it('kill -9 under load: every request answered 200 with data has its event after restart, and the trail verifies', async () => {
    const pgliteEnv = { ...env, DATA_DIR: join(work, 'pglite-data') }
    delete (pgliteEnv as Record<string, string | undefined>).DATABASE_URL
    const gateway = await startGatewayProcess(pgliteEnv, { timeoutMs: 90_000 })
    running.add(gateway)
    const pgliteToken = (
      await promisify(execFile)(process.execPath, ['bin/lgsp.js', 'token', '--agency', 'thue-ha-noi'], { cwd: root, env: pgliteEnv })
    ).stdout.trim()
    const saved = token
    token = pgliteToken
    try {
      const load = drive([gateway.url], { workers: 8, durationMs: 10_000, prefix: 'pglite-crash' })
      await sleep(2000)
      gateway.child.kill('SIGKILL')
      const { delivered } = await load
      running.delete(gateway)
      process.stdout.write(`pglite crash: ${delivered.length} requests delivered before kill -9\n`)
      expect(delivered.length).toBeGreaterThan(20)
      // Restart (takes over the dead process's lock), serve, stop: then the CLI may open the store.
      const again = await startGatewayProcess(pgliteEnv, { timeoutMs: 90_000 })
      expect((await call(again.url, 'pglite-after-restart')).status).toBe(200)
      await again.stop()
      const run = (...args: string[]) => promisify(execFile)(process.execPath, ['bin/lgsp.js', ...args], { cwd: root, env: pgliteEnv })
      const exported = (await run('audit', 'export', '--kind', 'access.graphql')).stdout
      const recorded = new Set(
        exported
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line).requestId as string),
      )
      expect(
        delivered.filter((id) => !recorded.has(id)),
        'delivered without an event',
      ).toEqual([])
      const verified = await run('audit', 'verify')
      expect(verified.stdout).toMatch(/^OK: /m)
    } finally {
      token = saved
    }
  }, 150_000)
})

describe('audit trail across processes on PostgreSQL', () => {
  it('two instances write concurrently; every delivered request has its event; the trail verifies', async () => {
    const [a, b] = await Promise.all([start(), start()])
    const { delivered, statuses } = await drive([a!.url, b!.url], { workers: 4, durationMs: 3000, prefix: 'two' })
    await Promise.all([a!.stop(), b!.stop()])
    running.delete(a!)
    running.delete(b!)
    process.stdout.write(`two instances: ${delivered.length} requests delivered, statuses ${JSON.stringify([...statuses])}\n`)
    expect(delivered.length).toBeGreaterThan(50)
    expect([...statuses.keys()]).toEqual([200])
    const recorded = await eventsFor(delivered)
    expect(delivered.filter((id) => !recorded.has(id))).toEqual([])
    const { ok, report } = await verify()
    expect(report.problems, JSON.stringify(report, null, 2)).toEqual([])
    expect(ok).toBe(true)
    // Graceful stops sign a final checkpoint: nothing is left unsigned.
    expect(report.warnings).toEqual([])
    expect(report.chains).toBeGreaterThanOrEqual(3) // the first start's chain and one per instance
  }, 120_000)

  it('kill -9 under load: after restart every request answered 200 with data has its event, and the trail verifies', async () => {
    const gateway = await start()
    const load = drive([gateway.url], { workers: 8, durationMs: 10_000, prefix: 'crash' })
    await sleep(2000)
    gateway.child.kill('SIGKILL')
    const { delivered } = await load
    running.delete(gateway)
    process.stdout.write(`crash: ${delivered.length} requests delivered before kill -9\n`)
    expect(delivered.length).toBeGreaterThan(20)
    const again = await start()
    expect((await call(again.url, 'after-restart')).status).toBe(200)
    const recorded = await eventsFor(delivered)
    expect(
      delivered.filter((id) => !recorded.has(id)),
      'delivered without an event',
    ).toEqual([])
    const { ok, report } = await verify()
    expect(report.problems, JSON.stringify(report, null, 2)).toEqual([])
    expect(ok).toBe(true)
    await again.stop()
    running.delete(again)
  }, 120_000)

  it('with PostgreSQL stopped, data requests fail closed with 503 AUDIT_UNAVAILABLE; service resumes without restart', async () => {
    // Its log is read below: at info, the level an operator runs.
    const gateway = await startGatewayProcess({ ...env, LOG_LEVEL: 'info' }, { timeoutMs: 90_000 })
    running.add(gateway)
    expect((await call(gateway.url, 'before-outage')).status).toBe(200)
    await server.kill()
    for (let i = 0; i < 5; i++) {
      const started = Date.now()
      const { status, body } = await call(gateway.url, `outage-${i}`)
      expect(status).toBe(503)
      expect(body.error.code).toBe('AUDIT_UNAVAILABLE')
      expect(body.data).toBeUndefined()
      expect(JSON.stringify(body)).not.toContain('Hà Nội')
      expect(Date.now() - started).toBeLessThan(2500)
    }
    await server.restart()
    let status = 0
    const deadline = Date.now() + 15_000
    while (status !== 200 && Date.now() < deadline) {
      status = (await call(gateway.url, `recovery-${Date.now()}`)).status
      if (status !== 200) await sleep(200)
    }
    expect(status).toBe(200)
    // The log tells the outage once and its end once, not once per refused commit: at most one
    // summary line more, should the outage have lasted 30 s on a slow machine.
    const lines = (pattern: RegExp) =>
      gateway
        .output()
        .split('\n')
        .filter((line) => pattern.test(line)).length
    // The log reaches this process through a pipe: wait for the recovery line to arrive.
    for (let i = 0; i < 50 && lines(/audit store reachable again/) === 0; i++) await sleep(100)
    expect(lines(/audit store unavailable: requests fail closed/)).toBe(1)
    expect(lines(/audit event not recorded/), 'no line per refused request').toBe(0)
    expect(lines(/audit store still unavailable/)).toBeLessThanOrEqual(1)
    expect(lines(/audit store reachable again/)).toBe(1)
    await gateway.stop()
    running.delete(gateway)
    const { ok, report } = await verify()
    expect(report.problems, JSON.stringify(report, null, 2)).toEqual([])
    expect(ok).toBe(true)
  }, 120_000)

  it('lgsp verify: a kept answer, its receipt and the trail check each other, after two key rotations too', async () => {
    const gateway = await start()
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'KIEM_TRA_KET_NOI', prefer: 'receipt' },
      body: QUERY,
    })
    const answer = await res.text()
    expect(res.status).toBe(200)
    const kept = join(work, 'answer.json')
    const altered = join(work, 'answer-altered.json')
    const request = join(work, 'request.json')
    writeFileSync(kept, answer)
    writeFileSync(altered, answer.replace('"01"', '"02"'))
    writeFileSync(request, JSON.stringify({ method: 'POST', target: '/graphql', body: JSON.parse(QUERY), purpose: 'KIEM_TRA_KET_NOI' }))
    const online = await lgsp('verify', '--response', kept, '--request', request, '--keys', `${gateway.url}/.well-known/lgsp-key-history.json`, '--audit')
    expect(online.stdout).toMatch(/^ok {3}signature: signed by the gateway under key /m)
    expect(online.stdout).toMatch(/^ok {3}request: /m)
    expect(online.stdout).toMatch(/^ok {3}audit: audit event [0-9a-f-]{36} records this receipt/m)
    expect(online.stdout).toMatch(/^VERIFIED$/m)
    await gateway.stop()
    running.delete(gateway)
    await lgsp('keys', 'rotate')
    await lgsp('keys', 'rotate')
    // Offline, from the gateway's own key history in DATA_DIR, two rotations later.
    expect((await lgsp('verify', '--response', kept, '--audit')).stdout).toMatch(/^VERIFIED$/m)
    const failed = await lgsp('verify', '--response', altered).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    )
    expect(failed.code).toBe(1)
    expect(failed.stdout).toMatch(/^FAIL response: the response differs from the one the gateway answered/m)
    expect(failed.stdout).toMatch(/^NOT VERIFIED$/m)
  }, 120_000)

  it('lgsp audit verify fails and names the event when one row is altered, and passes again once it is restored', async () => {
    const client = new pg.Client({ connectionString: dbUrl })
    await client.connect()
    try {
      const row = (
        await client.query<{ writer: string; seq: string; id: string; body: string }>(
          "select writer, seq, id, body from audit_events where kind = 'access.graphql' order by at limit 1 offset 5",
        )
      ).rows[0]!
      const edit = async (body: string) => {
        await client.query('begin')
        await client.query('set local session_replication_role = replica')
        await client.query('update audit_events set body = $1 where writer = $2 and seq = $3', [body, row.writer, row.seq])
        await client.query('commit')
      }
      await edit(row.body.replace('"decision":"granted"', '"decision":"denied"'))
      const tampered = await promisify(execFile)(process.execPath, ['bin/lgsp.js', 'audit', 'verify'], { cwd: root, env }).then(
        () => ({ code: 0, stdout: '' }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      )
      expect(tampered.code).toBe(1)
      expect(tampered.stdout).toContain(`FAIL ${row.writer} seq ${row.seq} (event ${row.id}): altered`)
      expect(tampered.stdout).toMatch(/^FAILED: /m)
      await edit(row.body)
      expect((await verify()).ok).toBe(true)
    } finally {
      await client.end()
    }
  }, 60_000)
})
