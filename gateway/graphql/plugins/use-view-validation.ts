import {
  GraphQLError,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLBoolean,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type ValidationRule,
} from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { GatewayServerContext } from '../context.js'
import type { ViewCache } from '../enforce/view-cache.js'
import { noSubscriptionsRule } from './use-no-subscriptions.js'
import { isQueryLimitError } from './use-query-limits.js'

/** What an agency that sees nothing is validated against: a root type with one field of no use. */
const NOTHING_VISIBLE = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { _: { type: GraphQLBoolean } } }) })
/** Only when a request reaches us without the rules it was validated with (never through Yoga). */
const FALLBACK_RULES: readonly ValidationRule[] = [...specifiedRules, noSubscriptionsRule]

/**
 * Validation errors worded against the caller's view of the schema, not the whole of it.
 * Documents are validated once against the full schema (Yoga caches that per document, for every
 * caller) and a valid one goes on to the policy, whose denials name the coordinate and the grant
 * that could allow it. An invalid one used to be answered with graphql-js's messages, which name
 * the types and fields around the mistake: `{ citizen { x } }` told an agency without citizens
 * that a type `Citizen` exists, and `{ citizen }` that it takes a `PIN!`. Its errors are now those
 * of the same document against the agency's view for the declared purpose (the view introspection
 * shows), where a hidden field is as unknown as a made-up one, found by the very rules the request
 * was validated with (graphql-js's, ours and the plugins'), so a refusal keeps its code and reason
 * (`ONE_VERIFICATION_PER_REQUEST` stays that, not a generic invalid operation). Query-limit
 * refusals are kept from the first pass (they name no schema member) and not repeated.
 *
 * Cost: nothing for a valid document. For an invalid one, one more validation per (view,
 * document), cached weakly on both, so neither is held beyond the caches that built them.
 * The full-schema result is never changed in place: Yoga's validation cache holds it for every
 * agency. The request is marked in `onValidate` and its errors replaced on the way out.
 */
export function useViewValidation(options: { views: ViewCache }): Plugin<Record<string, unknown>, GatewayServerContext> {
  const invalid = new WeakMap<Request, { document: DocumentNode; rules: readonly ValidationRule[] }>()
  const worded = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly GraphQLError[]>>()

  function viewErrors(view: GraphQLSchema, document: DocumentNode, rules: readonly ValidationRule[]): readonly GraphQLError[] {
    let byDocument = worded.get(view)
    if (!byDocument) worded.set(view, (byDocument = new WeakMap()))
    let errors = byDocument.get(document)
    if (!errors) {
      // The rules are the same for every request (the plugins add the same ones), so caching by
      // view and document alone is sound.
      errors = validate(view, document, rules).filter((error) => !isQueryLimitError(error.message))
      byDocument.set(document, errors)
    }
    return errors
  }

  return {
    onValidate({ context, params }) {
      const request = (context as { request?: Request }).request
      // Read when validation is over: the plugins after this one add their rules to the same list.
      return ({ valid }) => {
        if (!valid && request) invalid.set(request, { document: params.documentAST, rules: params.rules ?? FALLBACK_RULES })
      }
    },
    onResultProcess({ request, result, setResult, serverContext }) {
      const marked = invalid.get(request)
      if (!marked || Array.isArray(result) || Symbol.asyncIterator in (result as object)) return
      const { caller, requestContext } = serverContext as Partial<GatewayServerContext>
      if (!caller || !requestContext) return
      const original = (result as ExecutionResult).errors ?? []
      const limits = original.filter((error) => isQueryLimitError(error.message))
      if (limits.length === original.length) return
      const view = options.views.viewFor(caller.agencyId, requestContext) ?? NOTHING_VISIBLE
      const found = viewErrors(view, marked.document, marked.rules)
      // A document invalid in the whole schema is invalid in any part of it; this is a safeguard.
      const errors = found.length > 0 ? found : [new GraphQLError('The operation is not valid')]
      setResult({
        errors: [
          ...limits,
          // Fresh errors: the cached ones are shared, and the error contract rewrites what it is given.
          // A rule's own code and reason are kept; anything else it attached stays behind.
          ...errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: ownWords(error) })),
        ],
      })
    },
  }
}

/** The code and reason a validation rule gave its error, if any; always a 400. */
function ownWords(error: GraphQLError): Record<string, unknown> {
  const { code, reason, origin } = error.extensions as { code?: unknown; reason?: unknown; origin?: unknown }
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(typeof origin === 'string' ? { origin } : {}),
    http: { status: 400 },
  }
}
