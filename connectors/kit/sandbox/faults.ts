import type { MiddlewareHandler } from 'hono'

/**
 * Fault injection for sandbox registries, so tests can make a real HTTP registry slow, failing,
 * hanging or garbled. Faults apply to every route except the `/__sandbox/*` control routes.
 */
export interface FaultConfig {
  /** Added before answering, in ms. */
  latencyMs: number
  /** Share of requests answered with a 503, 0–1. */
  errorRate: number
  /** Share of answers cut in half (invalid JSON/XML), 0–1. */
  malformedRate: number
  /** Never answer (until the client gives up or faults are reset). */
  hang: boolean
}

export const noFaults: FaultConfig = Object.freeze({ latencyMs: 0, errorRate: 0, malformedRate: 0, hang: false })

export interface FaultState {
  faults: FaultConfig
  /** Requests served per route (method + path), control routes excluded. */
  hits: Map<string, number>
  /** Releases requests currently held by `hang`. */
  releaseHung: Set<() => void>
  /** The `traceparent` headers received, oldest first (the last `TRACEPARENTS_KEPT`), control routes excluded. */
  traceparents: string[]
}

/** How many received `traceparent` headers a sandbox keeps: enough for one test's calls, bounded for a long `npm start`. */
export const TRACEPARENTS_KEPT = 100

export function createFaultState(initial: Partial<FaultConfig> = {}): FaultState {
  return { faults: { ...noFaults, ...initial }, hits: new Map(), releaseHung: new Set(), traceparents: [] }
}

export function totalHits(state: FaultState): number {
  let total = 0
  for (const count of state.hits.values()) total += count
  return total
}

/** Middleware applying the current faults and counting hits. */
export function injectFaults(state: FaultState, random: () => number = Math.random): MiddlewareHandler {
  return async function faultInjection(c, next) {
    if (c.req.path.startsWith('/__sandbox')) return next()
    const route = `${c.req.method} ${c.req.path}`
    state.hits.set(route, (state.hits.get(route) ?? 0) + 1)
    // Kept so tests can check that a caller's trace reached the registry (or that none did).
    const traceparent = c.req.header('traceparent')
    if (traceparent !== undefined) {
      if (state.traceparents.length >= TRACEPARENTS_KEPT) state.traceparents.shift()
      state.traceparents.push(traceparent)
    }
    const { latencyMs, errorRate, malformedRate, hang } = state.faults
    if (hang) {
      await new Promise<void>((resolve) => {
        state.releaseHung.add(resolve)
        c.req.raw.signal.addEventListener('abort', () => resolve(), { once: true })
      })
      return c.text('released', 503)
    }
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs))
    if (errorRate > 0 && random() < errorRate) return c.text('Service Unavailable', 503)
    await next()
    if (malformedRate > 0 && random() < malformedRate) {
      const body = await c.res.text()
      c.res = new Response(body.slice(0, Math.floor(body.length / 2)), {
        status: c.res.status,
        headers: c.res.headers,
      })
    }
  }
}
