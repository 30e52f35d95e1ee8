/**
 * The operator commands, once: creating a console account, applying, activating and rolling back
 * policy versions, listing and comparing them, verifying, exporting and trimming the audit trail.
 *
 * Two callers run them. The gateway's operations API runs them inside the process that holds
 * the database (an embedded database admits one process), and the CLI runs them itself when no
 * gateway runs. Both get the same checks, the same results and the same audit event: each
 * operation says which event it is (`audit`), and the caller records it with its own actor.
 */
import type { JWK } from 'jose'
import type { KeyedHash, PolicyFile } from '../../../policies/index.js'
import {
  applyRetention,
  AuditQueryError,
  parseAuditQuery,
  searchAudit,
  verifyAuditTrail,
  type AuditEvent,
  type AuditKind,
  type AuditPage,
  type RetentionResult,
  type VerifyReport,
} from '../../audit/index.js'
import type { Database } from '../../database/index.js'
import { diffFileSets, PolicyStoreError, PolicyValidationError, type ApplyResult, type PolicyStore } from '../../policy/store/index.js'
import { ACCOUNT_NAME, createAccount, findAccount } from '../console/accounts.js'
import { hashPassword } from '../console/password.js'
import { newTotpSecret } from '../console/totp.js'
import type { StaffRole } from '../staff-token.js'

/** TCVN 11930 level 3 keeps logs three months: retention never cuts younger events. */
export const MIN_RETENTION_DAYS = 90
/** A century: beyond it a cutoff is no date PostgreSQL keeps. */
export const MAX_RETENTION_DAYS = 36_500
export const MIN_PASSWORD_LENGTH = 12
/** What the export is written as, by whoever writes it (recorded with each page). */
export type ExportFormat = 'jsonl' | 'csv'
export const isExportFormat = (value: unknown): value is ExportFormat => value === 'jsonl' || value === 'csv'

/** Events per export page: one page is one audit event of its own. */
export const EXPORT_PAGE_SIZE = 500
const DAY_MS = 86_400_000

/** What an operation needs from the gateway's ports. */
export interface OperationsDeps {
  db: Database
  policyStore: PolicyStore
  /** Every public key the gateway signed checkpoints with (live and archived). */
  historicJwks(): JWK[]
  /** Subject filters of an export are recorded as this keyed hash, never as the PIN. */
  hash: KeyedHash
  /** Called after the active policy version changed: the gateway switches to it at once. */
  policyChanged?: () => Promise<void>
  sha256?: (text: string) => string | Promise<string>
}

/** The audit event an operation asks its caller to record (with the caller's actor). */
export interface OperationAudit {
  kind: AuditKind
  detail: NonNullable<AuditEvent['detail']>
}

export interface Outcome<T> {
  result: T
  /** Absent: nothing changed, nothing to record (an apply of the active set, a read). */
  audit?: OperationAudit
}

/** An operator's request the gateway cannot honour: the message says why, the status how. */
export class OperationError extends Error {
  override readonly name = OperationError.name
  constructor(
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 503 = 400,
  ) {
    super(message)
  }
}

export interface NewAccount {
  name: string
  role: StaffRole
  password: string
  totp?: boolean
}

export interface PolicyVersionJson {
  version: number
  createdAt: string
  author: string
  message: string | null
  digest: string
  active: boolean
}

export async function createConsoleAccount(deps: OperationsDeps, input: NewAccount): Promise<Outcome<{ name: string; role: StaffRole; totpSecret?: string }>> {
  if (input.role !== 'operator' && input.role !== 'auditor') throw new OperationError('role must be operator or auditor')
  if (typeof input.name !== 'string' || !ACCOUNT_NAME.test(input.name)) throw new OperationError('name must be 1–64 letters, digits, . _ @ -')
  if (typeof input.password !== 'string' || input.password.length < MIN_PASSWORD_LENGTH)
    throw new OperationError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  if (await findAccount(deps.db, input.name)) throw new OperationError(`an account named ${input.name} exists already`, 409)
  const totpSecret = input.totp ? newTotpSecret() : undefined
  await createAccount(deps.db, { name: input.name, role: input.role, passwordHash: await hashPassword(input.password), ...(totpSecret ? { totpSecret } : {}) })
  return {
    result: { name: input.name, role: input.role, ...(totpSecret ? { totpSecret } : {}) },
    audit: { kind: 'admin.action', detail: { action: 'account.created', account: input.name, role: input.role, totp: Boolean(totpSecret) } },
  }
}

export function isPolicyFiles(value: unknown): value is PolicyFile[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= 1000 &&
    value.every((file) => typeof file === 'object' && file !== null && typeof file.name === 'string' && typeof file.text === 'string')
  )
}

export async function applyPolicy(deps: OperationsDeps, files: PolicyFile[], by: { author: string; message?: string }): Promise<Outcome<ApplyResult>> {
  if (!isPolicyFiles(files)) throw new OperationError('files: a non-empty list of { name, text } policy documents')
  const message = by.message?.slice(0, 500)
  try {
    const result = await deps.policyStore.apply(files, { author: by.author, ...(message ? { message } : {}) })
    if (!result.created) return { result }
    await deps.policyChanged?.()
    return { result, audit: { kind: 'policy.applied', detail: { version: result.version, author: by.author, ...(message ? { message } : {}) } } }
  } catch (error) {
    if (error instanceof PolicyValidationError) throw new OperationError(error.problems.map((p) => `${p.file} ${p.path}: ${p.message}`).join('\n'), 422)
    throw error
  }
}

/** A version number from an operator: a positive integer, or a clear refusal. */
export function versionNumber(raw: unknown): number {
  const text = typeof raw === 'number' ? String(raw) : raw
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text) || Number(text) < 1)
    throw new OperationError(`a version number is required, got ${String(raw ?? 'nothing')}`)
  return Number(text)
}

async function storeCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    // No such version, nothing to roll back to: the operator's mistake, said as such.
    if (error instanceof PolicyStoreError) throw new OperationError(error.message, error.message.startsWith('there is no policy version') ? 404 : 409)
    throw error
  }
}

export async function activatePolicy(
  deps: OperationsDeps,
  version: number,
  by: { author: string },
): Promise<Outcome<{ version: number; previous: number | null }>> {
  const result = await storeCall(() => deps.policyStore.activate(version, by))
  if (result.previous === version) return { result }
  await deps.policyChanged?.()
  return { result, audit: { kind: 'policy.activated', detail: { version, previous: result.previous, author: by.author } } }
}

export async function rollbackPolicy(deps: OperationsDeps, by: { author: string }): Promise<Outcome<{ version: number; previous: number }>> {
  const result = await storeCall(() => deps.policyStore.rollback(by))
  await deps.policyChanged?.()
  return { result, audit: { kind: 'policy.rolled_back', detail: { version: result.version, previous: result.previous, author: by.author } } }
}

export async function listPolicies(deps: OperationsDeps): Promise<Outcome<PolicyVersionJson[]>> {
  const versions = await deps.policyStore.list()
  return { result: versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })) }
}

/** A stored version's documents; the active one when no version is named. */
export async function policyFiles(deps: OperationsDeps, version?: number): Promise<Outcome<{ version: number; files: PolicyFile[] }>> {
  const snapshot = version === undefined ? await deps.policyStore.active() : await deps.policyStore.get(version)
  if (!snapshot) throw new OperationError(version === undefined ? 'no policy version is active' : `there is no policy version ${version}`, 404)
  return { result: { version: snapshot.version, files: snapshot.files } }
}

export async function diffPolicies(deps: OperationsDeps, a: number, b: number): Promise<Outcome<{ text: string }>> {
  const [left, right] = await Promise.all([deps.policyStore.get(a), deps.policyStore.get(b)])
  if (!left) throw new OperationError(`there is no policy version ${a}`, 404)
  if (!right) throw new OperationError(`there is no policy version ${b}`, 404)
  return { result: { text: diffFileSets(left.files, right.files) || `versions ${a} and ${b} are identical` } }
}

export async function verifyTrail(deps: OperationsDeps): Promise<Outcome<VerifyReport>> {
  const report = await verifyAuditTrail(deps.db, { jwks: deps.historicJwks(), ...(deps.sha256 ? { sha256: deps.sha256 } : {}) })
  return { result: report }
}

/**
 * One page of an export. Filters are the audit search's; a subject filter is recorded in the
 * event as its keyed hash.
 */
export async function exportPage(deps: OperationsDeps, filters: Record<string, unknown>, cursor?: string, format?: ExportFormat): Promise<Outcome<AuditPage>> {
  if ('cursor' in filters || 'limit' in filters) throw new OperationError('filters may not hold cursor or limit: the export pages itself')
  let query
  let page
  try {
    query = parseAuditQuery({ ...filters, limit: EXPORT_PAGE_SIZE, ...(cursor ? { cursor } : {}) })
    // A cursor this API did not hand out is refused by the search itself.
    page = await searchAudit(deps.db, query, deps.hash)
  } catch (error) {
    if (error instanceof AuditQueryError) throw new OperationError(error.message)
    throw error
  }
  const { subject, cursor: _cursor, limit: _limit, ...shown } = query
  const detail: OperationAudit['detail'] = { events: page.events.length, ...(cursor ? { continued: true } : {}), ...(format ? { format } : {}) }
  for (const [key, value] of Object.entries(shown)) if (value !== undefined) detail[key] = value instanceof Date ? value.toISOString() : String(value)
  if (subject) detail.subject = deps.hash(subject)
  return { result: page, audit: { kind: 'audit.exported', detail } }
}

export async function trimTrail(deps: OperationsDeps, days: number, now = Date.now()): Promise<Outcome<RetentionResult>> {
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS)
    throw new OperationError(`days must be a whole number from ${MIN_RETENTION_DAYS} (TCVN 11930 level 3 keeps logs 3 months) to ${MAX_RETENTION_DAYS}`)
  const result = await applyRetention(deps.db, new Date(now - days * DAY_MS))
  return { result, audit: { kind: 'audit.retention', detail: { days, cutoff: result.cutoff, chains: result.chains, deleted: result.deleted } } }
}
