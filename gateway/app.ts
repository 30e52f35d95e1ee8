import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import type { Connectors } from '../connectors/index.js'
import { silentLogger, type GatewayDeps, type ReadinessCheck } from './deps.js'
import type { GatewayEnv } from './env.js'
import { errorResponse } from './errors.js'
import { createGraphQLHandler } from './graphql/yoga.js'
import { errorHandler, notFoundHandler } from './http/error-handler.js'
import { healthRoutes } from './http/health.js'
import { requestId } from './http/request-id.js'

const DEFAULT_BODY_LIMIT = 256 * 1024

function registryChecks(connectors: Connectors): ReadinessCheck[] {
  return Object.values(connectors).map((connector) => ({
    name: `registry:${connector.name}`,
    critical: false,
    check: (signal: AbortSignal) => connector.health(signal),
  }))
}

/**
 * Builds the gateway's Hono app from its dependencies. Runtime-neutral: no `process`, no `node:*`;
 * the entry for each runtime wires the adapters and calls this once.
 * @example
 * const app = createGateway({ connectors, mode: 'development' })
 * const res = await app.request('/graphql', { method: 'POST', body: JSON.stringify({ query }) })
 */
export function createGateway(deps: GatewayDeps): Hono<GatewayEnv> {
  const logger = deps.logger ?? silentLogger
  const graphiql = deps.mode !== 'production'
  const yoga = createGraphQLHandler({ connectors: deps.connectors, logger, graphiql })
  const app = new Hono<GatewayEnv>()

  app.use('*', requestId())
  app.use('*', secureHeaders())
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
      onError: (c) => errorResponse(c, 'BAD_USER_INPUT', 'The request body is too large', 413),
    }),
  )
  app.onError(errorHandler(logger))
  app.notFound(notFoundHandler)

  app.route('/', healthRoutes([...registryChecks(deps.connectors), ...(deps.readiness ?? [])]))

  app.post('/graphql', (c) => yoga.fetch(c.req.raw, { requestId: c.get('requestId') }))
  app.get('/graphql', (c) => {
    // GET serves GraphiQL to a browser outside production; data is read with POST only, so a
    // link or an <img> cannot make a caller's browser run a query.
    if (graphiql && (c.req.header('accept') ?? '').includes('text/html')) {
      return yoga.fetch(c.req.raw, { requestId: c.get('requestId') })
    }
    return errorResponse(c, 'BAD_USER_INPUT', 'Use POST for GraphQL requests', 405, { allow: 'POST' })
  })
  return app
}
