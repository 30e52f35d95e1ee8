/**
 * GraphiQL with every asset inside the page (the editor, its styles and its workers), so it works
 * on a provincial network without internet; no CDN is ever asked. Served outside production only,
 * under a Content-Security-Policy that allows exactly the page's own script (by its hash), its
 * workers (blob: URLs it makes itself) and calls to this gateway.
 */

export interface GraphiQLPage {
  html: string
  csp: string
}

const base64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes)))

/** The CSP source of every inline `<script>` of `html`: its SHA-256, as CSP writes it. */
export async function inlineScriptHashes(html: string): Promise<string[]> {
  const hashes: string[] = []
  for (const match of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(match[1]!))
    hashes.push(`'sha256-${base64(digest)}'`)
  }
  return hashes
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
 * then, never in production). `headers` are GraphiQL's starting request headers.
 */
export function createGraphiQLPage(options: { title: string; endpoint: string; headers: string }): () => Promise<GraphiQLPage> {
  let page: Promise<GraphiQLPage> | undefined
  return () => {
    page ??= (async () => {
      const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql')
      const html = renderGraphiQL({ title: options.title, endpoint: options.endpoint, headers: options.headers }).trimStart()
      return { html, csp: graphiqlCsp(await inlineScriptHashes(html)) }
    })()
    // A failed load is tried again on the next request, not kept.
    page.catch(() => {
      page = undefined
    })
    return page
  }
}
