/**
 * `verifyCitizen` answers yes or no about a (PIN, name, birth date) triple. The PIN carries the
 * birth year, so the birth date is one of 366 days: without bounds, the yes/no is an oracle that
 * recovers it. What bounds it lives here and in use-grant-limits.ts:
 * - one verification per request (aliases, fragments and spreads cannot multiply it);
 * - what each verification's answer was, noted by the guarded resolver, so a non-match can be
 *   charged more than a match after the fact.
 */
import { getArgumentValues } from '@graphql-tools/utils'
import { getNamedType, GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type ValidationRule } from 'graphql'
import { codeToStatus } from '../../errors.js'
import { identifierArguments } from '../../audit/collect.js'
import { operationAndFragments, rootFieldSelections } from '../../coordinates/operation.js'

export const VERIFY_FIELD = 'verifyCitizen'
/** The type `verifyCitizen` returns: its `match` is the answer. */
export const VERIFICATION_TYPE = 'CitizenVerification'

/** One verification's answer as the registry gave it (`null`: no answer, the call failed). */
export interface VerificationOutcome {
  match: boolean | null
}

/** How many times the operation runs `verifyCitizen`: each alias and each fragment spread counts. */
export function verificationCount(document: DocumentNode, operationName: string | null | undefined): number {
  const { operation, fragments } = operationAndFragments(document, operationName)
  if (operation?.operation !== 'query') return 0
  let count = 0
  for (const selection of rootFieldSelections(operation.selectionSet, fragments)) if (selection.name.value === VERIFY_FIELD) count++
  return count
}

export const ONE_VERIFICATION_REASON = 'ONE_VERIFICATION_PER_REQUEST'

/**
 * Validation rule: an operation may run `verifyCitizen` once. Counted in the document as written
 * (every alias, inline fragment and spread, `@skip`/`@include` or not), so no variable can change
 * the count after validation. `BAD_USER_INPUT`: the request breaks the field's contract (one
 * subject per verification), whatever it costs; `QUERY_TOO_COMPLEX` would tell a client to ask
 * for less of something, and a request with two verifications is not large.
 */
export const oneVerificationPerOperation: ValidationRule = (context) => {
  // Against a view without the field, the document is refused as naming an unknown field; saying
  // here that `verifyCitizen` may appear once would tell the caller it exists.
  if (!context.getSchema().getQueryType()?.getFields()[VERIFY_FIELD]) return {}
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const definition of context.getDocument().definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
  return {
    OperationDefinition(operation) {
      if (operation.operation !== 'query') return
      const found = [...rootFieldSelections(operation.selectionSet, fragments)].filter((selection) => selection.name.value === VERIFY_FIELD)
      if (found.length > 1) {
        context.reportError(
          new GraphQLError(`${VERIFY_FIELD} may appear once per request (found ${found.length}): send one request per applicant`, {
            nodes: found,
            extensions: { code: 'BAD_USER_INPUT', reason: ONE_VERIFICATION_REASON, origin: 'caller', http: { status: codeToStatus.BAD_USER_INPUT } },
          }),
        )
      }
    },
  }
}

/** A subject a request names in a root field's arguments (a PIN or tax code), and whether it is the one verified. */
export interface NamedSubject {
  value: string
  verified: boolean
}

/**
 * The subjects the operation names in its root fields' identifier arguments (`citizen(pin:)`,
 * `verifyCitizen(pin:)`, `enterprise(code:)`), with the variables: what a grant's per-subject
 * limit counts. Values are as the caller wrote them; the scalars have already refused malformed ones.
 */
export function namedSubjects(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): NamedSubject[] {
  const { operation, fragments } = operationAndFragments(document, operationName)
  const queryType = schema.getQueryType()
  if (operation?.operation !== 'query' || !queryType) return []
  const fields = queryType.getFields()
  const found = new Map<string, NamedSubject>()
  for (const selection of rootFieldSelections(operation.selectionSet, fragments)) {
    const field = fields[selection.name.value]
    if (!field) continue
    const names = identifierArguments(Object.fromEntries(field.args.map((arg) => [arg.name, { type: arg.type }])))
    if (names.length === 0) continue
    let values: Record<string, unknown>
    try {
      values = getArgumentValues(field, selection, variables)
    } catch {
      continue // a variable that does not coerce: execution refuses the request anyway
    }
    const verified = selection.name.value === VERIFY_FIELD && getNamedType(field.type).name === VERIFICATION_TYPE
    for (const name of names) {
      const value = values[name]
      if (typeof value !== 'string' || value.length === 0) continue
      const seen = found.get(value)
      found.set(value, { value, verified: verified || (seen?.verified ?? false) })
    }
  }
  return [...found.values()]
}
