import { MapperKind, mapSchema } from '@graphql-tools/utils'
import { defaultFieldResolver, getNamedType, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql'
import { matches, type BoundCondition } from '../../../policies/index.js'
import type { AuditDraft } from '../../audit/draft.js'
import { identifierArguments, identifierFields, noteRecords } from '../../audit/collect.js'
import { pushDownRowFilter } from './pushdown.js'
import type { GatewayServerContext } from '../context.js'
import { VERIFICATION_TYPE } from './verification.js'

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}

/** Out-of-scope records become what a missing record is: null, or absent from a list. */
function filterRecords(value: unknown, filter: BoundCondition): unknown {
  if (value === null || value === undefined) return value
  if (Array.isArray(value)) return value.filter((item) => item === null || matches(filter, item))
  return matches(filter, value) ? value : null
}

const noDecision = () =>
  // A resolver reached without a decision is a wiring fault: fail closed, reveal nothing.
  new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', origin: 'gateway' } })

/**
 * Wraps every field resolver once, when the schema is built, so each request's decision applies
 * to every record however it was reached (a root field or a cross-registry link):
 * - the root field's `first` may not exceed the grant's `maxRecords` (also checked for the
 *   whole operation before execution), checked again before the connector is called;
 * - a record of a row-filtered type that fails the filter is replaced by null or dropped from
 *   its list before any of its fields (or links to other registries) are resolved.
 * A request with no decision in its context gets nothing.
 */
/** A field's value as the caller gets it: row-filtered, the verification's outcome noted, audited. */
function finish(
  value: unknown,
  filter: BoundCondition | undefined,
  isVerification: boolean,
  context: Partial<GatewayServerContext>,
  audited: (value: unknown, draft: AuditDraft | undefined) => unknown,
  draft: AuditDraft | undefined,
): unknown {
  const shown = filter ? filterRecords(value, filter) : value
  if (isVerification) {
    const match = (shown as { match?: unknown } | null | undefined)?.match
    context.state?.verifications.push({ match: typeof match === 'boolean' ? match : null })
  }
  return audited(shown, draft)
}

export function guardSchema(schema: GraphQLSchema): GraphQLSchema {
  const rootTypeNames = new Set([schema.getQueryType()?.name ?? 'Query', schema.getMutationType()?.name].filter((name) => name !== undefined))
  // What the audit trail needs to know, found once: which fields hold PINs and tax codes.
  const subjectFields = identifierFields(schema)
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const original: GraphQLFieldResolver<unknown, Record<string, unknown>> = field.resolve ?? defaultFieldResolver
      const returnType = getNamedType(field.type).name
      const coordinate = `${typeName}.${fieldName}`
      const isRoot = rootTypeNames.has(typeName)
      const capsFirst = isRoot && field.args !== undefined && 'first' in field.args
      const identifierArgs = isRoot ? identifierArguments(field.args) : []
      const recordIdentifiers = subjectFields.get(returnType)
      // A verification's answer decides what it costs (a non-match costs more): noted here, where
      // the registry's answer arrives, whatever the caller selected or the masks show.
      const isVerification = isRoot && returnType === VERIFICATION_TYPE
      // Notes, for the request's audit event, what this field returned (after the row filter).
      const audited = (value: unknown, draft: AuditDraft | undefined): unknown => {
        if (draft && value !== null && value !== undefined) noteRecords(draft, coordinate, value, recordIdentifiers, isRoot)
        return value
      }
      const resolve: GraphQLFieldResolver<unknown, Partial<GatewayServerContext>> = (source, args, context, info) => {
        // Fails closed: a context without the request state has had no decision.
        const policy = context.state?.policy
        if (!policy) throw noDecision()
        if (capsFirst) {
          // Checked before execution too (record-caps.ts); here again, in case a path skipped it.
          const cap = policy.decision.maxRecords.get(coordinate)
          const first = (args as { first?: unknown }).first
          if (cap !== undefined && !(typeof first === 'number' && first <= cap)) {
            throw new GraphQLError(`${coordinate}: first may be at most ${cap} for this purpose`, {
              extensions: { code: 'FORBIDDEN', origin: 'caller' },
            })
          }
        }
        const draft = context.audit
        if (draft) for (const name of identifierArgs) if (typeof args[name] === 'string') draft.identifiers.add(args[name] as string)
        const filter = policy.decision.rowFilters.get(returnType)
        const callArgs = isRoot ? pushDownRowFilter(coordinate, args as Record<string, unknown>, policy.decision.rowFilters) : args
        const result = original(source, callArgs, context, info)
        // No closure per call for the (common) synchronous field: one made per call costs a
        // function object, and under tsx a defineProperty for its name, on every field of every record.
        if (!isPromiseLike(result)) return finish(result, filter, isVerification, context, audited, draft)
        return Promise.resolve(result).then((value) => finish(value, filter, isVerification, context, audited, draft))
      }
      return { ...field, resolve }
    },
  })
}
