/**
 * GraphiQL's development token helper: it lists the agencies with a development client and
 * issues a working token for one, audited like the token endpoint; it answers only a same-origin
 * page on this machine asking by a loopback name, only for development clients; it does not
 * exist in production; and it adds to the GraphiQL page nothing but a script admitted by its hash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGraphiQLPage, graphiqlCsp } from '../../gateway/http/graphiql.js'
import { GRAPHIQL_TOKEN_PATH } from '../../gateway/http/graphiql-token.js'
import { inlineScriptHashes } from '../../gateway/http/csp.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { agencyDocument } from '../identity.js'
import { TEST_PURPOSE, testPolicySet } from '../policies.js'
import { devAgency } from './dev-agency.js'

const ORIGIN = 'http://localhost'
let address: string | undefined = '127.0.0.1'
let gw: TestGateway

const ask = (body: unknown, headers: Record<string, string> = {}, url = GRAPHIQL_TOKEN_PATH) =>
  gw.app.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
const eventOf = (res: Response) => gw.audit.events.find((event) => event.requestId === res.headers.get('x-request-id'))

beforeAll(async () => {
  gw = await createTestGateway({
    policies: (identity) => testPolicySet([agencyDocument('test-agency', [identity.client]), devAgency]),
    clientIp: () => address,
  })
}, 60_000)
afterAll(() => gw?.close())

describe('outside production, on this machine', () => {
  it('lists the agencies with a development client and the purposes their grants name', async () => {
    address = '127.0.0.1'
    const res = await gw.app.request(GRAPHIQL_TOKEN_PATH)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({
      agencies: [{ agency: 'dev-agency', name: 'Dev agency', client: 'dev-client', purposes: [{ code: TEST_PURPOSE, name: 'Kiểm thử' }] }],
    })
  })

  it('issues a token that reads data, audited as a token issuance naming GraphiQL', async () => {
    address = '::1'
    const res = await ask({ agency: 'dev-agency' })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const issued = (await res.json()) as { access_token: string; token_type: string; expires_in: number; agency: string; client: string }
    expect(issued).toMatchObject({ token_type: 'Bearer', agency: 'dev-agency', client: 'dev-client' })
    expect(issued.expires_in).toBeGreaterThan(0)
    const event = eventOf(res)
    expect(event).toMatchObject({ kind: 'token.issued', actor: 'graphiql', agency: 'dev-agency', client: 'dev-client', status: 200 })
    expect(JSON.stringify(event)).not.toContain(issued.access_token)

    const read = await gw.app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${issued.access_token}`, 'x-purpose': TEST_PURPOSE },
      body: JSON.stringify({ query: '{ administrativeUnit(code: "01") { name } }' }),
    })
    expect(read.status).toBe(200)
    expect(((await read.json()) as { data: unknown }).data).toEqual({ administrativeUnit: { name: 'Hà Nội' } })
  })

  it.each([
    ['another machine', '10.1.2.3', {}, GRAPHIQL_TOKEN_PATH, 403],
    ['an unknown address', undefined, {}, GRAPHIQL_TOKEN_PATH, 403],
    ['a name rebound to this machine (DNS rebinding)', '127.0.0.1', { origin: 'http://rebound.example' }, `http://rebound.example${GRAPHIQL_TOKEN_PATH}`, 403],
    ['no Origin', '127.0.0.1', { origin: '' }, GRAPHIQL_TOKEN_PATH, 403],
    ['another origin (a cross-site page)', '127.0.0.1', { origin: 'http://evil.example' }, GRAPHIQL_TOKEN_PATH, 403],
    ['a proxy on this machine passing on another machine’s request', '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }, GRAPHIQL_TOKEN_PATH, 403],
    ['a request through a proxy saying Via', '127.0.0.1', { via: '1.1 nginx' }, GRAPHIQL_TOKEN_PATH, 403],
    ['a form, not JSON', '127.0.0.1', { 'content-type': 'application/x-www-form-urlencoded' }, GRAPHIQL_TOKEN_PATH, 415],
  ] as const)('refuses %s, and records the refusal', async (_case, from, headers, url, status) => {
    address = from
    const res = await ask({ agency: 'dev-agency' }, headers, url)
    expect(res.status).toBe(status)
    const body = (await res.json()) as Record<string, unknown>
    expect(body.access_token).toBeUndefined()
    expect(body).toMatchObject({ error: { code: status === 403 ? 'FORBIDDEN' : 'BAD_USER_INPUT' } })
    expect(eventOf(res)).toMatchObject({ kind: 'token.refused', status })
  })

  it('issues tokens for development clients only, and lists nothing to a machine elsewhere', async () => {
    address = '127.0.0.1'
    const res = await ask({ agency: 'test-agency' })
    expect(res.status).toBe(404)
    expect(eventOf(res)).toMatchObject({ kind: 'token.refused', status: 404 })
    expect((await ask('{"agency":')).status).toBe(400)
    address = '192.168.1.20'
    expect((await gw.app.request(GRAPHIQL_TOKEN_PATH)).status).toBe(403)
  })
})

describe('in production', () => {
  let production: TestGateway
  beforeAll(async () => {
    production = await createTestGateway({
      mode: 'production',
      policies: (identity) => testPolicySet([agencyDocument('test-agency', [identity.client]), devAgency]),
      clientIp: () => '127.0.0.1',
    })
  }, 60_000)
  afterAll(() => production?.close())

  it('does not exist: no route, no page', async () => {
    expect(production.app.routes.filter((route) => route.path.includes('dev-token'))).toEqual([])
    for (const method of ['GET', 'POST']) {
      const res = await production.app.request(GRAPHIQL_TOKEN_PATH, {
        method,
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        ...(method === 'POST' ? { body: JSON.stringify({ agency: 'dev-agency' }) } : {}),
      })
      expect(res.status).toBe(404)
      expect(JSON.stringify(await res.json())).not.toContain('access_token')
    }
    expect((await production.app.request('/graphql', { headers: { accept: 'text/html' } })).status).toBe(405)
  })
})

describe("where the caller's address is a header anyone can send (workerd)", () => {
  let worker: TestGateway
  beforeAll(async () => {
    worker = await createTestGateway({
      gateway: { devTokenHelper: false },
      policies: (identity) => testPolicySet([agencyDocument('test-agency', [identity.client]), devAgency]),
      // What CF-Connecting-IP: 127.0.0.1 from any caller would give.
      clientIp: () => '127.0.0.1',
    })
  }, 60_000)
  afterAll(() => worker?.close())

  it("is not served: no route, and GraphiQL's page comes without it", async () => {
    expect(worker.app.routes.filter((route) => route.path.includes('dev-token'))).toEqual([])
    const res = await worker.app.request(GRAPHIQL_TOKEN_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ agency: 'dev-agency' }),
    })
    expect(res.status).toBe(404)
    const page = await worker.app.request('/graphql', { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    expect(await page.text()).not.toContain('lgsp-dev-token')
  })
})

describe('the page', () => {
  it('gains the helper and one script admitted by its hash; every other directive stays as it was', async () => {
    const options = { title: 'LGSP Gateway', endpoint: '/graphql', headers: '{}' }
    const plain = await createGraphiQLPage(options)()
    const helped = await createGraphiQLPage({ ...options, tokenHelper: GRAPHIQL_TOKEN_PATH })()
    expect(plain.html).not.toContain('lgsp-dev-token')
    expect(helped.html).toContain('<form id="lgsp-dev-token"')
    expect(helped.html.slice(0, 15).toLowerCase()).toBe('<!doctype html>')
    const directives = (csp: string) => new Map(csp.split('; ').map((directive) => [directive.split(' ')[0]!, directive]))
    const [before, after] = [directives(plain.csp), directives(helped.csp)]
    expect([...after.keys()]).toEqual([...before.keys()])
    for (const [name, directive] of before) if (name !== 'script-src') expect(after.get(name)).toBe(directive)
    expect(after.get('form-action')).toBe("form-action 'none'")
    expect(after.get('connect-src')).toBe("connect-src 'self'")
    const sources = after.get('script-src')!.split(' ').slice(1)
    expect(sources).toEqual(await inlineScriptHashes(helped.html))
    // GraphiQL's own script is untouched (the helper's style went into the head, not into it).
    expect(sources[0]).toBe((await inlineScriptHashes(plain.html))[0])
    expect(helped.html.indexOf('body.lgsp-dev')).toBeLessThan(helped.html.indexOf('<body'))
    // GraphiQL's own script and the helper's: nothing else.
    expect(sources).toHaveLength(2)
    for (const source of sources) expect(source).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/)
    expect(helped.csp).toBe(graphiqlCsp(sources))
  }, 60_000)
})
