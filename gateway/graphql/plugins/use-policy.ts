import { execute, GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { CoordinateDecision, KeyedHash } from '../../../policies/index.js'
import { codeToStatus } from '../../errors.js'
import type { PolicyRuntime } from '../../policy/index.js'
import type { GatewayServerContext } from '../context.js'
import { createRequestDecider } from '../enforce/decide-request.js'
import { maskResult } from '../enforce/mask-result.js'
import { checkRecordCaps } from '../enforce/record-caps.js'
import type { RequestPolicy } from '../enforce/request-policy.js'
import { createViewCache, type ViewCache } from '../enforce/view-cache.js'
import type { CursorCodec } from '../paging/cursor-codec.js'
import { createPolicyPager } from '../paging/policy-pager.js'
import type { Span } from '../../telemetry/index.js'

export interface PolicyPluginOptions {
  schema: GraphQLSchema
  policies: PolicyRuntime
  /** Seals the paging cursors, bound to the request's agency, purpose and policy version. */
  cursors: CursorCodec
  /** Keyed hash for `hash` masks; without one, a `hash` mask redacts. */
  keyedHash?: KeyedHash
  now?: () => Date
  /** The agencies' views of the schema, shared with validation. @default its own */
  views?: ViewCache
}

/** What a denial tells the caller per refused coordinate: never any data. */
export interface DenialExtension {
  coordinate: string
  reason: string
  grant?: string
  purposes?: string[]
  legalBasis?: string
}

const redactAll: KeyedHash = () => '[REDACTED]'

/** Ends the decision's span: allowed, or refused with the machine word the audit event gets. */
function endDecision(span: Span | undefined, version: number, refusal?: string): void {
  if (!span) return
  if (span.isRecording()) {
    span.setAttributes({ 'lgsp.policy.version': version, 'lgsp.decision': refusal ? 'refused' : 'allowed', ...(refusal ? { 'lgsp.reason': refusal } : {}) })
  }
  span.end()
}

function denialsOf(coordinates: CoordinateDecision[] | undefined): DenialExtension[] {
  return (coordinates ?? []).flatMap((c) =>
    c.allowed
      ? []
      : [
          {
            coordinate: c.coordinate,
            reason: c.reason,
            ...(c.couldAllow ? { grant: c.couldAllow.grant, purposes: c.couldAllow.purposes, legalBasis: c.couldAllow.legalBasis } : {}),
          },
        ],
  )
}

/**
 * The agency policy on every GraphQL request:
 * - after validation, at the start of execution, the operation's coordinates (and its record
 *   counts, with the variables) are decided against the caller's grants for its declared
 *   purpose; a refusal ends the request there, before any resolver or upstream call;
 * - an allowed decision goes into the context, where the guarded resolvers apply its row
 *   filters and record caps (see guard-schema.ts);
 * - introspection runs against the agency's own view of the schema;
 * - masks are applied to the result before it leaves.
 */
export function usePolicy(options: PolicyPluginOptions): Plugin<GatewayServerContext, GatewayServerContext> {
  const decideRequest = createRequestDecider(options.schema)
  const now = options.now ?? (() => new Date())
  const hash = options.keyedHash ?? redactAll
  const views = options.views ?? createViewCache({ schema: options.schema, policies: options.policies, now })

  return {
    // Decided at the start of execution, before any resolver: not in onValidate, whose result
    // Yoga caches per document for every caller (a decision is per agency, purpose and context).
    onExecute({ args, setExecuteFn, setResultAndStopExecution }) {
      const context = args.contextValue
      const active = options.policies.current()
      const span = context.trace?.child('policy.decision')
      let result = decideRequest(args.document, args.operationName, context.caller, context.requestContext, active, now())
      const draft = context.audit
      if (draft) {
        // What was asked and under which version, for the audit event, allowed or not.
        const decided = result.ok ? result.decision : result.decision
        if (decided) draft.requested = decided.coordinates.map((c) => c.coordinate)
        draft.policyVersion = active.version
      }
      let overCap = false
      if (result.ok) {
        const over = checkRecordCaps(options.schema, args.document, args.operationName, args.variableValues, result.decision.maxRecords)
        if (over) {
          result = { ok: false, code: 'FORBIDDEN', message: over }
          overCap = true
        }
      }
      if (!result.ok) {
        const denials = denialsOf(result.decision && !result.decision.allowed ? result.decision.coordinates : undefined)
        // For the audit event: the first refused coordinate's reason, else what refused the whole request.
        const reason = overCap
          ? 'OVER_MAX_RECORDS'
          : (denials[0]?.reason ?? (result.code === 'BAD_USER_INPUT' ? 'INVALID_OPERATION' : result.code === 'FORBIDDEN' ? 'POLICY_REFUSED' : result.code))
        endDecision(span, active.version, reason)
        setResultAndStopExecution({
          errors: [
            new GraphQLError(result.message, {
              extensions: { code: result.code, reason, origin: 'caller', http: { status: codeToStatus[result.code] }, ...(denials.length ? { denials } : {}) },
            }),
          ],
        })
        return
      }
      endDecision(span, active.version)
      const policy: RequestPolicy = { decision: result.decision, version: active.version, agencyId: context.caller.agencyId }
      // Lists are paged under this decision: its row filters, cursors bound to it.
      const pager = createPolicyPager({ codec: options.cursors, policy, purpose: context.requestContext.purpose })
      if (draft) {
        draft.grants = result.decision.grantsUsed
        if (result.decision.withholdFromSubjectUntil) draft.withheldUntil = result.decision.withholdFromSubjectUntil
      }
      // The one place a request's decision is set: the limits, the resolvers and paging read it there.
      context.state.decide(policy, pager)
      if (result.introspection) {
        const view = views.viewFor(policy.agencyId, context.requestContext)
        if (!view) {
          setExecuteFn(() => ({ errors: [new GraphQLError('Nothing is visible for this purpose', { extensions: { code: 'FORBIDDEN', origin: 'caller' } })] }))
          return
        }
        // Data fields in the same operation are allowed (decided above) and exist in the view.
        setExecuteFn((executionArgs) => execute({ ...executionArgs, schema: view }))
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (policy.decision.masks.size === 0 || Symbol.asyncIterator in (result as object)) return
          const single = result as ExecutionResult
          // In place: execution builds fresh response objects, shared with nothing else.
          const masked = maskResult(
            options.schema,
            args.document,
            args.operationName,
            single.data as Record<string, unknown> | null | undefined,
            policy.decision.masks,
            hash,
          )
          if (draft) draft.masks = masked
          setResult(single)
        },
      }
    },
  }
}
