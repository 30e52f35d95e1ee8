export { createGatewayKeys, type GatewayKeys, type GatewayKeysOptions, type SealingKeys } from './gateway-keys.js'
export { createMemoryKeyStore, KeyStoreError, type KeyStore } from './key-store.js'
export {
  ensureKeySet,
  generateKey,
  historicJwks,
  keyHistory,
  keyHistoryDocument,
  KeySetError,
  parseKeySet,
  prune,
  publicJwks,
  rotate,
  signingKey,
  toPublicJwk,
  type ArchivedKey,
  type KeyHistoryEntry,
  type KeySet,
  type PublishedHistoryKey,
  type RotateOptions,
  type StoredKey,
} from './keyset.js'
export { createSecretKeyStore, type SecretKeyStoreOptions } from './secret-key-store.js'
export { keyedHashWithSecret } from './keyed-hash.js'
