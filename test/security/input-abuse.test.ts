/**
 * Malformed input at the transport: invalid UTF-8, wrong content types, thousands of
 * variables, huge list arguments, oversized bodies, header injection through the context headers.
 * Each is the caller's mistake: a 4xx in the error shape, never data, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from '../harness.js'

let gw: TestGateway
let token = ''
beforeAll(async () => {
  gw = await createTestGateway({ gateway: { bodyLimitBytes: 64 * 1024 } })
  token = await gw.identity.token()
}, 60_000)
afterAll(async () => {
  await gw?.close()
})

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  gw.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'KIEM_THU', ...headers },
    body,
  })

describe('malformed input', () => {
  const cases: Array<[string, number, () => Response | Promise<Response>]> = [
    ['invalid UTF-8 in the body', 400, () => post(new Uint8Array([0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]))],
    ['a text/plain body', 415, () => post('{"query":"{ __typename }"}', { 'content-type': 'text/plain' })],
    ['a form body', 415, () => post('query=%7B__typename%7D', { 'content-type': 'application/x-www-form-urlencoded' })],
    ['a multipart body', 415, () => post('--x\r\n\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' })],
    ['no content type', 415, () => gw.app.request('/graphql', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' })],
    ['a body over the limit', 413, () => post(JSON.stringify({ query: `{ __typename } #${'x'.repeat(70 * 1024)}` }))],
    [
      'thousands of declared variables',
      400,
      () =>
        post(
          JSON.stringify({
            query: `query(${Array.from({ length: 1500 }, (_, i) => `$v${i}: Int`).join(', ')}) { __typename }`,
            variables: Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`v${i}`, i])),
          }),
        ),
    ],
    [
      'a huge list argument',
      400,
      () =>
        post(
          JSON.stringify({
            query: 'query($c: [String!]) { enterprises(filter: { codes: $c }, first: 5) { nodes { code } } }',
            variables: { c: Array.from({ length: 5000 }, () => '0100000000') },
          }),
        ),
    ],
    ['a batch (array) of operations', 400, () => post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]))],
    ['a JSON body that is not an object', 400, () => post('"just a string"')],
  ]
  it.each(cases)('%s → %i, error shape, no data', async (_name, status, send) => {
    const res = await send()
    const text = await res.text()
    expect(res.status, text).toBe(status)
    const body = JSON.parse(text)
    const code = body.error?.code ?? body.errors?.[0]?.extensions?.code
    expect(code, text).toMatch(/^(BAD_USER_INPUT|QUERY_TOO_COMPLEX)$/)
    expect(body.data ?? null).toBeNull()
  })
})

describe('header injection through the context headers', () => {
  it.each([
    ['x-purpose', 'KIEM_THU\u0000ADMIN'],
    ['x-case-id', 'HS-1"; drop table audit_events; --'],
    ['x-end-user', '<script>alert(1)</script>'],
    ['x-end-user', 'a'.repeat(500)],
    ['x-request-id', '../../etc/passwd'],
  ])('%s = %j is refused or neutralised, never echoed raw', async (name, value) => {
    let res: Response
    try {
      res = await post('{"query":"{ __typename }"}', { [name]: value })
    } catch {
      return // the HTTP layer itself refuses the header value (NUL): nothing reached the gateway
    }
    const text = await res.text()
    expect(res.status).toBeLessThan(500)
    if (name === 'x-request-id') {
      expect(res.headers.get('x-request-id')).not.toBe(value)
      expect(res.status).toBe(200)
    } else {
      expect(res.status, text).toBe(400)
      expect(text).not.toContain(value)
    }
  })
})
