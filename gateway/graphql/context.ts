import type { ConnectorContext } from '../../connectors/index.js'
import type { Caller, RequestContext } from '../identity/caller.js'

/** What the Hono route hands to Yoga for each request: who calls, and what they declared. */
export interface GatewayServerContext {
  requestId: string
  caller: Caller
  requestContext: RequestContext
}

/** The one GraphQL context type (style.md rule 13): connectors' context plus the server's. */
export type GatewayContext = ConnectorContext & GatewayServerContext
