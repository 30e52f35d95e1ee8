// The Redis adapter (./redis.ts, ioredis) is Node-only and imported by gateway/entry/* alone.
export {
  DEFAULT_KEY_PREFIX,
  MAX_CLAIM_TTL_MS,
  MAX_KEY_LENGTH,
  SharedStoreUnavailableError,
  type SharedStore,
  type SharedStorePing,
} from './shared-store.js'
export { createMemorySharedStore, MemorySharedStore, positiveInteger, sweepExpired, unrefTimer, type MemorySharedStoreOptions } from './memory.js'
