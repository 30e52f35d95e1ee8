/**
 * `/admin/api/ops/*`: the operator commands over HTTP, for the CLI while a gateway runs (see
 * operations.ts). Every request is one audit event through the access log; an operation that
 * changes something records as its own kind (`policy.applied`, `audit.retention` …) with the
 * real actor: `operator:NAME` / `auditor:NAME` from a staff token, or `local:OSUSER` from the
 * local operator credential.
 */
import { Hono, type Context } from 'hono'
import type { KeyedHash, PolicyFile, PolicySet } from '../../../policies/index.js'
import type { Database } from '../../database/index.js'
import type { GatewayEnv } from '../../env.js'
import { errorResponse, type ErrorCode } from '../../errors.js'
import { readBearer } from '../../http/bearer.js'
import type { SigningKeys } from '../../identity/access-token.js'
import type { PolicyStore } from '../../policy/store/index.js'
import { verifyStaffToken, type StaffRole } from '../staff-token.js'
import { localActor, matchesLocalCredential } from './local-credential.js'
import { fromLocalPeer } from '../../http/local-peer.js'
import {
  activatePolicy,
  applyPolicy,
  createConsoleAccount,
  diffPolicies,
  exportPage,
  isExportFormat,
  listPolicies,
  OperationError,
  policyFiles,
  rollbackPolicy,
  trimTrail,
  verifyTrail,
  versionNumber,
  type OperationsDeps,
  type Outcome,
} from './operations.js'

/** The header the CLI names its OS account in, for the local actor. */
export const OS_USER_HEADER = 'x-lgsp-os-user'

export type Operation =
  | 'whoami'
  | 'accounts.create'
  | 'policy.apply'
  | 'policy.activate'
  | 'policy.rollback'
  | 'policy.read'
  | 'audit.verify'
  | 'audit.export'
  | 'audit.retention'

/**
 * Who may run what with a staff token. Operators run the platform; auditors read the trail (an
 * operator may not export who read what: separation of duties). Both may read policy versions
 * and verify the chain. Accounts are made with the local credential only, on the gateway's
 * machine: an operator's token that could make an auditor's account would read the trail through
 * it. The local credential may run everything: it is the gateway's own account.
 */
export const STAFF_MAY: Record<Operation, readonly StaffRole[]> = {
  whoami: ['operator', 'auditor'],
  'accounts.create': [],
  'policy.apply': ['operator'],
  'policy.activate': ['operator'],
  'policy.rollback': ['operator'],
  'policy.read': ['operator', 'auditor'],
  'audit.verify': ['operator', 'auditor'],
  'audit.export': ['auditor'],
  'audit.retention': ['operator'],
}

export interface OperationsApiDeps {
  db: Database
  policyStore: PolicyStore
  historicJwks: OperationsDeps['historicJwks']
  /** A stored version's documents as a set: this instance switches to a version it changed at once. */
  loadSet(files: PolicyFile[]): PolicySet
  /** SHA-256 (hex) of this start's local operator credential; absent: staff tokens only. */
  localCredentialHash?: string
  sha256?: OperationsDeps['sha256']
}

export interface OperationsApiOptions extends OperationsApiDeps {
  hash: KeyedHash
  keys: SigningKeys
  issuer: string
  clientIp: (c: Context<GatewayEnv>) => string | undefined
  policyChanged: () => Promise<void>
}

/** Why a staff token may not run an operation. */
export const mayNot = (operation: Operation) =>
  STAFF_MAY[operation].length
    ? `${operation} is for ${STAFF_MAY[operation].join(' or ')} accounts`
    : `${operation} needs the local operator credential, on the gateway's machine`

/** The error contract's code for an operation's refusal; any other status is the caller's input. */
const CODE_OF_STATUS: Partial<Record<OperationError['status'], ErrorCode>> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  503: 'INTERNAL_SERVER_ERROR',
}

type Caller = { actor: string; local: true } | { actor: string; local: false; role: StaffRole }

export function operationsRoutes(options: OperationsApiOptions): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  const deps: OperationsDeps = options

  async function authenticate(c: Context<GatewayEnv>): Promise<Caller | null> {
    const token = readBearer(c.req.header('authorization'))
    if (!token) return null
    if (options.localCredentialHash && fromLocalPeer(c, options.clientIp) && (await matchesLocalCredential(token, options.localCredentialHash)))
      return { actor: localActor(c.req.header(OS_USER_HEADER)), local: true }
    const staff = await verifyStaffToken(options.keys, options.issuer, token)
    return staff ? { actor: `${staff.role}:${staff.name}`, local: false, role: staff.role } : null
  }

  /**
   * Authenticates, checks the role, runs the operation and records it: the event's kind and
   * detail are the operation's when it changed something, else `admin.action` naming it.
   */
  function handle<T>(operation: Operation, run: (c: Context<GatewayEnv>, actor: string) => Promise<Outcome<T>>) {
    return async (c: Context<GatewayEnv>) => {
      const draft = c.get('audit')
      const caller = await authenticate(c)
      if (!caller)
        return errorResponse(c, 'UNAUTHENTICATED', 'A staff token or the local operator credential is required (Authorization: Bearer …)', 401, {
          'www-authenticate': 'Bearer realm="lgsp-admin"',
        })
      draft.actor = caller.actor
      draft.detail = { action: operation }
      if (!caller.local && !STAFF_MAY[operation].includes(caller.role)) return errorResponse(c, 'FORBIDDEN', mayNot(operation), 403)
      try {
        const outcome = await run(c, caller.actor)
        if (outcome.audit) {
          draft.kind = outcome.audit.kind
          draft.detail = { action: operation, ...outcome.audit.detail }
        }
        c.header('cache-control', 'no-store')
        return c.json(outcome.result as object)
      } catch (error) {
        if (!(error instanceof OperationError)) throw error
        draft.detail = { action: operation, refused: error.message.slice(0, 200) }
        const code = CODE_OF_STATUS[error.status] ?? 'BAD_USER_INPUT'
        return errorResponse(c, code, error.message, error.status)
      }
    }
  }

  /** A JSON object body, or an OperationError the handler turns into a 400. */
  async function body(c: Context<GatewayEnv>): Promise<Record<string, unknown>> {
    const parsed: unknown = await c.req.json().catch(() => undefined)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new OperationError('the body must be a JSON object')
    return parsed as Record<string, unknown>
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined)

  routes.get(
    '/admin/api/ops/whoami',
    handle('whoami', async (_c, actor) => ({ result: { actor } })),
  )
  routes.post(
    '/admin/api/ops/accounts',
    handle('accounts.create', async (c) => {
      const input = await body(c)
      return createConsoleAccount(deps, {
        name: text(input.name) ?? '',
        role: input.role as StaffRole,
        password: text(input.password) ?? '',
        totp: input.totp === true,
      })
    }),
  )
  routes.get(
    '/admin/api/ops/policies',
    handle('policy.read', async () => listPolicies(deps)),
  )
  routes.post(
    '/admin/api/ops/policies',
    handle('policy.apply', async (c, author) => {
      const input = await body(c)
      const message = text(input.message)
      return applyPolicy(deps, input.files as never, { author, ...(message ? { message } : {}) })
    }),
  )
  routes.post(
    '/admin/api/ops/policies/rollback',
    handle('policy.rollback', async (_c, author) => rollbackPolicy(deps, { author })),
  )
  routes.get(
    '/admin/api/ops/policies/diff',
    handle('policy.read', async (c) => diffPolicies(deps, versionNumber(c.req.query('a')), versionNumber(c.req.query('b')))),
  )
  routes.get(
    '/admin/api/ops/policies/active',
    handle('policy.read', async () => policyFiles(deps)),
  )
  routes.get(
    '/admin/api/ops/policies/:version',
    handle('policy.read', async (c) => policyFiles(deps, versionNumber(c.req.param('version')))),
  )
  routes.post(
    '/admin/api/ops/policies/:version/activate',
    handle('policy.activate', async (c, author) => activatePolicy(deps, versionNumber(c.req.param('version')), { author })),
  )
  routes.post(
    '/admin/api/ops/audit/verify',
    handle('audit.verify', async () => verifyTrail(deps)),
  )
  // POST, not GET: a subject filter is a PIN, and a PIN never travels in a URL.
  routes.post(
    '/admin/api/ops/audit/export',
    handle('audit.export', async (c) => {
      const input = await body(c)
      const filters = input.filters ?? {}
      if (typeof filters !== 'object' || filters === null || Array.isArray(filters)) throw new OperationError('filters must be an object')
      return exportPage(deps, filters as Record<string, unknown>, text(input.cursor), isExportFormat(input.format) ? input.format : undefined)
    }),
  )
  routes.post(
    '/admin/api/ops/audit/retention',
    handle('audit.retention', async (c) => {
      const input = await body(c)
      return trimTrail(deps, typeof input.days === 'number' ? input.days : Number.NaN)
    }),
  )
  return routes
}
