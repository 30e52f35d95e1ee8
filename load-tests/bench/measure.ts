/**
 * The bench's measuring helpers, shared by `bench.ts` (the side-by-side table) and `curves.ts` (the
 * cost curves): load a target with autocannon from this process, read the target process's CPU time
 * from /proc around it, check every request once before timing, and take medians.
 */
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { assertLoopback } from './processes.js'
import type { MixEntry } from './scenarios.js'

export interface Measure {
  /** CPU time of the server process per request, µs (user + system, from /proc): robust to contention. */
  cpuUs: number | null
  /**
   * Of it, the process's main thread (where Node serves requests), µs per request; the rest is
   * other threads: a worker's (PGlite's), the garbage collector's helpers, libuv's pool.
   */
  mainThreadUs?: number | null
  rps: number
  p50: number
  p99: number
  requests: number
  non2xx: number
  errors: number
}

/**
 * User + system CPU in ms from the text of a `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat`
 * file. The command name (second field) is in parentheses and may itself hold spaces and `)`, so
 * the fields are counted from the last `)`. Null for text that is not such a line.
 */
export function statCpuMs(text: string): number | null {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  // After the name: state, ppid, … utime is the 14th field of the line, stime the 15th.
  const [utime, stime] = [Number(fields[11]), Number(fields[12])]
  if (!text.includes(')') || !Number.isInteger(utime) || !Number.isInteger(stime)) return null
  return (utime + stime) * 10 // clock ticks of 10 ms (USER_HZ 100)
}

/** User + system CPU of a process in ms, from /proc (Linux); null elsewhere. */
export function cpuMs(pid: number | undefined): number | null {
  return readCpuMs(`/proc/${pid}/stat`)
}

/** The same for a process's main thread alone (its thread id is the process id). */
export function mainThreadCpuMs(pid: number | undefined): number | null {
  return readCpuMs(`/proc/${pid}/task/${pid}/stat`)
}

function readCpuMs(path: string): number | null {
  try {
    return statCpuMs(readFileSync(path, 'utf8'))
  } catch {
    return null
  }
}

function requestsFor(requests: MixEntry[], tokens: Record<string, string> | undefined, headers: Record<string, string>) {
  return requests.map((r) => ({
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', ...headers, ...r.headers, ...(tokens ? { authorization: `Bearer ${tokens[r.agency]}` } : {}) },
    body: r.body,
  }))
}

export async function measure(
  url: string,
  pid: number | undefined,
  requests: MixEntry[],
  tokens: Record<string, string> | undefined,
  duration: number,
  headers: Record<string, string> = {},
  connections = 16,
): Promise<Measure> {
  const before = { all: cpuMs(pid), main: mainThreadCpuMs(pid) }
  const result = await load(url, requests, tokens, duration, headers, connections)
  const after = { all: cpuMs(pid), main: mainThreadCpuMs(pid) }
  const perRequest = (from: number | null, to: number | null) =>
    from === null || to === null || !result.requests ? null : ((to - from) * 1000) / result.requests
  return { ...result, cpuUs: perRequest(before.all, after.all), mainThreadUs: perRequest(before.main, after.main) }
}

export function load(
  url: string,
  requests: MixEntry[],
  tokens: Record<string, string> | undefined,
  duration: number,
  headers: Record<string, string> = {},
  connections = 16,
): Promise<Omit<Measure, 'cpuUs'>> {
  const base = assertLoopback(url)
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: new URL('/graphql', base).href,
        connections,
        duration,
        requests: requestsFor(requests, tokens, headers),
      },
      (error, result) => {
        if (error) return reject(error)
        resolve({
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        })
      },
    )
  })
}

/** One server process of a split load: its URL, its process and its own tokens. */
export interface SplitPart {
  url: string
  pid: number | undefined
  tokens: Record<string, string> | undefined
}

/**
 * The same requests spread evenly over several server processes at once (one autocannon per
 * process, `connections` divided between them, the first ones taking the remainder), for one
 * duration. CPU per request is the sum of every process's CPU time over the total requests; rps is
 * the sum; p50 and p99 are taken over every 2xx answer of every process together (nearest rank).
 */
export async function measureSplit(
  parts: SplitPart[],
  requests: MixEntry[],
  duration: number,
  connections: number,
  headers: Record<string, string> = {},
): Promise<Measure> {
  if (parts.length === 0 || connections < parts.length) throw new Error(`cannot split ${connections} connections over ${parts.length} processes`)
  const latencies: number[] = []
  const before = parts.map((p) => cpuMs(p.pid))
  const runs = await Promise.all(
    parts.map(
      (part, i) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          const share = Math.floor(connections / parts.length) + (i < connections % parts.length ? 1 : 0)
          const instance = autocannon(
            {
              url: new URL('/graphql', assertLoopback(part.url)).href,
              connections: share,
              duration,
              requests: requestsFor(requests, part.tokens, headers),
            },
            (error, result) => (error ? reject(error) : resolve(result)),
          )
          instance.on('response', (_client, statusCode, _bytes, responseTime) => {
            if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime)
          })
        }),
    ),
  )
  const after = parts.map((p) => cpuMs(p.pid))
  const total = runs.reduce((n, r) => n + r.requests.total, 0)
  const cpu = before.every((b) => b !== null) && after.every((a) => a !== null) ? after.reduce((s, a, i) => s + (a! - before[i]!), 0) : null
  latencies.sort((x, y) => x - y)
  return {
    cpuUs: cpu === null || !total ? null : (cpu * 1000) / total,
    rps: runs.reduce((s, r) => s + r.requests.average, 0),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests: total,
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    errors: runs.reduce((n, r) => n + r.errors + r.timeouts, 0),
  }
}

/** Nearest-rank percentile of an ascending list, rounded to 0.01 ms; 0 for an empty list. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return Math.round(sorted[rank - 1]! * 100) / 100
}

/**
 * Each entry of the mix once, checked: data and no errors (the gateway grants every one). `inspect`,
 * if given, looks at each answer's data too and returns what is wrong with it, or null.
 */
export async function check(
  url: string,
  mix: MixEntry[],
  tokens: Record<string, string> | undefined,
  label: string,
  headers: Record<string, string> = {},
  inspect?: (entry: MixEntry, data: unknown) => string | null,
): Promise<void> {
  for (const r of mix) {
    const res = await fetch(new URL('/graphql', assertLoopback(url)), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers, ...r.headers, ...(tokens ? { authorization: `Bearer ${tokens[r.agency]}` } : {}) },
      body: r.body,
    })
    const body = (await res.json()) as { data?: unknown; errors?: unknown; extensions?: { receipt?: unknown } }
    if (res.status !== 200 || body.errors || !body.data) throw new Error(`${label}: "${r.name}" answered ${res.status} ${JSON.stringify(body).slice(0, 400)}`)
    // A proof asked for and not given would measure nothing.
    if (headers['accept-signature'] && !res.headers.get('signature')) throw new Error(`${label}: "${r.name}" was not signed`)
    if (headers.prefer && typeof body.extensions?.receipt !== 'string') throw new Error(`${label}: "${r.name}" was given no receipt`)
    const wrong = inspect?.(r, body.data)
    if (wrong) throw new Error(`${label}: "${r.name}" ${wrong}: ${JSON.stringify(body.data).slice(0, 400)}`)
  }
}

export function median(list: number[]): number {
  const sorted = [...list].sort((x, y) => x - y)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
