/**
 * Pushes signed as RFC 9421 HTTP Message Signatures over an RFC 9530 `Content-Digest`, under the
 * gateway's keys (the JWKS at /.well-known/jwks.json): a receiving system can prove that a message
 * came from the gateway, unaltered, for it, recently. The signature covers the method, the target
 * URI (so a message for one system cannot be replayed to another), the digest of the body, its
 * type and the message id (`Idempotency-Key`, on which receivers deduplicate), with `created`,
 * `expires`, `keyid`, `alg` and a `tag` naming the application. WebCrypto only: runtime-neutral.
 */
import { ExpiredError, httpbis, UnknownKeyError } from 'http-message-signatures'
import { importJWK, type JWK } from 'jose'
import { byteSequenceOf, serializeDigest, parseDigest } from './content-digest.js'

export const PUSH_SIGNATURE_TAG = 'lgsp-exchange'
export const PUSH_SIGNATURE_ALG = 'ecdsa-p256-sha256'
/** The components every push signs, and every receiver must find signed. */
export const PUSH_COVERED = ['@method', '@target-uri', 'content-digest', 'content-type', 'idempotency-key'] as const
/** How long a push signature stays valid: a retry later is signed again. */
export const PUSH_SIGNATURE_TTL_S = 300

const { signMessage, verifyMessage } = httpbis

export interface PushSigningKey {
  kid: string
  privateKey: CryptoKey
}

const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const

/** The headers of a signed push of `body` to `url` (`content-type`, `idempotency-key`, `content-digest`, `signature-input`, `signature`). */
export async function signPush(input: {
  url: string
  body: string
  messageId: string
  key: PushSigningKey
  /** @default application/json */
  contentType?: string
  now?: Date
}): Promise<Record<string, string>> {
  const created = input.now ?? new Date()
  const headers: Record<string, string> = {
    'content-type': input.contentType ?? 'application/json',
    'idempotency-key': input.messageId,
    'content-digest': serializeDigest(await byteSequenceOf(input.body)),
  }
  const signed = await signMessage(
    {
      key: {
        id: input.key.kid,
        alg: PUSH_SIGNATURE_ALG,
        // WebCrypto's ECDSA signature is r‖s, the form RFC 9421 prescribes for ecdsa-p256-sha256.
        // The library types it as Node's Buffer but reads only its bytes: a Uint8Array serves on
        // every runtime.
        sign: async (data) => new Uint8Array(await crypto.subtle.sign(ECDSA, input.key.privateKey, new Uint8Array(data))) as Buffer,
      },
      name: 'lgsp',
      fields: [...PUSH_COVERED],
      params: ['created', 'expires', 'keyid', 'alg', 'tag'],
      paramValues: { created, expires: new Date(created.getTime() + PUSH_SIGNATURE_TTL_S * 1000), tag: PUSH_SIGNATURE_TAG },
    },
    { method: 'POST', url: input.url, headers },
  )
  // Header names in lower case, as HTTP/2 sends them and receivers look them up.
  return Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), String(value)]))
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
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]))
  if (!headers.signature || !headers['signature-input']) return { ok: false, reason: 'UNSIGNED' }
  const declared = parseDigest(headers['content-digest'])
  if (!declared) return { ok: false, reason: 'MALFORMED' }
  const actual = await byteSequenceOf(request.body)
  if (declared !== actual) return { ok: false, reason: 'DIGEST_MISMATCH' }
  let kid: string | undefined
  try {
    const verified = await verifyMessage(
      {
        keyLookup: async (params) => {
          if (params.tag !== PUSH_SIGNATURE_TAG || params.alg !== PUSH_SIGNATURE_ALG) return null
          const jwk = jwks.find((key) => key.kid === params.keyid && key.kty === 'EC' && key.crv === 'P-256')
          if (!jwk) return null
          kid = jwk.kid
          const publicKey = (await importJWK({ ...jwk, alg: 'ES256' }, 'ES256')) as CryptoKey
          return {
            id: jwk.kid,
            algs: [PUSH_SIGNATURE_ALG],
            verify: async (data, signature) => crypto.subtle.verify(ECDSA, publicKey, new Uint8Array(signature), new Uint8Array(data)),
          }
        },
        requiredFields: [...PUSH_COVERED],
        requiredParams: ['created', 'expires', 'keyid', 'alg', 'tag'],
        tolerance: 5,
      },
      { method: request.method, url: request.url, headers },
    )
    if (verified === null) return { ok: false, reason: kid === undefined ? 'UNKNOWN_KEY' : 'BAD_SIGNATURE' }
    return verified && kid !== undefined ? { ok: true, kid } : { ok: false, reason: 'BAD_SIGNATURE' }
  } catch (error) {
    if (error instanceof ExpiredError) return { ok: false, reason: 'EXPIRED' }
    if (error instanceof UnknownKeyError) return { ok: false, reason: 'UNKNOWN_KEY' }
    return { ok: false, reason: 'MALFORMED' }
  }
}
