import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createFaultState, injectFaults, totalHits, type FaultConfig, type FaultState } from './faults.js'

/**
 * A Hono app for a sandbox registry, with fault injection and the control routes already mounted:
 * `GET|PUT /__sandbox/faults` reads or changes faults, `GET|DELETE /__sandbox/hits` reads or
 * resets hit counts and the `traceparent` headers received. Routes added after this see faults.
 */
export function createSandboxApp(state: FaultState = createFaultState()): { app: Hono; state: FaultState } {
  const app = new Hono()
  app.get('/__sandbox/faults', (c) => c.json(state.faults))
  app.put('/__sandbox/faults', async (c) => {
    const body = (await c.req.json().catch(() => null)) as Partial<FaultConfig> | null
    if (!body || typeof body !== 'object') return c.json({ error: 'expected a JSON object' }, 400)
    setFaults(state, body)
    return c.json(state.faults)
  })
  app.get('/__sandbox/hits', (c) => c.json({ total: totalHits(state), routes: Object.fromEntries(state.hits), traceparents: state.traceparents }))
  app.delete('/__sandbox/hits', (c) => {
    state.hits.clear()
    state.traceparents.length = 0
    return c.body(null, 204)
  })
  app.use('*', injectFaults(state))
  return { app, state }
}

export function setFaults(state: FaultState, faults: Partial<FaultConfig>): void {
  const next = { ...state.faults }
  if (typeof faults.latencyMs === 'number' && faults.latencyMs >= 0) next.latencyMs = faults.latencyMs
  if (typeof faults.errorRate === 'number' && faults.errorRate >= 0 && faults.errorRate <= 1) next.errorRate = faults.errorRate
  if (typeof faults.malformedRate === 'number' && faults.malformedRate >= 0 && faults.malformedRate <= 1) next.malformedRate = faults.malformedRate
  if (typeof faults.hang === 'boolean') next.hang = faults.hang
  state.faults = next
  if (!next.hang) {
    for (const release of state.releaseHung) release()
    state.releaseHung.clear()
  }
}

export interface SandboxServer {
  name: string
  /** Base URL on loopback, e.g. `http://127.0.0.1:41234`. */
  url: string
  state: FaultState
  setFaults(faults: Partial<FaultConfig>): void
  /** Requests served since start or the last `resetHits()`, control routes excluded. */
  hits(): number
  /** The `traceparent` headers those requests carried, oldest first. */
  traceparents(): readonly string[]
  resetHits(): void
  close(): Promise<void>
}

/** Serves a sandbox app on loopback (an ephemeral port unless one is given). */
export async function serveSandbox(
  name: string,
  sandbox: { app: Hono; state: FaultState },
  options: { port?: number; host?: string } = {},
): Promise<SandboxServer> {
  const host = options.host ?? '127.0.0.1'
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: sandbox.app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(started as Server)) as Server
    started.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  const { state } = sandbox
  return {
    name,
    url: `http://${host}:${port}`,
    state,
    setFaults: (faults) => setFaults(state, faults),
    hits: () => totalHits(state),
    traceparents: () => [...state.traceparents],
    resetHits: () => {
      state.hits.clear()
      state.traceparents.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        setFaults(state, { hang: false })
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
