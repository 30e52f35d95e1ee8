import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'

/** The closed set of error codes clients can rely on. */
export const ErrorCode = z.enum([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PURPOSE_REQUIRED',
  'PURPOSE_NOT_ALLOWED',
  'CASE_REQUIRED',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_BAD_RESPONSE',
  'AUDIT_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  // The dossier exchange: a step the state machine refuses, a key reused for another request, a
  // dossier changed since the caller read it, a document part over its limit.
  'INVALID_TRANSITION',
  'IDEMPOTENCY_CONFLICT',
  'VERSION_CONFLICT',
  'PAYLOAD_TOO_LARGE',
  // A document part whose procedure requires a valid signature, and whose signature is not.
  'SIGNATURE_REQUIRED',
])
export type ErrorCode = z.infer<typeof ErrorCode>

/** Who is at fault, so operators know where to look (X-Road's origin prefixes). */
export type ErrorOrigin = 'caller' | 'gateway' | 'upstream'

declare module 'graphql' {
  interface GraphQLErrorExtensions {
    code?: ErrorCode
    origin?: ErrorOrigin
    connector?: string
    requestId?: string
    /** Policy denials: which coordinates, why, and the grant that could allow each. */
    denials?: unknown
  }
}

/** HTTP status of each code outside GraphQL (and of a GraphQL response refused as a whole). */
export const codeToStatus: Record<ErrorCode, ContentfulStatusCode> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PURPOSE_REQUIRED: 403,
  PURPOSE_NOT_ALLOWED: 403,
  CASE_REQUIRED: 403,
  RATE_LIMITED: 429,
  QUERY_TOO_COMPLEX: 400,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_UNAVAILABLE: 502,
  UPSTREAM_BAD_RESPONSE: 502,
  AUDIT_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
  INVALID_TRANSITION: 409,
  IDEMPOTENCY_CONFLICT: 409,
  VERSION_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  SIGNATURE_REQUIRED: 422,
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string }
}

/**
 * An expected failure on a non-GraphQL route, thrown at the edge and rendered by `onError` as
 * `{ error: { code, message, requestId } }`. `status` overrides the code's default (e.g. 413 for
 * an oversized body, which is still the caller's `BAD_USER_INPUT`).
 */
export class GatewayError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { status?: ContentfulStatusCode; headers?: Record<string, string> } = {},
  ) {
    super(options.status ?? codeToStatus[code], { message })
    this.headers = options.headers ?? {}
  }
  readonly headers: Record<string, string>
}

export function errorResponse(
  c: Context,
  code: ErrorCode,
  message: string,
  status: ContentfulStatusCode = codeToStatus[code],
  headers: Record<string, string> = {},
): Response {
  const requestId = (c.get('requestId') as string | undefined) ?? 'unknown'
  const body: ErrorBody = { error: { code, message, requestId } }
  return c.json(body, status, headers)
}
