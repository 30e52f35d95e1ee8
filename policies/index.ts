export { parseAgencyDocuments, type LoadProblem, type LoadResult, type PolicyFile } from './load.js'
export { agencyIdentitySchema, clientSchema, jurisdictionSchema, stableId, type AgencyIdentity, type ClientDocument } from './schema/agency.js'
