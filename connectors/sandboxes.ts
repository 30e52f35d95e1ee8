/**
 * Starts the three sandbox registries on loopback over one synthetic world (Node only: used by
 * `npm start`, `lgsp sandbox` and tests, never by the gateway core).
 */
import { createBusinessSandbox } from './business/sandbox/index.js'
import { createSandboxApp, createWorld, serveSandbox, type SandboxServer, type World, type WorldOptions } from './kit/sandbox/index.js'
import { createLandSandbox } from './land/sandbox/index.js'
import { createPopulationSandbox, POPULATION_SANDBOX_API_KEY } from './population/sandbox/index.js'
import type { ConnectorPlan } from './described/index.js'
import { createReplaySandbox, REPLAY_TOKEN_PATH } from './described/replay-sandbox.js'

export { createSandboxApp, createWorld, POPULATION_SANDBOX_API_KEY, type SandboxServer, type World, type WorldOptions }

export interface Sandboxes {
  world: World
  population: SandboxServer
  land: SandboxServer
  business: SandboxServer
  close(): Promise<void>
}

export interface SandboxesOptions extends WorldOptions {
  host?: string
  /** Ports for population, land and business; 0 or absent = ephemeral. */
  ports?: { population?: number; land?: number; business?: number }
  world?: World
}

export async function startSandboxes(options: SandboxesOptions = {}): Promise<Sandboxes> {
  const world = options.world ?? createWorld(options)
  const host = options.host ?? '127.0.0.1'
  const started = await Promise.allSettled([
    serveSandbox('population', createPopulationSandbox(world), { host, port: options.ports?.population ?? 0 }),
    serveSandbox('land', createLandSandbox(world), { host, port: options.ports?.land ?? 0 }),
    serveSandbox('business', createBusinessSandbox(world), { host, port: options.ports?.business ?? 0 }),
  ])
  const failure = started.find((result) => result.status === 'rejected')
  if (failure) {
    // One port was taken: close the ones that did start, or they keep the process alive.
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)))
    throw failure.reason
  }
  const [population, land, business] = started.map((result) => (result as PromiseFulfilledResult<SandboxServer>).value) as [
    SandboxServer,
    SandboxServer,
    SandboxServer,
  ]
  return {
    world,
    population,
    land,
    business,
    close: async () => {
      await Promise.all([population.close(), land.close(), business.close()])
    },
  }
}

/** What the land and business registries are given on their sandboxes, which take any: synthetic, development only. */
export const LAND_SANDBOX_ACCOUNT = { username: 'lgsp-sandbox', password: 'sandbox-land-password' }
export const BUSINESS_SANDBOX_API_KEY = 'sandbox-business-key'

/** The key every replay sandbox asks for: synthetic, development only (production refuses sandboxes). */
export const REPLAY_SANDBOX_API_KEY = 'sandbox-described-key'
/** The OAuth client every replay sandbox issues tokens to: synthetic, development only. */
export const REPLAY_SANDBOX_CLIENT = { id: 'lgsp-replay-client', secret: 'sandbox-described-client-secret' }

/** What a source answered by its replay sandbox at `url` is given: the sandbox's key, or its client and token endpoint. */
export function replayCredentials(plan: ConnectorPlan, url: string): { apiKey?: string; oauthClient?: { id: string; secret: string }; tokenUrl?: string } {
  if (plan.auth.kind === 'oauthClientCredentials') return { oauthClient: REPLAY_SANDBOX_CLIENT, tokenUrl: new URL(REPLAY_TOKEN_PATH, url).href }
  return plan.auth.kind === 'apiKey' ? { apiKey: REPLAY_SANDBOX_API_KEY } : {}
}

export interface ReplaySandboxes {
  /** connector name → its sandbox's base URL */
  urls: ReadonlyMap<string, string>
  servers: readonly SandboxServer[]
  close(): Promise<void>
}

/**
 * One replay sandbox per source connected by description, each answering from the examples of its
 * own description (connectors/described/replay-sandbox.ts), on loopback.
 */
export async function startReplaySandboxes(plans: readonly ConnectorPlan[], host = '127.0.0.1'): Promise<ReplaySandboxes> {
  const started = await Promise.allSettled(
    plans.map((plan) =>
      serveSandbox(plan.name, createReplaySandbox(plan.source, { apiKey: REPLAY_SANDBOX_API_KEY, client: REPLAY_SANDBOX_CLIENT }), { host, port: 0 }),
    ),
  )
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  const failure = started.find((result) => result.status === 'rejected')
  if (failure) {
    await Promise.all(servers.map((server) => server.close()))
    throw failure.reason
  }
  return {
    urls: new Map(servers.map((server) => [server.name, server.url])),
    servers,
    close: async () => {
      await Promise.all(servers.map((server) => server.close()))
    },
  }
}
