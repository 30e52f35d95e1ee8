import { readFile } from 'node:fs/promises'
import { parseConfig } from '../config.js'
import { openCliKeys } from './cli-audit.js'
import { fetchWithoutRedirects } from '../../connectors/index.js'

/**
 * The gateway's key history, from where the operator points: a file, a URL (a gateway's
 * `/.well-known/lgsp-key-history.json`), or by default this gateway's own keys in DATA_DIR.
 */
export async function readKeyHistory(
  source: string | undefined,
): Promise<{ keys: Array<{ kid?: string; kty?: string; crv?: string; x?: string; y?: string }> }> {
  if (source === undefined) {
    const keys = await openCliKeys(parseConfig(process.env))
    try {
      return keys.keyHistory()
    } finally {
      keys.close()
    }
  }
  const document = /^https?:\/\//.test(source)
    ? await fetchWithoutRedirects(fetch, source, { signal: AbortSignal.timeout(10_000) }).then((res) => {
        if (!res.ok) throw new Error(`${source} answered ${res.status}`)
        return res.json()
      })
    : JSON.parse(await readFile(source, 'utf8'))
  return { keys: Array.isArray(document?.keys) ? document.keys : [] }
}
