/**
 * `npm run bench -- --curves`: cost curves. How a target's server CPU per request and its p99
 * latency grow with the work, drawn:
 *
 *   records      1, 10, 30, 100 enterprises in one answer: `enterprises(first: N, filter: { province: "01" })`
 *                as the tax office (thue-ha-noi, QUAN_LY_THUE; row filter on the head office's
 *                province, representatives' PINs masked): one business-registry search per request
 *   join-depth   one enterprise, then through its legal representatives to their citizen records,
 *                their land parcels and those parcels' communes: 1 to 4 sources in one request
 *                (business; + population; + land; + the administrative-unit catalogue, in-process)
 *   connections  the standard mix (buildMix) at 1, 2, 4 … 64 concurrent connections
 *   instances    the gateway on Redis + PostgreSQL as one process, then as two sharing them (the load
 *                split evenly over both ports), at --connections and 4× that in all
 *
 * For the first three every selected target (by default (a) bare graphql-yoga and (b) the gateway
 * on embedded stores) runs at each point; every query of a point is sent once to each target and
 * checked (data, no errors, the records or links it should have) before timing; at each point every
 * target is warmed up, then the rounds interleave (a b, a b …) as bench.ts does. A point's figure
 * is the median of its rounds. Writes the run as JSON into bench-results/ and one SVG per curve
 * (CPU per request beside p99) into bench-results/ and docs/bench/.
 *
 * Access tokens live 5 minutes: a gateway target started longer ago than a point would allow is
 * restarted (fresh tokens) before that point.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, relative } from 'node:path'
import { createWorld, type World } from '../../connectors/sandboxes.js'
import { findPostgresBin, type PostgresService } from '../../test/services/postgres.js'
import { findRedisServer, type RedisService } from '../../test/services/redis.js'
import { check, load, type Measure, measure, measureSplit, median } from './measure.js'
import { assertLoopback, type BenchServer, repoRoot, startBenchServer, startRedisAndPostgres } from './processes.js'
import { buildMix, type MixEntry, type MixSubjects, subjectsOf } from './scenarios.js'
import { type ChartSeries, type LineChart, renderLineChart } from './svg-chart.js'

export const CURVES = ['records', 'join-depth', 'connections', 'instances'] as const
export type CurveId = (typeof CURVES)[number]

export interface CurvesSettings {
  /** Seconds per measured round of a point, per target. */
  duration: number
  /** Seconds of warm-up per point and target, before its rounds. */
  warmup: number
  rounds: number
  /** Connections for the records and join-depth curves, and the base of the instances curve. */
  connections: number
  /** Of a, b, c, d (the targets of bench.ts); others are ignored with a note. */
  targets: string[]
  curves: CurveId[]
  flushDelay?: string | undefined
  quick: boolean
}

type TargetKey = 'a' | 'b' | 'c' | 'd'
interface TargetDef {
  key: TargetKey
  name: string
  server: string
}
const TARGETS: TargetDef[] = [
  { key: 'a', name: '(a) bare graphql-yoga', server: 'yoga' },
  { key: 'b', name: '(b) gateway, embedded', server: 'gateway' },
  { key: 'c', name: '(c) gateway, Redis + PostgreSQL', server: 'gateway' },
  { key: 'd', name: '(d) graphql-js execute', server: 'graphql-js' },
]

type Info = { url: string; tokens?: Record<string, string>; stores?: unknown }

/** Access tokens of the gateway targets live 300 s; restart a target that would pass this age within a point. */
const TOKEN_SAFE_S = 270

/** A target process that can be restarted (fresh tokens) with the same environment. */
class Target {
  server!: BenchServer<Info>
  startedAt = 0
  constructor(
    readonly def: { key: string; name: string; server: string },
    private readonly env: Record<string, string>,
  ) {}
  async start(): Promise<void> {
    this.server = await startBenchServer<Info>(this.def.server, this.env)
    this.startedAt = Date.now()
  }
  /** Restarts the process if its tokens could expire within the next `seconds`. */
  async fresh(seconds: number): Promise<boolean> {
    if (!this.server.info.tokens || (Date.now() - this.startedAt) / 1000 + seconds < TOKEN_SAFE_S) return false
    await this.server.stop()
    await this.start()
    return true
  }
  async stop(): Promise<void> {
    await this.server?.stop()
  }
  get url(): string {
    return this.server.info.url
  }
  get tokens(): Record<string, string> | undefined {
    return this.server.info.tokens
  }
  get pid(): number | undefined {
    return this.server.child.pid
  }
}

/** One point of a curve: the requests autocannon plays, at some connections, and what their answers must hold. */
interface Point {
  x: number
  label: string
  requests: MixEntry[]
  connections: number
  inspect?: (entry: MixEntry, data: unknown) => string | null
}

interface PointResult {
  x: number
  label: string
  connections: number
  rounds: Measure[]
  cpuUs: number | null
  p50: number
  p99: number
  rps: number
  failed: number
}

interface CurveResult {
  id: CurveId
  title: string
  description: string
  x: { label: string; scale: 'linear' | 'log' }
  series: Array<{ key: string; name: string; points: PointResult[] }>
}

const body = (query: string, variables?: Record<string, unknown>) => JSON.stringify(variables ? { query, variables } : { query })
const TAX = { agency: 'thue-ha-noi', headers: { 'x-purpose': 'QUAN_LY_THUE' } }

/** Records per answer: 30 shows whether the cost between 10 and 100 is a line or a step. */
export const RECORDS = [1, 10, 30, 100]

/** The records curve: one page of Hà Nội enterprises, the fields the mix's enterprise lookup reads. */
export const RECORDS_QUERY = `query Enterprises($first: Int!) { enterprises(first: $first, filter: { province: "01" }) { nodes { code nameVi status { name } headOffice { province { code } } legalRepresentatives { name { full } title pin } } } }`

/** The join-depth curve: each depth adds one source, reached through the records of the one before. */
export const DEPTH_QUERIES: Record<1 | 2 | 3 | 4, string> = {
  1: `query Depth1($code: TaxCode!) { enterprise(code: $code) { code nameVi legalRepresentatives { name { full } title pin } } }`,
  2: `query Depth2($code: TaxCode!) { enterprise(code: $code) { code nameVi legalRepresentatives { name { full } title pin citizen { pin name { full } } } } }`,
  3: `query Depth3($code: TaxCode!) { enterprise(code: $code) { code nameVi legalRepresentatives { name { full } title pin citizen { pin name { full } landParcels { parcelKey area uses { typeCode area } } } } } }`,
  4: `query Depth4($code: TaxCode!) { enterprise(code: $code) { code nameVi legalRepresentatives { name { full } title pin citizen { pin name { full } landParcels { parcelKey area uses { typeCode area } commune { code fullName parent { code fullName } } } } } } }`,
}
export const DEPTH_LABELS = ['1 business', '2 + population', '3 + land', '4 + admin units']

/**
 * Enterprises headquartered in Hà Nội whose every legal representative holds land, all of it in Hà
 * Nội: the tax office may read each link whole (its land-levy row filter keeps Hà Nội parcels).
 */
export function depthSubjects(world: World, count = 8): string[] {
  const parcelsOf = new Map<string, World['parcels']>()
  for (const parcel of world.parcels)
    for (const holder of parcel.holders) if (holder.kind === 'PERSON') parcelsOf.set(holder.id, [...(parcelsOf.get(holder.id) ?? []), parcel])
  return world.enterprises
    .filter(
      (e) =>
        e.address.provinceCode === '01' &&
        e.representatives.every((rep) => {
          const parcels = parcelsOf.get(rep.pin) ?? []
          return world.personByPin.has(rep.pin) && parcels.length > 0 && parcels.every((p) => p.address.provinceCode === '01')
        }),
    )
    .slice(0, count)
    .map((e) => e.code)
}

type Rec = Record<string, unknown>
const asList = (v: unknown): Rec[] => (Array.isArray(v) ? (v as Rec[]) : [])

function depthInspector(depth: number) {
  return (_: MixEntry, data: unknown): string | null => {
    const enterprise = (data as { enterprise?: Rec | null }).enterprise
    if (!enterprise) return 'has no enterprise'
    const reps = asList(enterprise.legalRepresentatives)
    if (!reps.length) return 'has no legal representative'
    if (depth < 2) return null
    const citizens = reps.map((r) => r.citizen as Rec | null)
    if (citizens.some((c) => !c)) return "lacks a representative's citizen record"
    if (depth < 3) return null
    const parcels = citizens.map((c) => asList(c!.landParcels))
    if (parcels.some((list) => !list.length)) return "lacks a representative's land parcels"
    if (depth < 4) return null
    if (parcels.flat().some((p) => !(p.commune as Rec | null)?.fullName)) return "lacks a parcel's commune"
    return null
  }
}

function fmt(n: number | null | undefined, digits = 0): string {
  return n === null || n === undefined ? '–' : n.toFixed(digits)
}

function summarise(x: number, label: string, connections: number, rounds: Measure[]): PointResult {
  return {
    x,
    label,
    connections,
    rounds,
    cpuUs: rounds.length && rounds.every((r) => r.cpuUs !== null) ? median(rounds.map((r) => r.cpuUs!)) : null,
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    rps: median(rounds.map((r) => r.rps)),
    failed: rounds.reduce((n, r) => n + r.non2xx + r.errors, 0),
  }
}

export async function runCurves(settings: CurvesSettings): Promise<void> {
  const started = Date.now()
  const load1 = loadavg()[0]!
  const stoppers: Array<() => Promise<void>> = []
  const notes: string[] = []
  const results: CurveResult[] = []
  const out = (line: string) => process.stdout.write(`${line}\n`)
  const selected = TARGETS.filter((t) => settings.targets.includes(t.key))
  const ignored = settings.targets.filter((k) => !TARGETS.some((t) => t.key === k))
  if (ignored.length) notes.push(`targets ${ignored.join(', ')} are not drawn as curves (only a, b, c, d)`)
  const perPointS = (targets: number) => targets * (settings.warmup + settings.rounds * settings.duration) + 5
  if (perPointS(Math.max(1, selected.length)) > TOKEN_SAFE_S)
    throw new Error(`a point would take ${perPointS(selected.length)} s, longer than the gateway's access tokens live: shorten --duration or --rounds`)

  let services: { redis: RedisService; postgres: PostgresService } | null | undefined
  const haveServices = () => Boolean(findRedisServer() && findPostgresBin())
  async function startServices() {
    if (services !== undefined) return services
    if (!haveServices()) return (services = null)
    return (services = await startRedisAndPostgres(stoppers))
  }

  try {
    const sandboxes = await startBenchServer<{ upstreams: Record<string, string>; subjects: MixSubjects }>('sandboxes', {})
    stoppers.push(sandboxes.stop)
    for (const url of Object.values(sandboxes.info.upstreams)) assertLoopback(url)
    const upstreamEnv = { BENCH_UPSTREAMS: JSON.stringify(sandboxes.info.upstreams) }
    const flushEnv: Record<string, string> = settings.flushDelay !== undefined ? { BENCH_FLUSH_DELAY_MS: settings.flushDelay } : {}
    const mix = buildMix(sandboxes.info.subjects)
    // The join-depth subjects come from the same world the sandboxes serve (createWorld's defaults):
    // checked by comparing the mix's subjects, which the sandboxes process reports.
    const world = createWorld()
    if (JSON.stringify(subjectsOf(world)) !== JSON.stringify(sandboxes.info.subjects))
      throw new Error('the sandboxes serve another world than createWorld() makes here')
    const depthCodes = depthSubjects(world)
    if (depthCodes.length < 2) throw new Error('the sandbox world has too few enterprises whose representatives hold land in Hà Nội')

    const wantsTargets = settings.curves.some((c) => c !== 'instances')
    const all: Target[] = []
    if (wantsTargets) {
      const starting = selected.map(async (def) => {
        let env: Record<string, string> = { ...upstreamEnv, ...(def.server === 'gateway' ? flushEnv : {}) }
        if (def.key === 'c') {
          const s = await startServices()
          if (!s) {
            notes.push('(c) skipped: redis-server or PostgreSQL is not installed (apt-get install redis-server postgresql)')
            return null
          }
          env = { ...env, REDIS_URL: s.redis.url, DATABASE_URL: s.postgres.url }
        }
        const target = new Target(def, env)
        stoppers.push(() => target.stop())
        await target.start()
        return target
      })
      const settled = await Promise.allSettled(starting)
      const failed = settled.find((r) => r.status === 'rejected')
      if (failed) throw (failed as PromiseRejectedResult).reason
      for (const r of settled) if (r.status === 'fulfilled' && r.value) all.push(r.value)
      out(`${all.length} targets up (${all.map((t) => t.def.key).join(', ')})`)
    }

    /** Runs the points of a curve over every target: check, warm up, then interleaved rounds. */
    async function runPoints(id: CurveId, points: Point[], paged?: string): Promise<CurveResult['series']> {
      let targets = all
      // (a) and (d) page only if bench/server.ts gives their context a pager (the kit's positionPager).
      if (paged) {
        await Promise.all(targets.map((t) => t.fresh(perPointS(targets.length))))
        const probe = points[0]!
        const pages = await Promise.all(
          targets.map((t) =>
            check(t.url, probe.requests, t.tokens, '', {}, probe.inspect).then(
              () => true,
              (error: unknown) => {
                const text = String(error)
                if (t.tokens || !text.includes(`"path":["${paged}"]`) || !text.includes('INTERNAL_SERVER_ERROR')) throw error
                notes.push(`${id}: (${t.def.key}) left out: it cannot page ${paged} (its context has no pager; see positionPager in connectors/kit/paging.ts)`)
                return false
              },
            ),
          ),
        )
        targets = targets.filter((_, i) => pages[i])
      }
      const series = targets.map((t) => ({ key: t.def.key, name: t.def.name, points: [] as PointResult[] }))
      for (const point of points) {
        const restarted = await Promise.all(targets.map((t) => t.fresh(perPointS(targets.length))))
        if (restarted.some(Boolean)) out(`  (restarted ${targets.filter((_, i) => restarted[i]).map((t) => t.def.key)} for fresh tokens)`)
        for (const t of targets) await check(t.url, point.requests, t.tokens, `${id} ${point.label} (${t.def.key})`, {}, point.inspect)
        for (const t of targets) await load(t.url, point.requests, t.tokens, settings.warmup, {}, point.connections)
        const rounds: Measure[][] = targets.map(() => [])
        for (let i = 0; i < settings.rounds; i++) {
          for (const [j, t] of targets.entries())
            rounds[j]!.push(await measure(t.url, t.pid, point.requests, t.tokens, settings.duration, {}, point.connections))
        }
        const line = targets.map((t, j) => {
          const r = summarise(point.x, point.label, point.connections, rounds[j]!)
          series[j]!.points.push(r)
          if (r.failed) notes.push(`${id} ${point.label} (${t.def.key}): ${r.failed} requests failed or answered non-2xx under load`)
          return `(${t.def.key}) ${fmt(r.cpuUs)} µs CPU/req, p99 ${fmt(r.p99, 1)} ms, ${fmt(r.rps)} req/s`
        })
        out(`  ${id} ${point.label}: ${line.join(' | ')}`)
      }
      return series
    }

    for (const id of settings.curves) {
      const curveStart = Date.now()
      if (id === 'records') {
        const points: Point[] = RECORDS.map((n) => ({
          x: n,
          label: `${n} record${n > 1 ? 's' : ''}`,
          connections: settings.connections,
          requests: [{ name: `enterprises(first: ${n})`, ...TAX, body: body(RECORDS_QUERY, { first: n }) }],
          inspect: (_, data) => {
            const nodes = asList((data as { enterprises?: { nodes?: unknown } }).enterprises?.nodes)
            return nodes.length === n ? null : `has ${nodes.length} records, not ${n}`
          },
        }))
        results.push({
          id,
          title: 'Cost per request as the answer grows',
          description: `Records per request: enterprises(first: N, filter: { province: "01" }) with code, name, status, head office province and legal representatives (name, title, PIN), N = ${RECORDS.join(', ')}; on the gateway as the tax office thue-ha-noi (purpose QUAN_LY_THUE: row filter on the head office's province, PINs masked). The connector reads a page in two business-registry calls (a search for the codes, then one batch read of the full records); the gateway, filtering rows, reads first + 1 records to know whether another page follows, so at 100 it makes a second pair of calls.`,
          x: { label: 'records per answer', scale: 'log' },
          series: await runPoints(id, points, 'enterprises'),
        })
      } else if (id === 'join-depth') {
        const points: Point[] = ([1, 2, 3, 4] as const).map((depth) => ({
          x: depth,
          label: DEPTH_LABELS[depth - 1]!,
          connections: settings.connections,
          requests: depthCodes.map((code) => ({ name: `depth ${depth}: enterprise ${code}`, ...TAX, body: body(DEPTH_QUERIES[depth], { code }) })),
          inspect: depthInspector(depth),
        }))
        results.push({
          id,
          title: 'Cost per request as a request joins more sources',
          description: `Join depth, as the tax office thue-ha-noi (QUAN_LY_THUE), over ${depthCodes.length} Hà Nội enterprises in turn whose representatives hold land in Hà Nội: 1 = enterprise(code) with its legal representatives (business registry); 2 = + each representative's citizen record (population registry); 3 = + that citizen's land parcels with their uses (land registry); 4 = + each parcel's commune and its province (the administrative-unit catalogue, resolved in-process, no network call). Each depth waits for the one before.`,
          x: { label: 'sources joined in one request', scale: 'linear' },
          series: await runPoints(id, points),
        })
      } else if (id === 'connections') {
        const points: Point[] = [1, 2, 4, 8, 16, 32, 64].map((c) => ({ x: c, label: `${c} connections`, connections: c, requests: mix }))
        results.push({
          id,
          title: 'Cost per request as concurrency grows',
          description:
            'Concurrent connections 1 to 64 on the standard mix (per 10 requests: 3 tax office enterprise lookups, 2 land office parcels, 2 one-stop desk verifyCitizen, 2 ward police residence reads, 1 connectivity check; every request granted).',
          x: { label: 'concurrent connections', scale: 'log' },
          series: await runPoints(id, points),
        })
      } else if (id === 'instances') {
        // The other targets are done (instances comes last): their idle processes need not share the cores.
        for (const t of all) await t.stop()
        const s = await startServices()
        if (!s) {
          notes.push('instances curve skipped: redis-server or PostgreSQL is not installed (apt-get install redis-server postgresql)')
          continue
        }
        const env = { ...upstreamEnv, ...flushEnv, REDIS_URL: s.redis.url, DATABASE_URL: s.postgres.url }
        const gateways = [1, 2].map((n) => new Target({ key: `c${n}`, name: `gateway ${n}, Redis + PostgreSQL`, server: 'gateway' }, env))
        for (const g of gateways) stoppers.push(() => g.stop())
        // One after the other: both run the migrations on the same database.
        for (const g of gateways) await g.start()
        out(`  two gateway processes up on one Redis and one PostgreSQL`)
        const levels = [...new Set([settings.connections, settings.connections * 4])]
        const series: CurveResult['series'] = levels.map((c) => ({ key: `${c}`, name: `${c} connections in all`, points: [] }))
        const parts = () => gateways.map((g) => ({ url: g.url, pid: g.pid, tokens: g.tokens }))
        for (const [li, c] of levels.entries()) {
          // Both configurations of a level fit within one token lifetime (checked as one point of two targets).
          const restarted = await Promise.all(gateways.map((g) => g.fresh(perPointS(2))))
          if (restarted.some(Boolean)) out('  (restarted the gateways for fresh tokens)')
          for (const g of gateways) await check(g.url, mix, g.tokens, `instances (${g.def.key})`)
          await measureSplit(parts(), mix, settings.warmup, c)
          const rounds: Measure[][] = [[], []]
          for (let i = 0; i < settings.rounds; i++) {
            rounds[0]!.push(await measureSplit(parts().slice(0, 1), mix, settings.duration, c))
            rounds[1]!.push(await measureSplit(parts(), mix, settings.duration, c))
          }
          const line = [1, 2].map((n) => {
            const r = summarise(n, `${n} process${n > 1 ? 'es' : ''}`, c, rounds[n - 1]!)
            series[li]!.points.push(r)
            if (r.failed) notes.push(`instances ${n} × at ${c} connections: ${r.failed} requests failed or answered non-2xx under load`)
            return `${n} process${n > 1 ? 'es' : ''} ${fmt(r.cpuUs)} µs CPU/req, p99 ${fmt(r.p99, 1)} ms, ${fmt(r.rps)} req/s`
          })
          out(`  instances at ${c} connections: ${line.join(' | ')}`)
        }
        for (const g of gateways) await g.stop()
        results.push({
          id,
          title: 'The gateway as one process or two',
          description: `The full gateway on Redis + PostgreSQL (fsync on): one process, then two processes sharing the same Redis and PostgreSQL with the load split evenly between their ports, on the standard mix at ${levels.join(' and ')} connections in all. CPU per request is the sum of both processes' CPU time over all requests; p50 and p99 are taken over every answer of both.`,
          x: { label: 'gateway processes', scale: 'linear' },
          series,
        })
      }
      out(`${id}: ${((Date.now() - curveStart) / 1000).toFixed(0)} s`)
    }
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined)
  }

  const load2 = loadavg()[0]!
  const seconds = (Date.now() - started) / 1000
  const at = new Date().toISOString()
  const run: CurvesRun = {
    at,
    machine: { cpus: cpus().length, model: cpus()[0]?.model?.trim() ?? 'cpu', node: process.version, loadavg: [load1, load2] },
    settings: { ...settings, seconds: Math.round(seconds) },
    queries: { records: RECORDS_QUERY, depth: DEPTH_QUERIES },
    curves: results,
    notes,
  }
  const dir = join(repoRoot, 'bench-results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `curves-${at.replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`)
  const written = writeCharts(run, file)
  out(`\n${notes.map((n) => `note: ${n}\n`).join('')}load average ${load1.toFixed(2)} → ${load2.toFixed(2)}; total ${seconds.toFixed(0)} s`)
  for (const f of [file, ...written]) out(`written ${relative(process.cwd(), f) || f}`)
}

/** What `--curves` writes as JSON, and all the charts are drawn from. */
export interface CurvesRun {
  at: string
  machine: { cpus: number; model: string; node: string; loadavg: [number, number] }
  settings: CurvesSettings & { seconds: number }
  queries: { records: string; depth: Record<number, string> }
  curves: CurveResult[]
  notes: string[]
}

/**
 * Draws each curve of a run: `<json name>-<curve>.svg` beside the JSON in bench-results/, copied to
 * docs/bench/curve-<curve>.svg (stable names, for the README). Returns the paths written.
 */
export function writeCharts(run: CurvesRun, jsonFile: string): string[] {
  const docs = join(repoRoot, 'docs', 'bench')
  mkdirSync(docs, { recursive: true })
  const { settings, machine } = run
  const subtitle = `${machine.cpus} × ${machine.model}, Node ${machine.node}; median of ${settings.rounds} interleaved round${settings.rounds > 1 ? 's' : ''} × ${settings.duration} s per point after ${settings.warmup} s warm-up; ${run.at.slice(0, 10)}`
  const written: string[] = []
  for (const curve of run.curves) {
    const file = jsonFile.replace(/\.json$/, `-${curve.id}.svg`)
    writeFileSync(file, renderLineChart(curveChart(curve, subtitle, settings)))
    const copy = join(docs, `curve-${curve.id}.svg`)
    copyFileSync(file, copy)
    written.push(file, copy)
  }
  return written
}

/** `--curves --replot <json>`: the charts of a stored run drawn again (after a change to the drawing), nothing measured. */
export function replotCurves(jsonFile: string): void {
  const run = JSON.parse(readFileSync(jsonFile, 'utf8')) as CurvesRun
  for (const f of writeCharts(run, jsonFile)) process.stdout.write(`written ${relative(process.cwd(), f) || f}\n`)
}

/** A curve as a chart: CPU per request on the left, p99 on the right, one line per series. */
export function curveChart(curve: CurveResult, subtitle: string, settings: Pick<CurvesSettings, 'connections'>): LineChart {
  const pick = (field: 'cpuUs' | 'p99'): ChartSeries[] =>
    curve.series.map((s) => ({ name: s.name, points: s.points.map((p) => ({ x: p.x, y: field === 'cpuUs' ? p.cpuUs : p.p99 })) }))
  const ticks = curve.series[0]?.points.map((p) => ({ value: p.x, label: curve.id === 'join-depth' ? p.label : String(p.x) }))
  const at = curve.id === 'connections' || curve.id === 'instances' ? '' : `, ${settings.connections} connections`
  return {
    title: curve.title,
    subtitle,
    description: `${curve.description} Left: server CPU time per request (user + system, from /proc), µs. Right: p99 latency seen by the load generator, ms.${at ? ` Loaded at${at.slice(1)}.` : ''} ${subtitle}.`,
    x: { label: curve.x.label, scale: curve.x.scale, ...(ticks ? { ticks } : {}) },
    panels: [
      { title: `Server CPU per request${at}`, y: { label: 'CPU per request', unit: 'µs' }, series: pick('cpuUs') },
      { title: `p99 latency${at}`, y: { label: 'p99 latency', unit: 'ms' }, series: pick('p99') },
    ],
  }
}
