import type { Logger } from '../logger.js'

/** How often, at most, an outage that goes on is summarised in the log. */
export const OUTAGE_SUMMARY_EVERY_MS = 30_000

/**
 * What the log says while the audit store fails: the change of state (one error when commits
 * start failing, one line when they succeed again, with the outage's totals) and a summary every
 * `everyMs` while it goes on. One line per failed commit was tens of lines a second per instance
 * at load, burying everything else an operator needs during the outage.
 */
export function createOutageLog(options: { logger?: Logger; writer: () => string; now?: () => number; everyMs?: number }) {
  const now = options.now ?? Date.now
  const everyMs = options.everyMs ?? OUTAGE_SUMMARY_EVERY_MS
  let outage: null | { since: number; commits: number; events: number; summarisedAt: number; sinceSummary: { commits: number; events: number } } = null
  return {
    /** A commit of `events` events failed. */
    failed(error: unknown, events: number): void {
      const at = now()
      if (!outage) {
        outage = { since: at, commits: 1, events, summarisedAt: at, sinceSummary: { commits: 0, events: 0 } }
        options.logger?.error({ err: error, writer: options.writer(), events }, 'audit store unavailable: requests fail closed until it commits again')
        return
      }
      outage.commits++
      outage.events += events
      outage.sinceSummary.commits++
      outage.sinceSummary.events += events
      if (at - outage.summarisedAt >= everyMs) {
        options.logger?.error(
          { err: error, writer: options.writer(), forMs: at - outage.since, commits: outage.sinceSummary.commits, events: outage.sinceSummary.events },
          'audit store still unavailable: commits and requests refused since the last report',
        )
        outage.summarisedAt = at
        outage.sinceSummary = { commits: 0, events: 0 }
      }
    },
    /** A commit succeeded. */
    committed(): void {
      if (!outage) return
      options.logger?.info(
        { writer: options.writer(), forMs: now() - outage.since, commits: outage.commits, events: outage.events },
        'audit store reachable again',
      )
      outage = null
    },
  }
}
