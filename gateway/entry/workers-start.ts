/**
 * How a Workers isolate comes to serve: the first request builds the gateway, and no request
 * ever waits on another's build (workerd cancels a request that awaits a promise another request
 * settles). While one request builds, the others are told to come back (503, Retry-After 1)
 * rather than each building a gateway of its own. A configuration or key problem cannot mend
 * itself while the isolate lives (its bindings do not change), so it is logged once and every
 * later request refused at once; any other failure (the database not reachable yet) lets a
 * request try again a second later.
 */
import { ConfigError } from '../config.js'
import { KeyStoreError } from '../identity/keys/index.js'
import type { Logger } from '../logger.js'

/** After a failure that may pass, the next build waits this long. */
export const REBUILD_AFTER_MS = 1000
/**
 * A build still running after this long is taken as abandoned: workerd cancels the request that
 * started it (its client went away) and the build never settles. The next request builds anew.
 */
export const BUILD_ABANDONED_MS = 30_000

const unavailable = (message: string, retryAfterS: number) =>
  new Response(JSON.stringify({ error: { code: 'INTERNAL_SERVER_ERROR', message, requestId: 'unknown' } }), {
    status: 503,
    headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterS), 'cache-control': 'no-store' },
  })

/** Never the problem itself to the caller: it names settings. The log has it. */
const notReady = () => unavailable('The gateway is not ready: see its log', 5)
const starting = () => unavailable('The gateway is starting: try again in a moment', 1)

type State<G> = { kind: 'none'; retryAt: number } | { kind: 'building'; since: number } | { kind: 'ready'; gateway: G } | { kind: 'refused' }

/** The gateway once built, or the response to give while it is not. */
export type Started<G> = { gateway: G } | { response: Response }

/**
 * @example
 * const start = isolateStart(() => buildWorkersGateway(env, texts, logger), logger)
 * const started = await start()
 * if ('response' in started) return started.response
 */
export function isolateStart<G>(build: () => Promise<G>, logger: Logger, now: () => number = Date.now): () => Promise<Started<G>> {
  let state: State<G> = { kind: 'none', retryAt: 0 }
  return async () => {
    if (state.kind === 'ready') return { gateway: state.gateway }
    if (state.kind === 'refused') return { response: notReady() }
    if (state.kind === 'building' && now() - state.since < BUILD_ABANDONED_MS) return { response: starting() }
    if (state.kind === 'none' && now() < state.retryAt) return { response: notReady() }
    const building: State<G> = { kind: 'building', since: now() }
    state = building
    // Only the latest build decides: one taken as abandoned that settles late changes nothing.
    const current = () => state === building
    try {
      const gateway = await build()
      if (current()) state = { kind: 'ready', gateway }
      return { gateway }
    } catch (error) {
      const lasting = error instanceof ConfigError || error instanceof KeyStoreError
      if (!current()) return { response: notReady() }
      state = lasting ? { kind: 'refused' } : { kind: 'none', retryAt: now() + REBUILD_AFTER_MS }
      if (error instanceof ConfigError)
        logger.error({ problems: error.problems }, 'invalid configuration: every request is refused until it is fixed and deployed')
      else if (lasting) logger.error({ err: error }, 'the gateway keys could not be opened: every request is refused until the secret is fixed and deployed')
      else logger.error({ err: error }, 'the gateway could not start; a request will try again')
      return { response: notReady() }
    }
  }
}
