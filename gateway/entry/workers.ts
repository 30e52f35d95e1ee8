/**
 * Workers entry (workerd, or Cloudflare): the module wrangler.toml names. It exports the Worker
 * and the three Durable Object classes its bindings name. The gateway is built by the first
 * request an isolate serves; what runs on Node and not here is said then, once.
 */
import { createAuditWriter, createCheckpointSigner } from '../audit/index.js'
import { auditWriterObjectClass } from '../audit/durable-object.js'
import { openPostgresPerCall } from '../database/postgres.workers.js'
import { RateLimitObject } from '../ratelimit/durable-object.js'
import { SharedStoreObject } from '../shared-store/durable-object.js'
import type { Logger } from '../logger.js'
import { NOT_ON_WORKERD, openSecretGatewayKeys, parseAuditWriterConfig, unservedSettings } from './workers-config.js'
import type { WorkersGateway } from './workers-gateway.js'
import { createConsoleLogger, logLevelOf } from './workers-logger.js'
import { isolateStart } from './workers-start.js'

export { RateLimitObject, SharedStoreObject }

type Env = Record<string, unknown>

/**
 * One chain per deployment: the object opens the same PostgreSQL and signs its checkpoints with
 * the gateway's current key, as a Node process's writer does.
 */
export const AuditWriterObject = auditWriterObjectClass<Env>(
  async (env) => {
    const { config, database, gatewayKeys } = parseAuditWriterConfig(env)
    const keys = await openSecretGatewayKeys(gatewayKeys, config)
    return createAuditWriter({
      db: openPostgresPerCall(database),
      instance: config.INSTANCE_ID ?? 'workerd',
      sign: createCheckpointSigner(() => keys.signingKey()),
      commitTimeoutMs: config.AUDIT_COMMIT_TIMEOUT_MS,
      logger: createConsoleLogger(config.LOG_LEVEL),
    })
  },
  (env) => createConsoleLogger(logLevelOf(env.LOG_LEVEL)),
)

type Start = ReturnType<typeof isolateStart<WorkersGateway>>
let start: Start | undefined

async function build(env: Env, logger: Logger): Promise<WorkersGateway> {
  // Loaded here, not at the top: a library the registries use (cockatiel) makes an
  // AbortController when its module is evaluated, which workerd forbids outside a handler.
  // The bundler evaluates a module imported this way on first use.
  const [{ buildWorkersGateway }, { default: texts }] = await Promise.all([import('./workers-gateway.js'), import('./workers-texts.generated.js')])
  const gateway = await buildWorkersGateway(env, texts, logger)
  logger.info({ runtime: 'workerd', notServedHere: NOT_ON_WORKERD.map((item) => item.what) }, 'LGSP Gateway ready on workerd')
  const unserved = unservedSettings(env)
  if (unserved.length > 0) logger.warn({ settings: unserved }, 'settings given for what this runtime does not serve: they have no effect here')
  return gateway
}

export default {
  async fetch(request: Request, env: Env, ctx: unknown): Promise<Response> {
    if (!start) {
      const logger = createConsoleLogger(logLevelOf(env.LOG_LEVEL))
      start = isolateStart(() => build(env, logger), logger)
    }
    const started = await start()
    return 'response' in started ? started.response : started.gateway.fetch(request, ctx)
  },
}
