import { getOperationAST, type ExecutionResult } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { GatewayServerContext } from '../context.js'

/**
 * Collects the operation's part of the audit event: the operation text (its
 * hash goes in the event), name and type, the error codes and whether data came back. It writes
 * nothing: the access-log middleware writes the one event, after the response is final, and sees
 * requests that never reach GraphQL (401) too. Runs after useErrorContract, so codes are final.
 */
export function useAuditTrail(): Plugin<GatewayServerContext, GatewayServerContext> {
  return {
    onParse({ params, context }) {
      const draft = context.audit
      if (draft) draft.operation = { text: typeof params.source === 'string' ? params.source : params.source.body }
    },
    onExecute({ args }) {
      const draft = args.contextValue.audit
      if (!draft) return
      const operation = getOperationAST(args.document, args.operationName)
      if (operation) draft.operation = { ...draft.operation, type: operation.operation, ...(operation.name ? { name: operation.name.value } : {}) }
    },
    onResultProcess({ result, serverContext }) {
      const draft = serverContext.audit
      if (!draft || Array.isArray(result) || Symbol.asyncIterator in (result as object)) return
      const single = result as ExecutionResult
      // Data means at least one root field answered: `{ enterprise: null }` after a failure is none.
      draft.hasData = single.data !== null && single.data !== undefined && Object.values(single.data).some((value) => value !== null && value !== undefined)
      draft.errorCodes = (single.errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'))
      // The refusing step's reason (kept by useErrorContract), unless a step noted one itself.
      const reason = single.errors?.find((error) => typeof error.extensions?.reason === 'string')?.extensions?.reason
      if (!draft.reason && typeof reason === 'string') draft.reason = reason
    },
  }
}
