export { CONTRACT_VERSION, contractDocuments, stepMessageJsonSchema, type ContractDocument } from './contract.js'
export { partnerOpenApi, type OpenApiDocument } from './openapi.js'
export { CONTRACT_PATH, contractRoutes } from './routes.js'
