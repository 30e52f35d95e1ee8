import type { ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Logger } from '../logger.js'
import type { GatewayEnv } from '../env.js'
import { errorResponse, GatewayError, type ErrorCode } from '../errors.js'

const statusToCode: Partial<Record<number, ErrorCode>> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 429: 'RATE_LIMITED' }

/**
 * The one error handler of non-GraphQL routes: every failure leaves as
 * `{ error: { code, message, requestId } }`, and an unexpected one never shows its message or stack.
 */
export function errorHandler(logger: Logger): ErrorHandler<GatewayEnv> {
  return (error, c) => {
    if (error instanceof GatewayError) {
      return errorResponse(c, error.code, error.message, error.status, error.headers)
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = statusToCode[error.status] ?? 'BAD_USER_INPUT'
      // Keep the exception's own headers (WWW-Authenticate, Retry-After …).
      const headers = Object.fromEntries(error.getResponse().headers)
      delete headers['content-type']
      delete headers['content-length']
      return errorResponse(c, code, error.message || 'The request is not valid', error.status, headers)
    }
    logger.error({ err: error, requestId: c.get('requestId'), path: c.req.path }, 'unhandled error')
    return errorResponse(c, 'INTERNAL_SERVER_ERROR', 'Unexpected error. Quote the request id to the operator.')
  }
}

/**
 * One answer for every unknown route. It never repeats the path or method: a URL can carry
 * markup, a token or a PIN pasted by mistake, and an error page is no place to reflect them.
 */
export const notFoundHandler: NotFoundHandler<GatewayEnv> = (c) => errorResponse(c, 'NOT_FOUND', 'Nothing is served at this address')
