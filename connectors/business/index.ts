/** The business registry connector (CSDL quốc gia về đăng ký doanh nghiệp). */
export { createBusinessConnector, type BusinessConnector, type BusinessConnectorOptions, type EnterpriseSearch } from './connector.js'
export { createBusinessResolvers } from './resolvers.js'
