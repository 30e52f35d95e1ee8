import { createHash } from 'node:crypto'
import { hostname } from 'node:os'
import { createAuditWriter, createCheckpointSigner, type AuditWriter } from '../audit/index.js'
import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import type { GatewayKeys } from '../identity/keys/index.js'
import type { Database } from '../database/index.js'

/** node:crypto's SHA-256: the same digest as WebCrypto's, synchronous and far cheaper per call. */
export const nodeSha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

/** This process's name in the trail: INSTANCE_ID, else host and pid. */
export function instanceName(config: Pick<Config, 'INSTANCE_ID'>, role = 'gw'): string {
  return (
    config.INSTANCE_ID ??
    `${role}-${hostname()
      .replace(/[^A-Za-z0-9.-]/g, '_')
      .slice(0, 40)}-${process.pid}`
  )
}

/**
 * The audit writer of a Node process (gateway or CLI): its own chain in the configured database,
 * checkpoints signed with the gateway's current key.
 */
export function openAuditWriter(
  db: Database,
  keys: GatewayKeys,
  config: Pick<Config, 'INSTANCE_ID' | 'AUDIT_COMMIT_TIMEOUT_MS'>,
  logger?: Logger,
  role = 'gw',
): AuditWriter {
  return createAuditWriter({
    db,
    instance: instanceName(config, role),
    sign: createCheckpointSigner(() => keys.signingKey()),
    commitTimeoutMs: config.AUDIT_COMMIT_TIMEOUT_MS,
    sha256: nodeSha256,
    ...(logger ? { logger } : {}),
  })
}
