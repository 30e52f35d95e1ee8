/**
 * Pushes signed as RFC 9421 HTTP Message Signatures over an RFC 9530 `Content-Digest`, under the
 * gateway's keys (the JWKS at /.well-known/jwks.json): a receiving system can prove that a message
 * came from the gateway, unaltered, for it, recently. The signature covers the method, the target
 * URI (so a message for one system cannot be replayed to another), the digest of the body, its
 * type and the message id (`Idempotency-Key`, on which receivers deduplicate), with `created`,
 * `expires`, `keyid`, `alg` and a `tag` naming the application. Made by `signature-base.ts`,
 * checked by http-message-signatures; runtime-neutral (WebCrypto unless the runtime gives cheaper
 * primitives).
 */
import { ExpiredError, httpbis, UnknownKeyError } from 'http-message-signatures'
import { importJWK, type JWK } from 'jose'
import { contentDigest, digestMatches, parseDigest } from './content-digest.js'
import { signComponents } from './signature-base.js'
import { webSignatureCrypto, type SignatureCrypto } from './signature-crypto.js'

export const PUSH_SIGNATURE_TAG = 'lgsp-exchange'
export const PUSH_SIGNATURE_ALG = 'ecdsa-p256-sha256'
/** The components every push signs, and every receiver must find signed. */
export const PUSH_COVERED = ['@method', '@target-uri', 'content-digest', 'content-type', 'idempotency-key'] as const
/** How long a push signature stays valid: a retry later is signed again. */
export const PUSH_SIGNATURE_TTL_S = 300

const { verifyMessage } = httpbis

export interface PushSigningKey {
  kid: string
  privateKey: CryptoKey
}

const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const

/** Header names in lower case, as HTTP/2 sends them and as both sides look them up. */
const lowerCased = (headers: Record<string, string | string[]>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]))

/** The library's verifying key for `jwk`, when it is an ES256 key (the gateway's are). */
async function es256Verifier(jwk: JWK) {
  const publicKey = (await importJWK({ ...jwk, alg: 'ES256' }, 'ES256')) as CryptoKey
  return {
    id: jwk.kid,
    algs: [PUSH_SIGNATURE_ALG],
    verify: async (data: Buffer, signature: Buffer) => crypto.subtle.verify(ECDSA, publicKey, new Uint8Array(signature), new Uint8Array(data)),
  }
}

/**
 * The `Idempotency-Key` of a push: the message id as an RFC 8941 String (quoted), as the
 * Idempotency-Key draft defines the header and as the gateway itself reads it on steps; a bare
 * UUID would be refused by a receiver with a strict structured-field parser.
 */
export function pushIdempotencyKey(messageId: string): string {
  if (!/^[\x20-\x7E]*$/.test(messageId)) throw new TypeError('a message id is printable ASCII')
  return `"${messageId.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`
}

/** The headers of a signed push of `body` to `url` (`content-type`, `idempotency-key`, `content-digest`, `signature-input`, `signature`). */
export async function signPush(input: {
  url: string
  body: string
  messageId: string
  key: PushSigningKey
  /** @default application/json */
  contentType?: string
  now?: Date
  /** @default WebCrypto */
  primitives?: SignatureCrypto
}): Promise<Record<string, string>> {
  const created = Math.floor((input.now ?? new Date()).getTime() / 1000)
  const primitives = input.primitives ?? webSignatureCrypto
  const headers: Record<string, string> = {
    'content-type': input.contentType ?? 'application/json',
    'idempotency-key': pushIdempotencyKey(input.messageId),
    'content-digest': await contentDigest(input.body, primitives),
  }
  const components = [['@method', 'POST'], ['@target-uri', input.url], ...PUSH_COVERED.slice(2).map((name) => [name, headers[name]!] as const)] as const
  const params = { created, expires: created + PUSH_SIGNATURE_TTL_S, keyid: input.key.kid, alg: PUSH_SIGNATURE_ALG, tag: PUSH_SIGNATURE_TAG }
  return { ...headers, ...(await signComponents('lgsp', components, params, input.key.privateKey, primitives)) }
}

export type PushVerdict =
  | { ok: true; kid: string }
  | { ok: false; reason: 'UNSIGNED' | 'DIGEST_MISMATCH' | 'BAD_SIGNATURE' | 'EXPIRED' | 'UNKNOWN_KEY' | 'MALFORMED' }

/**
 * Checks a received push: its body against `Content-Digest`, then the signature over the covered
 * components under one of `jwks` (an ES256 key of that `kid`), its tag, and its validity window.
 * What a receiving system (the sandboxes here, a vendor's system in production) runs first.
 */
export async function verifyPush(
  request: { method: string; url: string; headers: Record<string, string>; body: string },
  jwks: readonly JWK[],
): Promise<PushVerdict> {
  return verifySigned({ method: request.method, url: request.url }, request.headers, request.body, jwks, {
    tag: PUSH_SIGNATURE_TAG,
    covered: PUSH_COVERED,
    params: ['created', 'expires', 'keyid', 'alg', 'tag'],
  })
}

/**
 * What the push and response checks share: the body against `Content-Digest`, then the signature
 * with this application's tag over the components it must cover, under an ES256 key of `jwks`.
 */
async function verifySigned(
  message: { method: string; url: string } | { status: number },
  rawHeaders: Record<string, string>,
  body: string | Uint8Array,
  jwks: readonly JWK[],
  rules: { tag: string; covered: readonly string[]; params: string[] },
): Promise<PushVerdict> {
  const headers = lowerCased(rawHeaders)
  if (!headers.signature || !headers['signature-input']) return { ok: false, reason: 'UNSIGNED' }
  if (!parseDigest(headers['content-digest'])) return { ok: false, reason: 'MALFORMED' }
  if (!(await digestMatches(headers['content-digest'], body))) return { ok: false, reason: 'DIGEST_MISMATCH' }
  let kid: string | undefined
  try {
    const config = {
      keyLookup: async (params: { tag?: unknown; alg?: unknown; keyid?: unknown }) => {
        if (params.tag !== rules.tag || params.alg !== PUSH_SIGNATURE_ALG) return null
        const jwk = jwks.find((key) => key.kid === params.keyid && key.kty === 'EC' && key.crv === 'P-256')
        if (!jwk) return null
        kid = jwk.kid
        return es256Verifier(jwk)
      },
      requiredFields: [...rules.covered],
      requiredParams: rules.params,
      tolerance: 5,
    }
    const verified = 'status' in message ? await verifyMessage(config, { ...message, headers }) : await verifyMessage(config, { ...message, headers })
    if (verified === null) return { ok: false, reason: kid === undefined ? 'UNKNOWN_KEY' : 'BAD_SIGNATURE' }
    return verified && kid !== undefined ? { ok: true, kid } : { ok: false, reason: 'BAD_SIGNATURE' }
  } catch (error) {
    if (error instanceof ExpiredError) return { ok: false, reason: 'EXPIRED' }
    if (error instanceof UnknownKeyError) return { ok: false, reason: 'UNKNOWN_KEY' }
    return { ok: false, reason: 'MALFORMED' }
  }
}

/** The tag of a signed response: a push signature can never pass for one, nor the other way round. */
export const RESPONSE_SIGNATURE_TAG = 'lgsp-response'
/** What a signed response covers: its status, the digest of its body, and the request it answers. */
export const RESPONSE_COVERED = ['@status', 'content-digest', 'x-request-id'] as const

/**
 * The headers that sign a response (`content-digest`, `signature-input`, `signature`): a department
 * that acted on an answer can later prove what the gateway said, to anyone holding its JWKS.
 */
export async function signResponse(input: {
  status: number
  body: string | Uint8Array
  requestId: string
  key: PushSigningKey
  now?: Date
  /** @default WebCrypto */
  primitives?: SignatureCrypto
}): Promise<Record<string, string>> {
  const primitives = input.primitives ?? webSignatureCrypto
  const digest = await contentDigest(input.body, primitives)
  const components = [
    ['@status', String(input.status)],
    ['content-digest', digest],
    ['x-request-id', input.requestId],
  ] as const
  const params = { created: Math.floor((input.now ?? new Date()).getTime() / 1000), keyid: input.key.kid, alg: PUSH_SIGNATURE_ALG, tag: RESPONSE_SIGNATURE_TAG }
  return { 'content-digest': digest, 'x-request-id': input.requestId, ...(await signComponents('lgsp', components, params, input.key.privateKey, primitives)) }
}

/**
 * Checks a stored response: its body against `Content-Digest`, then the signature over its status,
 * digest and request id under one of `jwks`. Responses are evidence kept for years: no expiry is
 * applied here; `created` says when the gateway answered.
 */
export async function verifyResponse(
  response: { status: number; headers: Record<string, string>; body: string | Uint8Array },
  jwks: readonly JWK[],
): Promise<PushVerdict> {
  return verifySigned({ status: response.status }, response.headers, response.body, jwks, {
    tag: RESPONSE_SIGNATURE_TAG,
    covered: RESPONSE_COVERED,
    params: ['created', 'keyid', 'alg', 'tag'],
  })
}
