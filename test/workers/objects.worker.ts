/**
 * A Worker for the Durable Object adapters' tests on workerd: the rate limiter and the shared
 * store behind plain HTTP routes, so a Node test can load them from many connections. A Workers
 * entry of the gateway binds the same classes.
 */
import { createDurableObjectRateLimiter, RateLimitObject } from '../../gateway/ratelimit/durable-object.js'
import type { ConsumeRequest } from '../../gateway/ratelimit/index.js'
import { createDurableObjectSharedStore, SharedStoreObject } from '../../gateway/shared-store/durable-object.js'
import type { WindowCounter } from '../../gateway/shared-store/index.js'
import type { ObjectNamespace } from '../../gateway/support/index.js'

export { RateLimitObject, SharedStoreObject }

interface Env {
  RATE_LIMITER: ObjectNamespace
  SHARED_STORE: ObjectNamespace
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const limiter = createDurableObjectRateLimiter(env.RATE_LIMITER)
    const store = createDurableObjectSharedStore(env.SHARED_STORE)
    const { pathname } = new URL(request.url)
    try {
      if (pathname === '/ping') return Response.json({ limiter: await limiter.ping(), store: await store.ping() })
      const body = (await request.json()) as ConsumeRequest & { key: string; ttlMs: number; counters: WindowCounter[] }
      if (pathname === '/consume') return Response.json(await limiter.consume(body))
      if (pathname === '/claim') return Response.json(await store.claimOnce(body.key, body.ttlMs))
      if (pathname === '/count') return Response.json(await store.count(body.counters))
      return Response.json({ error: 'not found' }, { status: 404 })
    } catch (error) {
      return Response.json({ error: error instanceof Error ? error.name : 'error' }, { status: error instanceof TypeError ? 400 : 503 })
    }
  },
}
