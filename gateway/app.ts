import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { createGraphiQLPage } from './http/graphiql.js'
import { GRAPHIQL_TOKEN_PATH, graphiqlTokenRoutes } from './http/graphiql-token.js'
import { discoveryRoutes } from './discovery/index.js'
import { timeout } from 'hono/timeout'
import type { AuditKind } from './audit/event.js'
import { allConnectors, type Connectors } from '../connectors/index.js'
import { typeDefs } from '../schemas/index.js'
import type { GatewayDeps, ReadinessCheck } from './deps.js'
import { silentLogger } from './logger.js'
import type { GatewayEnv } from './env.js'
import { errorResponse, GatewayError } from './errors.js'
import { bodyLimit } from './http/body-limit.js'
import { strictQueryString } from './http/utf8.js'
import { except } from 'hono/combine'
import { matchedRoutes } from 'hono/route'
import { corsAllowList } from './http/cors.js'
import { createRequestState } from './graphql/request-state.js'
import { createGraphQLHandler } from './graphql/yoga.js'
import { createCursorCodec, CURSOR_KEY_LABEL } from './graphql/paging/cursor-codec.js'
import { tokenRoutes } from './identity/token-endpoint.js'
import { contractRoutes } from './contract/routes.js'
import { auditApiRoutes } from './admin/audit-api.js'
import { consoleRoutes, type ConsoleOptions } from './admin/console/index.js'
import { operationsRoutes } from './admin/ops/index.js'
import { accessHistoryRoutes } from './http/access-history.js'
import { accessLog } from './http/access-log.js'
import { verifySandboxCitizenToken } from './identity/citizen-token.js'
import { callerAuth } from './http/caller-auth.js'
import { errorHandler, notFoundHandler } from './http/error-handler.js'
import { healthRoutes } from './http/health.js'
import { blobRoutes } from './http/blobs.js'
import { createProofs } from './http/proofs.js'
import { dossierStatusRoutes } from './http/dossier-status.js'
import { CITIZEN_LOGIN_KEY_LABEL, citizenLoginRoutes } from './http/citizen-login.js'
import { requestId } from './http/request-id.js'
import { requestTracing, tracedAuth } from './http/tracing.js'
import { disabledTelemetry } from './telemetry/index.js'
import { CONTRACT_VERSION } from './contract/index.js'
import { rateLimitHeaders, retryAfterSeconds } from './ratelimit/index.js'
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from './exchange/index.js'

const DEFAULT_BODY_LIMIT = 256 * 1024
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000
/** Applying a policy set through the operations API: every agency's document at once. */
const OPS_POLICIES_PATH = '/admin/api/ops/policies'
const OPS_BODY_LIMIT = 16 * 1024 * 1024
const OPS_TIMEOUT_MS = 10 * 60_000
/** GraphiQL's starting headers: the ones a caller needs, to be filled in (`npx lgsp token`). */
// ASCII only: a browser refuses to send a header holding any other character, even a placeholder.
const graphiqlHeaders = JSON.stringify({ Authorization: 'Bearer <npx lgsp token --agency AGENCY>', 'X-Purpose': '' }, null, 2)

function registryChecks(connectors: Connectors): ReadinessCheck[] {
  return allConnectors(connectors).map((connector) => ({
    name: `registry:${connector.name}`,
    critical: false,
    check: (signal: AbortSignal) => connector.health(signal),
  }))
}

const JSON_ANSWERS = new Set(['application/graphql-response+json', 'application/json', 'application/*', '*/*'])

/**
 * GraphQL over POST takes JSON only: a form or text body is what a cross-site page could send.
 * It answers JSON only, too: a client that accepts none is told so at once (406 in the error
 * contract), where Yoga would run the operation and then answer 406 with an empty body.
 */
const requireJson: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json' && type !== 'application/graphql-response+json') {
    return errorResponse(c, 'BAD_USER_INPUT', 'Send GraphQL requests as application/json', 415)
  }
  const accept = c.req.header('accept')
  if (accept && !accept.split(',').some((range) => JSON_ANSWERS.has(range.split(';')[0]!.trim().toLowerCase()))) {
    return errorResponse(c, 'BAD_USER_INPUT', 'GraphQL answers are JSON: accept application/json or application/graphql-response+json', 406)
  }
  await next()
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
  const tokenHelper = graphiql && (deps.devTokenHelper ?? true)
  const { rateLimiter } = deps
  const yoga = createGraphQLHandler({
    connectors: deps.connectors,
    logger,
    policies: deps.policies,
    cursors: createCursorCodec(() => deps.identity.sealing.sealingKeys(CURSOR_KEY_LABEL)),
    ...(deps.keyedHash ? { keyedHash: deps.keyedHash } : {}),
    ...(rateLimiter ? { rateLimiter } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    counters: deps.counters ?? deps.identity.store,
    subjectHash: deps.audit.hash,
    compiledExecution: deps.compiledExecution ?? true,
    ...(deps.exchange ? { exchange: { ...deps.exchange, policies: deps.policies, hash: deps.audit.hash, instance: deps.audit.instance } } : {}),
  })
  // The agency registry follows the policy documents: a suspension rolled out takes effect at once.
  deps.policies.onReplace((_active, set) => deps.identity.registry.replace(set.agencies))
  const app = new Hono<GatewayEnv>()
  const proofs = createProofs({
    key: () => deps.identity.signingKeys.signingKey(),
    issuer: deps.identity.issuer,
    agencyRequires: (agency) => deps.policies.current().agencies.get(agency)?.signResponses === true,
    policyVersion: () => deps.policies.current().version,
    ...(deps.signatureCrypto ? { primitives: deps.signatureCrypto } : {}),
  })

  app.use('*', requestId())
  // Outside everything but the request id: the request's span covers its signing and audit commit too.
  app.use('*', requestTracing(deps.telemetry ?? disabledTelemetry))
  // Outside every other layer but the request id and the span (which change no answer): it signs what actually leaves.
  app.use('*', proofs.signatureMiddleware)
  app.use('*', secureHeaders())
  // CORS for the browser origins the operator lists, none otherwise: tokens are bearer tokens,
  // never cookies, so a page elsewhere can read nothing, and an unlisted origin gets no grant.
  app.use('*', corsAllowList(deps.corsOrigins ?? []))
  const requestLimit = bodyLimit({
    maxSize: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    onError: (c) => errorResponse(c, 'BAD_USER_INPUT', 'The request body is too large', 413),
  })
  // Document parts have their own limit (10 MB), set on their route, and so does a policy set
  // applied through the operations API (a province's agencies outgrow the API's 256 KB); everything else this one.
  const ownLimit = (c: Context<GatewayEnv>) =>
    (deps.exchange && c.req.method === 'PUT' && c.req.path.startsWith('/v1/blobs/')) || (deps.operations && c.req.path === OPS_POLICIES_PATH)
  /** What a request may not get past: a body over its limit, a query string that is not UTF-8. */
  const bodyGuard: MiddlewareHandler<GatewayEnv> = (c, next) => (ownLimit(c) ? next() : requestLimit(c, next))
  const queryGuard = strictQueryString()
  // On an audited route the guards run inside its access log (see `audited`), so a request they
  // refuse is recorded like any other; every other route meets them here.
  const auditEntries = new WeakSet<object>()
  const reachesAuditedRoute = (c: Context<GatewayEnv>) => matchedRoutes(c).some((route) => auditEntries.has(route.handler))
  app.use('*', except(reachesAuditedRoute, bodyGuard, queryGuard))
  app.onError(errorHandler(logger))
  app.notFound(notFoundHandler)

  const { identity } = deps
  const authenticate = tracedAuth(callerAuth(identity))
  const storeCheck: ReadinessCheck = {
    name: `shared-store:${identity.store.kind}`,
    // Without it replays cannot be refused, so no token is issued (503, retried by clients), but
    // tokens already issued keep working and rate limits fall back to per-instance ones: every
    // instance shares this Redis, so "unready" would take the whole gateway out of rotation.
    critical: false,
    check: (signal) => identity.store.ping(signal),
  }
  const limiterChecks: ReadinessCheck[] = rateLimiter
    ? [
        {
          name: `rate-limiter:${rateLimiter.kind}`,
          critical: false,
          check: async (signal) => (rateLimiter.degraded ? { ok: false, detail: 'degraded: per-instance limits' } : rateLimiter.ping(signal)),
        },
      ]
    : []
  const liveState = () => (rateLimiter ? { rateLimiter: { kind: rateLimiter.kind, degraded: rateLimiter.degraded ?? false } } : {})
  app.route('/', healthRoutes([storeCheck, ...limiterChecks, ...registryChecks(deps.connectors), ...(deps.readiness ?? [])], logger, liveState))
  const clientIp = deps.clientIp ?? (() => undefined)
  const logAccess = accessLog({ ...deps.audit, logger, ...(deps.metrics ? { metrics: deps.metrics } : {}) })
  // Inside the access log, so a request cut off by the deadline is recorded with its 503.
  const deadline = timeout(
    deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    () =>
      new GatewayError('INTERNAL_SERVER_ERROR', 'The request took too long and was stopped; retry shortly', { status: 503, headers: { 'retry-after': '1' } }),
  )
  // Separate middleware, not one combined: Hono turns the deadline's exception into the 503 response
  // before the access log's `finally` reads the status (a combined one would see the error pass).
  // The receipt inside the access log: the event it names records its hash before the answer leaves.
  // The input guards right inside it: a request they refuse is one audit event, as a 401 or a 429
  // is, and it never reaches the receipt, which would read the body the limit refused unread.
  type Handler = MiddlewareHandler<GatewayEnv>
  const audited = (kind: AuditKind): [Handler, Handler, Handler, Handler, Handler] => {
    const entry = logAccess(kind)
    auditEntries.add(entry)
    return [entry, bodyGuard, queryGuard, proofs.receiptMiddleware(kind === 'access.graphql'), deadline]
  }
  app.use('/oauth/token', ...audited('token.issued'))
  const reports = deps.conformance
  // A partner whose policy requires it gets tokens only with a green report under the contract in force.
  const clientGate = async (agencyId: string): Promise<string | null> => {
    if (deps.policies.current().agencies.get(agencyId)?.exchange?.requireConformance !== true) return null
    if (!reports) return `agency ${agencyId} requires a conformance report, and this gateway keeps none`
    return reports.clearance(agencyId, CONTRACT_VERSION, identity.keyHistory().keys)
  }
  app.route('/', tokenRoutes({ ...identity, clientGate, ...(rateLimiter ? { attempts: { limiter: rateLimiter, clientIp } } : {}) }))
  app.route('/', contractRoutes([...typeDefs, ...deps.connectors.described.map((source) => source.plan.sdl)]))
  app.route('/', discoveryRoutes({ issuer: identity.issuer, ...(deps.referenceAssets ? { assets: deps.referenceAssets } : {}) }))

  const graphiqlPage = createGraphiQLPage({
    title: 'LGSP Gateway',
    endpoint: '/graphql',
    headers: graphiqlHeaders,
    ...(tokenHelper ? { tokenHelper: GRAPHIQL_TOKEN_PATH } : {}),
  })
  if (tokenHelper) {
    // A development token from GraphiQL's page: never in production, audited like the token endpoint.
    app.on('POST', GRAPHIQL_TOKEN_PATH, ...audited('token.issued'))
    const attempts = rateLimiter ? { attempts: { limiter: rateLimiter, clientIp } } : {}
    app.route('/', graphiqlTokenRoutes({ registry: identity.registry, tokens: identity.tokens, policies: deps.policies, clientIp, ...attempts }))
  }
  app.get('/graphql', async (c) => {
    // GET serves GraphiQL to a browser outside production (the page itself holds no data);
    // data is read with POST only, so a link or an <img> cannot make a browser run a query.
    if (graphiql && (c.req.header('accept') ?? '').includes('text/html')) {
      const { html, csp } = await graphiqlPage()
      c.header('content-security-policy', csp)
      return c.html(html)
    }
    return errorResponse(c, 'BAD_USER_INPUT', 'Use POST for GraphQL requests', 405, { allow: 'POST' })
  })
  // The national e-ID's ID tokens when one is configured; the sandbox citizen token stands in for
  // it outside production only.
  const sandboxCitizen =
    deps.mode === 'production' ? async () => null : (token: string) => verifySandboxCitizenToken(identity.signingKeys, identity.issuer, token)
  const eid = identity.citizenEid
  const eidCitizen = eid
    ? (token: string) =>
        eid.verifier.verify(token).catch((error: unknown) => {
          // The provider unreachable names no citizen: a 401, and the log says why.
          logger.warn({ err: error }, 'national e-ID provider unreachable')
          return null
        })
    : null
  const verifyCitizen = async (token: string): Promise<string | null> => (eidCitizen ? await eidCitizen(token) : null) ?? (await sandboxCitizen(token))
  const { reader } = deps.audit
  if (reader) {
    app.use('/v1/access-history', ...audited('access.history'))
    app.route('/', accessHistoryRoutes({ reader, hash: deps.audit.hash, verifyCitizen, policies: deps.policies }))
    app.use('/admin/api/audit', ...audited('audit.searched'))
    app.use('/admin/api/audit/probing', ...audited('audit.searched'))
    app.route('/', auditApiRoutes({ reader, hash: deps.audit.hash, keys: identity.signingKeys, issuer: identity.issuer }))
  }
  app.post('/graphql', ...audited('access.graphql'), requireJson, authenticate, async (c) => {
    const state = createRequestState()
    const idempotency = parseIdempotencyKey(c.req.header(IDEMPOTENCY_KEY_HEADER))
    if (idempotency && !idempotency.ok) return errorResponse(c, 'BAD_USER_INPUT', idempotency.message, 400)
    const response = await yoga.fetch(c.req.raw, {
      requestId: c.get('requestId'),
      caller: c.get('caller'),
      requestContext: c.get('requestContext'),
      audit: c.get('audit'),
      trace: c.get('trace'),
      state,
      ...(idempotency ? { idempotencyKey: idempotency.key } : {}),
    })
    if (state.body !== undefined) c.set('requestJson', state.body)
    const { rateLimit } = state
    // Yoga's answer is one JSON document (no batching, no streaming): handed on as a string, the
    // Node adapter writes it at once, where a stream body costs a reader, copies and a timer tick.
    const headers = new Headers(response.headers)
    if (rateLimit.decision) {
      deps.metrics?.rateLimit(c.get('caller')?.agencyId ?? 'none', rateLimit.decision.allowed, rateLimit.decision.scope)
      // The limit headers (and Retry-After on a 429) come from the decision.
      for (const [name, value] of Object.entries(rateLimitHeaders(rateLimit.decision))) headers.set(name, value)
    }
    // A grant limit's refusal (per subject, per officer) waits until its window ends.
    if (rateLimit.retryAfterMs !== undefined && response.status === 429) headers.set('retry-after', String(retryAfterSeconds(rateLimit.retryAfterMs)))
    const text = await response.text()
    const body = await proofs.prove(c, { status: response.status, body: text, contentType: headers.get('content-type') }, headers)
    return new Response(body, { status: response.status, statusText: response.statusText, headers })
  })
  if (deps.exchange) {
    app.use('/v1/dossiers/status', ...audited('dossier.looked_up'))
    app.use('/v1/my-dossiers', ...audited('dossier.looked_up'))
    app.route(
      '/',
      dossierStatusRoutes({
        store: deps.exchange.store,
        hash: deps.audit.hash,
        verifyCitizen,
        ...(rateLimiter ? { attempts: { limiter: rateLimiter, clientIp } } : {}),
      }),
    )
    if (eid?.clientSecret) {
      app.use('/v1/citizen/*', ...audited('dossier.looked_up'))
      app.route(
        '/',
        citizenLoginRoutes({
          eid: eid.verifier,
          clientId: eid.clientId,
          clientSecret: eid.clientSecret,
          ...(eid.acr ? { acr: eid.acr } : {}),
          baseUrl: identity.issuer,
          store: deps.exchange.store,
          sealingKeys: () => identity.sealing.sealingKeys(CITIZEN_LOGIN_KEY_LABEL),
          secureCookie: identity.issuer.startsWith('https:'),
        }),
      )
    }
    app.on('PUT', '/v1/blobs/*', ...audited('blob.stored'), authenticate)
    app.on('GET', '/v1/blobs/*', ...audited('blob.read'), authenticate)
    app.route('/', blobRoutes({ ...deps.exchange, policies: deps.policies, ...(rateLimiter ? { attempts: { limiter: rateLimiter, clientIp } } : {}) }))
  }
  if (deps.operations) {
    const { policies } = deps
    const { loadSet } = deps.operations
    // Verifying or trimming a long trail takes longer than an API request may: a deadline of its own.
    const opsDeadline = timeout(OPS_TIMEOUT_MS, () => new GatewayError('INTERNAL_SERVER_ERROR', 'The operation took too long and was stopped', { status: 503 }))
    const opsEntry = logAccess('admin.action')
    auditEntries.add(opsEntry)
    app.use('/admin/api/ops/*', opsEntry, opsDeadline, bodyGuard, queryGuard)
    app.use(OPS_POLICIES_PATH, bodyLimit({ maxSize: OPS_BODY_LIMIT, onError: (c) => errorResponse(c, 'BAD_USER_INPUT', 'The policy set is too large', 413) }))
    app.route(
      '/',
      operationsRoutes({
        ...deps.operations,
        hash: deps.audit.hash,
        keys: identity.signingKeys,
        issuer: identity.issuer,
        clientIp,
        // This instance serves a changed version at once; the others follow within their poll.
        policyChanged: async () => {
          const snapshot = await deps.operations!.policyStore.active()
          if (snapshot && snapshot.version !== policies.current().version) policies.replace(loadSet(snapshot.files), snapshot.version)
        },
      }),
    )
  }
  if (deps.console) {
    // Every console request is one audit event (who, which action); the JSON API has its own kind.
    const audit = [audited('admin.action')].flat()
    const attempts = rateLimiter ? { attempts: { limiter: rateLimiter, clientIp } } : {}
    // The simulator's masked result: the whole request path (policy, masks, audit) as the agency's
    // client, the operator named as the end user. Never in production (see ConsoleOptions.run).
    const run: ConsoleOptions['run'] = async (input) => {
      const { token } = await identity.tokens.issue({ clientId: input.clientId, agencyId: input.agency })
      const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': input.purpose }
      if (input.caseId) headers['x-case-id'] = input.caseId
      if (input.endUser) headers['x-end-user'] = input.endUser
      const res = await app.request('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: input.query }) })
      return { status: res.status, body: await res.json() }
    }
    app.route(
      '/',
      consoleRoutes({
        ...deps.console,
        ...(deps.exchange
          ? { exchange: { outbox: deps.exchange.outbox, store: deps.exchange.store, ...(deps.conformance ? { conformance: deps.conformance } : {}) } }
          : {}),
        policies: deps.policies,
        connectors: deps.connectors,
        hash: deps.audit.hash,
        audit,
        ...attempts,
        ...(deps.mode === 'production' ? {} : { run }),
      }),
    )
  }
  return app
}
