/**
 * Answers that were weaker than they should be: a status that says success for a refused
 * operation, bytes that are not text executed as if they were, error bodies that repeat what the
 * caller sent. Each is a 4xx in the error contract, with no data and nothing echoed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from '../harness.js'
import { TEST_PURPOSE } from '../policies.js'

let gw: TestGateway
let token = ''
beforeAll(async () => {
  gw = await createTestGateway()
  token = await gw.identity.token()
})
afterAll(async () => gw?.close())

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  gw.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': TEST_PURPOSE, ...headers },
    body,
  })
const totalHits = () => gw.sandboxes.population.hits() + gw.sandboxes.land.hits() + gw.sandboxes.business.hits()

describe('operations the gateway does not serve', () => {
  it.each<[string, string, string?, string?]>([
    ['a subscription', 'subscription { __typename }'],
    ['a subscription to data', 'subscription { citizen(pin: "001085000101") { pin } }'],
    ['a named subscription among queries', 'query A { __typename } subscription B { __typename }', 'B'],
    ['a subscription, to a client that accepts only application/json', 'subscription { __typename }', undefined, 'application/json'],
    // a document holding any operation but queries is refused whole (coordinates.ts)
    ['a subscription beside the query asked for', 'query A { __typename } subscription B { __typename }', 'A'],
    ['a mutation', 'mutation { __typename }'],
  ])('%s → 400 BAD_USER_INPUT, no data, no registry call', async (_name, query, operationName, accept) => {
    gw.resetHits()
    const res = await post(JSON.stringify({ query, ...(operationName ? { operationName } : {}) }), accept ? { accept } : {})
    const body = (await res.json()) as any
    expect(res.status, JSON.stringify(body)).toBe(400)
    expect(body.data ?? null).toBeNull()
    expect(body.errors).toHaveLength(1)
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', requestId: expect.any(String) })
    expect(totalHits()).toBe(0)
  })
})

describe('bytes that are not UTF-8', () => {
  const bytes = (...parts: Array<string | number[]>) =>
    new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...new TextEncoder().encode(part)] : part)))
  /** Each is not UTF-8: a lone continuation byte, bytes UTF-8 never uses, an overlong "/", an encoded surrogate, a cut sequence. */
  const invalid: Array<[string, number[]]> = [
    ['0xff 0xfe', [0xff, 0xfe]],
    ['a lone continuation byte', [0x80]],
    ['an overlong "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a sequence cut short', [0xe1, 0xbb]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ]
  const places: Array<[string, (bad: number[]) => Uint8Array<ArrayBuffer>]> = [
    ['a comment of the query', (bad) => bytes('{"query":"{ __typename } #', bad, '"}')],
    ['a string argument', (bad) => bytes('{"query":"{ citizen(pin: \\"00108500010', bad, '\\") { pin } }"}')],
    ['a variable', (bad) => bytes('{"query":"query($p: PIN!) { citizen(pin: $p) { pin } }","variables":{"p":"00108500010', bad, '"}}')],
    ['the operation name', (bad) => bytes('{"query":"query A { __typename }","operationName":"A', bad, '"}')],
  ]
  const cases = invalid.flatMap(([what, bad]) => places.map(([where, make]) => [`${what} in ${where}`, make(bad)] as const))

  it.each(cases)('%s → 400 BAD_USER_INPUT, nothing run', async (_name, body) => {
    gw.resetHits()
    const res = await post(body)
    const text = await res.text()
    expect(res.status, text).toBe(400)
    const parsed = JSON.parse(text)
    expect(parsed.data ?? null).toBeNull()
    expect(parsed.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', requestId: expect.any(String) })
    expect(parsed.errors[0].message).toMatch(/UTF-8/)
    expect(totalHits()).toBe(0)
  })

  it.each([
    ['Vietnamese in a comment', bytes('{"query":"{ __typename } # Phường Hồng Hà, Công an 😀"}')],
    ['a byte order mark first', bytes([0xef, 0xbb, 0xbf], '{"query":"{ __typename }"}')],
  ])('still accepts valid UTF-8: %s', async (_name, body) => {
    const res = await post(body)
    expect(res.status, await res.clone().text()).toBe(200)
    expect(((await res.json()) as any).data).toEqual({ __typename: 'Query' })
  })

  const tokenRequest = (body: BodyInit) =>
    gw.app.request('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
  it.each([
    ['raw bytes in the form body', bytes('grant_type=client_credentials&client_id=test-', [0xff], '&client_assertion_type=x&client_assertion=e30.e30.')],
    ['percent-encoded bytes in the form body', 'grant_type=client_credentials&client_id=test-%FF%FE&client_assertion_type=x&client_assertion=e30.e30.'],
    ['an overlong "/" percent-encoded', 'grant_type=client_credentials&client_id=%C0%AF&client_assertion_type=x&client_assertion=e30.e30.'],
  ])('the token endpoint refuses %s: 400 invalid_request', async (_name, body) => {
    const res = await tokenRequest(body)
    const parsed = (await res.json()) as any
    expect(res.status, JSON.stringify(parsed)).toBe(400)
    expect(parsed).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/UTF-8/) })
  })

  it.each(['/healthz?x=%FF', '/graphql?query=%C0%AF', '/.well-known/jwks.json?a=1&b=%ED%A0%80', '/nowhere?x=%E1%BB'])(
    'a query string that is not percent-encoded UTF-8 is refused: %s → 400',
    async (path) => {
      const res = await gw.app.request(path, { headers: { accept: 'application/json' } })
      const body = (await res.json()) as any
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(body.error).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/UTF-8/) })
    },
  )

  it.each(['/healthz?x=Ph%C6%B0%E1%BB%9Dng', '/healthz?x=100%', '/healthz?x=%zz', '/healthz?x=a+b'])(
    'a query string in UTF-8, or with a stray percent sign, passes: %s',
    async (path) => {
      expect((await gw.app.request(path)).status).toBe(200)
    },
  )
})

describe("Yoga's bare refusals, in the error contract", () => {
  it('a JSON body the route admits (application/graphql-response+json) is read, not refused with an empty 415', async () => {
    const res = await post('{"query":"{ __typename }"}', { 'content-type': 'application/graphql-response+json' })
    const text = await res.text()
    expect(res.status, text).toBe(200)
    expect(JSON.parse(text).data).toEqual({ __typename: 'Query' })
  })

  it('a client that accepts no JSON gets 406 with an error body, not an empty one', async () => {
    gw.resetHits()
    const res = await post('{"query":"{ citizen(pin: \\"001085000101\\") { pin } }"}', { accept: 'text/html' })
    const text = await res.text()
    expect(res.status, text).toBe(406)
    expect(JSON.parse(text).error).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/application\/json/), requestId: expect.any(String) })
    expect(totalHits(), 'refused before it runs').toBe(0)
  })

  it.each(['application/json', 'application/graphql-response+json', '*/*', 'application/*', 'text/html, application/json;q=0.9', 'TEXT/HTML,Application/JSON'])(
    'Accept: %s is answered',
    async (accept) => {
      expect((await post('{"query":"{ __typename }"}', { accept })).status).toBe(200)
    },
  )
})
