import type { IResolvers } from '@graphql-tools/utils'
import type { ConnectorName } from './connector-error.js'
import type { RegistryLoaders } from './loaders.js'
import type { Pager } from './paging.js'
import type { CircuitStateName } from './resilience.js'
import type { RequestScope } from './upstream-fetch.js'

/**
 * What resolvers see of the GraphQL context: the request scope, the batch loaders, and the pager
 * that cuts their lists into pages (the gateway's: it owns the cursors and knows what the caller
 * may see).
 */
export interface ConnectorContext {
  scope: RequestScope
  loaders: RegistryLoaders
  pager: Pager
}

export interface HealthReport {
  ok: boolean
  latencyMs: number
  detail?: string
}

/**
 * A registry connector as the gateway wires it. `resolvers` close over the connector instance;
 * `createLoaders` is called once per GraphQL request.
 */
export interface RegistryConnector<L extends Partial<RegistryLoaders> = Partial<RegistryLoaders>> {
  readonly name: ConnectorName
  readonly resolvers: IResolvers<unknown, ConnectorContext>
  createLoaders(scope: RequestScope): L
  /** A cheap probe for `/readyz`. Never throws. */
  health(signal?: AbortSignal): Promise<HealthReport>
  /** The circuit breaker's state of this registry's client (`closed` when resilience is off). */
  circuit(): CircuitStateName
}
