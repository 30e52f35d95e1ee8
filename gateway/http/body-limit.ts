import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit'

/**
 * hono/body-limit, without its cost on the common case. Hono's middleware reads `request.body`
 * first, which makes @hono/node-server build a full undici Request around a web stream of the
 * socket: the most expensive step of a small JSON request (profiled). A request that
 * declares its `Content-Length` (and no `Transfer-Encoding`) is decided from the header alone:
 * Node's HTTP parser never delivers more bytes than declared. Only chunked bodies (or bodies
 * without a length) go through hono's counting reader; GET and HEAD carry none to the app.
 */
export function bodyLimit(options: { maxSize: number; onError: (c: Context) => Response | Promise<Response> }): MiddlewareHandler {
  const counting = streamingBodyLimit(options)
  return async function declaredBodyLimit(c, next) {
    // The Node adapter gives GET and HEAD requests no body at all: nothing to limit.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    const declared = c.req.header('content-length')
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (!/^\d+$/.test(declared.trim())) return counting(c, next)
      return Number(declared) > options.maxSize ? options.onError(c) : next()
    }
    return counting(c, next)
  }
}
