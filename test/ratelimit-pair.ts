/**
 * Two gateway processes on one real redis-server (127.0.0.1), each with its own data directory
 * and embedded database, the same policy directory, in which some agencies get test limits. For
 * the rate-limit process tests; each file starts its own pair, so the files run side by side.
 */
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { repoRoot as root, gatewayEnv, startGatewayProcess, type GatewayProcess } from './gateway-process.js'
import { startRedis, type RedisService } from './services/redis.js'

export interface Outcome {
  gateway: number
  status: number
  sentAt: number
  doneAt: number
  headers: Headers
  body: string
}

export interface RateLimitedPair {
  redis: RedisService
  gateways: GatewayProcess[]
  /** A token of `agency` for gateway `i` (each gateway signs with the keys in its own DATA_DIR). */
  token(i: number, agency: string): Promise<string>
  /** One administrative unit: 1 record × 0 registries = 1 unit. */
  call(i: number, bearer: string): Promise<Outcome>
  readyz(i: number): Promise<{ status: number; body: { status: string; rateLimiter?: { kind: string; degraded: boolean } } }>
  stop(): Promise<void>
}

/** @param limits agency → its `limits:` line, replacing the shipped one. */
export async function startRateLimitedPair(limits: Record<string, string>): Promise<RateLimitedPair> {
  const work = mkdtempSync(join(tmpdir(), 'lgsp-ratelimit-'))
  const policiesDir = join(work, 'policies')
  cpSync(join(root, 'policies', 'agencies'), join(policiesDir, 'agencies'), { recursive: true })
  cpSync(join(root, 'policies', 'purposes.yaml'), join(policiesDir, 'purposes.yaml'))
  for (const [agency, line] of Object.entries(limits)) {
    const file = join(policiesDir, 'agencies', `${agency}.yaml`)
    const text = readFileSync(file, 'utf8')
    const changed = text.replace(/^limits: .*$/m, line)
    if (changed === text) throw new Error(`no limits line in ${agency}.yaml`)
    writeFileSync(file, changed)
  }
  const redis = await startRedis()
  const envs = [0, 1].map((i) =>
    gatewayEnv({
      DATA_DIR: join(work, `data-${i}`),
      POLICIES_DIR: policiesDir,
      GATEWAY_ISSUER: 'http://lgsp.ratelimit.test',
      REDIS_URL: redis.url,
      RATE_LIMIT_INSTANCES: '2',
    }),
  )
  const gateways: GatewayProcess[] = []
  try {
    gateways.push(...(await Promise.all(envs.map((env) => startGatewayProcess(env, { timeoutMs: 90_000 })))))
  } catch (error) {
    await Promise.all(gateways.map((gateway) => gateway.stop()))
    await redis.stop()
    rmSync(work, { recursive: true, force: true })
    throw error
  }
  return {
    redis,
    gateways,
    async token(i, agency) {
      const env = { ...envs[i] } as Record<string, string>
      delete env.REDIS_URL
      const { stdout } = await promisify(execFile)(process.execPath, ['bin/lgsp.js', 'token', '--agency', agency], { cwd: root, env })
      return stdout.trim()
    },
    async call(i, bearer) {
      const sentAt = performance.now()
      const res = await fetch(`${gateways[i]!.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, 'x-purpose': 'KIEM_TRA_KET_NOI' },
        body: JSON.stringify({ query: '{ administrativeUnit(code: "00097") { fullName } }' }),
      })
      const body = await res.text()
      return { gateway: i, status: res.status, sentAt, doneAt: performance.now(), headers: res.headers, body }
    },
    async readyz(i) {
      const res = await fetch(`${gateways[i]!.url}/readyz`)
      return { status: res.status, body: (await res.json()) as never }
    },
    async stop() {
      await Promise.all(gateways.map((gateway) => gateway.stop()))
      await redis.stop()
      rmSync(work, { recursive: true, force: true })
    },
  }
}

/**
 * The most answers received within any window − L (L: the slowest round trip among them; the
 * window 60 s unless given), and where that window starts. The limiter decides at some moment
 * between sending and receiving, which a test cannot see; two answers received within window − L
 * were decided within one window of each other, so this never counts more than a window of
 * decisions holds: a limiter that over-admits still fails, a slow machine does not.
 */
export function busiestWindow(
  allowed: ReadonlyArray<Pick<Outcome, 'sentAt' | 'doneAt'>>,
  origin: number,
  windowMs = 60_000,
): { most: number; from: number; slowest: number } {
  const times = allowed.map((o) => o.doneAt - origin).sort((x, y) => x - y)
  const slowest = Math.max(...allowed.map((o) => o.doneAt - o.sentAt))
  let most = 0
  let from = 0
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[i]! < times[j]! - (windowMs - slowest)) i++
    if (j - i + 1 > most) {
      most = j - i + 1
      from = times[i]!
    }
  }
  return { most, from, slowest }
}
