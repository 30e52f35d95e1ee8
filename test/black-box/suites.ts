/**
 * The black-box suites, written once against a base URL: identity, policy enforcement, audit
 * fail-closed, rate limits and the adversarial cases. Only HTTP to the target and SQL to the
 * world's database: nothing here knows which runtime answers.
 */
import { importJWK, SignJWT } from 'jose'
import { clientAssertionForm, signClientAssertion } from '../../connectors/index.js'
import { describe, expect, it } from 'vitest'
import { poll } from '../waiting.js'
import type { BlackBoxTarget } from './targets.js'
import { JURISDICTION, LIMITED_RATE, type BlackBoxClient, type BlackBoxWorld } from './world.js'

export type Running = () => { world: BlackBoxWorld; target: BlackBoxTarget }

interface Answer {
  status: number
  headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: a JSON answer, checked field by field
  body: any
  text: string
}

async function post(target: BlackBoxTarget, path: string, init: { headers?: Record<string, string>; body: string }): Promise<Answer> {
  const response = await fetch(`${target.url}${path}`, { method: 'POST', headers: init.headers ?? {}, body: init.body })
  const text = await response.text()
  let body: unknown = null
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON: `text` says what came
  }
  return { status: response.status, headers: response.headers, body, text }
}

const graphql = (target: BlackBoxTarget, token: string | null, query: string, headers: Record<string, string> = {}) =>
  post(target, '/graphql', {
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query }),
  })

/** A client assertion as a department system signs it; `jti` fixed to replay it. */
const assertion = (client: BlackBoxClient, issuer: string, jti?: string) =>
  signClientAssertion({ issuer, clientId: client.clientId, privateKey: client.privateJwk }, jti)

const exchange = (target: BlackBoxTarget, signed: string) =>
  post(target, '/oauth/token', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: clientAssertionForm(signed).toString(),
  })

const CASE = { 'x-purpose': 'CU_TRU', 'x-case-id': 'HS-2026-000123' }
const citizen = (pin: string, fields = 'pin name { full } residence { permanent { commune { code } } }') => `{ citizen(pin: "${pin}") { ${fields} } }`

/** No stack, no internal path, no raw identifier from the request: what any error body may not carry. */
function expectNothingLeaked(answer: Answer, identifiers: string[]) {
  // A stack in the body's text, or escaped inside a JSON string; frames of the sources or the Workers bundle.
  expect(answer.text).not.toMatch(/(\n|\\n)\s+at [\w.<>]+ \(|node_modules|\.(ts|js):\d+/)
  for (const identifier of identifiers) expect(answer.text).not.toContain(identifier)
}

/** The audit events a request left in the world's database. */
const events = (world: BlackBoxWorld, requestId: string) =>
  world.sql<{ agency: string; decision: string; status: number; code: string | null }>(
    'select agency, decision, status, code from audit_events where request_id = $1',
    [requestId],
  )

export function identitySuite(running: Running) {
  describe('identity', () => {
    it('a request without a token is refused (401 UNAUTHENTICATED)', async () => {
      const { target, world } = running()
      const answer = await graphql(target, null, citizen(world.people.inside.pin), CASE)
      expect(answer.status).toBe(401)
      expect(answer.body.error.code).toBe('UNAUTHENTICATED')
      expectNothingLeaked(answer, [world.people.inside.pin])
    })

    it('a token altered by one character, or signed by a key that is not the gateway’s, is refused', async () => {
      const { target, world } = running()
      const token = await world.token(world.clients.reader, target)
      const altered = `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`
      expect((await graphql(target, altered, citizen(world.people.inside.pin), CASE)).status).toBe(401)
      // The client's own key signing a token that claims to be the gateway's.
      const [header, payload] = token.split('.') as [string, string]
      const forged = await new SignJWT(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')))
        .setProtectedHeader(JSON.parse(Buffer.from(header, 'base64url').toString('utf8')))
        .sign(await importJWK(world.clients.reader.privateJwk, 'ES256'))
      expect((await graphql(target, forged, citizen(world.people.inside.pin), CASE)).status).toBe(401)
    })

    it('a token signed with the gateway’s own key is refused when one claim is wrong', async () => {
      const { target, world } = running()
      const token = await world.token(world.clients.reader, target)
      const [header, payload] = token
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))) as [Record<string, unknown>, Record<string, unknown>]
      const key = await importJWK(world.gatewayKey, 'ES256')
      const sign = (claims: Record<string, unknown>, protectedHeader = header) =>
        new SignJWT(claims).setProtectedHeader(protectedHeader as { alg: string }).sign(key)
      const read = (signed: string) => graphql(target, signed, citizen(world.people.inside.pin), CASE)
      // The control: the same header and claims signed again are served, so each refusal below is its one change.
      const control = await read(await sign(payload))
      expect(control.status, control.text).toBe(200)
      const now = Math.floor(Date.now() / 1000)
      const { jti: _jti, ...withoutJti } = payload
      const wrong: Array<[string, string]> = [
        ['expired', await sign({ ...payload, iat: now - 900, exp: now - 300 })],
        ['issued in the future', await sign({ ...payload, iat: now + 600, exp: now + 900 })],
        ['for another audience', await sign({ ...payload, aud: 'https://another-gateway.example.test' })],
        ['from another issuer', await sign({ ...payload, iss: 'https://another-gateway.example.test' })],
        ['without a jti', await sign(withoutJti)],
        ['for a client no agency registered', await sign({ ...payload, sub: 'bb-ghost-system', client_id: 'bb-ghost-system' })],
        ['naming another agency than the client’s', await sign({ ...payload, agency: 'bb-no-grant' })],
        ['typed as a plain JWT, not an access token', await sign(payload, { ...header, typ: 'JWT' })],
      ]
      for (const [what, signed] of wrong) {
        const answer = await read(signed)
        expect(answer.status, what).toBe(401)
        expect(answer.body.error.code, what).toBe('UNAUTHENTICATED')
        expectNothingLeaked(answer, [world.people.inside.pin])
      }
    })

    it('a client suspended mid-session is refused with the token it holds, and served again once reinstated', async () => {
      const { target, world } = running()
      const client = world.clients.revocable
      const token = await world.token(client, target)
      const read = () => graphql(target, token, citizen(world.people.inside.pin), CASE)
      expect((await read()).status).toBe(200)
      // Both runtimes follow the active policy version about every second.
      const following = { withinMs: 30_000, everyMs: 200 }
      await world.setSuspended(client, true)
      try {
        const refused = await poll(read, (answer) => answer.status !== 200, following)
        expect(refused.status, refused.text).toBe(401)
        expect(refused.body.error.code).toBe('UNAUTHENTICATED')
        expect(refused.text).not.toContain(world.people.inside.name)
      } finally {
        await world.setSuspended(client, false)
      }
      expect((await poll(read, (answer) => answer.status === 200, following)).status).toBe(200)
    })

    it('a client assertion is accepted once: the same jti again is refused', async () => {
      const { target, world } = running()
      const signed = await assertion(world.clients.reader, target.issuer)
      const first = await exchange(target, signed)
      expect(first.status, first.text).toBe(200)
      expect(first.body.access_token).toEqual(expect.any(String))
      const replay = await exchange(target, signed)
      expect(replay.status).toBe(401)
      expect(replay.body.error).toBe('invalid_client')
      expect(replay.body.access_token).toBeUndefined()
    })

    it('an assertion addressed to another gateway is refused', async () => {
      const { target, world } = running()
      const answer = await exchange(target, await assertion(world.clients.reader, 'https://another-gateway.example.test'))
      expect(answer.status).toBeGreaterThanOrEqual(400)
      expect(answer.body.access_token).toBeUndefined()
    })

    it('a suspended client gets no token', async () => {
      const { target, world } = running()
      const answer = await exchange(target, await assertion(world.clients.suspended, target.issuer))
      expect(answer.status).toBe(401)
      expect(answer.body.error).toBe('invalid_client')
      expect(answer.body.access_token).toBeUndefined()
    })

    it('a registered client’s token reads what its agency may read', async () => {
      const { target, world } = running()
      const answer = await graphql(target, await world.token(world.clients.reader, target), citizen(world.people.inside.pin), CASE)
      expect(answer.status, answer.text).toBe(200)
      expect(answer.body.errors).toBeUndefined()
      expect(answer.body.data.citizen.name.full).toBe(world.people.inside.name)
    })
  })
}

export function policySuite(running: Running) {
  describe('policy enforcement', () => {
    const reader = async () => {
      const { target, world } = running()
      return { target, world, token: await world.token(world.clients.reader, target) }
    }

    it('a granted field answers, with the grant’s mask applied', async () => {
      const { target, world, token } = await reader()
      const { pin } = world.people.inside
      const answer = await graphql(target, token, citizen(pin), CASE)
      expect(answer.body.errors).toBeUndefined()
      expect(JURISDICTION.has(answer.body.data.citizen.residence.permanent.commune.code)).toBe(true)
      const shown: string = answer.body.data.citizen.pin
      expect(shown).not.toBe(pin)
      expect(shown.endsWith(pin.slice(-4))).toBe(true)
      expect(answer.text).not.toContain(pin)
    })

    it('a citizen outside the jurisdiction looks like one who does not exist', async () => {
      const { target, world, token } = await reader()
      const other = await graphql(target, token, citizen(world.people.outside.pin), CASE)
      const missing = await graphql(target, token, citizen('099999999999'), CASE)
      expect(other.body.data).toEqual({ citizen: null })
      expect(other.status).toBe(missing.status)
      expect(other.body.data).toEqual(missing.body.data)
    })

    it.each([
      ['no purpose', {}, 'PURPOSE_REQUIRED'],
      ['a purpose the agency has no grant for', { 'x-purpose': 'KHONG_CAP' }, 'PURPOSE_NOT_ALLOWED'],
      ['a grant that needs a case id, without one', { 'x-purpose': 'CU_TRU' }, 'CASE_REQUIRED'],
    ])('%s is refused (403 %s)', async (_name, headers, code) => {
      const { target, world, token } = await reader()
      const answer = await graphql(target, token, citizen(world.people.inside.pin), headers)
      expect(answer.status).toBe(403)
      expect(answer.body.data ?? null).toBeNull()
      expect(answer.body.errors[0].extensions.code).toBe(code)
      expectNothingLeaked(answer, [world.people.inside.pin])
    })

    it('a field the grant does not allow refuses the whole request, aliased or not', async () => {
      const { target, world, token } = await reader()
      const { pin } = world.people.inside
      for (const query of [citizen(pin, 'pin birthDate'), `{ a: citizen(pin: "${pin}") { pin } b: citizen(pin: "${pin}") { birthDate } }`]) {
        const answer = await graphql(target, token, query, CASE)
        expect(answer.status).toBe(403)
        expect(answer.body.data ?? null).toBeNull()
        expect(answer.body.errors[0].extensions.code).toBe('FORBIDDEN')
        expectNothingLeaked(answer, [pin])
      }
    })

    it('an agency without a grant reads nothing (deny by default)', async () => {
      const { target, world } = running()
      const token = await world.token(world.clients.noGrant, target)
      const answer = await graphql(target, token, citizen(world.people.inside.pin), CASE)
      expect(answer.status).toBe(403)
      expect(answer.body.data ?? null).toBeNull()
      expect(['FORBIDDEN', 'PURPOSE_NOT_ALLOWED']).toContain(answer.body.errors[0].extensions.code)
    })
  })
}

export function auditSuite(running: Running) {
  describe('audit trail', () => {
    it('an answered request is committed as one event before its answer leaves', async () => {
      const { target, world } = running()
      const answer = await graphql(target, await world.token(world.clients.reader, target), citizen(world.people.inside.pin), CASE)
      expect(answer.status).toBe(200)
      const requestId = answer.headers.get('x-request-id')!
      expect(requestId).toBeTruthy()
      // Read as soon as the answer is in: no wait, the commit came first.
      const recorded = await events(world, requestId)
      expect(recorded, JSON.stringify(recorded)).toEqual([{ agency: 'bb-reader', decision: 'granted', status: 200, code: null }])
      const [stored] = await world.sql<{ body: string }>('select body from audit_events where request_id = $1', [requestId])
      expect(stored!.body).not.toContain(world.people.inside.pin)
    })

    it('fails closed while the audit store refuses writes (503 AUDIT_UNAVAILABLE, no data), and serves again after', async () => {
      const { target, world } = running()
      const token = await world.token(world.clients.reader, target)
      const query = citizen(world.people.inside.pin)
      await world.breakAudit()
      try {
        for (let i = 0; i < 2; i++) {
          const answer = await graphql(target, token, query, CASE)
          expect(answer.status, answer.text).toBe(503)
          expect(answer.body.error.code).toBe('AUDIT_UNAVAILABLE')
          expect(answer.body.data).toBeUndefined()
          expect(answer.text).not.toContain(world.people.inside.name)
          expectNothingLeaked(answer, [world.people.inside.pin])
          expect(await events(world, answer.headers.get('x-request-id')!)).toEqual([])
        }
      } finally {
        await world.restoreAudit()
      }
      // The writer recovers by itself; give it a few tries as the store comes back.
      let answer = await graphql(target, token, query, CASE)
      for (let i = 0; i < 20 && answer.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250))
        answer = await graphql(target, token, query, CASE)
      }
      expect(answer.status, answer.text).toBe(200)
      expect(await events(world, answer.headers.get('x-request-id')!)).toHaveLength(1)
    })
  })
}

export function rateLimitSuite(running: Running) {
  describe('rate limits', () => {
    it('answers within the limit with RateLimit headers, then 429 with Retry-After; a spoofed address changes nothing', async () => {
      const { target, world } = running()
      const token = await world.token(world.clients.limited, target)
      const { pin, name, birthDate } = world.people.outside
      const query = `{ verifyCitizen(pin: "${pin}", name: "${name}", birthDate: "${birthDate}") { match } }`
      const answers: Answer[] = []
      // The burst, then a few more: one unit comes back every 10 s, far slower than these requests.
      for (let i = 0; i < LIMITED_RATE.burst + 3; i++) answers.push(await graphql(target, token, query, { 'x-purpose': 'XAC_MINH' }))
      const allowed = answers.filter((a) => a.status === 200)
      const refused = answers.filter((a) => a.status === 429)
      expect(allowed.length + refused.length).toBe(answers.length)
      expect(allowed.length).toBeGreaterThanOrEqual(1)
      expect(allowed.length).toBeLessThanOrEqual(LIMITED_RATE.burst + 1)
      expect(refused.length).toBeGreaterThanOrEqual(2)
      for (const answer of allowed) {
        expect(answer.body.data.verifyCitizen.match).toBe(true)
        expect(answer.headers.get('ratelimit-policy')).toContain(`q=`)
        expect(answer.headers.get('ratelimit')).toMatch(/r=\d+/)
      }
      for (const answer of refused) {
        expect(answer.body.errors[0].extensions.code).toBe('RATE_LIMITED')
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
        // What is left is less than the request costs.
        expect(answer.headers.get('ratelimit')).toMatch(/r=\d+;t=\d+/)
        expect(answer.body.data ?? null).toBeNull()
      }
      // The limit is the agency's: another claimed address does not open a new budget.
      for (const spoof of ['203.113.1.1', '10.0.0.7']) {
        const answer = await graphql(target, token, query, { 'x-purpose': 'XAC_MINH', 'x-forwarded-for': spoof, 'x-real-ip': spoof, forwarded: `for=${spoof}` })
        expect(answer.status).toBe(429)
      }
    })
  })
}

export function adversarialSuite(running: Running) {
  describe('adversarial input', () => {
    it('a body over the limit is refused (413) without being read into a query', async () => {
      const { target, world } = running()
      const token = await world.token(world.clients.reader, target)
      const answer = await post(target, '/graphql', {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...CASE },
        body: JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(300 * 1024) }),
      })
      expect(answer.status).toBe(413)
      expectNothingLeaked(answer, [])
      // Refused unread, and recorded all the same: one event per request.
      expect(await events(world, answer.headers.get('x-request-id')!)).toHaveLength(1)
    })

    it('a body that is not JSON, or a method that reads nothing here, is refused before any query runs', async () => {
      const { target, world } = running()
      const token = await world.token(world.clients.reader, target)
      const query = JSON.stringify({ query: citizen(world.people.inside.pin) })
      const asText = await post(target, '/graphql', { headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}`, ...CASE }, body: query })
      expect(asText.status, asText.text).toBe(415)
      // Data is read with POST only: a link or an <img> cannot make a browser run a query.
      const viaGet = await fetch(`${target.url}/graphql?query=${encodeURIComponent(citizen(world.people.inside.pin))}`, {
        headers: { accept: 'application/json', authorization: `Bearer ${token}`, ...CASE },
      })
      expect(viaGet.status).toBe(405)
      const viaPut = await fetch(`${target.url}/graphql`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...CASE },
        body: query,
      })
      expect([404, 405]).toContain(viaPut.status)
      for (const answer of [asText.text, await viaGet.text(), await viaPut.text()]) expect(answer).not.toContain(world.people.inside.name)
    })

    it.each([
      ['malformed JSON', '{"query": "{ citizen(pin: '],
      ['a query that is not a string', '{"query": 42}'],
      ['GraphQL that does not parse', JSON.stringify({ query: '{ citizen(pin: "001200000001") { ' })],
    ])('%s is refused as the caller’s error, with nothing of the server in it', async (_name, body) => {
      const { target, world } = running()
      const token = await world.token(world.clients.reader, target)
      const answer = await post(target, '/graphql', { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...CASE }, body })
      expect(answer.status).toBe(400)
      expectNothingLeaked(answer, ['001200000001'])
    })

    it.each([
      ['deep nesting', () => `{ administrativeUnit(code: "01") { ${'successors { '.repeat(16)}code${' }'.repeat(16)} } }`],
      ['an alias bomb', (pin: string) => `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: citizen(pin: "${pin}") { pin }`).join(' ')} }`],
      ['a directive flood', () => `{ __typename ${'@include(if: true) '.repeat(40)} }`],
    ])('%s is refused as QUERY_TOO_COMPLEX', async (_name, query) => {
      const { target, world } = running()
      const token = await world.token(world.clients.reader, target)
      const answer = await graphql(target, token, query(world.people.inside.pin), CASE)
      expect(answer.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX')
      expect(answer.body.data ?? null).toBeNull()
      expectNothingLeaked(answer, [world.people.inside.pin])
    })

    it('introspection shows an agency only what it may read', async () => {
      const { target, world } = running()
      const token = await world.token(world.clients.reader, target)
      const answer = await graphql(target, token, '{ __schema { queryType { fields { name } } } }', CASE)
      expect(answer.status, answer.text).toBe(200)
      const fields: string[] = answer.body.data.__schema.queryType.fields.map((field: { name: string }) => field.name)
      // Its own grant's root field, and none of another registry's.
      expect(fields).toContain('citizen')
      expect(fields).not.toContain('enterprise')
      expect(fields).not.toContain('parcel')
    })

    it('a request context header that is not a signed JWT is refused, not trusted', async () => {
      const { target, world } = running()
      const token = await world.token(world.clients.reader, target)
      const answer = await graphql(target, token, citizen(world.people.inside.pin), {
        ...CASE,
        'x-request-context': 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
      })
      expect(answer.status).toBeGreaterThanOrEqual(400)
      expect(answer.body.data ?? null).toBeNull()
      expectNothingLeaked(answer, [world.people.inside.pin])
    })
  })
}

export const SUITES = [identitySuite, policySuite, auditSuite, rateLimitSuite, adversarialSuite] as const
