import { GraphQLError, type GraphQLSchema } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { GRANT_LIMIT_COSTS, type AgencyDocument } from '../../../policies/index.js'
import type { Logger } from '../../logger.js'
import { codeToStatus } from '../../errors.js'
import type { PolicyRuntime } from '../../policy/index.js'
import { largestCost, retryAfterSeconds, type ConsumeDecision, type LimitSpec, type RateLimiter } from '../../ratelimit/index.js'
import type { GatewayServerContext } from '../context.js'
import { createCostEstimator } from '../../ratelimit/request-cost.js'
import { verificationCount } from '../enforce/verification.js'
import { answeredNoMatch } from '../request-state.js'
import { endSpan, type Span } from '../../telemetry/index.js'

export interface RateLimitPluginOptions {
  schema: GraphQLSchema
  policies: PolicyRuntime
  limiter: RateLimiter
  logger: Logger
  /** Sources connected by description, registry name → its SDL: a read of one counts that registry. */
  describedRegistries?: Readonly<Record<string, string>>
}

/** The limits a request of this agency runs under: the agency's rate and daily quota, and each used grant's rate. */
export function limitsFor(agency: AgencyDocument | undefined, grantsUsed: readonly string[]): LimitSpec[] {
  if (!agency) return []
  const limits: LimitSpec[] = []
  const { rate, dailyQuota } = agency.limits ?? {}
  if (rate) limits.push({ name: 'agency', kind: 'rate', perMinute: rate.perMinute, burst: rate.burst })
  if (dailyQuota) limits.push({ name: 'daily', kind: 'daily', quota: dailyQuota })
  for (const grant of agency.grants) {
    if (grant.limits?.rate && grantsUsed.includes(grant.id)) {
      limits.push({ name: `grant-${grant.id}`, kind: 'rate', perMinute: grant.limits.rate.perMinute, burst: grant.limits.rate.burst })
    }
  }
  return limits
}

/**
 * Ends the decision's span with what was decided; `reason` names a refusal as the audit event
 * does. Called only for a recording span (a span that records nothing needs no ending).
 */
function endDecision(span: Span, cost: number, decided: { allowed: boolean; scope?: string; reason?: string }): void {
  span.setAttributes({
    'lgsp.ratelimit.cost': cost,
    'lgsp.decision': decided.allowed ? 'allowed' : 'refused',
    ...(decided.scope ? { 'lgsp.ratelimit.scope': decided.scope } : {}),
    ...(decided.reason ? { 'lgsp.reason': decided.reason } : {}),
  })
  span.end()
}

const refuse = (message: string, code: 'RATE_LIMITED' | 'QUERY_TOO_COMPLEX', reason: string) =>
  new GraphQLError(message, { extensions: { code, reason, origin: 'caller', http: { status: codeToStatus[code] } } })

/** Which limit refused, for the audit event: the first whose remaining units do not cover the cost. */
function refusingLimit(decision: ConsumeDecision, cost: number): string {
  const limit = decision.limits.find((state) => state.remaining < cost)
  if (!limit) return 'RATE_LIMIT'
  return limit.name === 'agency'
    ? 'AGENCY_RATE_LIMIT'
    : limit.name === 'daily'
      ? 'AGENCY_DAILY_QUOTA'
      : limit.kind === 'daily'
        ? 'DAILY_QUOTA'
        : 'GRANT_RATE_LIMIT'
}

/** What a verification adds to a request's cost until it is known to match (given back then). */
export const VERIFICATION_SURCHARGE = GRANT_LIMIT_COSTS.nonMatch - GRANT_LIMIT_COSTS.request

/**
 * Rate limits and quotas on every GraphQL request, after the policy decision and
 * before execution, so a refused request never reaches a registry:
 * - the cost is estimated from the operation (records asked for × registries touched, see
 *   request-cost.ts); a request dearer than the agency's bucket could ever hold is refused as
 *   `QUERY_TOO_COMPLEX` (waiting would not help);
 * - one decision takes the cost from the agency's rate limit, its daily quota and the rate limit
 *   of every grant used, all or nothing; refused: `RATE_LIMITED` (429), the headers and
 *   `Retry-After` are set by the route from the decision left in the request state.
 * A request the policy refuses stops in `usePolicy` and costs nothing: it reads no registry and
 * its answer must say why it was refused, not that the caller is busy.
 *
 * A `verifyCitizen` is charged as if it will not match (a non-match costs
 * `GRANT_LIMIT_COSTS.nonMatch`, a match `request`): the answer is known only after the registry
 * replies, and a limit must refuse before it does. Unless a non-match was answered, the
 * difference is refunded when execution ends, so guessing costs three times what verifying does.
 */
export function useRateLimit(options: RateLimitPluginOptions): Plugin<GatewayServerContext, GatewayServerContext> {
  const estimate = createCostEstimator(options.schema, options.describedRegistries)
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      // Reads the decision usePolicy left in the request state; absent (refused), nothing to charge.
      const { state } = args.contextValue
      const policy = state.policy
      if (!policy) return
      const agency = options.policies.current().agencies.get(policy.agencyId)
      const limits = limitsFor(agency, policy.decision.grantsUsed)
      if (limits.length === 0) return
      const estimated = estimate(args.document, args.operationName, args.variableValues)
      const { records, registries } = estimated
      const surcharge = verificationCount(args.document, args.operationName) > 0 ? VERIFICATION_SURCHARGE : 0
      const cost = estimated.cost + surcharge
      const most = largestCost(limits)
      const span = args.contextValue.trace?.child('ratelimit.decision')
      if (cost > most) {
        if (span?.isRecording()) endDecision(span, cost, { allowed: false, reason: 'COST_OVER_LIMIT' })
        setResultAndStopExecution({
          errors: [
            refuse(
              `This request costs ${cost} units (${records} records × ${Math.max(1, registries.length)} registries${surcharge ? `, + ${surcharge} until the verification matches` : ''}); at most ${most} fit in one request for this agency: ask for fewer records`,
              'QUERY_TOO_COMPLEX',
              'COST_OVER_LIMIT',
            ),
          ],
        })
        return
      }
      const request = { partition: `agency:${policy.agencyId}`, limits, cost }
      let decision
      try {
        decision = await options.limiter.consume(request)
      } catch (error) {
        if (span?.isRecording()) endSpan(span, 'LIMITER_FAILED')
        // Limits protect capacity, not data: a limiter that fails (not merely slow: the failover
        // answers for an unreachable Redis) must not take the data API down with it.
        options.logger.error({ err: error, agency: policy.agencyId }, 'rate limiter failed; request served without a limit')
        return
      }
      state.rateLimit.decision = decision
      if (span?.isRecording())
        endDecision(span, cost, {
          allowed: decision.allowed,
          scope: decision.scope,
          ...(decision.allowed ? {} : { reason: decision.undecided ? 'LIMITS_UNAVAILABLE' : refusingLimit(decision, cost) }),
        })
      if (decision.allowed && args.contextValue.audit) args.contextValue.audit.cost = cost
      if (!decision.allowed) {
        const seconds = retryAfterSeconds(decision.retryAfterMs)
        const error = decision.undecided
          ? refuse(`Rate limits cannot be checked right now: retry after ${seconds} s`, 'RATE_LIMITED', 'LIMITS_UNAVAILABLE')
          : refuse(
              `Rate limit of agency ${policy.agencyId} reached: retry after ${seconds} s (this request costs ${cost} units)`,
              'RATE_LIMITED',
              refusingLimit(decision, cost),
            )
        setResultAndStopExecution({ errors: [error] })
        return
      }
      if (surcharge === 0) return
      return {
        async onExecuteDone() {
          // Awaited before the response: the next request sees the units given back.
          if (answeredNoMatch(state)) return
          try {
            await options.limiter.refund?.({ ...request, cost: surcharge })
          } catch (error) {
            options.logger.warn({ err: error, agency: policy.agencyId }, 'rate limiter refund failed; the verification keeps its non-match price')
          }
        },
      }
    },
  }
}
