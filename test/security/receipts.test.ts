/**
 * Receipts: an answer given with `Prefer: receipt` (or `Accept-Signature`, or to an agency whose
 * policy asks) carries a compact JWS binding the request's hash, the response's hash, the audit
 * event's id, the policy version and the time. The receipt, the answer and the trail check each
 * other through the dependency-free module in `verify/`; one changed character anywhere fails,
 * naming what failed, and a receipt stays verifiable after key rotations through the key history.
 */
import fc from 'fast-check'
import { compactVerify, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyResponse } from '../../connectors/index.js'
import { signReceipt } from '../../gateway/http/proofs.js'
import { createGatewayKeys, createMemoryKeyStore } from '../../gateway/identity/keys/index.js'
import { decodeReceipt, receiptAuditHash, requestHash, verifyReceipt } from '../../verify/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { receiptClaimsFor } from '../receipt-claims.js'
import { agencyDocument } from '../identity.js'
import { fullAccess, TEST_PURPOSE, testPurposes } from '../policies.js'

let gw: TestGateway
const QUERY = '{ administrativeUnit(code: "01") { code name } }'

beforeAll(async () => {
  gw = await createTestGateway({
    policies: (identity) => ({ agencies: [fullAccess(agencyDocument('test-agency', [identity.client]))], purposes: testPurposes }),
  })
}, 60_000)
afterAll(async () => {
  await gw?.close()
})

const keyHistory = async () => (await gw.app.request('/.well-known/lgsp-key-history.json')).json()

async function ask(headers: Record<string, string> = {}, body: object = { query: QUERY }) {
  const res = await gw.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.identity.token()}`, 'x-purpose': TEST_PURPOSE, ...headers },
    body: JSON.stringify(body),
  })
  return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() }
}

describe('a GraphQL answer with its receipt', () => {
  it('carries the receipt in extensions and in a header; both verify against the key history', async () => {
    const answer = await ask({ prefer: 'receipt' })
    expect(answer.status).toBe(200)
    const body = JSON.parse(answer.text)
    expect(body.data.administrativeUnit.code).toBe('01')
    expect(body.extensions.receipt).toBe(answer.headers['lgsp-receipt'])
    const verdict = await verifyReceipt({
      response: answer.text,
      keys: await keyHistory(),
      request: { method: 'POST', target: '/graphql', body: { query: QUERY }, purpose: TEST_PURPOSE },
    })
    expect(verdict).toMatchObject({ ok: true, kid: gw.identity.keys.signingKey().kid })
    if (!verdict.ok) return
    expect(verdict.claims).toMatchObject({
      request_id: answer.headers['x-request-id'],
      policy_version: gw.policies.current().version,
      agency: 'test-agency',
      status: 200,
      response_form: 'json',
    })
  })

  it('names the audit event, and that event keeps the receipt’s hash', async () => {
    const answer = await ask({ prefer: 'receipt' })
    const receipt = answer.headers['lgsp-receipt']!
    const claims = decodeReceipt(receipt)!.claims
    const event = gw.audit.events.find((e) => e.id === claims.audit_event)
    expect(event).toMatchObject({ kind: 'access.graphql', requestId: claims.request_id, receipt: await receiptAuditHash(receipt) })
  })

  it('is a standard compact JWS: jose verifies it under the JWKS', async () => {
    const receipt = (await ask({ prefer: 'receipt' })).headers['lgsp-receipt']!
    const verified = await compactVerify(receipt, createLocalJWKSet((await (await gw.app.request('/.well-known/jwks.json')).json()) as never))
    expect(verified.protectedHeader).toMatchObject({ alg: 'ES256', typ: 'lgsp-receipt+jwt', kid: gw.identity.keys.signingKey().kid })
    expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual(decodeReceipt(receipt)!.claims)
  })

  it('still verifies when the body was re-serialised (whitespace, key order), as a database keeps it', async () => {
    const answer = await ask({ prefer: 'receipt' })
    const reordered = (value: unknown): unknown =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(
            Object.entries(value)
              .reverse()
              .map(([k, v]) => [k, reordered(v)]),
          )
        : value
    const kept = JSON.stringify(reordered(JSON.parse(answer.text)), null, 2)
    expect(await verifyReceipt({ response: kept, keys: await keyHistory() })).toMatchObject({ ok: true })
  })

  it('is one proof and the signature the other: each asked on its own, both by the agency’s policy', async () => {
    const jwks = (await (await gw.app.request('/.well-known/jwks.json')).json()).keys
    const signedOnly = await ask({ 'accept-signature': 'lgsp=()' })
    expect(signedOnly.headers['lgsp-receipt']).toBeUndefined()
    expect(await verifyResponse({ ...signedOnly, body: signedOnly.text }, jwks)).toMatchObject({ ok: true })
    const receiptOnly = await ask({ prefer: 'receipt' })
    expect(receiptOnly.headers.signature).toBeUndefined()
    const both = await ask({ prefer: 'receipt', 'accept-signature': 'lgsp=()' })
    // The signature covers the body that left, receipt included.
    expect(await verifyResponse({ ...both, body: both.text }, jwks)).toMatchObject({ ok: true })
    expect(await verifyReceipt({ response: both.text, keys: await keyHistory() })).toMatchObject({ ok: true })
    const active = gw.policies.current()
    const agency = active.agencies.get('test-agency')!
    gw.policies.replace({ agencies: [{ ...agency, signResponses: true }], purposes: [...active.purposes.values()] }, active.version + 1)
    try {
      const required = await ask()
      expect(await verifyResponse({ ...required, body: required.text }, jwks)).toMatchObject({ ok: true })
      expect(await verifyReceipt({ response: required.text, keys: await keyHistory() })).toMatchObject({
        ok: true,
        claims: { policy_version: active.version + 1 },
      })
    } finally {
      gw.policies.replace({ agencies: [agency], purposes: [...active.purposes.values()] }, active.version + 2)
    }
  })

  it('on a REST route with both asked, the signature covers the answer and the receipt rides in a header', async () => {
    const res = await gw.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', prefer: 'receipt', 'accept-signature': 'lgsp=()' },
      body: 'grant_type=client_credentials',
    })
    const answer = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() }
    const jwks = (await (await gw.app.request('/.well-known/jwks.json')).json()).keys
    expect(await verifyResponse(answer, jwks)).toMatchObject({ ok: true })
    expect(await verifyReceipt({ response: answer.body, receipt: answer.headers['lgsp-receipt']!, keys: await keyHistory() })).toMatchObject({ ok: true })
  })

  it('is not given unless asked: no header, nothing in the body, no hash in the event', async () => {
    const answer = await ask()
    expect(answer.headers['lgsp-receipt']).toBeUndefined()
    expect(JSON.parse(answer.text).extensions?.receipt).toBeUndefined()
    const event = gw.audit.events.find((e) => e.requestId === answer.headers['x-request-id'])
    expect(event?.receipt).toBeUndefined()
  })

  it('is given on a refusal too: what the gateway said no to is provable', async () => {
    const answer = await ask({ prefer: 'receipt', 'x-purpose': 'NOT_A_PURPOSE' })
    expect(answer.status).toBeGreaterThanOrEqual(400)
    expect(await verifyReceipt({ response: answer.text, keys: await keyHistory() })).toMatchObject({ ok: true, claims: { status: answer.status } })
  })

  it('binds a refusal before any parsing (no token) to the query it refused, and gives HEAD nothing', async () => {
    const res = await gw.app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-purpose': TEST_PURPOSE, prefer: 'receipt' },
      body: JSON.stringify({ query: QUERY }),
    })
    expect(res.status).toBe(401)
    const text = await res.text()
    const keys = await keyHistory()
    const asked = { method: 'POST', target: '/graphql', body: { query: QUERY }, purpose: TEST_PURPOSE }
    expect(await verifyReceipt({ response: text, keys, request: asked })).toMatchObject({ ok: true, claims: { status: 401, agency: null } })
    expect(await verifyReceipt({ response: text, keys, request: { ...asked, body: { query: '{ __typename }' } } })).toMatchObject({
      ok: false,
      failed: 'request',
    })
    const head = await gw.app.request('/.well-known/jwks.json', { method: 'HEAD', headers: { prefer: 'receipt', 'accept-signature': 'lgsp=()' } })
    expect(head.headers.get('lgsp-receipt')).toBeNull()
    expect(head.headers.get('signature')).toBeNull()
  })

  it('leaves with its answer only once the event is recorded: with the trail down, 503 and no receipt', async () => {
    gw.audit.failing = true
    try {
      const answer = await ask({ prefer: 'receipt' })
      expect(answer.status).toBe(503)
      expect(answer.headers['lgsp-receipt']).toBeUndefined()
      expect(answer.text).not.toContain('receipt')
    } finally {
      gw.audit.failing = false
    }
  })
})

describe('what a changed answer, receipt or request fails on', () => {
  let answer: Awaited<ReturnType<typeof ask>>
  let receipt: string
  let keys: unknown
  beforeAll(async () => {
    answer = await ask({ prefer: 'receipt' })
    receipt = answer.headers['lgsp-receipt']!
    keys = await keyHistory()
  })
  const request = { method: 'POST', target: '/graphql', body: { query: QUERY }, purpose: TEST_PURPOSE }

  it.each([
    ['a value in the answer', () => ({ response: answer.text.replace('"01"', '"02"') }), 'response'],
    ['the receipt kept with another answer', () => ({ response: JSON.stringify({ data: null }), receipt }), 'response'],
    ['the request’s purpose', () => ({ response: answer.text, request: { ...request, purpose: 'KHAC' } }), 'request'],
    ['the request’s query', () => ({ response: answer.text, request: { ...request, body: { query: '{ __typename }' } } }), 'request'],
    ['the request’s case id', () => ({ response: answer.text, request: { ...request, caseId: 'HS-1' } }), 'request'],
    // The salt the answer carries binds the request: a receipt seen without it lets nobody test PIN guesses.
    ['the receipt’s salt', () => ({ response: answer.text, request: { ...request, salt: 'A'.repeat(22) } }), 'request'],
    // JSON.parse keeps the last of two equal keys: the forged first one must not slip through.
    ['a key repeated in front of the real one', () => ({ response: answer.text.replace('"code":"01"', '"code":"79","code":"01"') }), 'response'],
    ['no receipt at all', () => ({ response: JSON.stringify({ data: JSON.parse(answer.text).data }) }), 'receipt'],
    ['a key the verifier does not hold', () => ({ response: answer.text, keysOverride: { keys: [] } }), 'key'],
  ] as const)('fails on %s, naming it', async (_name, change, failed) => {
    const input = change() as { response: string; receipt?: string; request?: typeof request; keysOverride?: unknown }
    const verdict = await verifyReceipt({ ...input, keys: input.keysOverride ?? keys, request: input.request ?? request })
    expect(verdict).toMatchObject({ ok: false, failed })
    if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(20)
  })

  it('fails on any one character changed in the receipt (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...'AQgw_-'), async (at, replacement) => {
        const i = at % receipt.length
        fc.pre(receipt[i] !== '.' && receipt[i] !== replacement)
        const changed = receipt.slice(0, i) + replacement + receipt.slice(i + 1)
        const verdict = await verifyReceipt({ response: answer.text, receipt: changed, keys })
        expect(verdict.ok).toBe(false)
      }),
      { numRuns: 150 },
    )
  })

  it('fails on any one character changed in the answer’s JSON values (property)', async () => {
    const alphanumerics = [...answer.text.matchAll(/[A-Za-z0-9]/g)].map((m) => m.index!)
    const receiptAt = answer.text.indexOf(receipt)
    const salt = JSON.parse(answer.text).extensions.receiptSalt as string
    const saltAt = answer.text.indexOf(salt)
    await fc.assert(
      fc.asyncProperty(fc.nat(), async (at) => {
        const i = alphanumerics[at % alphanumerics.length]!
        // The receipt itself is not hashed (it cannot hash itself); it is checked by its signature.
        fc.pre(i < receiptAt || i >= receiptAt + receipt.length)
        // Nor its salt, which binds the request (changed, the request check fails: below).
        fc.pre(i < saltAt || i >= saltAt + salt.length)
        const ch = answer.text[i]!
        const changed = answer.text.slice(0, i) + (ch === 'x' ? 'y' : 'x') + answer.text.slice(i + 1)
        let parsed = true
        try {
          JSON.parse(changed)
        } catch {
          parsed = false
        }
        fc.pre(parsed)
        expect((await verifyReceipt({ response: changed, keys })).ok).toBe(false)
      }),
      { numRuns: 150 },
    )
  })
})

describe('what JSON.parse alone would let through', () => {
  it('a number beyond 2^53 rewritten to one that parses the same fails, naming the number', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k-n' }
    const text = JSON.stringify({ data: { serial: 12345678901234568 } })
    const receipt = await signReceipt(await receiptClaimsFor(JSON.parse(text)), { kid: 'k-n', privateKey })
    expect(await verifyReceipt({ response: text, receipt, keys: { keys: [jwk] } })).toMatchObject({ ok: true })
    const forged = text.replace('12345678901234568', '12345678901234567')
    expect(JSON.parse(forged)).toEqual(JSON.parse(text))
    const verdict = await verifyReceipt({ response: forged, receipt, keys: { keys: [jwk] } })
    expect(verdict).toMatchObject({ ok: false, failed: 'response' })
    if (!verdict.ok) expect(verdict.reason).toContain('the number 12345678901234567')
  })

  it('a request body nested beyond reason is refused with 400, with or without a receipt asked, never a 500', async () => {
    const deep = `{"query":"{ __typename }","variables":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`
    for (const prefer of [{}, { prefer: 'receipt' }] as Array<Record<string, string>>) {
      const res = await gw.app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.identity.token()}`, 'x-purpose': TEST_PURPOSE, ...prefer },
        body: deep,
      })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toMatch(/nests deeper than 64/)
    }
  })
})

describe('REST answers', () => {
  it('carry the receipt in a header; the body is left as it was', async () => {
    const res = await gw.app.request('/.well-known/jwks.json', { headers: { prefer: 'receipt' } })
    const text = await res.text()
    // Not an audited route: no receipt.
    expect(res.headers.get('lgsp-receipt')).toBeNull()
    expect(JSON.parse(text).keys.length).toBeGreaterThan(0)
    const token = await gw.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', prefer: 'receipt' },
      body: 'grant_type=client_credentials',
    })
    const refusal = await token.text()
    expect(token.status).toBe(400)
    expect(JSON.parse(refusal).extensions).toBeUndefined()
    const receipt = token.headers.get('lgsp-receipt')!
    const salt = token.headers.get('lgsp-receipt-salt')!
    expect(salt).toMatch(/^[0-9a-f]{32}$/)
    expect(
      await verifyReceipt({ response: refusal, receipt, keys: await keyHistory(), request: { method: 'POST', target: '/oauth/token', salt } }),
    ).toMatchObject({
      ok: true,
      claims: { status: 400, agency: null },
    })
  })
})

describe('key rotations', () => {
  it('a receipt signed before two rotations verifies through the key history, not the JWKS', async () => {
    let clock = Date.parse('2026-01-05T08:00:00Z')
    const keys = createGatewayKeys({ store: createMemoryKeyStore(), now: () => clock, refreshMs: 0, maxTokenTtlMs: 60_000, clockSkewMs: 0 })
    await keys.init()
    const first = keys.signingKey().kid
    const body = { data: { ok: true } }
    const claims = await receiptClaimsFor(body, {
      iat: Math.floor(clock / 1000),
      policy_version: 3,
      agency: 'so-tu-phap',
      request_sha256: await requestHash({ method: 'POST', target: '/graphql', body: { query: QUERY } }),
    })
    const signed = await signReceipt(claims, keys.signingKey())
    clock += 30 * 24 * 3600_000
    await keys.rotate()
    clock += 30 * 24 * 3600_000
    await keys.rotate()
    clock += 24 * 3600_000
    await keys.refresh()
    expect(keys.jwks().keys.map((k) => k.kid)).not.toContain(first)
    const history = keys.keyHistory()
    expect(history.keys.map((k) => k.kid)).toContain(first)
    expect(history.keys.find((k) => k.kid === first)).toMatchObject({ activated_at: '2026-01-05T08:00:00.000Z', retired_at: '2026-02-04T08:00:00.000Z' })
    expect(await verifyReceipt({ response: body, receipt: signed, keys: history })).toMatchObject({ ok: true, kid: first })
    expect(await verifyReceipt({ response: body, receipt: signed, keys: keys.jwks() })).toMatchObject({ ok: false, failed: 'key' })
    keys.close()
  })

  it('a receipt dated outside the period its key signed in is refused, though its signature holds', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k-2025', activated_at: '2025-01-01T00:00:00.000Z', retired_at: '2025-06-30T00:00:00.000Z' }
    const body = { data: { ok: true } }
    const claims = await receiptClaimsFor(body)
    const at = (iso: string) => Math.floor(Date.parse(iso) / 1000)
    const inside = await signReceipt({ ...claims, iat: at('2025-03-01T00:00:00Z') }, { kid: 'k-2025', privateKey })
    const after = await signReceipt({ ...claims, iat: at('2025-09-01T00:00:00Z') }, { kid: 'k-2025', privateKey })
    expect(await verifyReceipt({ response: body, receipt: inside, keys: { keys: [jwk] } })).toMatchObject({ ok: true })
    expect(await verifyReceipt({ response: body, receipt: after, keys: { keys: [jwk] } })).toMatchObject({ ok: false, failed: 'key' })
  })
})
