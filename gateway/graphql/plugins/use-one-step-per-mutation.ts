import { GraphQLError, Kind, OperationTypeNode, type FragmentDefinitionNode, type ValidationRule } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { rootFieldSelections } from '../../coordinates/operation.js'

/**
 * A mutation is one dossier step. Two steps in one request would share one Idempotency-Key (so a
 * retry could not tell them apart) and could half-apply: the first committed, the second refused.
 * Refused in validation, before anything runs: 400 `BAD_USER_INPUT`.
 */
export const oneStepPerMutationRule: ValidationRule = (context) => {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const definition of context.getDocument().definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
  return {
    OperationDefinition(node) {
      if (node.operation !== OperationTypeNode.MUTATION) return
      const steps = [...rootFieldSelections(node.selectionSet, fragments)].filter((field) => field.name.value !== '__typename')
      if (steps.length !== 1) {
        context.reportError(new GraphQLError(`A mutation takes exactly one dossier step; this one has ${steps.length}`, { nodes: node }))
      }
    },
  }
}

export function useOneStepPerMutation(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(oneStepPerMutationRule)
    },
  }
}
