import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { ReferenceAssets } from './reference-page.js'

const require = createRequire(import.meta.url)

/**
 * Swagger UI's standalone bundle and styles from the installed `swagger-ui-dist` package (no
 * network: the package carries them), for the reference page. Read when the page is first asked for.
 */
export async function readSwaggerUiAssets(): Promise<ReferenceAssets> {
  const [script, style] = await Promise.all([
    readFile(require.resolve('swagger-ui-dist/swagger-ui-bundle.js'), 'utf8'),
    readFile(require.resolve('swagger-ui-dist/swagger-ui.css'), 'utf8'),
  ])
  return { script, style }
}
