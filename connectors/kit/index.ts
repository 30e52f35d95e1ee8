/**
 * The connector kit: what every registry connector shares. Connectors import only this folder
 * (and `schemas/` validators), never each other and never `gateway/`.
 */
export * from './canonical.js'
export type { ConnectorContext, HealthReport, RegistryConnector } from './connector.js'
export { ConnectorError, isConnectorError, type ConnectorErrorContext, type ConnectorName, type UpstreamErrorCode } from './connector-error.js'
export { fromCompactDate, fromDmyDate, fromDmyFullDate, partialDate, partsOf, toCompactDate, toDmyDate } from './dates.js'
export { holderKey, parseHolderKey, type HolderRef, type RegistryLoaders } from './loaders.js'
export {
  cutPage,
  MAX_PAGE_SIZE,
  MAX_SCAN_READS,
  pageSize,
  userInputError,
  type CutOptions,
  type ListWindow,
  type PageArgs,
  type PageCut,
  type Pager,
  type PageSource,
  positionPager,
} from './paging.js'
export { mapUpstream, parseUpstream } from './parse-upstream.js'
export { personNameOf } from './person-name.js'
export {
  clientOptionsOf,
  createUpstream,
  type RegistryClientOptions,
  type RequestScope,
  type Upstream,
  type UpstreamAttempt,
  type UpstreamCall,
  type UpstreamOptions,
  type UpstreamSpan,
  type UpstreamRequest,
  type UpstreamResponse,
} from './upstream-fetch.js'
export { fetchWithoutRedirects, RedirectRefusedError } from './no-redirect.js'
export { fetchTransport, type TransportRequest, type TransportResponse, type UpstreamTransport } from './upstream-transport.js'
export { createResilience, DEFAULT_RETRIES, type CircuitStateName, type Resilience, type ResilienceOptions } from './resilience.js'
export { addressTextOf, adminUnitResolvers, findUnit, withPredecessorCodes } from './admin-units/index.js'
export { formatParcelKey, normaliseParcelKey, parseParcelKey, type ParcelKeyParts } from './parcel-key.js'
