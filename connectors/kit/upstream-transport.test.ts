/**
 * The two registry transports must be interchangeable: every case below runs over `fetch` and over
 * the pooled Node client against the same real HTTP server on loopback, and both must give the
 * same answer — and, through `createUpstream`, the same outcome or the same `ConnectorError` code.
 * A difference between them would be a difference between the Workers and Node gateways.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorError } from './connector-error.js'
import { createPooledTransport } from './pooled-transport.node.js'
import { createUpstream } from './upstream-fetch.js'
import { fetchTransport, type UpstreamTransport } from './upstream-transport.js'

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void
const routes: Record<string, Route> = {
  '/json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{"ok":true}'),
  '/echo': (req, res, body) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, url: req.url, key: req.headers['x-api-key'], body })),
  '/chunked': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    for (let i = 0; i < 10; i++) res.write('0123456789')
    res.end()
  },
  '/bom': (_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>ồ</a>')])),
  '/bad-utf8': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(Buffer.from([0x61, 0xff, 0x62])),
  // A multi-byte character cut across two writes must be joined, not replaced.
  '/split-char': (_req, res) => {
    const bytes = Buffer.from('Nguyễn')
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write(bytes.subarray(0, 5))
    setTimeout(() => res.end(bytes.subarray(5)), 5)
  },
  '/big': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('x'.repeat(5000)),
  '/redirect': (_req, res) => res.writeHead(302, { location: '/json' }).end(),
  '/unavailable': (_req, res) => res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>down</h1>'),
  '/not-found-json': (_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"none"}'),
  '/not-found-html': (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>'),
  '/empty': (_req, res) => res.writeHead(204).end(),
  '/hang': () => undefined,
  '/stall-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"partial":')
  },
  '/reset': (req) => req.socket.destroy(),
}

let server: ReturnType<typeof createServer>
let base: string
const pooled = createPooledTransport()
const transports: Array<[string, UpstreamTransport]> = [
  ['fetch', fetchTransport(globalThis.fetch)],
  ['pooled', pooled.send],
]

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => (routes[new URL(req.url ?? '/', 'http://x').pathname] ?? routes['/not-found-html']!)(req, res, body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await pooled.close()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const never = () => false
const refusal = (status: number) => status >= 500

/** What a transport did with a request: its answer, or the kind of its failure. */
async function outcome(
  transport: UpstreamTransport,
  path: string,
  init: { method?: 'GET' | 'POST'; body?: string; maxBodyBytes?: number; timeoutMs?: number } = {},
) {
  try {
    const answer = await transport(
      {
        url: new URL(path, base),
        method: init.method ?? 'GET',
        headers: { 'x-api-key': 'sandbox-key', ...(init.body ? { 'content-type': 'application/json' } : {}) },
        body: init.body,
        signal: AbortSignal.timeout(init.timeoutMs ?? 5000),
        maxBodyBytes: init.maxBodyBytes ?? 1 << 20,
      },
      refusal,
    )
    return { ...answer, contentType: answer.contentType.replace(/;.*/, '') }
  } catch {
    return 'threw'
  }
}

describe('fetch and the pooled client answer alike', () => {
  const cases: Array<[string, string, Parameters<typeof outcome>[2], unknown]> = [
    ['a JSON answer', '/json', {}, { status: 200, contentType: 'application/json', text: '{"ok":true}' }],
    ['a POST: method, query, headers and body arrive', '/echo?a=1&b=%C3%A1', { method: 'POST', body: '{"q":"ồ"}' }, 'echo'],
    ['a chunked body, joined', '/chunked', {}, { status: 200, contentType: 'text/plain', text: '0123456789'.repeat(10) }],
    ['a byte-order mark dropped', '/bom', {}, { status: 200, contentType: 'text/xml', text: '<a>ồ</a>' }],
    ['invalid UTF-8 replaced, not thrown', '/bad-utf8', {}, { status: 200, contentType: 'text/plain', text: 'a\uFFFDb' }],
    ['a character split across writes', '/split-char', {}, { status: 200, contentType: 'text/plain', text: 'Nguyễn' }],
    ['a body at the limit', '/big', { maxBodyBytes: 5000 }, { status: 200, contentType: 'application/json', text: 'x'.repeat(5000) }],
    ['a body one byte over the limit', '/big', { maxBodyBytes: 4999 }, { status: 200, contentType: 'application/json', text: null }],
    ['a refused status: body not read', '/unavailable', {}, { status: 503, contentType: 'text/html', text: '' }],
    ['a 404 with a JSON body', '/not-found-json', {}, { status: 404, contentType: 'application/json', text: '{"error":"none"}' }],
    ['no content', '/empty', {}, { status: 204, contentType: '', text: '' }],
    ['a redirect is refused', '/redirect', {}, 'threw'],
    ['a registry that never answers', '/hang', { timeoutMs: 200 }, 'threw'],
    ['a body that stalls', '/stall-body', { timeoutMs: 200 }, 'threw'],
    ['a connection reset', '/reset', {}, 'threw'],
  ]
  it.each(cases)('%s', async (_name, path, init, expected) => {
    const results = await Promise.all(transports.map(([, transport]) => outcome(transport, path, init)))
    if (expected === 'echo') {
      const [first] = results as Array<{ text: string }>
      expect(JSON.parse(first!.text)).toEqual({ method: 'POST', url: '/echo?a=1&b=%C3%A1', key: 'sandbox-key', body: '{"q":"ồ"}' })
    } else {
      expect(results[0]).toEqual(expected)
    }
    expect(results[1]).toEqual(results[0])
  })

  it('a refusal predicate that reads every body reads the 503 too', async () => {
    const answers = await Promise.all(
      transports.map(([, transport]) =>
        transport({ url: new URL('/unavailable', base), method: 'GET', headers: {}, signal: AbortSignal.timeout(5000), maxBodyBytes: 1000 }, never),
      ),
    )
    for (const answer of answers) expect(answer.text).toBe('<h1>down</h1>')
  })

  it('an aborted caller ends the exchange on both', async () => {
    for (const [, transport] of transports) {
      const caller = new AbortController()
      const pending = transport({ url: new URL('/hang', base), method: 'GET', headers: {}, signal: caller.signal, maxBodyBytes: 1000 }, never)
      setTimeout(() => caller.abort(), 20)
      await expect(pending).rejects.toBeDefined()
    }
  })
})

describe('the registry client gives the same outcome over either transport', () => {
  const paths = ['/json', '/redirect', '/unavailable', '/not-found-json', '/not-found-html', '/hang', '/stall-body', '/reset', '/big']
  it.each(paths)('%s', async (path) => {
    const outcomes = await Promise.all(
      transports.map(async ([, transport]) => {
        const upstream = createUpstream({ connector: 'business', baseUrl: base, timeoutMs: 300, transport, maxBodyBytes: 4000 })
        try {
          const text = await upstream.send(path, {}, { requestId: 'r-1' })
          return { status: text.status, text: text.text }
        } catch (error) {
          return error instanceof ConnectorError ? error.code : 'not a ConnectorError'
        }
      }),
    )
    expect(outcomes[0]).not.toBe('not a ConnectorError')
    expect(outcomes[1]).toEqual(outcomes[0])
  })
})
