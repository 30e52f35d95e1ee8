import type { ConsumeDecision } from './rate-limiter.js'

/**
 * The response fields of the IETF httpapi draft "RateLimit header fields for HTTP"
 * (draft-ietf-httpapi-ratelimit-headers-10), as Structured Field lists of quoted policy names:
 *
 *   RateLimit-Policy: "agency";q=140;w=60, "daily";q=20000;w=86400
 *   RateLimit: "agency";r=37;t=12, "daily";r=19850;t=40213
 *
 * `q`: most units in the window `w` (seconds): `perMinute + burst` for a rate limit, the quota
 * for the daily one. `r`: units that could be taken right now. `t`: seconds until the limit is
 * full again (the bucket refilled, local midnight). Units are the gateway's cost units (README),
 * not requests. When refused, `Retry-After` in whole seconds (RFC 9110), rounded up, at least 1.
 */
export function rateLimitHeaders(decision: ConsumeDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'ratelimit-policy': decision.limits.map((l) => `"${l.name}";q=${l.quota};w=${l.windowS}`).join(', '),
    ratelimit: decision.limits.map((l) => `"${l.name}";r=${Math.max(0, l.remaining)};t=${Math.max(0, Math.ceil(l.resetMs / 1000))}`).join(', '),
  }
  if (!decision.allowed) headers['retry-after'] = String(retryAfterSeconds(decision.retryAfterMs))
  return headers
}

/** Whole seconds, rounded up so that retrying after that long passes; never 0. */
export const retryAfterSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000))
