/**
 * Transport hardening: CORS only for listed origins, a deadline on every audited
 * request (recorded with its 503), and security headers on every response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../gateway/config.js'
import { createTestGateway, type TestGateway } from '../harness.js'

let gw: TestGateway
beforeAll(async () => {
  gw = await createTestGateway({ timeoutMs: 3000, gateway: { corsOrigins: ['https://motcua.hanoi.gov.vn'], requestTimeoutMs: 300 } })
}, 60_000)
afterAll(async () => {
  gw.clearFaults()
  await gw?.close()
})

const preflight = (origin: string) =>
  gw.app.request('/graphql', {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-purpose' },
  })

describe('CORS', () => {
  it('grants a listed origin, with the gateway headers allowed', async () => {
    const res = await preflight('https://motcua.hanoi.gov.vn')
    expect(res.headers.get('access-control-allow-origin')).toBe('https://motcua.hanoi.gov.vn')
    expect(res.headers.get('access-control-allow-headers')).toContain('x-purpose')
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  })
  it.each(['https://evil.example', 'null', 'https://motcua.hanoi.gov.vn.evil.example', 'http://motcua.hanoi.gov.vn'])(
    'grants nothing to %s',
    async (origin) => {
      const res = await preflight(origin)
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
      const post = await gw.app.request('/graphql', {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      })
      expect(post.headers.get('access-control-allow-origin')).toBeNull()
    },
  )
  it('answers a listed origin on the actual request, and marks every answer as varying by Origin', async () => {
    const request = (headers: Record<string, string>) =>
      gw.app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"{ __typename }"}' })
    const listed = await request({ origin: 'https://motcua.hanoi.gov.vn' })
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://motcua.hanoi.gov.vn')
    expect(listed.headers.get('access-control-expose-headers')).toContain('ratelimit')
    expect(listed.headers.get('vary')).toMatch(/\bOrigin\b/)
    // A server-to-server call (no Origin) gets no CORS grant, and caches still key on Origin.
    const server = await request({})
    expect(server.headers.get('access-control-allow-origin')).toBeNull()
    expect(server.headers.get('vary')).toMatch(/\bOrigin\b/)
    expect(server.headers.get('x-request-id')).toBeTruthy()
  })
})

describe('request deadline', () => {
  it('stops a request past the deadline with 503 and records it', async () => {
    gw.sandboxes.business.setFaults({ latencyMs: 2000 })
    const before = gw.audit.events.length
    const started = performance.now()
    const res = await gw.graphql(`{ enterprise(code: "${gw.world.examples.enterpriseCode}") { code } }`)
    const elapsed = performance.now() - started
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(elapsed).toBeLessThan(1500)
    expect(gw.audit.events.length - before).toBe(1)
    expect(gw.audit.events.at(-1), JSON.stringify(gw.audit.events.at(-1))).toMatchObject({ status: 503, decision: 'failed', code: 'INTERNAL_SERVER_ERROR' })
    gw.clearFaults()
  })
})

describe('security headers', () => {
  it('sends them on data, error and health responses', async () => {
    for (const res of [
      await gw.app.request('/healthz'),
      await gw.app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/)
    }
  })
})

describe('CORS_ORIGINS configuration', () => {
  it.each([
    ['https://a.gov.vn,https://b.gov.vn:8443', ['https://a.gov.vn', 'https://b.gov.vn:8443']],
    ['http://127.0.0.1:5173', ['http://127.0.0.1:5173']],
    [undefined, []],
  ])('accepts %s', (value, expected) => {
    expect(parseConfig(value === undefined ? {} : { CORS_ORIGINS: value }).CORS_ORIGINS).toEqual(expected)
  })
  it.each(['*', 'http://a.gov.vn', 'https://a.gov.vn/path', 'a.gov.vn', 'https://a.gov.vn,evil'])('refuses %s, naming the variable', (value) => {
    expect(() => parseConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/)
  })
})
