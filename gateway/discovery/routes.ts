import { Hono } from 'hono'
import type { GatewayEnv } from '../env.js'
import { gatewayOpenApi } from './openapi.js'
import { OPENAPI_PATH, REFERENCE_PATH } from './operations-docs.js'
import { createReferencePage, type ReferenceAssets } from './reference-page.js'

export interface DiscoveryOptions {
  /** The gateway's public URL: the document's server. */
  issuer: string
  /** The reference page's script and styles; absent: no reference page (the document is still served). */
  assets?: () => Promise<ReferenceAssets>
}

const CACHE = 'public, max-age=300'

/**
 * `GET /openapi.json`, the gateway's own REST API (OpenAPI 3.1), and `GET /docs`, the same as a
 * page for people. Public, like the RFC 8414 metadata: they describe routes, never data. Built on
 * the first request, not with the gateway.
 */
export function discoveryRoutes(options: DiscoveryOptions): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  let document: string | undefined
  routes.get(OPENAPI_PATH, (c) => {
    document ??= `${JSON.stringify(gatewayOpenApi({ issuer: options.issuer }), null, 2)}\n`
    return c.body(document, 200, { 'content-type': 'application/openapi+json', 'cache-control': CACHE })
  })
  const { assets } = options
  if (assets) {
    const page = createReferencePage(assets, { title: 'LGSP Gateway: REST API', documentUrl: OPENAPI_PATH })
    routes.get(REFERENCE_PATH, async (c) => {
      const { html, csp } = await page()
      c.header('content-security-policy', csp)
      c.header('cache-control', CACHE)
      return c.html(html)
    })
  }
  return routes
}
