/**
 * How an operator command reaches the data: through the running gateway's operations API when
 * one runs (the embedded database admits one process, and a PostgreSQL-backed gateway then
 * switches to a new policy version at once), or by opening the database itself when none runs.
 * Both run the same operations (gateway/admin/ops), so a command prints the same either way.
 *
 * Which gateway: `LGSP_GATEWAY_URL` with a staff token in `LGSP_STAFF_TOKEN` (another machine),
 * else the one whose credential file is in DATA_DIR (this machine), else none.
 */
import type { KeyedHash, PolicyFile } from '../../policies/index.js'
import type { AuditPage, RetentionResult, VerifyReport } from '../audit/index.js'
import { CredentialFileError, readCredentialFile } from '../admin/ops/credential-file.node.js'
import {
  activatePolicy,
  applyPolicy,
  createConsoleAccount,
  diffPolicies,
  exportPage,
  listPolicies,
  OperationError,
  OS_USER_HEADER,
  policyFiles,
  rollbackPolicy,
  trimTrail,
  verifyTrail,
  type ExportFormat,
  type NewAccount,
  type OperationsDeps,
  type Outcome,
  type PolicyVersionJson,
} from '../admin/ops/index.js'
import type { StaffRole } from '../admin/staff-token.js'
import type { Config } from '../config.js'
import { nodeSha256 } from '../entry/audit.js'
import { openDatabase } from '../entry/database.js'
import { openPolicyStore } from '../entry/policies.js'
import { createKeyedHash } from '../identity/keys/keyed-hash.node.js'
import type { ApplyResult } from '../policy/store/index.js'
import { cliActor, openCliKeys, openCliRecorder, osUser } from './cli-audit.js'
import { isLoopbackHost } from '../http/local-peer.js'
import { fetchWithoutRedirects } from '../../connectors/index.js'

/** Longer than the gateway's own deadline for an operation (10 min): its 503 says why, not our abort. */
const OPS_CALL_TIMEOUT_MS = 11 * 60_000

export interface Operations {
  /** Where the commands run, for the operator: `the gateway at URL, pid N` or `the database`. */
  readonly via: string
  createAccount(input: NewAccount): Promise<{ name: string; role: StaffRole; totpSecret?: string }>
  applyPolicy(files: PolicyFile[], message?: string): Promise<ApplyResult>
  activatePolicy(version: number): Promise<{ version: number; previous: number | null }>
  rollbackPolicy(): Promise<{ version: number; previous: number }>
  listPolicies(): Promise<PolicyVersionJson[]>
  policyFiles(version?: number): Promise<{ version: number; files: PolicyFile[] }>
  diffPolicies(a: number, b: number): Promise<{ text: string }>
  verifyAudit(): Promise<VerifyReport>
  exportPage(filters: Record<string, string>, cursor?: string, format?: ExportFormat): Promise<AuditPage>
  retention(days: number): Promise<RetentionResult>
  close(): Promise<void>
}

/** The running gateway's operations, or the database's when no gateway runs. */
export async function connectOperations(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<Operations> {
  const staffToken = env.LGSP_STAFF_TOKEN?.trim() || undefined
  const url = env.LGSP_GATEWAY_URL?.trim()
  if (url) {
    if (!staffToken) throw new OperationError('LGSP_GATEWAY_URL needs a staff token in LGSP_STAFF_TOKEN (lgsp token --operator NAME, or --auditor)')
    // The token (and a new account's password) would cross the network in the clear.
    if (!secureOrLocal(url)) throw new OperationError(`LGSP_GATEWAY_URL must be https (or http on loopback), got ${url}`)
    return remoteOperations(url.replace(/\/+$/, ''), staffToken, `the gateway at ${url}`)
  }
  let running
  try {
    running = await readCredentialFile(config.DATA_DIR)
  } catch (error) {
    if (error instanceof CredentialFileError) throw new OperationError(error.message)
    throw error
  }
  if (running) return remoteOperations(running.url, staffToken ?? running.credential, `the gateway at ${running.url}, pid ${running.pid}`)
  // A staff token limits what its holder may run, and names them: nothing checks it on the database.
  if (staffToken)
    throw new OperationError('LGSP_STAFF_TOKEN is set, but no gateway runs here to check it: set LGSP_GATEWAY_URL, or unset it to act on the database')
  return directOperations(config)
}

function secureOrLocal(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url)
    return protocol === 'https:' || (protocol === 'http:' && isLoopbackHost(hostname))
  } catch {
    return false
  }
}

function remoteOperations(base: string, bearer: string, via: string): Operations {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response
    try {
      // Never carried elsewhere: the bearer and a new account's password go to this URL only.
      res = await fetchWithoutRedirects(fetch, `${base}/admin/api/ops${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          [OS_USER_HEADER]: osUser(),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(OPS_CALL_TIMEOUT_MS),
      })
    } catch (error) {
      throw new OperationError(`${via} does not answer (${error instanceof Error ? error.message : String(error)})`, 503)
    }
    const parsed = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null
    if (res.ok && parsed) return parsed as T
    const message = parsed?.error?.message ?? `HTTP ${res.status}`
    if (res.status === 401) throw new OperationError(`${via} refused the credential: ${message}`, 401)
    const known = [400, 403, 404, 409, 413, 422] as const
    // Anything else (a 5xx, a 503 of the deadline or the audit store) is the gateway's trouble, not a usage error.
    throw new OperationError(message, known.find((status) => status === res.status) ?? 503)
  }
  return {
    via,
    createAccount: (input) => call('POST', '/accounts', input),
    applyPolicy: (files, message) => call('POST', '/policies', { files, ...(message ? { message } : {}) }),
    activatePolicy: (version) => call('POST', `/policies/${version}/activate`),
    rollbackPolicy: () => call('POST', '/policies/rollback'),
    listPolicies: () => call('GET', '/policies'),
    policyFiles: (version) => call('GET', `/policies/${version ?? 'active'}`),
    diffPolicies: (a, b) => call('GET', `/policies/diff?a=${a}&b=${b}`),
    verifyAudit: () => call('POST', '/audit/verify'),
    exportPage: (filters, cursor, format) => call('POST', '/audit/export', { filters, ...(cursor ? { cursor } : {}), ...(format ? { format } : {}) }),
    retention: (days) => call('POST', '/audit/retention', { days }),
    close: async () => {},
  }
}

/** No gateway runs: the CLI opens the database, and records each change as its own audit event. */
async function directOperations(config: Config): Promise<Operations> {
  const db = await openDatabase(config)
  let keys: Awaited<ReturnType<typeof openCliKeys>> | undefined
  const cliKeys = async () => {
    keys ??= await openCliKeys(config)
    return keys
  }
  // One chain for the run, however many actions it records (an export records one per page).
  let recorder: ReturnType<typeof openCliRecorder> | undefined
  // The keys (to verify checkpoints) and the keyed hash (an export's subject filter) are read
  // from DATA_DIR only by the commands that need them.
  let jwks: ReturnType<OperationsDeps['historicJwks']> = []
  let hash: KeyedHash | undefined
  const deps: OperationsDeps = {
    db,
    policyStore: openPolicyStore(db),
    historicJwks: () => jwks,
    hash: (value) => {
      if (!hash) throw new Error('the keyed hash is opened by the export only')
      return hash(value)
    },
    sha256: nodeSha256,
  }
  const author = cliActor()
  async function run<T>(outcome: Promise<Outcome<T>>): Promise<T> {
    const { result, audit } = await outcome
    if (audit) {
      recorder ??= openCliRecorder(config, db, await cliKeys())
      await recorder.record(audit.kind, audit.detail)
    }
    return result
  }
  return {
    via: 'the database',
    createAccount: (input) => run(createConsoleAccount(deps, input)),
    applyPolicy: (files, message) => run(applyPolicy(deps, files, { author, ...(message ? { message } : {}) })),
    activatePolicy: (version) => run(activatePolicy(deps, version, { author })),
    rollbackPolicy: () => run(rollbackPolicy(deps, { author })),
    listPolicies: () => run(listPolicies(deps)),
    policyFiles: (version) => run(policyFiles(deps, version)),
    diffPolicies: (a, b) => run(diffPolicies(deps, a, b)),
    verifyAudit: async () => {
      jwks = (await cliKeys()).historicJwks()
      return run(verifyTrail(deps))
    },
    exportPage: async (filters, cursor, format) => {
      hash ??= await createKeyedHash({
        dataDir: config.DATA_DIR,
        production: config.NODE_ENV === 'production',
        ...(config.HASH_SECRET ? { secret: config.HASH_SECRET } : {}),
      })
      return run(exportPage(deps, filters, cursor, format))
    },
    retention: (days) => run(trimTrail(deps, days)),
    close: async () => {
      await recorder?.close()
      keys?.close()
      await db.close()
    },
  }
}
