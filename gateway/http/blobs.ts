import { Hono } from 'hono'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../errors.js'
import { BlobError, isBlobHash, MAX_BLOB_BYTES, type BlobStore, type DossierStore } from '../exchange/index.js'
import type { PolicyRuntime } from '../policy/index.js'
import { checkAttempt, type AttemptLimiter } from './attempt-limit.js'
import { bodyLimit } from './body-limit.js'

export interface BlobRoutesOptions {
  blobs: BlobStore
  store: DossierStore
  policies: PolicyRuntime
  /** Uploads are limited per agency (each may be 10 MB): absent, unlimited. */
  attempts?: AttemptLimiter
}

/** A desk scans a few parts per dossier; a loop filling the store is held to one a second. */
const UPLOAD_LIMITS = { perIp: { perMinute: 600, burst: 200 }, perSubject: { perMinute: 120, burst: 60 } }

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/

/**
 * Document parts, by their SHA-256, for the systems taking part in the exchange (the caller is
 * authenticated first):
 * - `PUT /v1/blobs/{sha256}`: the part's bytes, its media type as `Content-Type`; the content is
 *   checked against the hash in the path before anything is stored (the same bytes are kept
 *   once). Only an agency registered for the exchange may store parts.
 * - `GET /v1/blobs/{sha256}`: the part, checked against its hash again on the way out; only for an
 *   agency that is a party to a dossier naming it (any other gets 404, as for a missing part).
 */
export function blobRoutes(options: BlobRoutesOptions): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  const limit = bodyLimit({
    maxSize: MAX_BLOB_BYTES,
    onError: (c) => errorResponse(c, 'PAYLOAD_TOO_LARGE', `A part may be ${MAX_BLOB_BYTES} bytes at most`, 413),
  })
  routes.put('/v1/blobs/:sha256', limit, async (c) => {
    const caller = c.get('caller')
    if (!options.policies.current().agencies.get(caller.agencyId)?.exchange) {
      return errorResponse(c, 'FORBIDDEN', `Agency ${caller.agencyId} is not registered for the dossier exchange`, 403)
    }
    if (options.attempts) {
      const verdict = await checkAttempt({ ...options.attempts, limits: UPLOAD_LIMITS }, c, 'blob', 'subject', caller.agencyId)
      if (!verdict.allowed) {
        return errorResponse(c, 'RATE_LIMITED', 'Too many parts uploaded; wait and try again', 429, {
          ...verdict.headers,
          'retry-after': String(verdict.retryAfterS),
        })
      }
    }
    const sha256 = c.req.param('sha256')
    if (!isBlobHash(sha256)) return errorResponse(c, 'BAD_USER_INPUT', 'The path names the part by its SHA-256: 64 lower-case hex digits', 400)
    const mediaType = (c.req.header('content-type') ?? '').trim()
    if (!MEDIA_TYPE.test(mediaType)) {
      return errorResponse(
        c,
        'BAD_USER_INPUT',
        'Send the part with its media type as Content-Type, in lower case and without parameters (application/pdf)',
        415,
      )
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer())
    try {
      const stored = await options.blobs.put(bytes, { mediaType, sha256 })
      return c.json(stored, 201)
    } catch (error) {
      if (!(error instanceof BlobError)) throw error
      if (error.reason === 'TOO_LARGE') return errorResponse(c, 'PAYLOAD_TOO_LARGE', error.message, 413)
      return errorResponse(c, 'BAD_USER_INPUT', error.message, 400)
    }
  })
  routes.get('/v1/blobs/:sha256', async (c) => {
    const sha256 = c.req.param('sha256')
    const missing = () => errorResponse(c, 'NOT_FOUND', `No part ${sha256} in a dossier your agency takes part in`, 404)
    if (!isBlobHash(sha256) || !(await options.store.partVisibleTo(sha256, c.get('caller').agencyId))) return missing()
    // A part whose bytes no longer match its hash throws here: a 500, never the altered bytes.
    const blob = await options.blobs.get(sha256)
    if (!blob) return missing()
    return c.body(blob.bytes.slice().buffer, 200, {
      'content-type': blob.mediaType,
      'content-length': String(blob.size),
      'content-disposition': 'attachment',
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    })
  })
  return routes
}
