/** The business registry connector (CSDL quốc gia về đăng ký doanh nghiệp). */
export { createBusinessConnector, type BusinessConnector, type BusinessConnectorOptions } from './connector.js'
export type { EnterpriseSearch, EnterpriseSearcher } from './operations.js'
export { createBusinessResolvers } from './resolvers.js'
