/** The one Hono environment type of the gateway (style.md rule 13). */
export interface GatewayEnv {
  Variables: {
    requestId: string
  }
}
