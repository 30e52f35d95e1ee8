export { CONTRACT_VERSION, contractDocuments, type ContractDocument } from './contract.js'
