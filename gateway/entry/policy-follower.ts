/**
 * How a runtime without timers between requests (workerd) follows the active policy version:
 * the request that finds it possibly stale re-reads it, as Node's watcher polls.
 */
import type { Logger } from '../logger.js'
import type { PolicyRuntime } from '../policy/index.js'
import type { PolicyStore } from '../policy/store/index.js'
import type { PolicyRules } from './policy-rules.js'

/** How often a request re-reads the active policy version (Node's watcher polls as often). */
export const POLICY_FRESHNESS_MS = 1000
/** A policy check running this long is taken as abandoned (its request cancelled). */
export const CHECK_ABANDONED_MS = 10_000

/**
 * Re-reads the active version when it may be stale; a version that does not load keeps the old
 * one serving. One check at a time: requests that find one running go on with the version in
 * force rather than wait on it. A check whose request was cancelled mid-way never finishes, so
 * after CHECK_ABANDONED_MS another may start; only the latest started may switch, so a slow one
 * finishing late cannot switch back to what it read.
 */
export function policyFollower(
  store: Pick<PolicyStore, 'activeVersion' | 'active'>,
  policies: Pick<PolicyRuntime, 'replace'>,
  rules: Pick<PolicyRules, 'setOf'>,
  initialVersion: number,
  logger: Logger,
  now: () => number = Date.now,
) {
  let version = initialVersion
  let checkedAt = now()
  let checkingSince: number | null = null
  let latest = 0
  return async () => {
    const started = now()
    if (started - checkedAt < POLICY_FRESHNESS_MS) return
    if (checkingSince !== null && started - checkingSince < CHECK_ABANDONED_MS) return
    checkedAt = started
    checkingSince = started
    const check = ++latest
    try {
      const active = await store.activeVersion()
      if (active === null || active === version) return
      const snapshot = await store.active()
      if (!snapshot || snapshot.version === version || check !== latest) return
      policies.replace(rules.setOf(snapshot.files), snapshot.version)
      version = snapshot.version
      logger.info({ version }, 'policy version switched')
    } catch (error) {
      logger.error({ err: error }, 'policy version not switched; keeping the current one')
    } finally {
      if (check === latest) checkingSince = null
    }
  }
}
