import type { OpenAPIObject, OperationObject, PathItemObject, PathsObject, SecurityRequirementObject } from 'openapi3-ts/oas31'
import { gatewayComponents } from './components.js'
import { DOCUMENTED_ROUTES } from './documented-routes.js'
import { TAGS, type Caller, type RouteDoc } from './route-doc.js'

/** Raised with a change to a documented route that a caller must notice. */
export const REST_API_VERSION = '1.0.0'

/** Each caller's token (the metrics listener asks for one only when METRICS_TOKEN is set). */
const SECURITY: Record<Caller, SecurityRequirementObject[]> = {
  public: [],
  agency: [{ bearer: [] }],
  citizen: [{ citizen: [] }],
  staff: [{ staff: [] }],
  metrics: [{ metrics: [] }, {}],
}

const DESCRIPTION = [
  "The gateway's own HTTP routes beside its GraphQL API: tokens and keys, document parts, a citizen's own channels, the auditors' API,",
  'health and metrics, and where this document and the contract are published. The data itself is read through `POST /graphql`, whose',
  'schema is the GraphQL SDL (`GET /v1/contract/schema.graphql`), not this document. What partner systems build against, the signed push',
  'they serve included, is the partner contract (`GET /v1/contract/partner-openapi.json`).',
  '',
  '**Errors.** Every error answer is the error contract, `{ "error": { "code", "message", "requestId" } }` (`ErrorBody`), its `code` one of',
  'the closed set `ErrorCode`; each error answer below names the codes it can carry (`x-lgsp-codes`). Any route may also answer 500',
  '`INTERNAL_SERVER_ERROR`, with no detail. Three answers are not the contract, for their clients read another shape: the token endpoint',
  'answers RFC 6749 errors (`OAuthError`), the metrics listener answers Prometheus in plain text, and an unready `/readyz` (503) is its',
  'readiness report, for load balancers. GraphQL answers carry their errors in `errors[].extensions.code` from the same set.',
  '',
  '**Not described:** the console under `/admin` and `/transparency` (HTML pages for people), and GraphiQL’s development token helper',
  '(a part of the GraphiQL page, outside production only).',
].join('\n')

/** The operation as the document prints it: its security from its caller, where it is served, when. */
function operationOf(route: RouteDoc): OperationObject {
  return {
    ...route.operation,
    security: SECURITY[route.caller],
    ...(route.servers ? { servers: route.servers } : {}),
    ...(route.servedWhen ? { 'x-lgsp-served-when': route.servedWhen } : {}),
  }
}

/**
 * The OpenAPI 3.1 document of the gateway's own REST API, served at `/openapi.json`: one path item
 * per documented route, built from `DOCUMENTED_ROUTES` (add a route there, not here). `issuer` is
 * the gateway's public URL, its only server.
 */
export function gatewayOpenApi(options: { issuer: string; routes?: readonly RouteDoc[] }): OpenAPIObject {
  const paths: PathsObject = {}
  for (const route of options.routes ?? DOCUMENTED_ROUTES) {
    const item: PathItemObject = (paths[route.path] ??= {})
    if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is described twice`)
    item[route.method] = operationOf(route)
  }
  return {
    openapi: '3.1.0',
    info: { title: 'LGSP Gateway: REST API', version: REST_API_VERSION, description: DESCRIPTION },
    servers: [{ url: options.issuer.replace(/\/$/, ''), description: 'This gateway (its issuer)' }],
    tags: TAGS.map((tag) => ({ ...tag })),
    paths,
    components: gatewayComponents(),
  }
}
