/**
 * The peer target (e) as a process of its own: composes the supergraph, serves it with Hive
 * Gateway's runtime (`createGatewayRuntime`) on node:http at 127.0.0.1 on a free port, prints one
 * line `BENCH_READY {"url":…}` and stops on SIGTERM. Run from the repo root as
 * `node --import tsx load-tests/peer/server.ts` with BENCH_UPSTREAMS, PEER_POPULATION_API_KEY and
 * NODE_ENV=production (load-tests/bench/peer-target.ts does).
 *
 * No auth, policy, audit or limits: the gateway as installed, plus the unit code list
 * (admin-units.ts) and the SOAP transport keeping text as text (soap-strings.ts).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createGatewayRuntime } from '@graphql-hive/gateway'
import { adminUnitResolvers, adminUnitTypeDefs } from './admin-units.js'
import { composeSupergraph } from './compose.js'
import { soapTransportKeepingText } from './soap-strings.js'

const HOST = '127.0.0.1'

async function main(): Promise<void> {
  const supergraph = await composeSupergraph()
  const soap = await soapTransportKeepingText()
  const gateway = createGatewayRuntime({
    supergraph,
    // The transports the supergraph names, given explicitly so `soap` is the module patched above.
    transports: { soap: soap as never, rest: import('@graphql-mesh/transport-rest') as never },
    additionalTypeDefs: adminUnitTypeDefs,
    additionalResolvers: adminUnitResolvers(),
    graphqlEndpoint: '/graphql',
    logging: 'error',
    landingPage: false,
    graphiql: false,
  })
  const server = createServer(gateway)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await gateway.dispose()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop())
  process.on('SIGINT', () => void stop())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, resolve)
  })
  process.stdout.write(`BENCH_READY ${JSON.stringify({ url: `http://${HOST}:${(server.address() as AddressInfo).port}` })}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`peer server failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
