import { GraphQLError, type GraphQLSchema } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { GRANT_LIMIT_COSTS, type Grant, type KeyedHash } from '../../../policies/index.js'
import type { AuditSignal } from '../../audit/event.js'
import type { Logger } from '../../logger.js'
import { codeToStatus } from '../../errors.js'
import type { Metrics } from '../../metrics/index.js'
import type { PolicyRuntime } from '../../policy/index.js'
import { DAY_MS, DAY_OFFSET_MS, retryAfterSeconds } from '../../ratelimit/index.js'
import type { SharedStore, WindowCounter } from '../../shared-store/index.js'
import type { GatewayServerContext } from '../context.js'
import { namedSubjects, oneVerificationPerOperation, verificationCount } from '../enforce/verification.js'

const HOUR_MS = 3_600_000
/** Non-matching verifications of one subject by one agency in one day that flag it for auditors. */
export const PROBING_NON_MATCHES = 2
const PROBING: AuditSignal = 'VERIFICATION_PROBING'

export interface GrantLimitsPluginOptions {
  schema: GraphQLSchema
  policies: PolicyRuntime
  /** Shared by every instance (Redis), so the limits hold across them. */
  store: SharedStore
  /** Keys subjects and officers in the store: never a raw PIN or officer id in a key. */
  hash: KeyedHash
  logger: Logger
  metrics: Metrics
}

type Reason = 'SUBJECT_DAILY_LIMIT' | 'END_USER_HOURLY_LIMIT' | 'END_USER_REQUIRED' | 'LIMITS_UNAVAILABLE'

interface Charge {
  counter: WindowCounter
  /** Which limit, for the refusal's reason and message. */
  kind?: 'subject' | 'endUser'
  grant?: string
  /** Units given back unless the verification answers "no match". */
  refundable: number
}

const refuse = (message: string, code: 'RATE_LIMITED' | 'FORBIDDEN', reason: Reason) =>
  new GraphQLError(message, { extensions: { code, reason, origin: 'caller', http: { status: codeToStatus[code] } } })

/**
 * A grant's own limits per subject and per officer (README, "Rate limits and quotas"), and the
 * rules that keep `verifyCitizen` from being a birth-date oracle:
 * - validation: `verifyCitizen` once per operation (`BAD_USER_INPUT`, reason
 *   `ONE_VERIFICATION_PER_REQUEST`), before any policy or registry work;
 * - before execution, for every grant the request uses that has `perSubjectPerDay` (each
 *   subject its root fields name, per calendar day in Vietnam) or `perEndUserPerHour` (the
 *   officer, per clock hour): one atomic count in the shared store, all or nothing. A request
 *   costs 1 unit; a verification is charged its non-match price (3) and, when it matches or gets
 *   no answer, given back the difference after execution. Refused: 429 `RATE_LIMITED` with
 *   `Retry-After` until the window ends, before any registry call. A store that cannot answer
 *   refuses too (`LIMITS_UNAVAILABLE`, retry in a second): a limit nobody can count is not a limit;
 * - after a non-match, the agency's count of non-matches for that subject today goes up; from
 *   `PROBING_NON_MATCHES` on, the request's audit event carries `VERIFICATION_PROBING` (as do its
 *   refusals for that subject), and the metric `lgsp_audit_signals_total` counts it.
 * Keys hold keyed hashes of the subject and the officer, under the agency's hash tag (one Redis
 * Cluster slot per agency).
 */
export function useGrantLimits(options: GrantLimitsPluginOptions): Plugin<GatewayServerContext, GatewayServerContext> {
  const { store, hash, metrics, logger } = options
  const day = (key: string, amount: number, limit?: number): WindowCounter => ({
    key,
    windowMs: DAY_MS,
    offsetMs: DAY_OFFSET_MS,
    amount,
    ...(limit === undefined ? {} : { limit }),
  })
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(oneVerificationPerOperation)
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue
      const policy = context.state.policy
      if (!policy) return
      const agency = options.policies.current().agencies.get(policy.agencyId)
      const grants = (agency?.grants ?? []).filter(
        (grant): grant is Grant & { limits: NonNullable<Grant['limits']> } =>
          policy.decision.grantsUsed.includes(grant.id) && (grant.limits?.perSubjectPerDay !== undefined || grant.limits?.perEndUserPerHour !== undefined),
      )
      const verifies = verificationCount(args.document, args.operationName) > 0
      if (grants.length === 0 && !verifies) return
      const subjects = namedSubjects(options.schema, args.document, args.operationName, args.variableValues ?? {})
      const verified = subjects.find((subject) => subject.verified)
      const tag = `gl:{${policy.agencyId}}`
      // Non-matches of the verified subject today, by this agency (read now, for a refusal's signal).
      const tally = verified ? `${tag}:nm:${hash(verified.value)}` : null
      const draft = context.audit
      // A refused request names its subjects in the audit event too (as keyed hashes): probing
      // is searched by subject, and the citizen's own history lists only data actually read.
      const noteSubjects = () => {
        if (draft) for (const subject of subjects) draft.identifiers.add(subject.value)
      }
      const flag = () => {
        if (draft) (draft.signals ??= new Set()).add(PROBING)
        metrics.signal(policy.agencyId, PROBING)
      }
      const extra = GRANT_LIMIT_COSTS.nonMatch - GRANT_LIMIT_COSTS.request
      const charges: Charge[] = []
      for (const grant of grants) {
        const { perSubjectPerDay, perEndUserPerHour } = grant.limits
        if (perSubjectPerDay !== undefined) {
          for (const subject of subjects) {
            const amount = subject.verified ? GRANT_LIMIT_COSTS.nonMatch : GRANT_LIMIT_COSTS.request
            charges.push({
              counter: day(`${tag}:${grant.id}:s:${hash(subject.value)}`, amount, perSubjectPerDay),
              kind: 'subject',
              grant: grant.id,
              refundable: subject.verified ? extra : 0,
            })
          }
        }
        if (perEndUserPerHour !== undefined) {
          const endUser = context.requestContext.endUser
          if (!endUser) {
            // The schema makes such a grant require the officer, so the policy refused already;
            // should a document slip through, the request is refused rather than uncounted.
            setResultAndStopExecution({
              errors: [refuse(`Grant ${grant.id} limits each officer: name the officer in X-End-User`, 'FORBIDDEN', 'END_USER_REQUIRED')],
            })
            return
          }
          const amount = verifies ? GRANT_LIMIT_COSTS.nonMatch : GRANT_LIMIT_COSTS.request
          charges.push({
            counter: { key: `${tag}:${grant.id}:u:${hash(`end-user:${endUser}`)}`, windowMs: HOUR_MS, amount, limit: perEndUserPerHour },
            kind: 'endUser',
            grant: grant.id,
            refundable: verifies ? extra : 0,
          })
        }
      }
      let counted: Awaited<ReturnType<SharedStore['count']>> | null = null
      if (charges.length > 0) {
        const counters = [...charges.map((charge) => charge.counter), ...(tally ? [day(tally, 0)] : [])]
        try {
          counted = await store.count(counters)
        } catch (error) {
          logger.error({ err: error, agency: policy.agencyId }, 'grant limits cannot be counted; request refused')
          noteSubjects()
          context.state.rateLimit.retryAfterMs = 1000
          if (verifies) metrics.verification(policy.agencyId, 'refused')
          setResultAndStopExecution({ errors: [refuse('Grant limits cannot be checked right now: retry in a second', 'RATE_LIMITED', 'LIMITS_UNAVAILABLE')] })
          return
        }
        if (!counted.allowed) {
          const index = charges.findIndex(
            (charge, i) => charge.counter.limit !== undefined && counted!.counters[i]!.value + charge.counter.amount > charge.counter.limit,
          )
          const over = charges[Math.max(0, index)]!
          const state = counted.counters[Math.max(0, index)]!
          const seconds = retryAfterSeconds(state.resetMs)
          context.state.rateLimit.retryAfterMs = state.resetMs
          noteSubjects()
          if (tally && counted.counters[charges.length]!.value >= PROBING_NON_MATCHES) flag()
          if (verifies) metrics.verification(policy.agencyId, 'refused')
          const message =
            over.kind === 'subject'
              ? `Grant ${over.grant} allows ${over.counter.limit} units per subject per day and this subject has ${state.value} (a request costs ${GRANT_LIMIT_COSTS.request}, a verification ${GRANT_LIMIT_COSTS.nonMatch} until it matches): retry after ${seconds} s`
              : `Grant ${over.grant} allows ${over.counter.limit} units per officer per hour and this officer has ${state.value}: retry after ${seconds} s`
          setResultAndStopExecution({ errors: [refuse(message, 'RATE_LIMITED', over.kind === 'subject' ? 'SUBJECT_DAILY_LIMIT' : 'END_USER_HOURLY_LIMIT')] })
          return
        }
      }
      if (!verifies) return
      const taken = counted
      return {
        async onExecuteDone() {
          const outcome = context.state.verifications[0]?.match ?? null
          metrics.verification(policy.agencyId, outcome === null ? 'no_answer' : outcome ? 'match' : 'no_match')
          const settle: WindowCounter[] = []
          if (outcome === false) {
            if (tally) settle.push(day(tally, 1))
          } else if (taken) {
            // A match (what verification is for) or no answer (nothing learnt): only the request's price stays.
            charges.forEach(({ counter, refundable }, i) => {
              if (refundable > 0)
                settle.push({
                  key: counter.key,
                  windowMs: counter.windowMs,
                  ...(counter.offsetMs ? { offsetMs: counter.offsetMs } : {}),
                  amount: -refundable,
                  window: taken.counters[i]!.window,
                })
            })
          }
          if (settle.length === 0) return
          try {
            const after = await store.count(settle)
            if (outcome === false && after.counters[0]!.value >= PROBING_NON_MATCHES) flag()
          } catch (error) {
            // Errs towards refusing: the non-match price stays, or the non-match goes uncounted
            // while the store is down (and then every limited request is refused anyway).
            logger.warn({ err: error, agency: policy.agencyId }, 'grant limits could not be settled after a verification')
          }
        },
      }
    },
  }
}
