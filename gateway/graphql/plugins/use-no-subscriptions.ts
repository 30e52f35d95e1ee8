import { GraphQLError, OperationTypeNode, type ValidationRule } from 'graphql'
import type { Plugin } from 'graphql-yoga'

/**
 * A subscription needs a stream this gateway does not offer (JSON over POST, one answer). Left to
 * Yoga, it is sent to `subscribe` — past every execute hook, the policy's included — and answered
 * 200 with "Schema is not configured to execute subscription operation". Refused here, in
 * validation, it is what any invalid document is: 400 `BAD_USER_INPUT`, before anything runs.
 */
export const noSubscriptionsRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === OperationTypeNode.SUBSCRIPTION) {
      context.reportError(new GraphQLError('Subscriptions are not served: send a query', { nodes: node }))
    }
  },
})

export function useNoSubscriptions(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(noSubscriptionsRule)
    },
  }
}
