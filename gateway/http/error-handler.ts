import type { ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Logger } from '../deps.js'
import type { GatewayEnv } from '../env.js'
import { errorResponse, GatewayError } from '../errors.js'

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
      const code = error.status === 404 ? 'NOT_FOUND' : error.status === 401 ? 'UNAUTHENTICATED' : 'BAD_USER_INPUT'
      return errorResponse(c, code, error.message || 'The request is not valid', error.status)
    }
    logger.error({ err: error, requestId: c.get('requestId'), path: c.req.path }, 'unhandled error')
    return errorResponse(c, 'INTERNAL_SERVER_ERROR', 'Unexpected error. Quote the request id to the operator.')
  }
}

export const notFoundHandler: NotFoundHandler<GatewayEnv> = (c) =>
  errorResponse(c, 'NOT_FOUND', `No route ${c.req.method} ${c.req.path}`)
