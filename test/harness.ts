/**
 * In-process gateway for tests: the three sandbox registries run as real HTTP servers on
 * 127.0.0.1, the gateway is called through `app.request()` (no port of its own).
 */
import { createConnectors } from '../connectors/index.js'
import { POPULATION_SANDBOX_API_KEY, startSandboxes, type Sandboxes, type WorldOptions } from '../connectors/sandboxes.js'
import { createGateway } from '../gateway/index.js'
import { createTestIdentity } from './identity.js'

export interface TestGatewayOptions {
  world?: WorldOptions
  /** Upstream deadline. @default 1000 */
  timeoutMs?: number
}

export interface GraphQLResponse {
  status: number
  headers: Headers
  body: {
    data?: Record<string, any> | null
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>
  }
}

export async function createTestGateway(options: TestGatewayOptions = {}) {
  const sandboxes: Sandboxes = await startSandboxes({ citizens: 600, parcels: 300, enterprises: 200, ...options.world })
  const connectors = createConnectors({
    population: { baseUrl: sandboxes.population.url, apiKey: POPULATION_SANDBOX_API_KEY },
    land: { baseUrl: sandboxes.land.url },
    business: { baseUrl: sandboxes.business.url },
    timeoutMs: options.timeoutMs ?? 1000,
  })
  const identity = await createTestIdentity()
  const app = createGateway({ connectors, mode: 'test', identity: identity.deps })
  const defaultToken = await identity.token()

  async function graphql(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse> {
    const res = await app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${defaultToken}`, ...headers },
      body: JSON.stringify({ query, variables }),
    })
    return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse['body'] }
  }

  function resetHits(): void {
    for (const sandbox of [sandboxes.population, sandboxes.land, sandboxes.business]) sandbox.resetHits()
  }

  function clearFaults(): void {
    for (const sandbox of [sandboxes.population, sandboxes.land, sandboxes.business]) {
      sandbox.setFaults({ latencyMs: 0, errorRate: 0, malformedRate: 0, hang: false })
    }
  }

  return { app, graphql, identity, sandboxes, world: sandboxes.world, resetHits, clearFaults, close: () => sandboxes.close() }
}

export type TestGateway = Awaited<ReturnType<typeof createTestGateway>>
