export { CONTRACT_VERSION, contractDocuments, graphqlSdl, stepMessageJsonSchema, type ContractDocument } from './contract.js'
export { apiComponents, gatewayError, gatewayPaths, json, partnerOpenApi, quoted, ref, type OpenApiDocument } from './openapi.js'
export { CONTRACT_PATH, contractRoutes } from './routes.js'
