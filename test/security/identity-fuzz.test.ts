/**
 * No value a client controls in its identity reaches a 5xx. Every header of a data request
 * (X-Purpose, X-Case-Id, X-End-User, X-Request-Context, Authorization, X-Request-Id) and every
 * claim and JOSE header parameter of the request context and of the client assertion — and of an
 * access token, signed here with the gateway's own key so hostile claims get past the signature —
 * is replaced, one at a time (a table) and several at once (fast-check), with hostile values:
 * wrong types, huge and negative numbers, JSON's Infinity (`1e999`), arrays, objects, far future
 * and far past times, empty, unicode, lone surrogates, oversized. Objects are signed with the
 * right key over their raw bytes, so each value reaches the checks behind the signature.
 * Each answer is < 500, in the error contract, without internals; values a check must refuse
 * (a wrong type or a missing required claim) are a 4xx.
 */
import fc from 'fast-check'
import { base64url } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../gateway/errors.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { TEST_ISSUER, type TestClient } from '../identity.js'
import { TEST_PURPOSE } from '../policies.js'
import { LEAKS } from './raw-http.js'

const T = Date.UTC(2026, 5, 9, 1, 0, 0)
const T_S = T / 1000
const YEAR_S = 365 * 24 * 3600

let gw: TestGateway
let client: TestClient
let token = ''
beforeAll(async () => {
  gw = await createTestGateway({ now: () => T })
  client = gw.identity.client
  token = await gw.identity.token()
})
afterAll(async () => gw?.close())

/** JSON text of each claim or header parameter: a value is replaced by any JSON text, even invalid. */
type Fragments = Record<string, string>
const json = (value: unknown) => JSON.stringify(value)
const objectText = (fields: Fragments) =>
  `{${Object.entries(fields)
    .map(([name, text]) => `${json(name)}:${text}`)
    .join(',')}}`
const encode = (text: string) => base64url.encode(new TextEncoder().encode(text))

/** A compact JWS over exactly these header and payload texts, signed ES256 with `key`. */
async function signRaw(header: string, payload: string, key: CryptoKey): Promise<string> {
  const input = `${encode(header)}.${encode(payload)}`
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(input))
  return `${input}.${base64url.encode(new Uint8Array(signature))}`
}

const big = (n: number, char = 'a') => json(char.repeat(n))
/** Hostile JSON texts for any claim or header parameter. */
const hostile: string[] = [
  'null',
  'true',
  'false',
  '0',
  '-1',
  '1.5',
  '-0',
  '0.0000001',
  '1e308',
  '-1e308',
  '1e999',
  '-1e999',
  '1e-999',
  '9007199254740993',
  '123456789012345678901234567890',
  json('NaN'),
  json('Infinity'),
  json('-Infinity'),
  json('undefined'),
  json('null'),
  json(String(T_S)),
  json(''),
  json(' '),
  json('\u0000'),
  '"\\ud800"',
  json('\r\nX-Injected: 1'),
  json('<script>alert(1)</script>'),
  json('Công an phường Hồng Hà 😀'),
  json('__proto__'),
  json('constructor'),
  json('toString'),
  json('hasOwnProperty'),
  big(300),
  big(5000),
  big(2000, 'é'),
  '[]',
  '[1,2]',
  json(['a']),
  '[[[[[[[[[[]]]]]]]]]]',
  '{}',
  json({ a: 1 }),
  '{"__proto__":{"admin":true}}',
  json({ constructor: { prototype: { x: 1 } } }),
  // times: far future and far past, the year 10000, the largest Date, just outside the skews
  String(T_S + 100 * YEAR_S),
  String(T_S + YEAR_S),
  String(T_S + 3600),
  String(T_S + 31),
  String(T_S - 31),
  String(T_S - 3600),
  String(T_S - 10 * YEAR_S),
  '253402300800',
  '8640000000000',
  '8640000000001',
  '1e10',
  '-1e10',
  String(T),
]

interface Target {
  name: string
  /** The valid header and claims; a fresh jti per call. */
  header: () => Fragments
  claims: () => Fragments
  /** Optional claims that are tried added, beyond those replaced. */
  extra: string[]
  key: () => CryptoKey
  send: (jws: string) => Response | Promise<Response>
  /**
   * What must be refused (4xx): a claim of another type (`null` counts as absent for `nullable`
   * ones), a required claim absent, a forbidden claim present with any value.
   */
  strict: { types: Record<string, 'number' | 'string'>; required: string[]; nullable?: string[]; forbidden?: string[] }
}

const graphqlCall = (headers: Record<string, string>) =>
  gw.app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"{ __typename }"}' })

const targets: Target[] = [
  {
    name: 'request context',
    header: () => ({ alg: json('ES256'), kid: json(client.publicJwk.kid), typ: json('JWT') }),
    claims: () => ({
      iss: json(client.clientId),
      aud: json(TEST_ISSUER),
      jti: json(crypto.randomUUID()),
      iat: String(T_S),
      exp: String(T_S + 30),
      purpose: json(TEST_PURPOSE),
      caseId: json('G09.20-20260609-0092637'),
      endUser: json('can-bo-01'),
    }),
    extra: ['sub', 'nbf', 'crit'],
    key: () => client.privateKey,
    send: (jws) => graphqlCall({ authorization: `Bearer ${token}`, 'x-request-context': jws }),
    strict: {
      types: {
        iss: 'string',
        aud: 'string',
        jti: 'string',
        iat: 'number',
        exp: 'number',
        nbf: 'number',
        purpose: 'string',
        caseId: 'string',
        endUser: 'string',
        alg: 'string',
      },
      required: ['iss', 'aud', 'jti', 'iat', 'exp', 'purpose', 'alg'],
      nullable: ['caseId', 'endUser'],
    },
  },
  {
    name: 'client assertion',
    header: () => ({ alg: json('ES256'), kid: json(client.publicJwk.kid), typ: json('JWT') }),
    claims: () => ({
      iss: json(client.clientId),
      sub: json(client.clientId),
      aud: json(`${TEST_ISSUER}/oauth/token`),
      jti: json(crypto.randomUUID()),
      iat: String(T_S),
      exp: String(T_S + 60),
    }),
    extra: ['nbf', 'purpose', 'caseId', 'endUser', 'crit'],
    key: () => client.privateKey,
    send: (jws) =>
      gw.app.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: jws,
        }).toString(),
      }),
    strict: {
      types: { iss: 'string', sub: 'string', aud: 'string', jti: 'string', iat: 'number', exp: 'number', nbf: 'number', alg: 'string' },
      required: ['iss', 'sub', 'aud', 'jti', 'iat', 'exp', 'alg'],
      forbidden: ['purpose'],
    },
  },
  {
    name: 'access token (gateway-signed)',
    header: () => ({ alg: json('ES256'), kid: json(gw.identity.keys.signingKey().kid), typ: json('at+jwt') }),
    claims: () => ({
      iss: json(TEST_ISSUER),
      aud: json(TEST_ISSUER),
      sub: json(client.clientId),
      agency: json(client.agencyId),
      client_id: json(client.clientId),
      jti: json(crypto.randomUUID()),
      iat: String(T_S),
      exp: String(T_S + 300),
    }),
    extra: ['nbf', 'crit'],
    key: () => gw.identity.keys.signingKey().privateKey,
    send: (jws) => graphqlCall({ authorization: `Bearer ${jws}`, 'x-purpose': TEST_PURPOSE }),
    strict: {
      types: { iss: 'string', aud: 'string', iat: 'number', exp: 'number', nbf: 'number', alg: 'string', typ: 'string' },
      required: ['iss', 'aud', 'iat', 'exp', 'alg', 'typ'],
    },
  },
]

const headerParams = new Set(['alg', 'kid', 'typ', 'crit'])

/** A JWS with the valid header and claims of `target`, then `changes` applied (undefined: removed). */
function build(target: Target, changes: Record<string, string | undefined>): Promise<string> {
  const header = target.header()
  const claims = target.claims()
  for (const [name, text] of Object.entries(changes)) {
    const part = headerParams.has(name) ? header : claims
    if (text === undefined) delete part[name]
    else part[name] = text
  }
  return signRaw(objectText(header), objectText(claims), target.key())
}

/** What is wrong with an answer: a 5xx, internals, or an error outside the contract; null if nothing. */
async function problemOf(res: Response): Promise<string | null> {
  const text = await res.text()
  if (res.status >= 500) return `${res.status} ${text.slice(0, 200)}`
  if (LEAKS.test(text)) return `leaks internals: ${text.slice(0, 200)}`
  let body: { error?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> }
  try {
    body = JSON.parse(text)
  } catch {
    return `not JSON: ${text.slice(0, 100)}`
  }
  // The closed set of codes, or RFC 6749's at the token endpoint.
  if (typeof body.error === 'object' && body.error && !ErrorCode.safeParse((body.error as { code?: unknown }).code).success)
    return `code outside the contract: ${text.slice(0, 200)}`
  if (typeof body.error === 'string' && !/^(invalid_request|invalid_client|invalid_grant|unsupported_grant_type|temporarily_unavailable)$/.test(body.error))
    return `OAuth error outside RFC 6749: ${body.error}`
  for (const error of body.errors ?? []) if (!ErrorCode.safeParse(error.extensions?.code).success) return `code outside the contract: ${text.slice(0, 200)}`
  return null
}

async function expectSafe(res: Response, what: string): Promise<void> {
  expect(await problemOf(res), what).toBeNull()
}

/** True when `text` parses to a value that is not of `type` (or not finite), so it must be refused. */
function wrongType(text: string, type: 'number' | 'string'): boolean {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return true
  }
  if (type === 'number') return typeof value !== 'number' || !Number.isFinite(value)
  return typeof value !== 'string'
}

describe.each(targets)('hostile claims and header parameters of the $name', (target) => {
  it('a table: each claim and parameter, each hostile value, one at a time; then iat and exp shifted together', async () => {
    const names = [...new Set([...Object.keys(target.header()), ...Object.keys(target.claims()), ...target.extra])]
    const cases: Array<{ what: string; changes: Record<string, string | undefined>; mustRefuse: boolean }> = []
    const { types, required, nullable = [], forbidden = [] } = target.strict
    for (const name of names) {
      for (const text of [...hostile, undefined]) {
        const type = types[name]
        const mustRefuse =
          text === undefined
            ? required.includes(name)
            : forbidden.includes(name) || (type !== undefined && wrongType(text, type) && !(text === 'null' && nullable.includes(name)))
        cases.push({ what: `${name} = ${text === undefined ? '(absent)' : text.slice(0, 60)}`, changes: { [name]: text }, mustRefuse })
      }
    }
    // A whole object dated ahead or behind: each bound alone would let some of these through.
    for (const offset of [-100 * YEAR_S, -YEAR_S, -3600, -120, 60, 3600, YEAR_S, 100 * YEAR_S, 1e10]) {
      cases.push({ what: `iat, exp = now + ${offset} s, + 30 s`, changes: { iat: String(T_S + offset), exp: String(T_S + offset + 30) }, mustRefuse: true })
    }
    const problems: string[] = []
    for (const { what, changes, mustRefuse } of cases) {
      const res = await target.send(await build(target, changes))
      const status = res.status
      const problem = await problemOf(res)
      if (problem) problems.push(`${what}: ${problem}`)
      else if (mustRefuse && status < 400) problems.push(`${what}: accepted (${status})`)
    }
    expect(problems).toEqual([])
    // The table did exercise the strict checks (not only the lenient header parameters).
    expect(cases.filter((c) => c.mustRefuse).length).toBeGreaterThan(100)
  }, 120_000)

  it('fast-check: several hostile claims at once, and arbitrary JSON values', async () => {
    const names = [...new Set([...Object.keys(target.header()), ...Object.keys(target.claims()), ...target.extra])]
    const value = fc.oneof(
      fc.constantFrom(...hostile),
      fc.jsonValue({ maxDepth: 3 }).map((v) => json(v)),
      fc.string({ unit: 'grapheme', maxLength: 40 }).map(json),
      fc.double().map((n) => (Number.isFinite(n) ? String(n) : n > 0 ? '1e999' : n < 0 ? '-1e999' : '"NaN"')),
      fc.integer({ min: -20 * YEAR_S, max: 20 * YEAR_S }).map((offset) => String(T_S + offset)),
      fc.constant(undefined),
    )
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...names), value, { minKeys: 1, maxKeys: 4 }), async (changes) => {
        await expectSafe(await target.send(await build(target, changes)), `${target.name} ${JSON.stringify(changes).slice(0, 200)}`)
      }),
      { numRuns: 150, seed: 20260609 },
    )
  }, 120_000)

  it('payloads and headers that are not JSON objects', async () => {
    const texts = ['', 'null', '[]', '[1]', '"a string"', '42', '{', '{"iss":', 'NaN', '{"a":1}x', '\u00ff\u00fe', '{"exp":1e999,"exp":1}']
    for (const text of texts) {
      const valid = objectText(target.claims())
      await expectSafe(await target.send(await signRaw(objectText(target.header()), text, target.key())), `${target.name} payload ${text}`)
      await expectSafe(await target.send(await signRaw(text, valid, target.key())), `${target.name} header ${text}`)
    }
  })
})

/** What a raw HTTP client can put in a header: bytes, read by Node as latin1; never CR, LF or NUL. */
const onTheWire = (value: string) =>
  Array.from(new TextEncoder().encode(value), (byte) => String.fromCharCode(byte))
    .join('')
    .replace(/[\r\n\0]/g, '')

const headerValues = [
  '',
  ' ',
  'a',
  'KIEM_THU',
  'kiem_thu',
  'KIEM THU',
  '\t',
  '\u0001\u007f',
  'Công an 😀',
  '"',
  "'",
  ',',
  ';',
  '%00',
  '%0d%0a',
  '..',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'Bearer',
  'Bearer ',
  'bearer x',
  'Bearer a.b.c',
  'Bearer ...',
  'Bearer e30.e30.',
  'Basic dXNlcjpwYXNz',
  'Bearer a b',
  'e30.e30.',
  'a.b.c',
  '....',
  'x'.repeat(129),
  'x'.repeat(4097),
  'x'.repeat(8193),
  `Bearer ${'a'.repeat(9000)}`,
  'é'.repeat(3000),
  '__proto__',
  'constructor',
  '1e999',
  'null',
  '[]',
  '{}',
]
const requestHeaders = ['x-purpose', 'x-case-id', 'x-end-user', 'x-request-context', 'authorization', 'x-request-id']

describe('hostile request headers', () => {
  it('a table: each header, each hostile value', async () => {
    for (const name of requestHeaders) {
      for (const raw of headerValues) {
        const value = onTheWire(raw)
        const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'x-purpose': TEST_PURPOSE, [name]: value }
        const res = await graphqlCall(headers)
        const status = res.status
        const requestId = res.headers.get('x-request-id')
        await expectSafe(res, `${name}: ${raw.slice(0, 40)}`)
        if (name === 'x-request-id') {
          // echoed only when plain and short, else replaced
          expect(requestId, raw).toMatch(/^[A-Za-z0-9_=-]{1,128}$/)
          if (!/^[A-Za-z0-9_=-]{1,128}$/.test(value)) expect(requestId).not.toBe(value)
        }
        if (name === 'authorization' && value.trim() !== `Bearer ${token}`) expect(status, raw).toBe(401)
        if (name === 'x-request-context' && value.trim() !== '') expect(status, raw).toBe(401)
      }
    }
  }, 120_000)

  it('fast-check: all six headers at once', async () => {
    const raw = fc.oneof(fc.constantFrom(...headerValues), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 300 }))
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...requestHeaders), raw, { minKeys: 1, maxKeys: 6 }), async (chosen) => {
        const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'x-purpose': TEST_PURPOSE }
        for (const [name, value] of Object.entries(chosen)) headers[name] = onTheWire(value)
        await expectSafe(await graphqlCall(headers), JSON.stringify(chosen).slice(0, 200))
      }),
      { numRuns: 200, seed: 20260609 },
    )
  }, 120_000)

  it('hostile client_id and form fields at the token endpoint', async () => {
    for (const raw of headerValues) {
      for (const field of ['client_id', 'grant_type', 'client_assertion_type', 'client_assertion']) {
        const form = {
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: 'e30.e30.',
          [field]: raw,
        }
        const res = await gw.app.request('/oauth/token', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form).toString(),
        })
        await expectSafe(res, `${field}=${raw.slice(0, 40)}`)
      }
    }
  })
})
