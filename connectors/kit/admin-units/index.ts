export { adminUnits, currentCommunesByProvince, legacyCommuneSuccessor, REFORM_DATE, type AdminLevel, type AdminUnitRecord } from './data.js'
export { addressTextOf, findUnit, fullNameOf, predecessorsOf, successorsOf, withPredecessorCodes } from './lookup.js'
export { adminUnitResolvers } from './resolvers.js'
