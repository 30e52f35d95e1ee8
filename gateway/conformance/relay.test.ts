import { describe, expect, it } from 'vitest'
import { createRelay, stepOf, type RelayPlan } from './relay.js'

const body = (query: string, variables: Record<string, unknown> = {}, operationName?: string) => JSON.stringify({ query, variables, operationName })

describe('stepOf: the step a GraphQL request takes', () => {
  it.each([
    [
      'a step with variables',
      body('mutation($c: String!, $v: Int) { finishDossier(code: $c, expectedVersion: $v) { version } }', { c: 'A-20261204-0001', v: 4 }),
      { field: 'finishDossier', code: 'A-20261204-0001', to: null, expectedVersion: 4 },
    ],
    [
      'literal arguments',
      body('mutation { transferDossier(code: "A-20261204-0001", to: "so-x", expectedVersion: 2) { version } }'),
      { field: 'transferDossier', code: 'A-20261204-0001', to: 'so-x', expectedVersion: 2 },
    ],
    [
      'no expectedVersion',
      body('mutation { acceptDossier(code: "A-20261204-0001") { version } }'),
      { field: 'acceptDossier', code: 'A-20261204-0001', to: null, expectedVersion: null },
    ],
    [
      'a null expectedVersion',
      body('mutation($v: Int) { acceptDossier(code: "A-20261204-0001", expectedVersion: $v) { version } }', { v: null }),
      { field: 'acceptDossier', code: 'A-20261204-0001', to: null, expectedVersion: null },
    ],
    [
      'a submission: the code in its input',
      body('mutation($i: SubmitDossierInput!) { submitDossier(input: $i) { code } }', { i: { code: 'B-20261204-0002' } }),
      { field: 'submitDossier', code: 'B-20261204-0002', to: null, expectedVersion: null },
    ],
    [
      'the named operation of several',
      body('query Q { dossier(code: "x") { code } } mutation M { stopDossier(code: "C-20261204-0003", note: "n") { code } }', {}, 'M'),
      { field: 'stopDossier', code: 'C-20261204-0003', to: null, expectedVersion: null },
    ],
  ])('%s', (_name, request, expected) => expect(stepOf(request)).toEqual(expected))

  it.each([
    ['a query', body('{ dossier(code: "x") { code } }')],
    ['not JSON', 'mutation { x }'],
    ['no query', JSON.stringify({ variables: {} })],
    ['a query that does not parse', body('mutation { finishDossier(code: ')],
  ])('%s is no step', (_name, request) => expect(stepOf(request)).toBeNull())
})

describe('the relay', () => {
  const STEP = (field: string, code = 'A-20261204-0001') => body(`mutation { ${field}(code: "${code}") { version } }`)
  const DOC = 'ab'.repeat(32)

  function relayOverGateway(arming: Pick<RelayPlan, 'armed' | 'dossier'> = { armed: true }) {
    const forwarded: string[] = []
    const forwardedHeaders: Headers[] = []
    // The gateway stand-in: a real fetch function answering as the gateway would.
    const gateway = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input))
      forwarded.push(`${init?.method ?? 'GET'} ${url.pathname} ${new Headers(init?.headers).get('idempotency-key') ?? ''}`)
      forwardedHeaders.push(new Headers(init?.headers))
      if (url.pathname.startsWith('/v1/blobs/'))
        return new Response(new Uint8Array([1, 2, 3]), { status: 200, headers: { 'content-encoding': 'identity', 'x-request-id': 'r1' } })
      if (url.pathname === '/graphql' && new Headers(init?.headers).get('idempotency-key') === '"echo"')
        return Response.json(
          { errors: [{ message: 'Variable "$i" got invalid value "001085000101"', extensions: { code: 'BAD_USER_INPUT' } }] },
          { status: 400 },
        )
      return Response.json({ data: { step: { version: 2 } } })
    }
    const plan: RelayPlan = { rateLimitedRetryAfterS: 2, unavailableRetryAfterS: 1, corruptOnce: new Set([DOC]), ...arming }
    let clock = 1000
    const relay = createRelay({ gateway: 'http://gateway.test', plan, fetch: gateway as typeof fetch, now: () => (clock += 10) })
    const call = (path: string, init: RequestInit = {}) => relay.handle(new Request(`http://relay.test${path}`, init))
    const step = (field: string, key: string) =>
      call('/graphql', { method: 'POST', headers: { 'idempotency-key': key, 'content-type': 'application/json' }, body: STEP(field) })
    return { relay, forwarded, forwardedHeaders, call, step, plan }
  }

  it('injects nothing before the kit hands the dossier over, nor on calls that are no step, nor on other dossiers', async () => {
    const idle = relayOverGateway({ armed: false })
    expect((await idle.step('addDossierProgress', '"k1"')).status).toBe(200)
    const armed = relayOverGateway({ armed: true, dossier: 'B-20261204-0002' })
    const ack = await armed.call('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { acknowledgeDossierMessages(messageIds: ["x"]) }' }),
    })
    expect(ack.status).toBe(200)
    expect((await armed.step('addDossierProgress', '"k1"')).status).toBe(200) // dossier A: not the one under test
    const mine = await armed.call('/graphql', {
      method: 'POST',
      headers: { 'idempotency-key': '"k2"', 'content-type': 'application/json' },
      body: STEP('finishDossier', 'B-20261204-0002'),
    })
    expect(mine.status).toBe(429)
  })

  it('passes only the routes of the partner contract', async () => {
    const { call, forwarded } = relayOverGateway()
    for (const path of ['/admin/api/audit', '/admin', '/v1/access-history', '/metrics', '/v1/blobs/xyz']) expect((await call(path)).status, path).toBe(404)
    expect(forwarded).toEqual([])
  })

  it('drops hop headers (and those Connection names) but keeps what describes the message', async () => {
    const { call, forwardedHeaders } = relayOverGateway()
    await call('/oauth/token', {
      method: 'POST',
      headers: { connection: 'x-hop', 'x-hop': '1', expect: '100-continue', te: 'trailers', 'content-encoding': 'gzip', 'x-request-id': 'r9' },
      body: 'grant_type=client_credentials',
    })
    const sent = forwardedHeaders[0]!
    expect([sent.get('x-hop'), sent.get('expect'), sent.get('te'), sent.get('connection')]).toEqual([null, null, null, null])
    expect([sent.get('content-encoding'), sent.get('x-request-id')]).toEqual(['gzip', 'r9'])
  })

  it("keeps the gateway's words only where the gateway composed them: an echo of the request is withheld", async () => {
    const { relay, step } = relayOverGateway({ armed: false })
    await step('submitDossier', '"echo"')
    expect(relay.calls[0]!.error).toEqual({ code: 'BAD_USER_INPUT', message: '(message withheld: it may repeat what the request held)' })
    expect(JSON.stringify(relay.calls)).not.toContain('001085000101')
  })

  it("answers the system's first step 429, then 503 when sent again, each with Retry-After, and forwards the rest", async () => {
    const { relay, forwarded, step, call } = relayOverGateway()
    // A call that is no step (the token) goes through before and after.
    expect((await call('/oauth/token', { method: 'POST', body: 'grant_type=client_credentials' })).status).toBe(200)
    const first = await step('addDossierProgress', '"k1"')
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '2'])
    const again = await step('addDossierProgress', '"k1"')
    expect([again.status, again.headers.get('retry-after')]).toEqual([503, '1'])
    expect((await step('addDossierProgress', '"k1"')).status).toBe(200)
    expect((await step('finishDossier', '"k2"')).status).toBe(200)
    expect((await step('addDossierProgress', '"k3"')).status).toBe(200)
    expect(forwarded).toEqual(['POST /oauth/token ', 'POST /graphql "k1"', 'POST /graphql "k2"', 'POST /graphql "k3"'])
    expect(relay.calls.map((c) => [c.field, c.idempotencyKey, c.status, c.injected])).toEqual([
      [null, null, 200, null],
      ['addDossierProgress', '"k1"', 429, 'rate-limited'],
      ['addDossierProgress', '"k1"', 503, 'unavailable'],
      ['addDossierProgress', '"k1"', 200, null],
      ['finishDossier', '"k2"', 200, null],
      ['addDossierProgress', '"k3"', 200, null],
    ])
  })

  it('another step sent before the first is sent again is forwarded: only the first step is answered 429 and 503', async () => {
    const { step } = relayOverGateway()
    expect((await step('addDossierProgress', '"k1"')).status).toBe(429)
    expect((await step('finishDossier', '"k2"')).status).toBe(200)
    expect((await step('addDossierProgress', '"k1"')).status).toBe(503)
    expect((await step('addDossierProgress', '"k1"')).status).toBe(200)
  })

  it('changes the first download of a named document only, and never passes framing headers on', async () => {
    const { relay, call } = relayOverGateway()
    const first = await call(`/v1/blobs/${DOC}`)
    expect([...new Uint8Array(await first.arrayBuffer())]).toEqual([0, 2, 3])
    expect(first.headers.get('content-encoding')).toBeNull()
    expect(first.headers.get('x-request-id')).toBe('r1')
    expect([...new Uint8Array(await (await call(`/v1/blobs/${DOC}`)).arrayBuffer())]).toEqual([1, 2, 3])
    expect([...new Uint8Array(await (await call(`/v1/blobs/${'cd'.repeat(32)}`)).arrayBuffer())]).toEqual([1, 2, 3])
    expect(relay.calls.map((c) => c.injected)).toEqual(['corrupted', null, null])
  })

  it('a gateway out of reach is a 502 from the kit, noted', async () => {
    const plan: RelayPlan = { rateLimitedRetryAfterS: 2, unavailableRetryAfterS: 1, corruptOnce: new Set() }
    const relay = createRelay({ gateway: 'http://gateway.test', plan, fetch: (async () => Promise.reject(new Error('connect ECONNREFUSED'))) as typeof fetch })
    const res = await relay.handle(new Request('http://relay.test/oauth/token', { method: 'POST', body: 'grant_type=client_credentials' }))
    expect(res.status).toBe(502)
    expect(relay.calls[0]!.error).toEqual({ code: 'RELAY', message: 'connect ECONNREFUSED' })
  })
})
