/**
 * Population registry connector (CSDLQG về dân cư): citizens, households, identity verification.
 * The sandbox (Node only) is exported from `./sandbox/index.js`, never from here, so the runtime
 * import graph stays free of Node modules.
 */
export {
  createPopulationConnector,
  type PopulationConnector,
  type PopulationConnectorOptions,
  type PopulationLoaders,
} from './connector.js'
export type { PopulationOperations, VerifyCitizenInput } from './operations.js'
export { createPopulationResolvers } from './resolvers.js'
