import type { Pager } from '../../connectors/index.js'
import type { ConsumeDecision } from '../ratelimit/index.js'
import type { RequestPolicy } from './enforce/request-policy.js'
import type { VerificationOutcome } from './enforce/verification.js'
import { undecidedPager } from './paging/policy-pager.js'

/** The rate-limit outcome the route copies onto the response. */
export interface RateLimitOutcome {
  /** Set by `useRateLimit`: the limit headers, and `Retry-After` on a 429, come from it. */
  decision?: ConsumeDecision
  /** Set by a refusal that is not the rate limiter's (a grant's per-subject limit): sent as `Retry-After`. */
  retryAfterMs?: number
}

/**
 * What one GraphQL request carries between the HTTP route, the plugins and the resolvers, in one
 * typed object the route creates. Yoga copies the server context into a context of its own for
 * each request, so a value a plugin wrote into that context would never reach the route, and a
 * later plugin could not tell whether an earlier one had run: every value that crosses steps
 * lives here instead, in a slot that says who writes it and who reads it.
 */
export interface RequestState {
  /**
   * The policy decision and the pager cut under it. Written once, by `usePolicy`, when the policy
   * allows the request; read by the rate and grant limits, the guarded resolvers and the
   * connectors' paging. Absent: the request was refused, or the policy has not run.
   */
  readonly policy: RequestPolicy | undefined
  readonly pager: Pager
  decide(policy: RequestPolicy, pager: Pager): void
  /** Written by `useRateLimit` and `useGrantLimits`; read by the route for the response headers. */
  readonly rateLimit: RateLimitOutcome
  /** Each `verifyCitizen` answer, appended by its guarded resolver; read by the rate and grant limits. */
  readonly verifications: VerificationOutcome[]
  /**
   * The request's JSON body as parsed, written by the strict body parser (the one place it is
   * read); the route hands it to the receipt, which hashes what was asked.
   */
  body?: unknown
}

export function createRequestState(): RequestState {
  let policy: RequestPolicy | undefined
  let pager: Pager = undecidedPager
  return {
    get policy() {
      return policy
    },
    get pager() {
      return pager
    },
    decide(decided, cutUnder) {
      // Twice would mean two decisions for one request: which one the resolvers saw would depend on timing.
      if (policy) throw new Error('the policy of this request was already decided')
      policy = decided
      pager = cutUnder
    },
    rateLimit: {},
    verifications: [],
  }
}

/** True when some verification of the request answered "no match": the dear outcome. */
export const answeredNoMatch = (state: RequestState): boolean => state.verifications.some((v) => v.match === false)
