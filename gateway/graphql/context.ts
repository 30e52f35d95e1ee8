import type { ConnectorContext } from '../../connectors/index.js'

/** What the Hono route hands to Yoga for each request. */
export interface GatewayServerContext {
  requestId: string
}

/** The one GraphQL context type (style.md rule 13): connectors' context plus the server's. */
export type GatewayContext = ConnectorContext & GatewayServerContext
