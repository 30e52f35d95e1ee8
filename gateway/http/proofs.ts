import type { Context, MiddlewareHandler } from 'hono'
import { signResponse, webSignatureCrypto, type PushSigningKey, type SignatureCrypto } from '../../connectors/index.js'
import { base64url, RECEIPT_TYPE, requestHashInput, responseHashInput, type ReceiptClaims } from '../../verify/index.js'
import type { GatewayEnv } from '../env.js'
import { hex } from '../support/index.js'

/** The header that carries the receipt on every answer given one; GraphQL answers carry it in `extensions.receipt` too. */
export const RECEIPT_HEADER = 'lgsp-receipt'
/**
 * The header that carries the receipt's salt on answers whose body cannot (GraphQL answers carry
 * it in `extensions.receiptSalt` only, so a receipt logged with the headers comes without it).
 */
export const RECEIPT_SALT_HEADER = 'lgsp-receipt-salt'

export interface ProofOptions {
  /** The gateway's current signing key (its kid is in the JWKS and, for good, in the key history). */
  key: () => PushSigningKey
  /** The gateway's issuer URL, the receipt's `iss`. */
  issuer: string
  /** Whether the caller's agency asks for every answer signed and given a receipt (its policy document's `signResponses`). */
  agencyRequires: (agencyId: string) => boolean
  /** The active policy version, for answers no policy decision was made for (a refused token). */
  policyVersion: () => number
  /** ES256 and SHA-256. @default WebCrypto */
  primitives?: SignatureCrypto
  /** @default Date.now */
  now?: () => number
}

/** An answer as its route or a middleware holds it: its status, and its body as text (JSON) or bytes. */
export interface Answer<Body extends string | Uint8Array<ArrayBuffer> = string | Uint8Array<ArrayBuffer>> {
  status: number
  body: Body
  contentType: string | null
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i
const encoder = new TextEncoder()
const headers = new Map<string, string>()

/**
 * Signs receipt claims as a compact JWS (RFC 7515: ES256, the signature r‖s) under `key`. Put
 * together here rather than by jose, which signs only through WebCrypto: an answer given a receipt
 * pays for this on every request, and node:crypto signs for a third of the cost. Tests check
 * receipts with jose's `compactVerify` as well as with `verify/`.
 */
export async function signReceipt(claims: ReceiptClaims, key: PushSigningKey, primitives: SignatureCrypto = webSignatureCrypto): Promise<string> {
  let header = headers.get(key.kid)
  if (!header) {
    // One per kid: the header changes only with a rotation.
    if (headers.size > 16) headers.clear()
    headers.set(key.kid, (header = base64url(encoder.encode(JSON.stringify({ alg: 'ES256', kid: key.kid, typ: RECEIPT_TYPE })))))
  }
  const signingInput = `${header}.${base64url(encoder.encode(JSON.stringify(claims)))}`
  return `${signingInput}.${base64url(await primitives.es256(key.privateKey, signingInput))}`
}

/**
 * The JSON body a receipt binds: as the GraphQL parser read it; or, for a request refused before
 * anything read its body (no token, a wrong content type), read now, so that refusal is bound to
 * the query it refused too. Null for a body that is not JSON.
 */
async function bodyOf(c: Context<GatewayEnv>): Promise<unknown> {
  const parsed = c.get('requestJson')
  if (parsed !== undefined) return parsed
  if (c.req.method !== 'POST' || c.req.raw.bodyUsed || !c.req.raw.body || !JSON_TYPE.test(c.req.header('content-type') ?? '')) return null
  try {
    return JSON.parse(await c.req.raw.text())
  } catch {
    return null
  }
}

/** What the receipt says was asked: the method, the target, the JSON body (GraphQL) and the declared purpose and case. */
async function askedOf(c: Context<GatewayEnv>) {
  const url = c.req.url
  const path = url.indexOf('/', url.indexOf('//') + 2)
  const context = c.get('requestContext')
  return {
    method: c.req.method,
    target: path < 0 ? '/' : url.slice(path),
    body: await bodyOf(c),
    // As declared: a refused request has no parsed context, and its receipt still names what it sent.
    purpose: context?.purpose ?? c.req.header('x-purpose') ?? null,
    caseId: context?.caseId ?? c.req.header('x-case-id') ?? null,
  }
}

/**
 * Proven answers. Two proofs, each asked for on its own or both by the agency's policy:
 * - **a signature** (`Accept-Signature`, RFC 9421): `Content-Digest` (RFC 9530) and an HTTP
 *   Message Signature over the status, the digest and the request id, with its creation time;
 * - **a receipt** (`Prefer: receipt`, RFC 7240): a compact JWS binding the hash of the request,
 *   the hash of the response body, the audit event's id, the policy version and the time. It is
 *   made inside the access log, so the event it names records the receipt's hash, and the answer
 *   leaves only once that event is committed: receipt, answer and trail check each other.
 * The GraphQL route proves its answer itself, from the text it already holds (reading a body back
 * out of a Response costs more than the proof); the middlewares prove what other routes answer,
 * and step aside when a proof is already there.
 */
export function createProofs(options: ProofOptions) {
  const now = options.now ?? Date.now
  const primitives = options.primitives ?? webSignatureCrypto
  const sha256 = async (data: string | Uint8Array) => base64url(await primitives.sha256(data))
  const agencyAsks = (c: Context<GatewayEnv>) => {
    const agency = c.get('caller')?.agencyId
    return agency !== undefined && options.agencyRequires(agency)
  }
  // Never for HEAD: the answer has no body, and a proof of the body a GET would have had proves
  // nothing the caller holds.
  const signatureAsked = (c: Context<GatewayEnv>) => c.req.method !== 'HEAD' && (c.req.header('accept-signature') !== undefined || agencyAsks(c))
  const receiptAsked = (c: Context<GatewayEnv>) =>
    c.req.method !== 'HEAD' && (/(^|[,\s])receipt\s*(;|,|$)/i.test(c.req.header('prefer') ?? '') || agencyAsks(c))

  /**
   * The receipt of `answer`, recorded on the request's audit draft; with `inBody` and a JSON
   * object answer, also the body with `extensions.receipt`. Null when none is asked for.
   */
  async function receipt<Body extends string | Uint8Array<ArrayBuffer>>(
    c: Context<GatewayEnv>,
    answer: Answer<Body>,
    inBody: boolean,
  ): Promise<{ receipt: string; salt: string; inBody: boolean; body: Body | string } | null> {
    const draft = c.get('audit')
    if (!draft || draft.closed || !receiptAsked(c)) return null
    let parsed: unknown
    if (JSON_TYPE.test(answer.contentType ?? '')) {
      try {
        parsed = JSON.parse(typeof answer.body === 'string' ? answer.body : new TextDecoder().decode(answer.body))
      } catch {
        parsed = undefined
      }
    }
    const form = parsed === undefined ? 'bytes' : 'json'
    // 122 random bits from the runtime's pooled UUID source: getRandomValues cost a fifth of the signature.
    const salt = crypto.randomUUID().replace(/-/g, '')
    const claims: ReceiptClaims = {
      iss: options.issuer,
      iat: Math.floor(now() / 1000),
      request_id: c.get('requestId'),
      audit_event: draft.id,
      policy_version: draft.policyVersion ?? options.policyVersion(),
      agency: c.get('caller')?.agencyId ?? null,
      status: answer.status,
      request_sha256: await sha256(requestHashInput({ ...(await askedOf(c)), salt })),
      response_sha256: await sha256(responseHashInput(form === 'json' ? (parsed as object) : answer.body, form)),
      response_form: form,
    }
    const signed = await signReceipt(claims, options.key(), primitives)
    // What the event keeps: the receipt's SHA-256 in hex, as `receiptAuditHash` in verify/ computes it.
    draft.receipt = hex(await primitives.sha256(signed))
    if (inBody && form === 'json' && parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const record = parsed as { extensions?: unknown }
      const added = `"receipt":${JSON.stringify(signed)},"receiptSalt":${JSON.stringify(salt)}`
      const text = typeof answer.body === 'string' ? answer.body.trimEnd() : ''
      if (!('extensions' in record) && Object.keys(record).length > 0 && text.endsWith('}')) {
        // Appended to the text as it is rather than written out again: the same JSON, for less.
        return { receipt: signed, salt, inBody: true, body: `${text.slice(0, -1)},"extensions":{${added}}}` }
      }
      const extensions = record.extensions !== null && typeof record.extensions === 'object' ? record.extensions : {}
      return { receipt: signed, salt, inBody: true, body: JSON.stringify({ ...record, extensions: { ...extensions, receipt: signed, receiptSalt: salt } }) }
    }
    return { receipt: signed, salt, inBody: false, body: answer.body }
  }

  /** The signature headers of `answer` (`content-digest`, `signature-input`, `signature`), or null when none is asked for. */
  async function signature(c: Context<GatewayEnv>, answer: Answer): Promise<Record<string, string> | null> {
    if (!signatureAsked(c)) return null
    return signResponse({ status: answer.status, body: answer.body, requestId: c.get('requestId'), key: options.key(), primitives })
  }

  /** Replaces the context's response with `body` and `headers` (same status). */
  function replace(c: Context<GatewayEnv>, body: string | Uint8Array<ArrayBuffer>, headers: Headers, bodyChanged: boolean): void {
    const { status, statusText } = c.res
    headers.delete('content-length')
    // A signature over the body as it was would not hold for the new one: the outer layer signs again.
    if (bodyChanged) for (const name of ['signature', 'signature-input', 'content-digest']) headers.delete(name)
    // Unset first: Hono's setter would copy the old headers over the new ones (a stale Content-Length among them).
    c.res = undefined
    c.res = new Response(body, { status, statusText, headers })
  }

  /** The receipt for routes that do not give one themselves; inside the access log. */
  const receiptMiddleware =
    (inBody: boolean): MiddlewareHandler<GatewayEnv> =>
    async (c, next) => {
      await next()
      // Asked first: on the hot path (no proof asked) the response's headers are left untouched.
      if (!receiptAsked(c) || !c.get('audit') || !c.res || c.res.headers.has(RECEIPT_HEADER)) return
      const answer: Answer = { status: c.res.status, body: new Uint8Array(await c.res.arrayBuffer()), contentType: c.res.headers.get('content-type') }
      const given = await receipt(c, answer, inBody)
      const headers = new Headers(c.res.headers)
      if (given) {
        headers.set(RECEIPT_HEADER, given.receipt)
        if (!given.inBody) headers.set(RECEIPT_SALT_HEADER, given.salt)
      }
      replace(c, given?.body ?? answer.body, headers, given !== null && given.body !== answer.body)
    }

  /** The signature of what leaves, unless the route signed it; outside every other layer. */
  const signatureMiddleware: MiddlewareHandler<GatewayEnv> = async (c, next) => {
    await next()
    if (!signatureAsked(c) || !c.res || c.res.headers.has('signature')) return
    const answer: Answer = { status: c.res.status, body: new Uint8Array(await c.res.arrayBuffer()), contentType: c.res.headers.get('content-type') }
    const headers = new Headers(c.res.headers)
    for (const [name, value] of Object.entries((await signature(c, answer)) ?? {})) headers.set(name, value)
    replace(c, answer.body, headers, false)
  }

  /**
   * Proves an answer its route holds as text: the receipt (into the body's extensions) and then
   * the signature over the body that leaves, both set on `headers`. Returns the body to send.
   */
  async function prove(c: Context<GatewayEnv>, answer: Answer<string>, headers: Headers): Promise<string> {
    const given = await receipt(c, answer, true)
    if (given) {
      headers.set(RECEIPT_HEADER, given.receipt)
      if (!given.inBody) headers.set(RECEIPT_SALT_HEADER, given.salt)
      // The body grew by the receipt: a length copied from the answer before would cut it short.
      headers.delete('content-length')
    }
    const body = given?.body ?? answer.body
    const signed = await signature(c, { ...answer, body })
    for (const [name, value] of Object.entries(signed ?? {})) headers.set(name, value)
    return body
  }

  return { receiptMiddleware, signatureMiddleware, prove }
}
