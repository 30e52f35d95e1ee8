/**
 * Workers entry (workerd, or Cloudflare): the module wrangler.toml names. It exports the Worker
 * and the three Durable Object classes its bindings name. The gateway is built by the first
 * request an isolate serves; what runs on Node and not here is said then, once.
 */
import { createAuditWriter, createCheckpointSigner } from '../audit/index.js'
import { auditWriterObjectClass } from '../audit/durable-object.js'
import { ConfigError } from '../config.js'
import { openPostgresPerCall } from '../database/postgres.workers.js'
import { RateLimitObject } from '../ratelimit/durable-object.js'
import { SharedStoreObject } from '../shared-store/durable-object.js'
import { NOT_ON_WORKERD, openSecretGatewayKeys, parseAuditWriterConfig } from './workers-config.js'
import type { WorkersGateway } from './workers-gateway.js'
import { createConsoleLogger, logLevelOf } from './workers-logger.js'

export { RateLimitObject, SharedStoreObject }

type Env = Record<string, unknown>

/**
 * One chain per deployment: the object opens the same PostgreSQL and signs its checkpoints with
 * the gateway's current key, as a Node process's writer does.
 */
export const AuditWriterObject = auditWriterObjectClass<Env>(async (env) => {
  const { config, database, gatewayKeys } = parseAuditWriterConfig(env)
  const keys = await openSecretGatewayKeys(gatewayKeys, config)
  return createAuditWriter({
    db: openPostgresPerCall(database),
    instance: config.INSTANCE_ID ?? 'workerd',
    sign: createCheckpointSigner(() => keys.signingKey()),
    commitTimeoutMs: config.AUDIT_COMMIT_TIMEOUT_MS,
    logger: createConsoleLogger(config.LOG_LEVEL),
  })
})

let gateway: WorkersGateway | undefined

/** Never the problem itself to the caller: it names settings. The log has it. */
const notReady = () =>
  new Response(JSON.stringify({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'The gateway is not ready: see its log', requestId: 'unknown' } }), {
    status: 503,
    headers: { 'content-type': 'application/json', 'retry-after': '5' },
  })

export default {
  async fetch(request: Request, env: Env, ctx: unknown): Promise<Response> {
    if (!gateway) {
      const logger = createConsoleLogger(logLevelOf(env.LOG_LEVEL))
      try {
        // Loaded here, not at the top: a library the registries use (cockatiel) makes an
        // AbortController when its module is evaluated, which workerd forbids outside a handler.
        // The bundler evaluates a module imported this way on first use.
        const [{ buildWorkersGateway }, { default: texts }] = await Promise.all([import('./workers-gateway.js'), import('./workers-texts.generated.js')])
        const built = await buildWorkersGateway(env, texts, logger)
        if (!gateway) {
          gateway = built
          logger.info({ runtime: 'workerd', notServedHere: NOT_ON_WORKERD }, 'LGSP Gateway ready on workerd')
        }
      } catch (error) {
        logger.error(
          error instanceof ConfigError ? { problems: error.problems } : { err: error },
          error instanceof ConfigError ? 'invalid configuration' : 'the gateway could not start',
        )
        return notReady()
      }
    }
    return gateway.fetch(request, ctx)
  },
}
