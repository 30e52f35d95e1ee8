import { GraphQLError, type ExecutionResult } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { ErrorCode } from '../../errors.js'
import type { GatewayServerContext } from '../context.js'
import { isQueryLimitError } from './use-query-limits.js'

/**
 * graphql-armor hides `Did you mean "x"?` in validation errors only, and only in that wording:
 * graphql-js also suggests enum values (`Did you mean the enum value "X"?`) and, when it coerces
 * variables, input fields and enum values again. Each would name schema members to a caller whose
 * agency may not see them. GraphQL names hold no `?`, so this stops at the suggestion's end.
 */
const hideSuggestions = (message: string) => message.replace(/Did you mean [^?]*\?/g, '[Suggestion hidden]')

/** A refusal's reason: one machine word the gateway set (the audit event's `reason`). */
const REASON = /^[A-Z][A-Z0-9_]{0,63}$/

/**
 * Holds every GraphQL error to the error contract on its way out: a code from the closed
 * set (Yoga's own `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED` … are the caller's
 * `BAD_USER_INPUT`), and the request id, so a caller can quote it and an operator can find the
 * log lines and the audit event.
 */
export function useErrorContract(): Plugin<Record<string, unknown>, GatewayServerContext> {
  const conform = (error: GraphQLError, requestId: string): GraphQLError => {
    const extensions = error.extensions as GraphQLError['extensions'] & { http?: { status?: unknown } }
    const known = ErrorCode.safeParse(extensions.code)
    // graphql-armor's refusals carry no status: they are the caller's, a 400 like a parse error.
    const status = typeof extensions.http?.status === 'number' ? extensions.http.status : !known.success && isQueryLimitError(error.message) ? 400 : undefined
    // An unknown code is Yoga's own: a request it refused (4xx, the caller's) or a failure of ours.
    const code = known.success
      ? known.data
      : status !== undefined && status >= 500
        ? 'INTERNAL_SERVER_ERROR'
        : isQueryLimitError(error.message)
          ? 'QUERY_TOO_COMPLEX'
          : 'BAD_USER_INPUT'
    const origin = extensions.origin ?? (code === 'INTERNAL_SERVER_ERROR' ? 'gateway' : 'caller')
    // The refusing step names its reason; graphql-armor's and Yoga's own refusals are named here.
    const reason =
      typeof extensions.reason === 'string' && REASON.test(extensions.reason)
        ? extensions.reason
        : known.success
          ? undefined
          : code === 'QUERY_TOO_COMPLEX'
            ? 'QUERY_SHAPE_LIMIT'
            : code === 'BAD_USER_INPUT'
              ? 'INVALID_OPERATION'
              : undefined
    // An allow-list: parser internals, original errors or anything a plugin attached stay inside.
    return new GraphQLError(hideSuggestions(error.message), {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: {
        code,
        origin,
        ...(typeof extensions.connector === 'string' ? { connector: extensions.connector } : {}),
        // A policy denial: coordinate, reason, the grant that could allow it and its legal basis.
        ...(Array.isArray(extensions.denials) ? { denials: extensions.denials } : {}),
        ...(reason ? { reason } : {}),
        requestId,
        ...(status !== undefined ? { http: { status } } : {}),
      },
    })
  }
  const stamp = (result: ExecutionResult, requestId: string): ExecutionResult =>
    result.errors?.length ? { ...result, errors: result.errors.map((error) => (error instanceof GraphQLError ? conform(error, requestId) : error)) } : result
  return {
    onResultProcess({ result, setResult, serverContext }) {
      const { requestId } = serverContext
      if (Array.isArray(result)) setResult(result.map((one) => stamp(one, requestId)))
      else if (!(Symbol.asyncIterator in (result as object))) setResult(stamp(result as ExecutionResult, requestId))
    },
  }
}
