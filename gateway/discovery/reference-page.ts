import { hashSource, scriptJson } from '../http/csp.js'
import { reuseOnceBuilt } from '../support/index.js'

/** Swagger UI's standalone bundle and its styles, as text: the entry reads them (`swagger-ui-assets.node.ts`). */
export interface ReferenceAssets {
  script: string
  style: string
}

export interface ReferencePage {
  html: string
  csp: string
}

const OWN_STYLE = 'body { margin: 0; } .swagger-ui .information-container { padding-top: 1rem; }'
/** A source map comment would send a browser's developer tools after a file the gateway does not serve. */
const withoutSourceMap = (text: string) => text.replace(/\n?(?:\/\/# sourceMappingURL=\S*|\/\*# sourceMappingURL=\S*? ?\*\/)\s*$/, '')
/** `JSON.stringify` that stays inside a `<script>`. */

/**
 * The reference page of `documentUrl`: Swagger UI with its script and styles inside the page, so
 * it works on a network without internet, under a policy that admits exactly those scripts and
 * styles (by their hashes), images it draws itself and one fetch of the document from this
 * gateway. "Try it out" is off (`supportedSubmitMethods: []`): the page only reads, and no token
 * is ever typed into it; GraphiQL is where requests are tried. The validator badge is off too,
 * as it would call swagger.io. Built on the first request and kept; a failed load is tried again.
 */
export function createReferencePage(load: () => Promise<ReferenceAssets>, options: { title: string; documentUrl: string }): () => Promise<ReferencePage> {
  return reuseOnceBuilt(async () => {
    const assets = await load()
    const script = withoutSourceMap(assets.script)
    const style = withoutSourceMap(assets.style)
    if (/<\/script/i.test(script) || /<\/style/i.test(style)) throw new Error('The reference page assets would close their own element: not served inline')
    const start = `window.ui = SwaggerUIBundle(${scriptJson({
      url: options.documentUrl,
      dom_id: '#reference',
      deepLinking: true,
      docExpansion: 'list',
      defaultModelsExpandDepth: 0,
      supportedSubmitMethods: [],
      validatorUrl: null,
    })})`
    const html = [
      '<!doctype html>',
      '<html lang="en">',
      `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${options.title}</title>`,
      `<style>${style}</style><style>${OWN_STYLE}</style></head>`,
      `<body><main id="reference"></main><script>${script}</script><script>${start}</script></body>`,
      '</html>',
    ].join('\n')
    const csp = [
      "default-src 'none'",
      `script-src ${await hashSource(script)} ${await hashSource(start)}`,
      `style-src ${await hashSource(style)} ${await hashSource(OWN_STYLE)}`,
      // Swagger UI draws its icons as inline SVG and data: images.
      "img-src 'self' data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ')
    return { html, csp }
  })
}
