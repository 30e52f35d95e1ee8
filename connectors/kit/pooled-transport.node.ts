import { Agent } from 'undici'
import type { UpstreamTransport } from './upstream-transport.js'

export interface PooledTransportOptions {
  /** Sockets kept per registry origin at most. @default 64 */
  connectionsPerOrigin?: number
  /** How long an idle socket is kept for the next call. @default 10 s */
  keepAliveMs?: number
  /**
   * Mutual TLS: the client certificate and key (PEM) presented to a registry that asks for one,
   * and the certificate authorities (PEM) its server certificate must chain to; without `ca`, the
   * platform's. A pool with a certificate is for that registry only: it is presented to every host.
   */
  tls?: { cert?: string; key?: string; ca?: string }
}

export interface PooledTransport {
  send: UpstreamTransport
  /** Closes every pooled socket (after the calls in flight). */
  close(): Promise<void>
}

const utf8 = new TextDecoder()

/** Ends a body unread. undici reports the cut as an error event: expected here, so listened to. */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined)
  body.destroy()
}

/**
 * The registry transport for the Node entry: undici's pooled HTTP/1.1 client with keep-alive. A
 * profile of the gateway under load put about a third of its request thread in `fetch`'s per-call
 * Request, Response, Headers and web-stream objects; this reads the same bytes with none of them.
 * What is sent and how failures look to the registry client is the same as `fetchTransport`:
 * redirects are refused, the body is cut off past the limit, the signal ends the exchange.
 */
export function createPooledTransport(options: PooledTransportOptions = {}): PooledTransport {
  const { tls } = options
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 64,
    keepAliveTimeout: options.keepAliveMs ?? 10_000,
    ...(tls ? { connect: { ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}), ...(tls.ca ? { ca: tls.ca } : {}) } } : {}),
  })
  const send: UpstreamTransport = async (request, discardBodyOf) => {
    const { statusCode, headers, body } = await agent.request({
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: request.signal,
    })
    const contentTypeHeader = headers['content-type']
    const contentType = (Array.isArray(contentTypeHeader) ? contentTypeHeader[0] : contentTypeHeader) ?? ''
    if (statusCode >= 300 && statusCode < 400) {
      discard(body)
      throw new TypeError(`redirect refused (${statusCode})`)
    }
    if (discardBodyOf(statusCode)) {
      // Destroyed rather than drained: the socket is not reused, and nothing more is read.
      discard(body)
      return { status: statusCode, contentType, text: '' }
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.byteLength
      if (size > request.maxBodyBytes) {
        discard(body)
        return { status: statusCode, contentType, text: null }
      }
      chunks.push(chunk)
    }
    // TextDecoder, as `fetch`'s reader does: invalid bytes become U+FFFD and a BOM is dropped.
    return { status: statusCode, contentType, text: utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)) }
  }
  return { send, close: () => agent.close() }
}
