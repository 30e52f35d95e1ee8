import type { Context } from 'hono'
import { rateLimitHeaders, retryAfterSeconds, type RateLimiter } from '../ratelimit/index.js'

/** Attempts per minute (and at once) from one address, and for one account or client. */
export interface AttemptLimits {
  perIp: { perMinute: number; burst: number }
  perSubject: { perMinute: number; burst: number }
}

/**
 * The token endpoint's limits. A client needs a token every few minutes (they live 5 min); a
 * burst of 20 covers restarts and several workers of one system, while a loop of failing
 * assertions is slowed to one a second. The address limit is wider: several systems may call
 * from one address (a NAT, a provincial data centre).
 */
export const TOKEN_ATTEMPT_LIMITS: AttemptLimits = {
  perIp: { perMinute: 300, burst: 100 },
  perSubject: { perMinute: 60, burst: 20 },
}

export interface AttemptLimiter {
  limiter: RateLimiter
  /** The caller's address, from the runtime (Node: the socket); `undefined` → `unknown`. */
  /** Any route's context: the token endpoint's and the console's alike. */
  clientIp: (c: Context) => string | undefined
  limits?: AttemptLimits
}

export type AttemptVerdict = { allowed: true; headers: Record<string, string> } | { allowed: false; retryAfterS: number; headers: Record<string, string> }

/** Keeps a partition to what every adapter accepts (an IPv6 address keeps its colons). */
const safe = (value: string) => value.replace(/[^A-Za-z0-9.:_-]/g, '_').slice(0, 120) || 'unknown'

/**
 * Counts one attempt of an action that guards credentials (`token`: POST /oauth/token; `login`:
 * the console login wires the same helper) against the caller's address and, when
 * known, the subject (a registered client id, an account): every attempt counts, good or bad,
 * so a guessing loop is slowed whether or not it ever succeeds. A limiter that fails lets the
 * attempt through (limits protect capacity; the credential check itself still runs).
 *
 * @example
 * const verdict = await checkAttempt(attempts, c, 'token', 'ip')
 * if (!verdict.allowed) return c.json(…, 429, verdict.headers)
 */
export async function checkAttempt(
  attempts: AttemptLimiter,
  c: Context,
  action: 'token' | 'login' | 'lookup' | 'blob',
  by: 'ip' | 'subject',
  subject?: string,
): Promise<AttemptVerdict> {
  const limits = attempts.limits ?? TOKEN_ATTEMPT_LIMITS
  const key = by === 'ip' ? safe(attempts.clientIp(c) ?? 'unknown') : safe(subject ?? 'unknown')
  const rate = by === 'ip' ? limits.perIp : limits.perSubject
  try {
    const decision = await attempts.limiter.consume({
      partition: `${action}-${by}:${key}`,
      cost: 1,
      limits: [{ name: by === 'ip' ? 'ip' : 'client', kind: 'rate', perMinute: rate.perMinute, burst: rate.burst }],
    })
    const headers = rateLimitHeaders(decision)
    return decision.allowed ? { allowed: true, headers } : { allowed: false, retryAfterS: retryAfterSeconds(decision.retryAfterMs), headers }
  } catch {
    return { allowed: true, headers: {} }
  }
}
