import { GraphQLError } from 'graphql'
import { isConnectorError } from '../../connectors/index.js'
import type { Logger } from '../logger.js'

/**
 * Turns every error leaving GraphQL into a client-safe one (Yoga's `maskedErrors.maskError`):
 * - a registry failure becomes its `UPSTREAM_*` code with the connector's name, on the fields it
 *   affected only; internals (URL, status, zod issues) go to the log;
 * - a GraphQLError raised on purpose (bad input, validation) passes, with a code;
 * - anything else is a bug: `INTERNAL_SERVER_ERROR`, no message, no stack.
 */
export function createMaskError(logger: Logger) {
  return function maskError(error: unknown): Error {
    const graphQLError = error instanceof GraphQLError ? error : null
    const original = graphQLError?.originalError ?? (graphQLError ? null : error)
    const where = graphQLError ? { nodes: graphQLError.nodes, path: graphQLError.path } : {}
    if (isConnectorError(original)) {
      logger.warn({ connector: original.connector, code: original.code, context: original.context, path: graphQLError?.path }, 'upstream failure')
      return new GraphQLError(original.publicMessage, {
        ...where,
        extensions: { code: original.code, origin: 'upstream', connector: original.connector },
      })
    }
    if (graphQLError && (original === null || original === undefined || original instanceof GraphQLError)) {
      const source = original instanceof GraphQLError ? original : graphQLError
      const extensions = { ...graphQLError.extensions, ...source.extensions }
      // The error contract plugin keeps only the allowed extensions on the way out.
      return new GraphQLError(source.message, { ...where, extensions })
    }
    logger.error({ err: original, path: graphQLError?.path }, 'unexpected error in GraphQL execution')
    return new GraphQLError('Unexpected error.', {
      ...where,
      // No http status: one broken field must not turn a response with data into a 500.
      extensions: { code: 'INTERNAL_SERVER_ERROR', origin: 'gateway' },
    })
  }
}
