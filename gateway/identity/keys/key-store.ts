import type { KeySet } from './keyset.js'

/**
 * Where the gateway's key set persists (a port: the core never touches a file): the encrypted
 * file store (`file-key-store.node.ts`) for a data directory, a database table later, memory in
 * tests. Instances sharing one store see each
 * other's writes through `revision()`.
 */
export interface KeyStore {
  /** The stored set, or null when none was saved yet. Throws when it exists but cannot be read. */
  load(): Promise<KeySet | null>
  /** Replaces the stored set as one atomic write. */
  save(set: KeySet): Promise<void>
  /** Cheap change marker, e.g. mtime or version: differs after every save. Null when nothing is stored. */
  revision(): Promise<string | null>
}

/** A stored key set exists but cannot be used (corrupt, tampered, wrong passphrase …). */
export class KeyStoreError extends Error {
  override name = KeyStoreError.name
}

/**
 * A key store in memory: for tests, and for a single process that may lose its keys on restart.
 * Sets are copied in and out, so callers cannot change what is stored by mutating an object.
 *
 * @example
 * const keys = createGatewayKeys({ store: createMemoryKeyStore() })
 */
export function createMemoryKeyStore(initial: KeySet | null = null): KeyStore {
  let stored = initial ? structuredClone(initial) : null
  let version = stored ? 1 : 0
  return {
    async load() {
      return stored ? structuredClone(stored) : null
    },
    async save(set) {
      stored = structuredClone(set)
      version += 1
    },
    async revision() {
      return stored ? String(version) : null
    },
  }
}
