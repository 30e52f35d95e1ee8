import type { OperationObject, ReferenceObject, ResponseObject, ServerObject } from 'openapi3-ts/oas31'
import { gatewayError, gatewayPaths, json, quoted, ref } from '../contract/index.js'
import type { ErrorCode } from '../errors.js'

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch'

/**
 * Who may call a route, which decides its `security`: anyone (`public`); a registered agency's
 * client, with an access token from `/oauth/token` (`agency`); a citizen, with the national
 * e-ID's ID token or, outside production, the sandbox citizen token (`citizen`); a member of
 * staff with a staff token (`staff`); Prometheus, with `METRICS_TOKEN` when one is set (`metrics`).
 */
export type Caller = 'public' | 'agency' | 'citizen' | 'staff' | 'metrics'

/** The document's tags, in the order the reference page shows them. */
export const TAGS = [
  { name: 'identity', description: 'Tokens and keys: the authorization server (RFC 8414), the token endpoint, the key sets' },
  { name: 'graphql', description: 'The data API and the dossier exchange (the SDL is `schema.graphql`)' },
  { name: 'parts', description: 'Document parts of dossiers, by their SHA-256' },
  { name: 'citizen', description: "A citizen's own channels: who read their data, their dossiers, the e-ID login" },
  { name: 'admin', description: 'Staff APIs (the console under `/admin` is HTML for people, not described here)' },
  { name: 'contract', description: 'The contract partner systems are built against' },
  { name: 'operations', description: 'Liveness, readiness, metrics' },
  { name: 'discovery', description: 'This document and its reference page' },
] as const

export type Tag = (typeof TAGS)[number]['name']

/**
 * One route of the gateway's own REST API, as the OpenAPI document describes it: its method and
 * path, who may call it and its operation. The document gives each operation its `security` from
 * `caller`, so an entry never states it twice.
 */
export interface RouteDoc {
  method: Method
  /** As OpenAPI writes it (`/v1/blobs/{sha256}`); the route's `:sha256` is the same parameter. */
  path: string
  caller: Caller
  /**
   * What has to be configured for the gateway to serve it (the dossier exchange, the audit
   * store …), in words; absent: always served. Published as `x-lgsp-served-when`.
   */
  servedWhen?: string
  /** Another listener than the API's (the metrics listener). */
  servers?: ServerObject[]
  operation: Omit<OperationObject, 'security' | 'servers' | 'tags'> & {
    operationId: string
    summary: string
    tags: [Tag]
    responses: Record<string, ResponseObject | ReferenceObject>
  }
}

/**
 * An error answer in the gateway's error contract (`ErrorBody`), naming the codes it can carry
 * (`x-lgsp-codes`, checked against the closed set by the tests). `headers` adds to the request id.
 */
export function failure(codes: readonly ErrorCode[], description: string, headers: ResponseObject['headers'] = {}): ResponseObject {
  const answer = gatewayError(`${quoted(codes)}: ${description}`)
  return { ...answer, headers: { ...answer.headers, ...headers }, 'x-lgsp-codes': [...codes] }
}

/** A 429 in the error contract: try again no sooner than `Retry-After`. */
export const tooMany = (description: string) => failure(['RATE_LIMITED'], description, { 'Retry-After': ref('headers', 'RetryAfter') })

/** A JSON answer of this schema component. */
export const jsonAnswer = (description: string, schema: string): ResponseObject => ({
  description,
  headers: { 'X-Request-Id': ref('headers', 'XRequestId') },
  content: json(ref('schemas', schema)),
})

/** An HTML page for people. */
export const htmlAnswer = (description: string): ResponseObject => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
})

/**
 * The 503 of an audited route: its event could not be committed (nothing is released), or it ran
 * past the request deadline. Both are worth retrying.
 */
export const unrecorded = () =>
  failure(
    ['AUDIT_UNAVAILABLE', 'INTERNAL_SERVER_ERROR'],
    'the request could not be recorded in the audit trail, so nothing is released; or it ran past `REQUEST_TIMEOUT_MS`. Retry shortly.',
    { 'Retry-After': ref('headers', 'RetryAfter') },
  )

/**
 * An operation the partner contract already describes (`gateway/contract/openapi.ts`), taken
 * whole with its path's parameters: both documents say one thing of one route.
 */
export function contractOperation(path: string, method: Method, tag: Tag): RouteDoc['operation'] {
  const item = gatewayPaths()[path]
  const operation = item?.[method]
  if (!operation?.operationId || !operation.summary || !operation.responses) throw new Error(`The partner contract describes no ${method} ${path}`)
  const { security: _security, servers: _servers, tags: _tags, ...rest } = operation
  const parameters = [...(item?.parameters ?? []), ...(operation.parameters ?? [])]
  return {
    ...rest,
    operationId: operation.operationId,
    summary: operation.summary,
    responses: operation.responses,
    tags: [tag],
    ...(parameters.length ? { parameters } : {}),
  }
}

/** `operation` of an audited route, with the 503 every audited route may answer. */
export function audited(operation: RouteDoc['operation']): RouteDoc['operation'] {
  return { ...operation, responses: { ...operation.responses, '503': unrecorded() } }
}
