import { createYoga, type YogaServerInstance } from 'graphql-yoga'
import { useCompiledExecution } from './compiled-execution.js'
import { createRegistryLoaders, type Connectors, type Pager, type RequestScope, type UpstreamCall } from '../../connectors/index.js'
import type { KeyedHash } from '../../policies/index.js'
import type { Logger } from '../logger.js'
import { noopMetrics, type Metrics } from '../metrics/index.js'
import type { PolicyRuntime } from '../policy/index.js'
import type { RateLimiter } from '../ratelimit/index.js'
import type { SharedStore } from '../shared-store/index.js'
import type { GatewayContext, GatewayServerContext } from './context.js'
import { createMaskError } from './mask-error.js'
import type { CursorCodec } from './paging/cursor-codec.js'
import { guardSchema } from './enforce/guard-schema.js'
import { useErrorContract } from './plugins/use-error-contract.js'
import { useNoSubscriptions } from './plugins/use-no-subscriptions.js'
import { useOneStepPerMutation } from './plugins/use-one-step-per-mutation.js'
import type { ExchangeService } from '../exchange/resolvers.js'
import { useStrictJsonBody } from './plugins/use-strict-json-body.js'
import { useViewValidation } from './plugins/use-view-validation.js'
import { createViewCache } from './enforce/view-cache.js'
import { useGrantLimits } from './plugins/use-grant-limits.js'
import { useAuditTrail } from './plugins/use-audit-trail.js'
import { useQueryLimits } from './plugins/use-query-limits.js'
import { useTrustedDocuments } from './plugins/use-trusted-documents.js'
import { usePolicy } from './plugins/use-policy.js'
import { useRateLimit } from './plugins/use-rate-limit.js'
import { buildGatewaySchema } from './schema.js'
import { upstreamTracing } from '../telemetry/index.js'

export interface GraphQLHandlerOptions {
  connectors: Connectors
  logger: Logger
  policies: PolicyRuntime
  /** Seals and opens the paging cursors (keys from the gateway keys). */
  cursors: CursorCodec
  keyedHash?: KeyedHash
  /** Agency rate limits and quotas; absent: none enforced. */
  rateLimiter?: RateLimiter
  /** Upstream calls are reported here as well as in the audit draft. @default none */
  metrics?: Metrics
  /** Grant limits per subject and per officer are counted here (shared by every instance). */
  counters: SharedStore
  /** Keyed hash of subjects and officers in the counters' keys (the audit trail's). */
  subjectHash: KeyedHash
  /** The dossier exchange behind the mutations and `Query.dossier`; absent: not enabled. */
  exchange?: ExchangeService
  /** Compiled execution (graphql-jit): needs a runtime that allows generated code. */
  compiledExecution: boolean
}

/**
 * The Yoga instance behind `/graphql`: schema built once, errors masked, batching off, a fresh set
 * of DataLoaders per request so cross-registry links are batched and never shared between callers.
 */
export function createGraphQLHandler(options: GraphQLHandlerOptions): YogaServerInstance<GatewayServerContext, GatewayContext> {
  // Every resolver wrapped once, here: the request's decision applies however a record is reached.
  const schema = guardSchema(buildGatewaySchema(options.connectors, options.exchange))
  const metrics = options.metrics ?? noopMetrics
  // One set of per-agency views for introspection and for the wording of validation errors.
  const views = createViewCache({ schema, policies: options.policies })
  return createYoga<GatewayServerContext, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // GraphiQL is served by the app's GET route, outside production only; Yoga never answers GET.
    graphiql: false,
    landingPage: false,
    batching: false,
    // Only JSON bodies (checked by the route too): no form or multipart posts a web page could
    // send cross-origin without a preflight, and no CORS echo of the caller's Origin.
    cors: false,
    multipart: false,
    // The app's body limit (gateway/http/body-limit.ts) has already decided before Yoga runs.
    // Yoga's own check would read `request.body`, forcing the Node adapter to wrap the socket in
    // web streams on every request (a measured cost) to count bytes a second time.
    maxRequestBodySize: false,
    logging: false,
    maskedErrors: { maskError: createMaskError(options.logger) },
    context: ({ request, requestId, audit, state, trace }) => {
      const recordCall = audit
        ? (call: UpstreamCall) => {
            audit.calls.push(call)
            metrics.upstream(call)
          }
        : (call: UpstreamCall) => metrics.upstream(call)
      const traceAttempt = trace ? upstreamTracing(trace) : undefined
      const scope: RequestScope = { requestId, signal: request.signal, recordCall, traceAttempt }
      // The pager comes with the policy decision (usePolicy, into the request state): before it,
      // paging fails closed.
      const pager: Pager = { page: (source, args, info) => state.pager.page(source, args, info) }
      return { scope, loaders: createRegistryLoaders(options.connectors, scope), pager } as GatewayContext
    },
    plugins: [
      // Compiled execution, first: a plugin after it that replaces execution — the policy's,
      // running introspection on the agency's view or refusing it — must win.
      ...(options.compiledExecution ? [useCompiledExecution(schema)] : []),
      // Replaces Yoga's JSON body parser: bytes that are not UTF-8 are refused, not patched.
      useStrictJsonBody(),
      // Trusted documents first: an agency in enforce mode sends ids, and the text comes from its policy.
      ...useTrustedDocuments({ policies: options.policies }),
      // Query abuse, refused in parsing and validation before any policy or registry work.
      useQueryLimits(),
      useNoSubscriptions(),
      useOneStepPerMutation(),
      usePolicy({ schema, policies: options.policies, views, cursors: options.cursors, ...(options.keyedHash ? { keyedHash: options.keyedHash } : {}) }),
      // After the policy (a refused request costs nothing), before execution (no registry call).
      ...(options.rateLimiter
        ? [
            useRateLimit({
              schema,
              policies: options.policies,
              limiter: options.rateLimiter,
              logger: options.logger,
              describedRegistries: Object.fromEntries(options.connectors.described.map((source) => [source.plan.name, source.plan.sdl])),
            }),
          ]
        : []),
      // After the agency's rate (refused there, no subject is counted); one verification per
      // request, checked at validation; per-subject and per-officer limits before any registry call.
      useGrantLimits({ schema, policies: options.policies, store: options.counters, hash: options.subjectHash, logger: options.logger, metrics }),
      // Before the error contract, which then stamps the view's errors like any other.
      useViewValidation({ views }),
      useErrorContract(),
      // Last: reads the final error codes for the audit event.
      useAuditTrail(),
    ],
  })
}
