import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../errors.js'

// Fatal: bytes that are not UTF-8 are an error, never silently U+FFFD. One decode() call is
// complete in itself (no streaming), so one decoder serves every request.
const strict = new TextDecoder('utf-8', { fatal: true })

/** The text of a body, or null when its bytes are not UTF-8 (a leading byte order mark is dropped). */
export function decodeUtf8(bytes: ArrayBuffer | Uint8Array): string | null {
  try {
    return strict.decode(bytes)
  } catch {
    return null
  }
}

/**
 * False when some run of `%XX` escapes does not decode to UTF-8 (`%FF`, an overlong `%C0%AF`, an
 * encoded surrogate, a cut sequence). A `%` not followed by two hex digits is left alone, as
 * URLSearchParams and Hono leave it: a literal percent sign.
 */
export function percentEncodingIsUtf8(text: string): boolean {
  if (!text.includes('%')) return true
  for (const run of text.match(/(?:%[0-9A-Fa-f]{2})+/g) ?? []) {
    try {
      decodeURIComponent(run)
    } catch {
      return false
    }
  }
  return true
}

/**
 * Refuses a request whose query string is not percent-encoded UTF-8, on every route, before any
 * handler reads it: Hono keeps such escapes as literal text and URLSearchParams turns them into
 * U+FFFD; either way a value other than the one sent would be searched for or stored.
 */
export function strictQueryString(): MiddlewareHandler<GatewayEnv> {
  return async function utf8QueryString(c, next) {
    const url = c.req.url
    const start = url.indexOf('?')
    if (start !== -1 && !percentEncodingIsUtf8(url.slice(start + 1))) {
      return errorResponse(c, 'BAD_USER_INPUT', 'The query string is not percent-encoded UTF-8', 400)
    }
    await next()
  }
}
