export { canonicalFiles, diffFileSets, digestInput } from './files.js'
export {
  createPolicyStore,
  PolicyStoreError,
  PolicyValidationError,
  PolicyVersionConflictError,
  type ApplyOptions,
  type ApplyResult,
  type PolicySnapshot,
  type PolicyStore,
  type PolicyStoreOptions,
  type PolicyVersion,
  type PolicyVersionSummary,
} from './policy-store.js'
export { createPolicyWatcher, type PolicyWatcher, type PolicyWatcherOptions } from './watcher.js'
