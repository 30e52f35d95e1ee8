/**
 * `npm run bench`: the same query mix, connections and duration through
 *   (a) bare graphql-yoga over buildGatewaySchema(connectors)
 *   (b) the full gateway on embedded stores (memory rate limiter, PGlite audit)
 *   (c) the full gateway on Redis + PostgreSQL (started here on 127.0.0.1; skipped if not installed)
 *   (d) plain graphql-js `execute` with cached documents: the ceiling
 *   (s) the full gateway as (b), every answer signed (`Accept-Signature`): what signing costs
 *   (r) the full gateway as (b), every answer given a receipt (`Prefer: receipt`): what receipts cost
 *   (e) the peer: Hive Gateway over a GraphQL Mesh supergraph of the same registries (load-tests/peer,
 *       installed on first use), no auth, policy, audit or limits; its answers to the whole mix are
 *       checked equal to the gateway's before it is timed
 *   (w) the gateway's Workers entry on workerd (wrangler's local mode) on PostgreSQL, its limits and
 *       audit writer in Durable Objects; its CPU is that of the workerd the Worker runs in (not of
 *       wrangler's local proxy in front of it)
 * all over the sandbox registries (no artificial latency, their own process). Each target runs in
 * a process of its own and autocannon loads it from this one. Prints req/s, p50, p99 and the
 * ratios to (a) and (d); writes JSON into bench-results/. A benchmark: it asserts nothing.
 *
 *   npm run bench [-- --quick] [--duration s] [--warmup s] [--connections n] [--rounds n]
 *                 [--targets a,b,c,d,e,s,r,w] [--flush-delay ms] [--cpu-prof] [--shared-cpus]
 *
 * Each target is warmed until its CPU per request stops falling (bench/warm-up.ts: `--warmup` is
 * the least, 30 s, and the most is 90 s or that least if higher; `--quick` warms 1 s and follows no
 * trend), then timed. Each target is pinned to a CPU of its own once it has started, the load side
 * to the others (bench/cpu-placement.ts); `--shared-cpus` leaves every process unpinned.
 *
 * `--curves` draws cost curves instead (bench/curves.ts): CPU per request and p99 against records
 * per answer, join depth, concurrent connections and gateway instances; by default targets a,b,
 * 2 rounds × 4 s per point after 1 s of warm-up (`--quick`: 1 round). `--curve records,join-depth,
 * connections,instances` picks some of them; `--replot bench-results/curves-….json` draws a stored
 * run's charts again without measuring.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { findPostgresBin, startPostgres } from '../test/services/postgres.js'
import { findRedisServer } from '../test/services/redis.js'
import { assertLoopback, repoRoot, startBenchServer, startRedisAndPostgres, TOKENS_PATH, type BenchServer } from './bench/processes.js'
import { CURVES, type CurveId, replotCurves, runCurves } from './bench/curves.js'
import { ensurePeerInstalled, peerDifferences, peerMix, startPeerServer } from './bench/peer-target.js'
import { pinProcess, placeLoadSide } from './bench/cpu-placement.js'
import { check, measure, median, type Measure } from './bench/measure.js'
import { warmUp, warmUpRule, type WarmUp } from './bench/warm-up.js'
import { buildMix, type MixEntry, type MixSubjects } from './bench/scenarios.js'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string' },
    targets: { type: 'string' },
    'flush-delay': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'shared-cpus': { type: 'boolean', default: false },
    curves: { type: 'boolean', default: false },
    curve: { type: 'string', default: CURVES.join(',') },
    replot: { type: 'string' },
  },
})
const quick = values.quick!
// `--replot` alone means the curves too: it must never start a whole measured run instead.
const curves = values.curves! || values.replot !== undefined
// Rounds of 5 s, nine of them: a host's speed drifts over minutes, and a round of every target
// then takes 40 s rather than two minutes, so the targets paired in a round ran on nearly the same
// machine (three rounds of 15 s once paired the proofs' targets with (b) two minutes apart, and
// found signing costing from 6 % to more than 100 % in one run).
const DURATION = Number(values.duration ?? (quick || curves ? 4 : 5))
// At least 30 s: every target took 25–55 s to settle, and with 15 s a noisy plateau earlier (the
// gateway at 3,197 → 3,381 → 3,070 µs after 20 s, twice what it cost in other runs) passed for steady.
const WARMUP_MIN_S = Number(values.warmup ?? (quick || curves ? 1 : 30))
if (!Number.isFinite(WARMUP_MIN_S) || WARMUP_MIN_S < 0 || WARMUP_MIN_S > 3600) throw new Error(`--warmup takes seconds from 0 to 3600, not ${values.warmup}`)
/** The table's warm-up: at least WARMUP_MIN_S, then until steady (a quick run takes it as it is). */
const TABLE_WARM_UP = warmUpRule(WARMUP_MIN_S, quick ? WARMUP_MIN_S : 90)
const CONNECTIONS = Number(values.connections)
const ROUNDS = Number(values.rounds ?? (curves ? (quick ? 1 : 2) : quick ? 2 : 9))
const wanted = new Set((values.targets ?? (curves ? 'a,b' : 'a,b,c,d,e,s,r,w')).split(','))

interface Target {
  key: 'a' | 'b' | 'c' | 'd' | 'e' | 's' | 'r' | 'w'
  name: string
  server: string
  env?: Record<string, string>
  /** Sent with every request to this target. */
  headers?: Record<string, string>
}

/** Asks for a signed answer (RFC 9421). */
const SIGNED = { 'accept-signature': 'lgsp=("@status" "content-digest" "x-request-id")' }
/** Asks for a receipt (RFC 7240 preference). */
const RECEIPTED = { prefer: 'receipt' }

/**
 * `tokensUrl` and `cpuPid` where the tokens and the CPU are not the server process's own (w);
 * `loadSidePids`, processes of the target that serve as the load side's (wrangler's local proxy).
 */
type ServerInfo = { url: string; tokens?: Record<string, string>; stores?: unknown; tokensUrl?: string; cpuPid?: number; loadSidePids?: number[] }

/** The warm-up as the output states it: `5s`, or `30–90s, until CPU per request is steady`. */
function warmUpSummary(): string {
  const { minS, maxS } = TABLE_WARM_UP
  return maxS === minS ? `${minS}s` : `${minS}–${maxS}s, until CPU per request is steady`
}

async function freshTokens(url: string): Promise<Record<string, string>> {
  const response = await fetch(new URL(TOKENS_PATH, assertLoopback(url)))
  if (!response.ok) throw new Error(`${url}${TOKENS_PATH} answered ${response.status}`)
  return (await response.json()) as Record<string, string>
}

/**
 * The peer's answers to the whole mix against the gateway's, before either is timed: a running
 * gateway target that adds no proof headers if there is one, else one started for the check and
 * stopped after it. Any difference stops the bench, since the numbers would compare different work.
 */
async function checkPeerAgainstGateway(
  peerUrl: string,
  running: Array<{ target: Target; server: BenchServer<ServerInfo> }>,
  upstreamEnv: Record<string, string>,
  mix: MixEntry[],
  stoppers: Array<() => Promise<void>>,
): Promise<void> {
  const gateway = running.find((run) => run.target.server === 'gateway' && !run.target.headers)?.server
  const ours = gateway ?? (await startBenchServer<ServerInfo>('gateway', upstreamEnv))
  if (!gateway) stoppers.push(ours.stop)
  try {
    if (!ours.info.tokens) throw new Error('the gateway target printed no tokens')
    const differences = await peerDifferences({ url: ours.info.url, tokens: ours.info.tokens }, peerUrl, mix)
    if (differences.length)
      throw new Error(
        `(e) answers ${differences.length} of ${mix.length} entries of the mix differently from the gateway:\n  ${differences.slice(0, 5).join('\n  ')}`,
      )
    process.stdout.write(`(e) answers all ${mix.length} entries of the mix as the gateway does\n`)
  } finally {
    if (!gateway) await ours.stop()
  }
}

async function main(): Promise<void> {
  const started = Date.now()
  const stoppers: Array<() => Promise<void>> = []
  const notes: string[] = []
  const results: Array<{
    key: string
    name: string
    stores?: unknown
    rounds: Measure[]
    rps: number
    cpuUs: number | null
    mainThreadUs: number | null
    p50: number
    p99: number
    rpsSpread: [number, number]
    warmUp: WarmUp
  }> = []
  // What the bench started, stopped once, last started first: by the end of the run, or by a kill
  // or Ctrl-C during it (then both come, and the second waits for the first).
  let stopping: Promise<void> | null = null
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const stop of [...stoppers].reverse()) await stop().catch(() => undefined)
    })())
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      process.stderr.write(`${signal}: stopping the bench's processes\n`)
      void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
    })
  // Before anything starts: the sandboxes, Redis and PostgreSQL inherit the load side's CPUs.
  const { placement, unpinned } = values['shared-cpus'] ? { placement: null, unpinned: null } : placeLoadSide()
  if (unpinned) notes.push(unpinned)
  const load1 = loadavg()[0]!
  try {
    const profDir = join(repoRoot, 'bench-results', 'profiles')
    if (values['cpu-prof']) mkdirSync(profDir, { recursive: true })
    // One directory per process: node writes one profile per thread (tsx's loader thread too).
    const profile = (name: string) => (values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(profDir, `${name}-${Date.now()}`)}`] : [])
    const sandboxes = await startBenchServer<{ upstreams: Record<string, string>; subjects: MixSubjects }>('sandboxes', {}, { nodeArgs: profile('sandboxes') })
    stoppers.push(sandboxes.stop)
    for (const url of Object.values(sandboxes.info.upstreams)) assertLoopback(url)
    const mix = buildMix(sandboxes.info.subjects)
    const upstreamEnv = { BENCH_UPSTREAMS: JSON.stringify(sandboxes.info.upstreams) }
    const flushEnv: Record<string, string> = values['flush-delay'] !== undefined ? { BENCH_FLUSH_DELAY_MS: values['flush-delay'] } : {}

    const targets: Target[] = [
      { key: 'a', name: 'bare graphql-yoga', server: 'yoga' },
      { key: 'b', name: 'gateway, embedded (memory limiter, PGlite)', server: 'gateway', env: flushEnv },
      { key: 'c', name: 'gateway, Redis + PostgreSQL', server: 'gateway', env: flushEnv },
      { key: 'd', name: 'graphql-js execute, cached documents', server: 'graphql-js' },
      { key: 'e', name: 'peer: Hive Gateway 2.15.1 on a Mesh supergraph; no auth, policy, audit or limits', server: 'peer' },
      { key: 's', name: 'gateway as (b), every answer signed', server: 'gateway', env: flushEnv, headers: SIGNED },
      { key: 'r', name: 'gateway as (b), every answer given a receipt', server: 'gateway', env: flushEnv, headers: RECEIPTED },
      { key: 'w', name: 'gateway on workerd (Workers entry: PostgreSQL, Durable Objects; NODE_ENV=test)', server: 'workers' },
    ]
    // The peer's packages are installed before anything starts: `npm ci` would otherwise compete
    // with the other targets' start-up. Without them (no registry reachable), (e) is left out, said.
    if (wanted.has('e')) {
      try {
        await ensurePeerInstalled()
      } catch (error) {
        wanted.delete('e')
        notes.push(`(e) skipped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)
      }
    }
    // All targets start first and the rounds interleave (a b c d, a b c d …): on a shared machine
    // a burst of someone else's work then lands on every target alike, not on one of them.
    const running: Array<{
      target: Target
      server: BenchServer<ServerInfo>
      mix: MixEntry[]
      rounds: Measure[]
      warmUp: WarmUp | null
    }> = []
    const starting = targets
      .filter((target) => wanted.has(target.key))
      .map(async (target) => {
        let env: Record<string, string> = { ...upstreamEnv, ...target.env }
        if (target.key === 'e') {
          const server = await startPeerServer(env, { nodeArgs: profile('e'), cpus: placement?.allowed })
          stoppers.push(server.stop)
          const peers = peerMix(mix)
          await check(server.info.url, peers, undefined, `(e) ${target.name}`)
          return {
            target,
            server: server as BenchServer<ServerInfo>,
            mix: peers,
            rounds: [] as Measure[],
            warmUp: null,
          }
        }
        if (target.key === 'w') {
          if (!findPostgresBin()) {
            notes.push('(w) skipped: PostgreSQL is not installed (apt-get install postgresql)')
            return null
          }
          const postgres = await startPostgres({ durable: true })
          stoppers.push(postgres.stop)
          env = { ...env, DATABASE_URL: postgres.configUrl, PGUSER: 'postgres' }
        }
        if (target.key === 'c') {
          if (!findRedisServer() || !findPostgresBin()) {
            notes.push('(c) skipped: redis-server or PostgreSQL is not installed (apt-get install redis-server postgresql)')
            return null
          }
          const { redis, postgres } = await startRedisAndPostgres(stoppers)
          env = { ...env, REDIS_URL: redis.url, DATABASE_URL: postgres.url }
        }
        // (w) waits up to two minutes for the Worker's first build (startGatewayWorker) before it says it is ready.
        const server = await startBenchServer<ServerInfo>(target.server, env, {
          nodeArgs: profile(target.key),
          cpus: placement?.allowed,
          ...(target.key === 'w' ? { timeoutMs: 180_000 } : {}),
        })
        stoppers.push(server.stop)
        await check(server.info.url, mix, server.info.tokens, `(${target.key}) ${target.name}`, target.headers)
        return { target, server, mix, rounds: [] as Measure[], warmUp: null }
      })
    // Started side by side (start-up is most of a quick run); every one started is stopped below.
    const settled = await Promise.allSettled(starting)
    const failed = settled.find((r) => r.status === 'rejected')
    if (failed) throw (failed as PromiseRejectedResult).reason
    for (const r of settled) if (r.status === 'fulfilled' && r.value) running.push(r.value)
    const peer = running.find((run) => run.target.key === 'e')
    if (peer) await checkPeerAgainstGateway(peer.server.info.url, running, upstreamEnv, mix, stoppers)
    // Started on every CPU (start-up is the heaviest part of a quick run), timed on one: each
    // target moves to its CPU before its first load, every thread of its serving process with it
    // ((w)'s is its workerd runtime; wrangler's proxy in front of it goes to the load side).
    if (placement)
      for (const { server } of running) {
        for (const pid of new Set([server.child.pid, server.info.cpuPid])) if (pid !== undefined) pinProcess(pid, placement.target)
        for (const pid of server.info.loadSidePids ?? []) pinProcess(pid, placement.load)
      }
    process.stdout.write(
      `${running.length} targets up; each: warm-up ${warmUpSummary()}, then ${ROUNDS} interleaved rounds × ${DURATION}s at ${CONNECTIONS} connections${placement ? ` (targets on CPU ${placement.target}, the load side on ${placement.load})` : ''}\n`,
    )
    // Tokens live five minutes and a whole run is longer: fresh ones before every load, else
    // later ones would measure 401s.
    const measureRun = async (run: (typeof running)[number], seconds: number) => {
      if (run.server.info.tokens) run.server.info.tokens = await freshTokens(run.server.info.tokensUrl ?? run.server.info.url)
      return measure(
        run.server.info.url,
        run.server.info.cpuPid ?? run.server.child.pid,
        run.mix,
        run.server.info.tokens,
        seconds,
        run.target.headers,
        CONNECTIONS,
      )
    }
    for (const run of running) {
      const warm = await warmUp((seconds) => measureRun(run, seconds), TABLE_WARM_UP)
      run.warmUp = warm
      const key = `(${run.target.key})`
      process.stdout.write(
        `  warm-up ${key} ${warm.seconds}s, ${warm.state}, CPU µs/req per window: ${warm.cpuUs.map((c) => c?.toFixed(0) ?? '?').join(' → ')}\n`,
      )
      if (warm.state === 'cut') notes.push(`${key} was still getting cheaper after ${warm.seconds} s of warm-up: its rounds may still be warming`)
      if (warm.failed) notes.push(`${key} ${warm.failed} requests failed or answered non-2xx while warming`)
    }
    for (let i = 0; i < ROUNDS; i++) {
      for (const run of running) {
        const m = await measureRun(run, DURATION)
        run.rounds.push(m)
        process.stdout.write(
          `  round ${i + 1} (${run.target.key}) ${m.rps.toFixed(0)} req/s, ${m.cpuUs?.toFixed(0) ?? '?'} µs CPU/req (main thread ${m.mainThreadUs?.toFixed(0) ?? '?'}), load average ${loadavg()[0]!.toFixed(2)}\n`,
        )
      }
    }
    for (const { target, server, rounds, warmUp } of running) {
      const bad = rounds.reduce((n, r) => n + r.non2xx + r.errors, 0)
      if (bad) notes.push(`(${target.key}) ${bad} requests failed or answered non-2xx under load`)
      const rps = rounds.map((r) => r.rps)
      const stores = server.info.stores
      results.push({
        key: target.key,
        name: target.name,
        ...(stores ? { stores } : {}),
        rounds,
        rps: median(rps),
        cpuUs: rounds.every((r) => r.cpuUs !== null) ? median(rounds.map((r) => r.cpuUs!)) : null,
        mainThreadUs: rounds.every((r) => typeof r.mainThreadUs === 'number') ? median(rounds.map((r) => r.mainThreadUs!)) : null,
        p50: median(rounds.map((r) => r.p50)),
        p99: median(rounds.map((r) => r.p99)),
        rpsSpread: [Math.min(...rps), Math.max(...rps)],
        warmUp: warmUp!,
      })
    }
  } finally {
    await stopAll()
  }

  const a = results.find((r) => r.key === 'a')
  const d = results.find((r) => r.key === 'd')
  const ratio = (x: number, of?: { rps: number }) => (of ? (x / of.rps).toFixed(2) : '–')
  // CPU per request in the server: what the throughput ratio would be on a quiet machine with the
  // server CPU-bound (the same time in a's process buys (a)'s cost ÷ this target's cost requests).
  const cpuRatio = (r: { cpuUs: number | null }, of?: { cpuUs: number | null }) => (of?.cpuUs && r.cpuUs ? (of.cpuUs / r.cpuUs).toFixed(2) : '–')
  // The same ratio paired by round, then the median and the range: the rounds interleave, so
  // round i of every target ran on the same machine. On a host whose speed drifts from round to
  // round (shared vCPUs), this is the figure to read; the ratio of medians can mix rounds.
  const pairedCpuRatio = (r: { rounds: Measure[] }, of?: { rounds: Measure[] }) => {
    const ratios = r.rounds.flatMap((round, i) => {
      const base = of?.rounds[i]?.cpuUs
      return base && round.cpuUs ? [base / round.cpuUs] : []
    })
    if (ratios.length === 0) return '–'
    return `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`
  }
  const lines = [
    `| target | req/s | spread | p50 ms | p99 ms | ÷ (a) | ÷ (d) | CPU µs/req | (a) CPU ÷ this | paired by round |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
    ...results.map(
      (r) =>
        `| (${r.key}) ${r.name} | ${r.rps.toFixed(0)} | ${r.rpsSpread[0].toFixed(0)}–${r.rpsSpread[1].toFixed(0)} | ${r.p50} | ${r.p99} | ${ratio(r.rps, a)} | ${ratio(r.rps, d)} | ${r.cpuUs?.toFixed(0) ?? '–'} | ${cpuRatio(r, a)} | ${pairedCpuRatio(r, a)} |`,
    ),
  ]
  const b = results.find((r) => r.key === 'b')
  // The bounds the gateway is held to, each as (cheaper target's CPU) ÷ (gateway's CPU): 1.00 or
  // more means the gateway, every control on, costs no more per request than that target.
  const byKey = (key: string) => results.find((r) => r.key === key)
  for (const [of, over, bound] of [
    ['e', 'b', 1],
    ['a', 'b', 1],
    ['a', 'c', 1],
    ['d', 'b', 0.6],
  ] as const) {
    const base = byKey(of)
    const gateway = byKey(over)
    if (!base || !gateway) continue
    notes.push(
      `(${of}) CPU ÷ (${over}) CPU: ${cpuRatio(gateway, base)} of medians, ${pairedCpuRatio(gateway, base)} paired by round (bound ≥ ${bound.toFixed(1)})`,
    )
  }
  // Where a target's CPU goes: its process's main thread (Node's event loop, which serves the
  // requests; workerd's for (w)), and the rest: a worker (PGlite's), the garbage collector's
  // helpers, libuv's pool.
  const split = results.filter((r) => r.cpuUs !== null && r.mainThreadUs !== null)
  if (split.length > 0)
    notes.push(
      `main thread + other threads, µs CPU per request (medians): ${split.map((r) => `(${r.key}) ${r.mainThreadUs!.toFixed(0)} + ${(r.cpuUs! - r.mainThreadUs!).toFixed(0)}`).join(', ')}`,
    )
  for (const proof of results.filter((r) => r.key === 's' || r.key === 'r')) {
    if (!b?.cpuUs || !proof.cpuUs) continue
    // Paired by round (the rounds interleave, so round i of each target saw the same machine): the
    // median of the per-round differences is steadier than the difference of the medians.
    const paired = proof.rounds.map((round, i) => (round.cpuUs ?? 0) - (b.rounds[i]?.cpuUs ?? 0))
    const medianDiff = median(paired)
    const what = proof.key === 's' ? 'signing' : 'receipts'
    notes.push(
      `${what} (${proof.key}) against (b): ${((medianDiff / b.cpuUs) * 100).toFixed(1)} % CPU per request (median of ${paired.length} paired rounds, ${medianDiff.toFixed(0)} µs; per round ${paired.map((d) => d.toFixed(0)).join(', ')})`,
    )
  }
  const load2 = loadavg()[0]!
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds × ${DURATION}s per target after a warm-up of ${warmUpSummary()}, ${placement ? `targets on CPU ${placement.target} and the load side on ${placement.load}` : 'no CPU pinned'}, load average ${load1.toFixed(2)} → ${load2.toFixed(2)}`
  process.stdout.write(
    `\n${lines.join('\n')}\n\n${machine}\n${notes.map((n) => `note: ${n}\n`).join('')}total ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  )
  const dir = join(repoRoot, 'bench-results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavg: [load1, load2] }, settings: { quick, connections: CONNECTIONS, duration: DURATION, warmUp: TABLE_WARM_UP, rounds: ROUNDS, cpus: placement }, results, notes }, null, 2)}\n`,
  )
  process.stdout.write(`written ${file}\n`)
}

async function curvesRun(): Promise<void> {
  if (values.replot) return replotCurves(values.replot)
  const picked = values.curve!.split(',').filter(Boolean)
  const unknown = picked.filter((c) => !(CURVES as readonly string[]).includes(c))
  if (unknown.length) throw new Error(`unknown curve ${unknown.join(', ')}: pick of ${CURVES.join(', ')}`)
  return runCurves({
    duration: DURATION,
    warmup: WARMUP_MIN_S,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    targets: [...wanted],
    curves: CURVES.filter((c) => picked.includes(c)) as CurveId[],
    flushDelay: values['flush-delay'],
    quick,
  })
}

;(curves ? curvesRun() : main()).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  },
)
