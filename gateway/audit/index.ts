export { canonicalJson } from './canonical.js'
export { GENESIS_HASH, linkBatch, linkHash, type ChainLink } from './chain.js'
export {
  CHECKPOINT_TYPE,
  createCheckpointSigner,
  verifyCheckpointJws,
  type CheckpointPayload,
  type CheckpointSigner,
  type SignedCheckpoint,
} from './checkpoint.js'
export { AuditDecision, AuditEventError, AuditKind, auditEventSchema, parseAuditEvent, type AuditEvent, type ConnectorCallSummary } from './event.js'
export { verifyAuditTrail, verifyTrail, type VerifyFinding, type VerifyOptions, type VerifyReport } from './verify.js'
export { sqlTrailSource, type AuditCheckpointRow, type AuditEventRow, type TrailSource } from './trail-source.js'
export { AuditUnavailableError } from './unavailable.js'
export { createAuditWriter, type AuditWriter, type AuditWriterOptions, type AuditWriterStatus } from './writer.js'
export { buildAuditEvent, decisionOf, type EventInput } from './build-event.js'
export { createAuditDraft, type AuditDraft } from './draft.js'
export { applyRetention, type RetentionResult } from './retention.js'
export { accessHistory, AuditQueryError, auditQuerySchema, parseAuditQuery, searchAudit, type AuditPage, type AuditQuery, type HistoryEntry } from './search.js'
export { createMemoryAuditSink, type AuditSink, type MemoryAuditSink } from './sink.js'
export { actionEvent, type ActionInput } from './action-event.js'
export { CSV_COLUMNS, csvField, csvHeader, csvRow, jsonlRow } from './export.js'
export { createStepChains, type StepChains, type StepChainsOptions } from './step-chains.js'
export { AUDIT_WRITER_OBJECT, auditWriterObjectClass, createDurableObjectAuditSink, type DurableObjectAuditSink } from './durable-object.js'
