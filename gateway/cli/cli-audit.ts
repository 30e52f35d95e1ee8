/**
 * What CLI commands share for the audit trail: the gateway keys from DATA_DIR (to sign a chain's
 * checkpoints and to verify old ones) and a short-lived writer whose chain holds this run's
 * actions, closed with a final checkpoint.
 */
import { userInfo } from 'node:os'
import type { Config } from '../config.js'
import { actionEvent, type AuditEvent, type AuditKind } from '../audit/index.js'
import { openAuditWriter } from '../entry/audit.js'
import { createFileKeyStore } from '../identity/keys/file-key-store.node.js'
import { createGatewayKeys, type GatewayKeys } from '../identity/keys/index.js'
import type { Database } from '../database/index.js'

export async function openCliKeys(config: Config): Promise<GatewayKeys> {
  const keys = createGatewayKeys({
    store: createFileKeyStore({ dir: config.DATA_DIR, ...(config.GATEWAY_KEYS_PASSPHRASE ? { passphrase: config.GATEWAY_KEYS_PASSPHRASE } : {}) }),
    refreshMs: 0,
  })
  await keys.init()
  return keys
}

/**
 * Who runs the CLI, for the `actor` of its events: the OS account from the system's user
 * database, not `$USER`, which is often unset in containers.
 */
export function cliActor(): string {
  let name: string
  try {
    name = userInfo().username
  } catch {
    name = `uid-${process.getuid?.() ?? 'unknown'}`
  }
  return `cli:${name.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 60) || 'unknown'}`
}

/** Records one action of this CLI run as an audit event, committed before it returns. */
export async function recordCliAction(config: Config, db: Database, kind: AuditKind, detail: AuditEvent['detail'], keys?: GatewayKeys): Promise<void> {
  const ownKeys = keys ?? (await openCliKeys(config))
  const writer = openAuditWriter(db, ownKeys, config, undefined, 'cli')
  try {
    await writer.record(actionEvent({ kind, actor: cliActor(), instance: writer.writer.split('/')[0]!, ...(detail ? { detail } : {}) }))
  } finally {
    await writer.close()
    if (!keys) ownKeys.close()
  }
}
