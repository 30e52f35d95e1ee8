/**
 * The canonical encoding the chain hashes: JSON with object keys sorted (by UTF-16 code units,
 * as RFC 8785 does), no whitespace, `undefined` members left out. The same event always encodes
 * to the same text, whatever order its members were built in or a database returned them in.
 * One implementation serves the trail, idempotency and receipts: the dependency-free verification
 * module a department imports (`verify/`), so what the gateway hashes and what a department
 * checks cannot drift apart.
 */
export { canonicalJson } from '../../verify/index.js'
