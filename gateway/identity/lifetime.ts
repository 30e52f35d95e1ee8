/** How far apart the gateway's clock and a client's may be, in seconds. */
export const CLOCK_SKEW_S = 30

/**
 * Why a signed object's `iat`/`exp` are out of bounds, or null when they are fine: `iat` not after
 * now + skew, `exp` after `iat`, at most `maxLifetimeS` after it, and at most `maxLifetimeS` (+ skew)
 * from now. jose only checks that `exp` has not passed; without these a client could sign one
 * object valid for a year, and whoever copies it off a log could use it until then. The bounds
 * also keep the time its `jti` must be remembered short. Expiry itself is jose's (with the skew).
 * Numbers only, and finite: JSON reads `1e999` as Infinity (jose lets `nbf: -1e999` through).
 */
export function lifetimeProblem(iat: unknown, exp: unknown, nowMs: number, maxLifetimeS: number, nbf?: unknown): string | null {
  if (typeof iat !== 'number' || !Number.isFinite(iat) || typeof exp !== 'number' || !Number.isFinite(exp)) return 'iat and exp must be numbers'
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) return 'nbf must be a number'
  const nowS = nowMs / 1000
  if (iat > nowS + CLOCK_SKEW_S) return 'is issued in the future (iat)'
  if (exp <= iat) return 'expires before it is issued'
  if (exp - iat > maxLifetimeS || exp > nowS + maxLifetimeS + CLOCK_SKEW_S) return `may live ${maxLifetimeS} seconds at most`
  return null
}

/** How long a `jti` must be remembered: until the object expires, plus the skew jose allows. */
export function replayWindowMs(exp: number, nowMs: number): number {
  return Math.ceil(Math.max(1000, (exp + CLOCK_SKEW_S) * 1000 - nowMs))
}

/** True when `aud` names exactly one audience (a string, or an array of one) and it is one of `accepted`. */
export function singleAudience(aud: unknown, accepted: readonly string[]): boolean {
  const named = Array.isArray(aud) ? aud : [aud]
  return named.length === 1 && typeof named[0] === 'string' && accepted.includes(named[0])
}
