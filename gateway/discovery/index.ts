// The gateway's discovery documents: the OpenAPI 3.1 document of its own REST API, its reference
// page, and the GraphQL SDL they point to. Node-only pieces (the reference page's assets, the
// `npm run schema:print` script) are `*.node.ts` files beside these, imported by the entries only.
export { graphqlSdl } from '../contract/index.js'
export { DOCUMENTED_ROUTES } from './documented-routes.js'
export { gatewayOpenApi, REST_API_VERSION } from './openapi.js'
export { OPENAPI_PATH, REFERENCE_PATH } from './operations-docs.js'
export { createReferencePage, type ReferenceAssets, type ReferencePage } from './reference-page.js'
export { TAGS, type Caller, type Method, type RouteDoc, type Tag } from './route-doc.js'
export { discoveryRoutes, type DiscoveryOptions } from './routes.js'
