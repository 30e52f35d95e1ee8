/**
 * Exactly one audit event per request on an audited route, also when the request is refused
 * before anyone reads it: a body over the limit (declared, or sent chunked) and a query string
 * that is not UTF-8 are refused inside the route's access log, as a 401 or a 429 is. A route that
 * is not audited still meets the same guards, and records nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from './harness.js'

let gw: TestGateway
beforeAll(async () => {
  gw = await createTestGateway({ gateway: { bodyLimitBytes: 1024 } })
}, 60_000)
afterAll(() => gw?.close())

const oversized = 'x'.repeat(4096)
/** A body sent in chunks, with no Content-Length to decide from. */
const chunked = () =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(oversized.slice(0, 1024)))
      controller.close()
    },
  })

const refusals = [
  {
    what: 'a declared body over the limit',
    status: 413,
    init: () => ({ body: oversized, headers: { 'content-length': String(oversized.length) } }),
    query: '',
  },
  { what: 'a chunked body over the limit', status: 413, init: () => ({ body: chunked(), duplex: 'half' }), query: '' },
  { what: 'a query string that is not UTF-8', status: 400, init: () => ({ body: '{}' }), query: '?x=%FF%FE' },
] as const

const routes = [
  { path: '/graphql', kind: 'access.graphql', contentType: 'application/json' },
  { path: '/oauth/token', kind: 'token.refused', contentType: 'application/x-www-form-urlencoded' },
] as const

/** Sends a refusal's request to `path`, as a client would. */
async function send(path: string, contentType: string, { init, query }: (typeof refusals)[number]): Promise<Response> {
  const { headers = {}, ...rest } = init() as { headers?: Record<string, string>; body: BodyInit; duplex?: 'half' }
  return gw.app.request(`${path}${query}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, ...rest } as RequestInit)
}

describe('requests refused before they are read', () => {
  for (const route of routes) {
    it.each(refusals)(`POST ${route.path}: $what is refused and recorded once`, async (refusal) => {
      const { status } = refusal
      const before = gw.audit.events.length
      const res = await send(route.path, route.contentType, refusal)
      expect(res.status).toBe(status)
      const requestId = res.headers.get('x-request-id')
      expect(requestId).toBeTruthy()
      const recorded = gw.audit.events.slice(before).filter((event) => event.requestId === requestId)
      expect(recorded).toHaveLength(1)
      expect(recorded[0]).toMatchObject({ kind: route.kind, status })
    })
  }

  it.each(refusals)('a route that is not audited refuses $what too, and records nothing', async (refusal) => {
    const before = gw.audit.events.length
    const res = await send('/no-such-route', 'application/json', refusal)
    expect(res.status).toBe(refusal.status)
    expect(gw.audit.events.length).toBe(before)
  })

  it('a body refused by its declared length is never read, even when a receipt is asked for', async () => {
    let pulls = 0
    // Nothing is pulled until someone reads (no high-water mark to fill ahead of time).
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++
          controller.enqueue(new TextEncoder().encode(oversized))
          controller.close()
        },
      },
      { highWaterMark: 0 },
    )
    const res = await gw.app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(oversized.length), prefer: 'receipt' },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(pulls).toBe(0)
  })
})
