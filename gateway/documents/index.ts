// The signature of a dossier's document part: detached CMS or signed PDF, against a trust list.
// The sandbox PKI (sandbox-pki.ts) and the trust-list directory reader
// (trust-list-files.node.ts) are imported by path, so neither reaches the gateway core.
export { checkDocumentSignature, type DocumentSignatureInput } from './check.js'
export { checkDetachedCms } from './cms.js'
export { checkPdfSignature } from './pades.js'
export type { DocumentSignature, SignatureVerdict } from './signature-status.js'
export { emptyTrustList, type ParseTrustListOptions, parseTrustList, type TrustList, TrustListError } from './trust-list.js'
