import type { ResponseObject, SchemaObject } from 'openapi3-ts/oas31'
import { json, ref } from '../contract/index.js'
import { EXPORT_PAGE_SIZE, MAX_RETENTION_DAYS, MIN_PASSWORD_LENGTH, MIN_RETENTION_DAYS, mayNot, STAFF_MAY, type Operation } from '../admin/ops/index.js'
import type { Method, RouteDoc } from './route-doc.js'
import { audited, failure } from './route-doc.js'

const SERVED = 'the gateway runs on the Node entry (it wires the operations API with the database it holds)'
const string: SchemaObject = { type: 'string' }
const integer: SchemaObject = { type: 'integer', minimum: 1 }

const answer = (description: string, schema: SchemaObject): ResponseObject => ({
  description,
  headers: { 'X-Request-Id': ref('headers', 'XRequestId') },
  content: json(schema),
})
const body = (schema: SchemaObject) => ({ required: true, content: json(schema) })
const versionPath = { name: 'version', in: 'path' as const, required: true, schema: integer }
const versionChange: SchemaObject = {
  type: 'object',
  required: ['version', 'previous'],
  properties: { version: integer, previous: { type: ['integer', 'null'] } },
}
const policyFiles: SchemaObject = {
  type: 'object',
  required: ['version', 'files'],
  properties: {
    version: integer,
    files: { type: 'array', items: { type: 'object', required: ['name', 'text'], properties: { name: string, text: string } } },
  },
}

/** Who may call it, said once from the table the routes enforce. */
function who(operation: Operation): string {
  const local = 'the local operator credential (`DATA_DIR/operator-credential.json`) over loopback, not through a proxy'
  return STAFF_MAY[operation].length ? `A staff token of: ${STAFF_MAY[operation].join(' or ')}; or ${local}.` : `Only ${local}.`
}

/** The refusals every operation may answer; `input`: what makes it a 400, when anything does. */
const refusals = (operation: Operation, input?: string) => ({
  ...(input ? { '400': failure(['BAD_USER_INPUT'], input) } : {}),
  '401': failure(['UNAUTHENTICATED'], 'no staff token or local operator credential, or one that does not verify (the local one: not over loopback).'),
  '403': failure(['FORBIDDEN'], `the staff token's role may not: ${mayNot(operation)}.`),
})

function route(method: Method, path: string, operation: Operation, entry: Omit<RouteDoc['operation'], 'tags'>): RouteDoc {
  return {
    method,
    path,
    caller: 'staff',
    servedWhen: SERVED,
    operation: audited({ ...entry, tags: ['admin'], description: `${entry.description ?? ''}\n\n${who(operation)}`.trim() }),
  }
}

/**
 * `/admin/api/ops/*`: the operator commands the CLI runs through a running gateway. Each request
 * is an audit event naming the real actor; a change is recorded as its own kind.
 */
export const ADMIN_OPS_ROUTES: RouteDoc[] = [
  route('get', '/admin/api/ops/whoami', 'whoami', {
    operationId: 'opsWhoami',
    summary: 'Who the gateway takes the caller for',
    responses: {
      '200': answer('The actor recorded for this caller.', { type: 'object', required: ['actor'], properties: { actor: string } }),
      ...refusals('whoami'),
    },
  }),
  route('post', '/admin/api/ops/accounts', 'accounts.create', {
    operationId: 'opsCreateAccount',
    summary: 'Create a console account',
    description: 'Stored as a PBKDF2 hash; `totp: true` makes a TOTP secret, returned once. Audited (`admin.action`, `account.created`).',
    requestBody: body({
      type: 'object',
      required: ['name', 'role', 'password'],
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' },
        role: { type: 'string', enum: ['operator', 'auditor'] },
        password: { type: 'string', minLength: MIN_PASSWORD_LENGTH },
        totp: { type: 'boolean' },
      },
    }),
    responses: {
      '200': answer('The account made.', { type: 'object', required: ['name', 'role'], properties: { name: string, role: string, totpSecret: string } }),
      ...refusals('accounts.create', 'a name, role or password the console does not accept.'),
      '409': failure(['BAD_USER_INPUT'], 'an account of that name exists already.'),
    },
  }),
  route('get', '/admin/api/ops/policies', 'policy.read', {
    operationId: 'opsListPolicies',
    summary: 'The stored policy versions',
    responses: {
      '200': answer('Every version, the active one marked.', {
        type: 'array',
        items: {
          type: 'object',
          required: ['version', 'createdAt', 'author', 'message', 'digest', 'active'],
          properties: {
            version: integer,
            createdAt: { type: 'string', format: 'date-time' },
            author: string,
            message: { type: ['string', 'null'] },
            digest: string,
            active: { type: 'boolean' },
          },
        },
      }),
      ...refusals('policy.read'),
    },
  }),
  route('post', '/admin/api/ops/policies', 'policy.apply', {
    operationId: 'opsApplyPolicy',
    summary: 'Apply a policy set as a new version',
    description:
      'Validated, stored with its digest and diff, activated; this instance serves it before answering, the others within their poll. The same set as the active one stores nothing. Audited (`policy.applied`).',
    requestBody: body({ type: 'object', required: ['files'], properties: { files: policyFiles.properties!.files as SchemaObject, message: string } }),
    responses: {
      '200': answer('The version and its diff.', {
        type: 'object',
        required: ['version', 'created', 'diff'],
        properties: { version: integer, created: { type: 'boolean' }, diff: string },
      }),
      ...refusals('policy.apply', 'files that are not a list of `{ name, text }` documents.'),
      '422': failure(['BAD_USER_INPUT'], 'the set does not validate: each problem as `file path: message`.'),
    },
  }),
  route('post', '/admin/api/ops/policies/rollback', 'policy.rollback', {
    operationId: 'opsRollbackPolicy',
    summary: 'Re-activate the version active before the current one',
    description: 'Audited (`policy.rolled_back`).',
    responses: {
      '200': answer('The version now active, and the one before.', versionChange),
      ...refusals('policy.rollback'),
      '409': failure(['BAD_USER_INPUT'], 'there is no earlier activation to roll back to.'),
    },
  }),
  route('get', '/admin/api/ops/policies/diff', 'policy.read', {
    operationId: 'opsDiffPolicies',
    summary: 'What changes from version a to version b',
    parameters: [
      { name: 'a', in: 'query', required: true, schema: integer },
      { name: 'b', in: 'query', required: true, schema: integer },
    ],
    responses: {
      '200': answer('A unified diff, or a line saying they are identical.', { type: 'object', required: ['text'], properties: { text: string } }),
      ...refusals('policy.read', 'a version that is not a positive integer.'),
      '404': failure(['NOT_FOUND'], 'no such version.'),
    },
  }),
  route('get', '/admin/api/ops/policies/active', 'policy.read', {
    operationId: 'opsActivePolicy',
    summary: "The active version's documents",
    responses: {
      '200': answer('The version and its documents.', policyFiles),
      ...refusals('policy.read'),
      '404': failure(['NOT_FOUND'], 'no version is active.'),
    },
  }),
  route('get', '/admin/api/ops/policies/{version}', 'policy.read', {
    operationId: 'opsPolicyVersion',
    summary: "A stored version's documents",
    parameters: [versionPath],
    responses: {
      '200': answer('The version and its documents.', policyFiles),
      ...refusals('policy.read', 'a version that is not a positive integer.'),
      '404': failure(['NOT_FOUND'], 'no such version.'),
    },
  }),
  route('post', '/admin/api/ops/policies/{version}/activate', 'policy.activate', {
    operationId: 'opsActivatePolicy',
    summary: 'Make a stored version the active one',
    description: 'Audited (`policy.activated`) when it changes the active version.',
    parameters: [versionPath],
    responses: {
      '200': answer('The version now active, and the one before.', versionChange),
      ...refusals('policy.activate', 'a version that is not a positive integer.'),
      '404': failure(['NOT_FOUND'], 'no such version.'),
    },
  }),
  route('post', '/admin/api/ops/audit/verify', 'audit.verify', {
    operationId: 'opsVerifyAudit',
    summary: 'Check every audit chain and checkpoint signature',
    responses: {
      '200': answer('The report: `ok`, counts, each problem with its writer and sequence.', {
        type: 'object',
        required: ['ok', 'chains', 'events', 'checkpoints', 'problems', 'warnings'],
        properties: {
          ok: { type: 'boolean' },
          chains: { type: 'integer' },
          events: { type: 'integer' },
          checkpoints: { type: 'integer' },
          problems: { type: 'array', items: { type: 'object' } },
          warnings: { type: 'array', items: { type: 'object' } },
        },
      }),
      ...refusals('audit.verify'),
    },
  }),
  route('post', '/admin/api/ops/audit/export', 'audit.export', {
    operationId: 'opsExportAudit',
    summary: `Export the audit trail, ${EXPORT_PAGE_SIZE} events a page`,
    description:
      'A POST, so a subject filter (a PIN) never travels in a URL. The filters are the audit search’s. Each page is an audit event (`audit.exported`), a subject filter recorded as its keyed hash.',
    requestBody: body({
      type: 'object',
      properties: {
        filters: { type: 'object', additionalProperties: string },
        cursor: string,
        format: { type: 'string', enum: ['jsonl', 'csv'], description: 'What the caller writes the events as: recorded with the page.' },
      },
    }),
    responses: {
      '200': answer('A page of events.', { $ref: '#/components/schemas/AuditPage' } as SchemaObject),
      ...refusals('audit.export', 'a filter the search does not accept.'),
    },
  }),
  route('post', '/admin/api/ops/audit/retention', 'audit.retention', {
    operationId: 'opsAuditRetention',
    summary: 'Remove events older than a number of days',
    description: `Up to a signed checkpoint per chain, so the rest still verifies; never younger than ${MIN_RETENTION_DAYS} days. Audited (\`audit.retention\`).`,
    requestBody: body({
      type: 'object',
      required: ['days'],
      properties: { days: { type: 'integer', minimum: MIN_RETENTION_DAYS, maximum: MAX_RETENTION_DAYS } },
    }),
    responses: {
      '200': answer('What was removed.', {
        type: 'object',
        required: ['cutoff', 'chains', 'deleted'],
        properties: { cutoff: { type: 'string', format: 'date-time' }, chains: { type: 'integer' }, deleted: { type: 'integer' } },
      }),
      ...refusals('audit.retention', `days under ${MIN_RETENTION_DAYS}, or not a whole number.`),
    },
  }),
]
