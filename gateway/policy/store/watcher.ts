import type { PolicySnapshot, PolicyStore } from './policy-store.js'

export interface PolicyWatcherOptions {
  store: Pick<PolicyStore, 'active' | 'activeVersion'>
  /** @default 1000 */
  intervalMs?: number
  /** The version already loaded (the initial snapshot), so the first poll does not reload it. */
  initialVersion?: number | null
  /** Awaited; when it throws, the watcher keeps the old version, reports it, and tries again next tick. */
  onChange(snapshot: PolicySnapshot): Promise<void> | void
  onError(error: unknown): void
  /**
   * How to wait: the default is a plain `setTimeout`; the Node entry passes one that unrefs it so
   * the watcher never keeps a stopping process alive.
   */
  schedule?: (fn: () => void, ms: number) => { cancel(): void }
}

export interface PolicyWatcher {
  stop(): void
}

const defaultSchedule = (fn: () => void, ms: number) => {
  const handle = setTimeout(fn, ms)
  return { cancel: () => clearTimeout(handle) }
}

/**
 * Polls the active version (one cheap query) and loads the full snapshot only when it changed.
 * A chain of timeouts rather than an interval: a slow database or a slow `onChange` never
 * stacks polls on top of each other.
 */
export function createPolicyWatcher(options: PolicyWatcherOptions): PolicyWatcher {
  const intervalMs = options.intervalMs ?? 1000
  const schedule = options.schedule ?? defaultSchedule
  let seen = options.initialVersion ?? null
  let stopped = false
  let pending: { cancel(): void } | null = null

  async function tick(): Promise<void> {
    try {
      const version = await options.store.activeVersion()
      if (stopped || version === null || version === seen) return
      const snapshot = await options.store.active()
      if (stopped || !snapshot) return
      await options.onChange(snapshot)
      seen = snapshot.version
    } catch (error) {
      if (!stopped) options.onError(error)
    }
  }

  const loop = () => {
    pending = schedule(() => {
      void tick().finally(() => {
        if (!stopped) loop()
      })
    }, intervalMs)
  }
  loop()

  return {
    stop() {
      stopped = true
      pending?.cancel()
    },
  }
}
