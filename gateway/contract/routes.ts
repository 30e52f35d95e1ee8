import { Hono } from 'hono'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../errors.js'
import { CONTRACT_VERSION, contractDocuments, type ContractDocument } from './contract.js'

export const CONTRACT_PATH = '/v1/contract'
const CACHE = 'public, max-age=300'

/** JSON names its own encoding; a text document is said to be UTF-8 (its comments are Vietnamese). */
const contentType = (mediaType: string) => (/[/+]json$/.test(mediaType) ? mediaType : `${mediaType}; charset=utf-8`)

/**
 * `GET /v1/contract` (its version and its documents, each with its URL) and
 * `GET /v1/contract/{name}` (one document, with its media type). Public: a vendor reads the
 * contract before its system has a client. Built on the first request, not with the gateway.
 * `sdl`: the schema as this gateway serves it, described sources included.
 */
export function contractRoutes(sdl?: readonly string[]): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  let documents: ContractDocument[] | undefined
  const published = () => (documents ??= contractDocuments(sdl))

  routes.get(CONTRACT_PATH, (c) => {
    c.header('cache-control', CACHE)
    return c.json({
      version: CONTRACT_VERSION,
      documents: published().map(({ name, mediaType }) => ({ name, mediaType, url: `${CONTRACT_PATH}/${name}` })),
    })
  })

  routes.get(`${CONTRACT_PATH}/:name`, (c) => {
    const document = published().find((candidate) => candidate.name === c.req.param('name'))
    // The name is not repeated: an error page is no place to reflect what a URL carried.
    if (!document) return errorResponse(c, 'NOT_FOUND', `No contract document of that name: ${CONTRACT_PATH} lists them`)
    return c.body(document.text, 200, { 'content-type': contentType(document.mediaType), 'cache-control': CACHE })
  })
  return routes
}
