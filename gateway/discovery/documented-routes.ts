import { ADMIN_ROUTES } from './admin-docs.js'
import { ADMIN_OPS_ROUTES } from './admin-ops-docs.js'
import { CITIZEN_ROUTES } from './citizen-docs.js'
import { EXCHANGE_ROUTES } from './exchange-docs.js'
import { GRAPHQL_ROUTES } from './graphql-docs.js'
import { IDENTITY_ROUTES } from './identity-docs.js'
import { OPERATIONS_ROUTES } from './operations-docs.js'
import type { RouteDoc } from './route-doc.js'

/**
 * Every route of the gateway's own REST API that `/openapi.json` describes, in the order it lists
 * them. A new route is a new entry in one of these lists (a new area, a new list here): the drift
 * test (`test/openapi/document.test.ts`) fails while the gateway serves a route no entry
 * describes, or an entry describes a route it does not serve.
 */
export const DOCUMENTED_ROUTES: readonly RouteDoc[] = [
  ...IDENTITY_ROUTES,
  ...GRAPHQL_ROUTES,
  ...EXCHANGE_ROUTES,
  ...CITIZEN_ROUTES,
  ...ADMIN_ROUTES,
  ...ADMIN_OPS_ROUTES,
  ...OPERATIONS_ROUTES,
]
