/**
 * Answers a department can prove later: with `Accept-Signature` (or when its agency's policy
 * says so) every response carries a Content-Digest and an HTTP Message Signature over its status,
 * digest and request id under the gateway's published keys; an altered body, status or request id
 * fails the check, and a push signature cannot pass for a response's.
 */
import type { JWK } from 'jose'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { signPush, verifyResponse } from '../../connectors/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { agencyDocument } from '../identity.js'
import { fullAccess, TEST_PURPOSE, testPurposes } from '../policies.js'

let gw: TestGateway
let jwks: JWK[]
const QUERY = '{ administrativeUnit(code: "01") { code name } }'

beforeAll(async () => {
  gw = await createTestGateway({
    policies: (identity) => ({ agencies: [fullAccess(agencyDocument('test-agency', [identity.client]))], purposes: testPurposes }),
  })
  jwks = gw.identity.keys.jwks().keys as JWK[]
}, 60_000)
afterAll(async () => {
  await gw?.close()
})

async function ask(headers: Record<string, string> = {}) {
  const res = await gw.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.identity.token()}`, 'x-purpose': TEST_PURPOSE, ...headers },
    body: JSON.stringify({ query: QUERY }),
  })
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() }
}

it('signs an answer when asked, and the answer verifies against the JWKS', async () => {
  const answer = await ask({ 'accept-signature': 'lgsp=("@status" "content-digest" "x-request-id")' })
  expect(answer.status).toBe(200)
  expect(answer.headers['content-digest']).toMatch(/^sha-256=:[A-Za-z0-9+/]{43}=:$/)
  expect(answer.headers['signature-input']).toMatch(
    /^lgsp=\("@status" "content-digest" "x-request-id"\);created=\d+;keyid="[^"]+";alg="ecdsa-p256-sha256";tag="lgsp-response"$/,
  )
  expect(await verifyResponse(answer, jwks)).toMatchObject({ ok: true })
})

it.each([
  ['an altered body', (a: Awaited<ReturnType<typeof ask>>) => ({ ...a, body: a.body.replace('"01"', '"02"') }), 'DIGEST_MISMATCH'],
  ['another status', (a: Awaited<ReturnType<typeof ask>>) => ({ ...a, status: 403 }), 'BAD_SIGNATURE'],
  ['another request id', (a: Awaited<ReturnType<typeof ask>>) => ({ ...a, headers: { ...a.headers, 'x-request-id': 'someone-else' } }), 'BAD_SIGNATURE'],
  ['a key the verifier does not hold', (a: Awaited<ReturnType<typeof ask>>) => a, 'UNKNOWN_KEY'],
] as const)('refuses %s', async (name, alter, reason) => {
  const answer = await ask({ 'accept-signature': 'lgsp=()' })
  expect(await verifyResponse(alter(answer), name.startsWith('a key') ? [] : jwks)).toEqual({ ok: false, reason })
})

it('does not sign unless asked (or required by the agency’s policy)', async () => {
  const answer = await ask()
  expect(answer.headers.signature).toBeUndefined()
  expect(await verifyResponse(answer, jwks)).toEqual({ ok: false, reason: 'UNSIGNED' })
})

it('signs every answer to an agency whose policy requires it', async () => {
  const active = gw.policies.current()
  const agency = active.agencies.get('test-agency')!
  gw.policies.replace({ agencies: [{ ...agency, signResponses: true }], purposes: [...active.purposes.values()] }, active.version + 1)
  try {
    expect(await verifyResponse(await ask(), jwks)).toMatchObject({ ok: true })
  } finally {
    gw.policies.replace({ agencies: [agency], purposes: [...active.purposes.values()] }, active.version + 2)
  }
})

it('a push signature cannot pass for a response signature', async () => {
  const answer = await ask({ 'accept-signature': 'lgsp=()' })
  const push = await signPush({ url: 'http://127.0.0.1/x', body: answer.body, messageId: 'm-1', key: gw.identity.keys.signingKey() })
  expect(
    await verifyResponse({ ...answer, headers: { ...answer.headers, signature: push.signature!, 'signature-input': push['signature-input']! } }, jwks),
  ).toMatchObject({
    ok: false,
  })
})
