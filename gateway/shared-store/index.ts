// The Redis adapter (./redis.node.ts, ioredis) is Node-only and imported by gateway/entry/* alone.
export {
  COUNTER_GRACE_MS,
  DEFAULT_KEY_PREFIX,
  MAX_CLAIM_TTL_MS,
  MAX_COUNTERS,
  MAX_KEY_LENGTH,
  MAX_WINDOW_MS,
  SharedStoreUnavailableError,
  type CounterState,
  type CountResult,
  type SharedStore,
  type SharedStorePing,
  type WindowCounter,
} from './shared-store.js'
export { createMemorySharedStore, MemorySharedStore, sweepExpired, type MemorySharedStoreOptions } from './memory.js'
