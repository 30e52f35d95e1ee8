export { parseAgencyDocuments, type LoadProblem, type LoadResult, type PolicyFile } from './load.js'
export { parsePolicySet, PROCEDURES_FILE, PURPOSES_FILE, type PolicySet, type PolicySetResult } from './policy-set.js'
export { agencyIdentitySchema, clientSchema, jurisdictionSchema, stableId, type AgencyIdentity, type ClientDocument } from './schema/agency.js'
export { agencyDocumentSchema, type AgencyDocument } from './schema/policy.js'
export {
  className,
  condition,
  coordinatePattern,
  fieldCoordinate,
  GRANT_LIMIT_COSTS,
  grantLimitsSchema,
  grantSchema,
  limitsSchema,
  maskSpec,
  purposeCode,
  purposeSchema,
  purposesDocumentSchema,
  type Condition,
  type Grant,
  type GrantLimits,
  type Limits,
  type MaskSpec,
  type Purpose,
} from './schema/grant.js'
export * from './evaluate/index.js'
export { exchangeEndpointSchema, procedureCode, procedureSchema, proceduresDocumentSchema, type ExchangeEndpoint, type Procedure } from './schema/procedure.js'
