/**
 * GraphiQL with every asset inside the page (the editor, its styles and its workers), so it works
 * on a provincial network without internet; no CDN is ever asked. Served outside production only,
 * under a Content-Security-Policy that allows exactly the page's own scripts (by their hashes),
 * its workers (blob: URLs it makes itself) and calls to this gateway.
 */
import { reuseOnceBuilt } from '../support/index.js'
import { inlineScriptHashes } from './csp.js'
import { withTokenHelper } from './graphiql-token-helper.js'

export interface GraphiQLPage {
  html: string
  csp: string
}

/** The policy for a page whose only scripts are `scriptHashes`. */
export function graphiqlCsp(scriptHashes: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scriptHashes.join(' ')}`,
    // The editor sets styles on elements as it draws: inline styles, never inline scripts.
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    // The editor's language workers, which the page makes from its own text.
    'worker-src blob:',
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * The page of one gateway, rendered on its first request and kept (its bundle is large: loaded
 * then, never in production). `headers` are GraphiQL's starting request headers; with
 * `tokenHelper` (development), the page also carries the development token helper asking there.
 */
export function createGraphiQLPage(options: { title: string; endpoint: string; headers: string; tokenHelper?: string }): () => Promise<GraphiQLPage> {
  return reuseOnceBuilt(async () => {
    const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql')
    const graphiqlOptions = { title: options.title, endpoint: options.endpoint, headers: options.headers }
    const page = renderGraphiQL(graphiqlOptions).trimStart()
    const html = options.tokenHelper ? withTokenHelper(page, graphiqlOptions, options.tokenHelper) : page
    return { html, csp: graphiqlCsp(await inlineScriptHashes(html)) }
  })
}
