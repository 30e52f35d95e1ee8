/**
 * A Worker for the limiter's tests on workerd: the Durable Object rate limiter behind a plain
 * HTTP route, so a Node test can load it from many connections. The gateway's own Workers entry
 * binds the same class.
 */
import { createDurableObjectRateLimiter, RateLimitObject, type LimiterNamespace } from '../../gateway/ratelimit/durable-object.js'
import type { ConsumeRequest } from '../../gateway/ratelimit/index.js'

export { RateLimitObject }

interface Env {
  RATE_LIMITER: LimiterNamespace
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const limiter = createDurableObjectRateLimiter(env.RATE_LIMITER)
    const { pathname } = new URL(request.url)
    try {
      if (pathname === '/ping') return Response.json(await limiter.ping())
      const body = (await request.json()) as ConsumeRequest
      if (pathname === '/consume') return Response.json(await limiter.consume(body))
      if (pathname === '/refund' && limiter.refund) {
        await limiter.refund(body)
        return Response.json(null)
      }
      return Response.json({ error: 'not found' }, { status: 404 })
    } catch (error) {
      return Response.json({ error: error instanceof Error ? error.name : 'error' }, { status: error instanceof TypeError ? 400 : 503 })
    }
  },
}
