export { DOSSIER_STATUSES, portalCode, statusOfPortalCode, vietnameseName, type DossierStatus, type PortalStatusCode } from './status.js'
export {
  decideStep,
  stepsFrom,
  TRANSITIONS,
  type DossierPosition,
  type DossierStep,
  type HolderAfter,
  type StepDecision,
  type Transition,
} from './transitions.js'
export {
  createDossierStore,
  newDossier,
  nextDossier,
  PORTAL_RECEIVER,
  stepMessage,
  type Dossier,
  type DossierStore,
  type DossierStoreOptions,
  type NewDossier,
  type OutboxMessage,
  type ProgressEntry,
  type StepOptions,
  type StepResult,
  type StepMessage,
  type DossierPart,
  type StoredPart,
  type CopyType,
  type StepAudit,
} from './dossier-store.js'
export { retryDelayMs, type BackoffOptions } from './backoff.js'
export { createOutbox, describeWait, isMessageId, type ClaimedMessage, type Outbox, type OutboxOptions, type ReceiverSummary } from './outbox.js'
export { BlobError, createDatabaseBlobStore, isBlobHash, MAX_BLOB_BYTES, type Blob, type BlobStore, type StoredBlob } from './blob-store.js'
export {
  createDeliveryWorker,
  httpPush,
  pushTarget,
  type DeliveryOptions,
  type DeliveryRound,
  type DeliveryWorker,
  type Push,
  type PushOutcome,
  type PushSigner,
  type ReceiverEndpoint,
} from './delivery.js'
export { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey, requestHash, type IdempotencyKeyHeader } from './idempotency.js'
export { createExchangeResolvers, dossierView, STEP_MUTATIONS, type DossierView, type ExchangeService } from './resolvers.js'
export { receiptMatches, receiptSecret } from './receipt.js'
