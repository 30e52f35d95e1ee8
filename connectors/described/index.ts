/**
 * Connectors described as data: a source's OpenAPI description and a mapping file, checked at
 * load and run by one engine (no code per source). Runtime-neutral; the folder reader is in
 * `folders.node.ts`, the replay sandbox (a development registry) in `replay-sandbox.ts`.
 */
export { canonicalCatalog, type CanonicalCatalog } from './canonical-catalog.js'
export { createDescribedConnector, type DescribedConnector, type DescribedConnectorOptions } from './connector.js'
export { ConnectorFilesError, DescriptionError, MappingError, type SourceDescription } from './description.js'
export { loadDescribedConnector, type ConnectorFiles } from './load.js'
export { folderTextsAsRead, loadFolderTexts, MAPPING_FILE, type FolderTexts } from './folder-texts.js'
export { readOpenApi } from './openapi.js'
export { readWsdl } from './wsdl.js'
export type { ConnectorPlan } from './plan.js'
