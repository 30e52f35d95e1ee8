/**
 * How a registry request leaves the gateway: one exchange, bytes in and text out. The registry
 * client (upstream-fetch.ts) owns everything else — deadlines, headers, errors, retries — so a
 * transport is small enough to swap per runtime: `fetch` anywhere (the default, and the only one
 * on Workers), a pooled HTTP/1.1 client on Node (pooled-transport.node.ts), where `fetch` builds
 * web streams and Request/Response objects for every call.
 */
import { fetchWithoutRedirects } from './no-redirect.js'

export interface TransportRequest {
  url: URL
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string | undefined
  /** The deadline and the caller's abort, combined: aborting ends the exchange, body included. */
  signal: AbortSignal
  /** Largest body read; beyond it the exchange ends and `text` is null. */
  maxBodyBytes: number
}

export interface TransportResponse {
  status: number
  contentType: string
  /** The body as UTF-8 text; null when it was over `maxBodyBytes` (it is then not read further). */
  text: string | null
}

/**
 * Sends one request. A status the client will not read a body of (`discardBodyOf`) is answered
 * with `text: ''` and its body thrown away. Throws on network failure, abort and redirects (a
 * registry that redirects is misconfigured; following it could send the gateway's key elsewhere).
 */
export type UpstreamTransport = (request: TransportRequest, discardBodyOf: (status: number) => boolean) => Promise<TransportResponse>

/** Reads a body up to `limit` bytes, so a broken registry cannot fill the gateway's memory. */
async function readCapped(response: Response, limit: number): Promise<string | null> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      return null
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}

/** The transport over a WHATWG `fetch`: runs on every runtime, and lets tests script a registry. */
export function fetchTransport(doFetch: typeof fetch): UpstreamTransport {
  return async (request, discardBodyOf) => {
    const response = await fetchWithoutRedirects(doFetch, request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    })
    const contentType = response.headers.get('content-type') ?? ''
    if (discardBodyOf(response.status)) {
      await response.body?.cancel().catch(() => undefined)
      return { status: response.status, contentType, text: '' }
    }
    return { status: response.status, contentType, text: await readCapped(response, request.maxBodyBytes) }
  }
}
