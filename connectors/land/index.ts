/**
 * The land registry (CSDL đất đai) connector: SOAP 1.1 client, mapping to canonical `LandParcel`,
 * and resolvers for `schemas/land.graphql.ts`. The sandbox (Node only) is exported from
 * `./sandbox/index.js`, never from here, so the runtime import graph stays free of Node modules.
 */
export {
  createLandConnector,
  type LandConnector,
  type LandConnectorOptions,
} from './connector.js'
export type { LandQueries } from './operations.js'
export { createLandResolvers } from './resolvers.js'
export { mapParcel } from './map.js'
export { normaliseParcelKey, parseParcelKey } from '../kit/index.js'
