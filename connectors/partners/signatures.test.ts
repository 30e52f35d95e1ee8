import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { contentDigest, parseDigest } from './content-digest.js'
import { signPush, verifyPush, type PushSigningKey, type PushVerdict } from './signatures.js'

const URL_A = 'http://127.0.0.1:9001/lgsp/messages'
const BODY = JSON.stringify({ messageId: 'm-1', dossier: 'G09.20-20261204-0000001', status: 4 })

let key: PushSigningKey
let jwks: JWK[]
let otherKey: PushSigningKey

async function newKey(kid: string): Promise<{ key: PushSigningKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  return { key: { kid, privateKey }, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } }
}

beforeAll(async () => {
  const a = await newKey('gw-2026-12')
  key = a.key
  jwks = [a.jwk]
  // Another key under the same kid: what a forger holding a different key would produce.
  otherKey = (await newKey('gw-2026-12')).key
})

describe('Content-Digest (RFC 9530)', () => {
  it("gives the RFC's own example value", async () => {
    expect(await contentDigest('{"hello": "world"}')).toBe('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:')
  })

  it.each([
    ['no header', undefined],
    ['another algorithm only', 'sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:'],
    ['a digest of the wrong length', 'sha-256=:AAAA:'],
    ['not a dictionary', 'sha-256 X48E9q'],
    ['a string, not bytes', 'sha-256="X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="'],
  ])('reads %s as no digest', (_case, header) => {
    expect(parseDigest(header)).toBeNull()
  })
})

describe('signed pushes (RFC 9421)', () => {
  const signed = async (overrides: { now?: Date; signer?: PushSigningKey } = {}) =>
    signPush({ url: URL_A, body: BODY, messageId: 'm-1', key: overrides.signer ?? key, ...(overrides.now ? { now: overrides.now } : {}) })

  it('covers the method, target, digest, type and message id, with created, expires, keyid, alg and tag', async () => {
    const headers = await signed()
    expect(headers['signature-input']).toMatch(
      /^lgsp=\("@method" "@target-uri" "content-digest" "content-type" "idempotency-key"\);created=\d+;expires=\d+;keyid="gw-2026-12";alg="ecdsa-p256-sha256";tag="lgsp-exchange"$/,
    )
    expect(headers.signature).toMatch(/^lgsp=:[A-Za-z0-9+/]{86}==:$/)
    expect(await verifyPush({ method: 'POST', url: URL_A, headers, body: BODY }, jwks)).toEqual({ ok: true, kid: 'gw-2026-12' })
  })

  const cases: Array<
    [
      string,
      (headers: Record<string, string>) => Promise<Parameters<typeof verifyPush>[0]> | Parameters<typeof verifyPush>[0],
      PushVerdict['ok'] extends true ? never : string,
      JWK[]?,
    ]
  > = [
    ['a changed body', (headers) => ({ method: 'POST', url: URL_A, headers, body: BODY.replace('4', '9') }), 'DIGEST_MISMATCH'],
    [
      'a changed body with its digest recomputed',
      async (headers) => {
        const body = BODY.replace('4', '9')
        return { method: 'POST', url: URL_A, headers: { ...headers, 'content-digest': await contentDigest(body) }, body }
      },
      'BAD_SIGNATURE',
    ],
    ['a push replayed to another system', (headers) => ({ method: 'POST', url: 'http://127.0.0.1:9002/lgsp/messages', headers, body: BODY }), 'BAD_SIGNATURE'],
    ['another message id', (headers) => ({ method: 'POST', url: URL_A, headers: { ...headers, 'idempotency-key': 'm-2' }, body: BODY }), 'BAD_SIGNATURE'],
    ['no signature', (headers) => ({ method: 'POST', url: URL_A, headers: { 'content-digest': headers['content-digest']! }, body: BODY }), 'UNSIGNED'],
    ['a key the receiver does not know', (headers) => ({ method: 'POST', url: URL_A, headers, body: BODY }), 'UNKNOWN_KEY', []],
    ['a garbled signature', (headers) => ({ method: 'POST', url: URL_A, headers: { ...headers, signature: 'lgsp=:AAAA:' }, body: BODY }), 'BAD_SIGNATURE'],
    [
      'an unparsable signature input',
      (headers) => ({ method: 'POST', url: URL_A, headers: { ...headers, 'signature-input': 'lgsp=(((' }, body: BODY }),
      'MALFORMED',
    ],
  ]

  it.each(cases)('refuses %s', async (_case, tamper, reason, keys = jwks) => {
    const request = await tamper(await signed())
    expect(await verifyPush(request, keys)).toEqual({ ok: false, reason })
  })

  it('refuses a push signed with another key under the gateway kid', async () => {
    const headers = await signed({ signer: otherKey })
    expect(await verifyPush({ method: 'POST', url: URL_A, headers, body: BODY }, jwks)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' })
  })

  it('refuses a push whose signature expired (a replay days later)', async () => {
    const headers = await signed({ now: new Date(Date.now() - 3_600_000) })
    expect(await verifyPush({ method: 'POST', url: URL_A, headers, body: BODY }, jwks)).toEqual({ ok: false, reason: 'EXPIRED' })
  })

  it('refuses a push created in the future', async () => {
    const headers = await signed({ now: new Date(Date.now() + 3_600_000) })
    expect(await verifyPush({ method: 'POST', url: URL_A, headers, body: BODY }, jwks)).toEqual({ ok: false, reason: 'EXPIRED' })
  })
})
