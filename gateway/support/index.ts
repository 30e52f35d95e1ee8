// Small runtime-neutral helpers more than one concern needs. Nothing here knows about requests,
// policies or registries.
export { positiveInteger } from './options.js'
export { reuseOnceBuilt } from './reuse.js'
export { hex, sha256Hex, sha256HexOfBytes } from './sha256.js'
export { unrefTimer } from './timers.js'
export {
  alarmNoEarlierThan,
  liveValue,
  objectClient,
  storedObjectClass,
  sweepExpiredEntries,
  type Expiring,
  type ObjectClient,
  type ObjectNamespace,
  type ObjectRoute,
  type ObjectState,
  type ObjectStorage,
} from './durable-object.js'
