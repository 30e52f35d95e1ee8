/**
 * The full gateway as the benchmark runs it (targets b and c): the agencies and grants that ship in
 * policies/ (each with a test client whose key this process holds), the real audit writer (group
 * commit, signed chain) on PGlite in a temp dir or on DATABASE_URL, the rate limiter in memory or
 * on REDIS_URL with per-instance failover, and the prom-client metrics, as gateway/entry/node.ts
 * wires them.
 *
 * Rate limits are raised a thousandfold: the limiter still runs its full check on every request
 * (and the Redis script on target c), but no request of the mix is refused, so the targets answer
 * the same work.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Connectors } from '../../connectors/index.js'
import { createAuditWriter, createCheckpointSigner } from '../../gateway/audit/index.js'
import { nodeSha256 } from '../../gateway/entry/audit.js'
import { createPromMetrics } from '../../gateway/metrics/prom.node.js'
import { createGateway, createPolicyRuntime } from '../../gateway/index.js'
import { nodeSignatureCrypto } from '../../gateway/identity/keys/node-signature-crypto.node.js'
import { createFailoverRateLimiter, createMemoryRateLimiter } from '../../gateway/ratelimit/index.js'
import { createRedisRateLimiter } from '../../gateway/ratelimit/redis.node.js'
import { createRedisSharedStore } from '../../gateway/shared-store/redis.node.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { openPostgres } from '../../gateway/database/postgres.node.js'
import type { PolicySet } from '../../policies/index.js'
import { testKeyedHash } from '../../test/harness.js'
import { createTestIdentity } from '../../test/identity.js'
import { loadSandboxPolicies, sandboxAgencies, tokenFor } from '../../test/policy/sandbox-agencies.js'
import { MIX_AGENCIES } from './scenarios.js'

const RAISE = 1000

function raiseLimits(set: PolicySet): PolicySet {
  const rate = (r: { perMinute: number; burst: number }) => ({ perMinute: r.perMinute * RAISE, burst: r.burst * RAISE })
  return {
    ...set,
    agencies: set.agencies.map((agency) => {
      type GrantLimits = { rate?: { perMinute: number; burst: number }; perSubjectPerDay?: number; perEndUserPerHour?: number }
      const a = agency as typeof agency & {
        limits?: { rate?: { perMinute: number; burst: number }; dailyQuota?: number }
        grants?: Array<{ limits?: GrantLimits }>
      }
      const grantLimits = (l: GrantLimits): GrantLimits => ({
        ...(l.rate ? { rate: rate(l.rate) } : {}),
        // The mix verifies the same applicants over and over: per-subject limits would refuse it.
        ...(l.perSubjectPerDay ? { perSubjectPerDay: l.perSubjectPerDay * RAISE } : {}),
        ...(l.perEndUserPerHour ? { perEndUserPerHour: l.perEndUserPerHour * RAISE } : {}),
      })
      return {
        ...a,
        ...(a.limits
          ? {
              limits: {
                ...a.limits,
                ...(a.limits.rate ? { rate: rate(a.limits.rate) } : {}),
                ...(a.limits.dailyQuota ? { dailyQuota: a.limits.dailyQuota * RAISE } : {}),
              },
            }
          : {}),
        ...(a.grants ? { grants: a.grants.map((g) => (g.limits ? { ...g, limits: grantLimits(g.limits) } : g)) } : {}),
      } as typeof agency
    }),
  }
}

export async function startBenchGateway(connectors: Connectors) {
  const closers: Array<() => Promise<unknown>> = []
  const identity = await createTestIdentity()
  const agencies = await sandboxAgencies(raiseLimits(await loadSandboxPolicies()))
  identity.registry.replace(agencies.set.agencies)
  const policies = createPolicyRuntime(agencies.set)

  let db: Database
  if (process.env.DATABASE_URL) {
    db = openPostgres({ url: process.env.DATABASE_URL })
  } else {
    const dir = mkdtempSync(join(process.env.BENCH_DATA_DIR ?? tmpdir(), 'lgsp-bench-'))
    db = await openPglite({ dataDir: join(dir, 'pglite') })
    closers.push(async () => rmSync(dir, { recursive: true, force: true }))
  }
  closers.unshift(() => db.close())
  await migrate(db)
  const flushDelay = process.env.BENCH_FLUSH_DELAY_MS
  const writer = createAuditWriter({
    db,
    instance: 'bench',
    sign: createCheckpointSigner(() => identity.keys.signingKey()),
    sha256: nodeSha256,
    ...(flushDelay !== undefined ? { flushDelayMs: Number(flushDelay) } : {}),
  })
  closers.unshift(() => writer.close())

  const memory = createMemoryRateLimiter()
  let rateLimiter: Parameters<typeof createGateway>[0]['rateLimiter'] = memory
  if (process.env.REDIS_URL) {
    const store = createRedisSharedStore({ url: process.env.REDIS_URL })
    rateLimiter = createFailoverRateLimiter({ primary: createRedisRateLimiter(store), fallback: memory, instances: 1 })
    closers.unshift(async () => {
      await rateLimiter?.close()
      await store.close()
    })
  }

  const limiter = rateLimiter
  const metrics = createPromMetrics({
    auditStatus: () => writer.status(),
    rateLimiter: () => ({ kind: limiter.kind, degraded: 'degraded' in limiter ? Boolean(limiter.degraded) : false }),
  })
  const app = createGateway({
    connectors,
    mode: 'production',
    identity: identity.deps,
    policies,
    keyedHash: testKeyedHash,
    signatureCrypto: nodeSignatureCrypto,
    audit: { sink: writer, instance: 'bench', hash: testKeyedHash },
    rateLimiter,
    metrics,
    // BENCH_COMPILED=0: the same gateway with graphql-js execution, to measure what compiling saves.
    compiledExecution: process.env.BENCH_COMPILED !== '0',
  })
  // Access tokens live five minutes; a run is longer, so the runner asks for fresh ones each round.
  const mintTokens = async () => {
    const tokens: Record<string, string> = {}
    for (const agency of MIX_AGENCIES) tokens[agency] = await tokenFor(identity, agencies, agency)
    return tokens
  }
  const stores = { audit: db.kind, rateLimiter: rateLimiter?.kind ?? 'none' }
  return { app, tokens: await mintTokens(), mintTokens, stores, closers }
}
