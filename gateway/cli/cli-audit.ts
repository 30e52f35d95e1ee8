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

/** The OS account running the CLI, from the system's user database: `$USER` is often unset in containers. */
export function osUser(): string {
  try {
    return userInfo().username
  } catch {
    return `uid-${process.getuid?.() ?? 'unknown'}`
  }
}

/** Who runs the CLI, for the `actor` of its events. */
export const cliActor = (): string =>
  `cli:${
    osUser()
      .replace(/[^A-Za-z0-9._@-]/g, '_')
      .slice(0, 60) || 'unknown'
  }`

/**
 * The audit chain of one CLI run that records several actions (an export of many pages): one
 * writer, one chain, closed with its final checkpoint when the run ends.
 */
export function openCliRecorder(config: Config, db: Database, keys: GatewayKeys) {
  const writer = openAuditWriter(db, keys, config, undefined, 'cli')
  const instance = writer.writer.split('/')[0]!
  return {
    record: (kind: AuditKind, detail: AuditEvent['detail']) => writer.record(actionEvent({ kind, actor: cliActor(), instance, ...(detail ? { detail } : {}) })),
    close: () => writer.close(),
  }
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
