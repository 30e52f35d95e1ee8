/**
 * One process under test, spawned by bench.ts so the load generator and the server each have a
 * core of their own: `node --import tsx load-tests/bench/server.ts <target>`, where target is
 *
 *   sandboxes   the three sandbox registries (no artificial latency), shared by every target
 *   yoga        (a) bare graphql-yoga over buildGatewaySchema(connectors), nothing else
 *   gateway     (b)/(c) the full gateway: auth, policy, limits, audit; embedded stores (memory
 *               rate limiter, PGlite on disk) or, with REDIS_URL and DATABASE_URL, Redis + PostgreSQL
 *   graphql-js  (d) node:http + graphql-js `execute` with parsed, validated documents cached
 *   workers     (w) the gateway's Workers entry on workerd, on DATABASE_URL (with PGUSER)
 *
 * It listens on 127.0.0.1 only and prints one line `BENCH_READY <json>`; SIGTERM stops it.
 * Environment: BENCH_UPSTREAMS (JSON: population/land/business URLs), BENCH_DATA_DIR, REDIS_URL,
 * DATABASE_URL, BENCH_FLUSH_DELAY_MS (the audit writer's group-commit delay).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { execute, parse, validate, type DocumentNode } from 'graphql'
import { createYoga } from 'graphql-yoga'
import { createConnectors, createRegistryLoaders, positionPager, type Connectors, type RequestScope, type UpstreamTransport } from '../../connectors/index.js'
import { createPooledTransport } from '../../connectors/kit/pooled-transport.node.js'
import { POPULATION_SANDBOX_API_KEY, startSandboxes } from '../../connectors/sandboxes.js'
import { sandboxRegistries } from '../../gateway/entry/canonical.js'
import { buildGatewaySchema } from '../../gateway/graphql/schema.js'

import { TOKENS_PATH } from './processes.js'
import { subjectsOf } from './scenarios.js'

export const HOST = '127.0.0.1'
const target = process.argv[2]
const closers: Array<() => Promise<unknown>> = []

function ready(info: object): void {
  process.stdout.write(`BENCH_READY ${JSON.stringify(info)}\n`)
}

/**
 * The connectors over the sandboxes. `pooled`: the registry transport the Node entry ships
 * (keep-alive undici pool); otherwise the connectors' default, `fetch`, which is what a project
 * that takes the connectors into its own Yoga server gets.
 */
function connectorsFromEnv(pooled: boolean): Connectors {
  const urls = JSON.parse(process.env.BENCH_UPSTREAMS ?? '{}') as { population: string; land: string; business: string }
  let transport: UpstreamTransport | undefined
  if (pooled) {
    const pool = createPooledTransport()
    closers.push(() => pool.close())
    transport = pool.send
  }
  return createConnectors({
    population: { baseUrl: urls.population, apiKey: POPULATION_SANDBOX_API_KEY },
    ...sandboxRegistries({ land: urls.land, business: urls.business }),
    timeoutMs: 5000,
    ...(transport ? { transport } : {}),
  })
}

/** BENCH_TRANSPORT=pooled|fetch overrides a target's registry transport (to measure it alone). */
const pooledFor = (byDefault: boolean) => (process.env.BENCH_TRANSPORT ? process.env.BENCH_TRANSPORT === 'pooled' : byDefault)

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, () => resolve(`http://${HOST}:${(server.address() as AddressInfo).port}`))
  })
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

async function sandboxes(): Promise<void> {
  const started = await startSandboxes({ host: HOST })
  closers.push(() => started.close())
  ready({ upstreams: { population: started.population.url, land: started.land.url, business: started.business.url }, subjects: subjectsOf(started.world) })
}

function scopeFor(requestId: string, signal?: AbortSignal): RequestScope {
  return signal ? { requestId, signal } : { requestId }
}

async function bareYoga(): Promise<void> {
  const connectors = connectorsFromEnv(pooledFor(false))
  const yoga = createYoga({
    schema: buildGatewaySchema(connectors),
    graphqlEndpoint: '/graphql',
    logging: false,
    context: ({ request }) => {
      const scope = scopeFor(crypto.randomUUID(), request.signal)
      return { scope, loaders: createRegistryLoaders(connectors, scope), pager: positionPager }
    },
  })
  const server = createServer(yoga)
  closers.push(() => new Promise((r) => server.close(r)))
  ready({ url: await listen(server) })
}

async function plainGraphqlJs(): Promise<void> {
  const connectors = connectorsFromEnv(pooledFor(false))
  const schema = buildGatewaySchema(connectors)
  const documents = new Map<string, DocumentNode>()
  const server = createServer(async (req, res) => {
    const { query, variables } = JSON.parse(await readBody(req)) as { query: string; variables?: Record<string, unknown> }
    let document = documents.get(query)
    if (!document) {
      document = parse(query)
      const errors = validate(schema, document)
      if (errors.length) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors }))
        return
      }
      documents.set(query, document)
    }
    const scope = scopeFor(crypto.randomUUID())
    const result = await execute({
      schema,
      document,
      variableValues: variables ?? null,
      contextValue: { scope, loaders: createRegistryLoaders(connectors, scope), pager: positionPager },
    })
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result))
  })
  closers.push(() => new Promise((r) => server.close(r)))
  ready({ url: await listen(server) })
}

async function fullGateway(): Promise<void> {
  const { startBenchGateway } = await import('./gateway-target.js')
  const started = await startBenchGateway(connectorsFromEnv(pooledFor(true)))
  closers.push(...started.closers)
  const server = await new Promise<Server>((resolve, reject) => {
    // `/__bench/tokens` mints fresh access tokens (they live five minutes; a run is longer).
    const fetch = (request: Request) =>
      request.url.endsWith(TOKENS_PATH) ? started.mintTokens().then((tokens) => Response.json(tokens)) : started.app.fetch(request)
    const s = serve({ fetch, port: 0, hostname: HOST }, () => resolve(s as Server)) as Server
    s.once('error', reject)
  })
  closers.unshift(() => new Promise((r) => server.close(r)))
  ready({ url: `http://${HOST}:${(server.address() as AddressInfo).port}`, tokens: started.tokens, stores: started.stores })
}

async function workersGateway(): Promise<void> {
  const { startWorkersTarget } = await import('./workers-target.js')
  ready(await startWorkersTarget(JSON.parse(process.env.BENCH_UPSTREAMS ?? '{}'), closers))
}

/** One stop however many signals come (Ctrl-C reaches the runner and this process alike). */
let stopping: Promise<void> | null = null
function stop(): Promise<void> {
  stopping ??= (async () => {
    for (const close of closers) await close().catch(() => undefined)
    process.exit(0)
  })()
  return stopping
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())

const targets: Record<string, () => Promise<void>> = { sandboxes, yoga: bareYoga, gateway: fullGateway, 'graphql-js': plainGraphqlJs, workers: workersGateway }
const start = target ? targets[target] : undefined
if (!start) {
  process.stderr.write(`usage: server.ts ${Object.keys(targets).join('|')}\n`)
  process.exit(2)
}
start().catch((error: unknown) => {
  process.stderr.write(`bench server ${target} failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  void stop().finally(() => process.exit(1))
})
