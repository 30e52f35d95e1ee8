// The metrics port. Its Node adapter (prom-client and the /metrics listener) is prom.node.ts, which
// only the Node entry imports.
export * from './metrics.js'
