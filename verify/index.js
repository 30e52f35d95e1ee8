// @ts-check
/**
 * Checks what the LGSP Gateway answered, long after it answered: a stored response and its
 * receipt (a compact JWS signed with the gateway's key), against the gateway's published keys
 * (`/.well-known/jwks.json`) or its key history (`/.well-known/lgsp-key-history.json`), which
 * keeps every key the gateway has retired.
 *
 * No dependencies: plain JavaScript on WebCrypto, so a department's Node code (20 or later) and
 * its browser pages import this one file as it is. The gateway imports its canonical JSON from
 * here too, so the form it hashes and the form checked here are one piece of code.
 *
 * @example
 * import { verifyReceipt } from './verify/index.js'
 * const keys = await (await fetch('https://lgsp.example/.well-known/lgsp-key-history.json')).json()
 * const verdict = await verifyReceipt({ response: storedBodyText, keys })
 * if (!verdict.ok) console.error(verdict.failed, verdict.reason)
 */

/** The receipt's `typ`: a receipt can never pass for an access token, nor the other way round. */
export const RECEIPT_TYPE = 'lgsp-receipt+jwt'

/** How far a receipt's time may fall outside its key's signing period (instances pick up a rotation within seconds). */
const KEY_PERIOD_TOLERANCE_S = 300

const MAX_CANONICAL_DEPTH = 256

/**
 * JSON with object keys sorted by UTF-16 code units, no whitespace and `undefined` members left
 * out (RFC 8785 for the values JSON holds): the same value always gives the same text, whatever
 * order its members were written in, so a response kept in a database that reorders keys still
 * hashes as it did when the gateway signed it.
 * Values nested deeper than 256 levels are refused (a TypeError), not recursed into until the
 * stack runs out: nothing the gateway hashes comes near it.
 * @param {unknown} value
 * @param {number} [depth]
 * @returns {string}
 */
export function canonicalJson(value, depth = 0) {
  if (value === null) return 'null'
  if (depth > MAX_CANONICAL_DEPTH) throw new TypeError(`canonicalJson: nested deeper than ${MAX_CANONICAL_DEPTH} levels`)
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite')
      return JSON.stringify(value)
    case 'object': {
      // Loops and one string, not map/filter/join: the trail and every receipt run this per event.
      if (Array.isArray(value)) {
        let out = '['
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ','
          out += value[i] === undefined ? 'null' : canonicalJson(value[i], depth + 1)
        }
        return `${out}]`
      }
      const record = /** @type {Record<string, unknown>} */ (value)
      let out = '{'
      let first = true
      for (const key of Object.keys(record).sort()) {
        const item = record[key]
        if (item === undefined) continue
        if (!first) out += ','
        first = false
        out += `${JSON.stringify(key)}:${canonicalJson(item, depth + 1)}`
      }
      return `${out}}`
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`)
  }
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * Base64url without padding (RFC 7515's encoding for JWS).
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function base64url(bytes) {
  // By table, three bytes at a time: the gateway encodes every receipt with this.
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    out += BASE64URL.charAt(n >> 18) + BASE64URL.charAt((n >> 12) & 63) + BASE64URL.charAt((n >> 6) & 63) + BASE64URL.charAt(n & 63)
  }
  const rest = bytes.length - i
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0)
    out += BASE64URL.charAt(n >> 18) + BASE64URL.charAt((n >> 12) & 63) + (rest === 2 ? BASE64URL.charAt((n >> 6) & 63) : '')
  }
  return out
}

/**
 * Decodes base64url (padding optional); throws on any other character.
 * @param {string} text
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new TypeError('not base64url')
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4))
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}

/**
 * SHA-256 of text (UTF-8) or bytes, base64url without padding.
 * @param {string | Uint8Array} data
 * @returns {Promise<string>}
 */
export async function sha256Base64url(data) {
  // A copy: WebCrypto takes no view of a shared buffer.
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data)
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
}

/**
 * The value a JSON response is hashed as: the body without its receipt and the receipt's salt
 * (`extensions.receipt`, `extensions.receiptSalt`, and `extensions` itself when nothing else is
 * left in it), since the receipt cannot hash itself.
 * @param {unknown} body
 * @returns {unknown}
 */
export function withoutReceipt(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body
  const record = /** @type {Record<string, unknown>} */ (body)
  const extensions = record.extensions
  if (extensions === null || typeof extensions !== 'object' || Array.isArray(extensions)) return body
  const { receipt: _receipt, receiptSalt: _salt, ...rest } = /** @type {Record<string, unknown>} */ (extensions)
  const { extensions: _extensions, ...others } = record
  return Object.keys(rest).length > 0 ? { ...others, extensions: rest } : others
}

/**
 * What a receipt hashes of a response. `json`: the canonical JSON of the body without its
 * receipt (whitespace and key order do not matter, any changed value does); `bytes`: the exact
 * bytes (documents, anything not JSON).
 * @param {string | Uint8Array | object} body the body as text or bytes, or (for `json`) already parsed
 * @param {'json' | 'bytes'} form
 * @returns {string | Uint8Array}
 */
export function responseHashInput(body, form) {
  if (form === 'bytes') {
    if (typeof body === 'string' || body instanceof Uint8Array) return body
    throw new TypeError('responseHash: a `bytes` response is text or bytes')
  }
  const value = typeof body === 'string' || body instanceof Uint8Array ? strictJson(typeof body === 'string' ? body : new TextDecoder().decode(body)) : body
  return canonicalJson(withoutReceipt(value))
}

/**
 * JSON text read as the gateway wrote it, or a TypeError saying what differs. JSON.parse alone
 * would let a changed answer through: it keeps the last of two equal keys (`"status":"A",
 * "status":"B"` reads as B, while a person or another parser reads A), and it rounds a number
 * beyond 2^53 to the one the gateway sent. So a key twice in one object is refused, and every
 * number must be written as JavaScript writes it (what the gateway's JSON.stringify produced).
 * @param {string} text
 * @returns {unknown}
 */
export function strictJson(text) {
  const value = JSON.parse(text)
  /** @type {Array<Set<string> | null>} */
  const open = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]
    if (ch === '"') {
      let end = i + 1
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      let next = end + 1
      while (next < text.length && /\s/.test(/** @type {string} */ (text[next]))) next++
      const keys = open[open.length - 1]
      if (text[next] === ':' && keys) {
        const key = JSON.parse(text.slice(i, end + 1))
        if (keys.has(key)) throw new TypeError(`the key ${text.slice(i, end + 1)} appears twice in one object`)
        keys.add(key)
      }
      i = end + 1
    } else if (ch === '{' || ch === '[') {
      open.push(ch === '{' ? new Set() : null)
      i++
    } else if (ch === '}' || ch === ']') {
      open.pop()
      i++
    } else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) {
      let end = i + 1
      while (end < text.length && /[0-9eE+.-]/.test(/** @type {string} */ (text[end]))) end++
      const token = text.slice(i, end)
      if (JSON.stringify(Number(token)) !== token)
        throw new TypeError(`the number ${token} is not written as the gateway writes numbers (${JSON.stringify(Number(token))})`)
      i = end
    } else i++
  }
  return value
}

/**
 * The hash a receipt gives a response: SHA-256 of `responseHashInput`.
 * @param {string | Uint8Array | object} body
 * @param {'json' | 'bytes'} form
 * @returns {Promise<string>}
 */
export async function responseHash(body, form) {
  return sha256Base64url(responseHashInput(body, form))
}

/**
 * What a receipt hashes of the request it answers: the canonical JSON of its method, its target
 * (path and query string, as the gateway received them), its JSON body (the GraphQL query,
 * variables and operation name; null for other routes), the purpose and case id it declared, and
 * the salt the gateway drew for this receipt (given with the answer, in `extensions.receiptSalt`
 * or the `LGSP-Receipt-Salt` header). Without the salt, a receipt seen alone (in a log, say)
 * would let anyone test guesses of the PIN a query named: a PIN has few enough values to try.
 * @param {{ method: string, target: string, body?: unknown, purpose?: string | null, caseId?: string | null, salt?: string | null }} request
 * @returns {string}
 */
export function requestHashInput(request) {
  return canonicalJson({
    method: request.method.toUpperCase(),
    target: request.target,
    body: request.body ?? null,
    purpose: request.purpose ?? null,
    caseId: request.caseId ?? null,
    salt: request.salt ?? null,
  })
}

/**
 * The hash a receipt gives the request it answers: SHA-256 of `requestHashInput`.
 * @param {{ method: string, target: string, body?: unknown, purpose?: string | null, caseId?: string | null, salt?: string | null }} request
 * @returns {Promise<string>}
 */
export async function requestHash(request) {
  return sha256Base64url(requestHashInput(request))
}

/**
 * @typedef {object} ReceiptClaims
 * @property {string} iss the gateway
 * @property {number} iat when it answered (seconds since the epoch)
 * @property {string} request_id its `X-Request-Id`
 * @property {string} audit_event the id of the audit event that recorded the request
 * @property {number | null} policy_version the policy version that decided it
 * @property {string | null} agency the calling agency
 * @property {number} status the HTTP status
 * @property {string} request_sha256 see `requestHash`
 * @property {string} response_sha256 see `responseHash`
 * @property {'json' | 'bytes'} response_form
 */

/**
 * @typedef {{ kid?: string, kty?: string, crv?: string, x?: string, y?: string, activated_at?: string, retired_at?: string | null }} PublishedKey
 */

/**
 * @typedef {{ ok: true, claims: ReceiptClaims, kid: string }
 *   | { ok: false, failed: 'receipt' | 'key' | 'signature' | 'response' | 'request', reason: string, claims?: ReceiptClaims }} ReceiptVerdict
 */

/**
 * @param {string} part
 * @returns {any}
 */
function decodeJsonPart(part) {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64url(part)))
}

/**
 * @param {unknown} claims
 * @returns {claims is ReceiptClaims}
 */
function isReceiptClaims(claims) {
  if (claims === null || typeof claims !== 'object') return false
  const c = /** @type {Record<string, unknown>} */ (claims)
  const hash = (/** @type {unknown} */ v) => typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v)
  return (
    typeof c.iss === 'string' &&
    typeof c.iat === 'number' &&
    typeof c.request_id === 'string' &&
    typeof c.audit_event === 'string' &&
    (c.policy_version === null || typeof c.policy_version === 'number') &&
    (c.agency === null || typeof c.agency === 'string') &&
    typeof c.status === 'number' &&
    hash(c.request_sha256) &&
    hash(c.response_sha256) &&
    (c.response_form === 'json' || c.response_form === 'bytes')
  )
}

/**
 * Reads a receipt without checking it: its header and claims, or null when it is no receipt.
 * @param {string} receipt
 * @returns {{ header: { alg: string, kid: string, typ: string }, claims: ReceiptClaims } | null}
 */
export function decodeReceipt(receipt) {
  const parts = typeof receipt === 'string' ? receipt.trim().split('.') : []
  if (parts.length !== 3) return null
  try {
    const header = decodeJsonPart(/** @type {string} */ (parts[0]))
    const claims = decodeJsonPart(/** @type {string} */ (parts[1]))
    if (header?.alg !== 'ES256' || header.typ !== RECEIPT_TYPE || typeof header.kid !== 'string') return null
    return isReceiptClaims(claims) ? { header, claims } : null
  } catch {
    return null
  }
}

/**
 * Whether `signature` (base64url, r‖s) is an ES256 signature of `signingInput` under the P-256
 * public key `jwk`. Only the one encoding of the 64 bytes is taken: a changed character the
 * decoder would ignore still fails. False on any malformed input.
 * @param {{ x?: string, y?: string }} jwk
 * @param {string} signingInput
 * @param {string} signature
 * @returns {Promise<boolean>}
 */
export async function verifyEs256(jwk, signingInput, signature) {
  try {
    const publicKey = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'verify',
    ])
    const sig = fromBase64url(signature)
    return (
      sig.length === 64 &&
      base64url(sig) === signature &&
      (await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, sig, new TextEncoder().encode(signingInput)))
    )
  } catch {
    return false
  }
}

/**
 * Every key in a JWKS or a key history (`{ keys: [...] }`), or in a list of either.
 * @param {unknown} keys
 * @returns {PublishedKey[]}
 */
function keyList(keys) {
  if (Array.isArray(keys)) return keys.flatMap((item) => (item && typeof item === 'object' && 'keys' in item ? keyList(item) : [item]))
  if (keys && typeof keys === 'object' && Array.isArray(/** @type {{ keys?: unknown }} */ (keys).keys))
    return /** @type {{ keys: PublishedKey[] }} */ (keys).keys
  return []
}

/**
 * @param {string | undefined | null} iso
 * @returns {number | null}
 */
const seconds = (iso) => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) / 1000 : null)

/**
 * What the response's `extensions` carries of its receipt: the receipt and its salt.
 * @param {unknown} response
 * @returns {{ receipt?: string, salt?: string }}
 */
function receiptExtensions(response) {
  let body = response
  try {
    if (typeof response === 'string') body = JSON.parse(response)
    else if (response instanceof Uint8Array) body = JSON.parse(new TextDecoder().decode(response))
  } catch {
    return {}
  }
  const extensions =
    body && typeof body === 'object' ? /** @type {{ extensions?: { receipt?: unknown, receiptSalt?: unknown } }} */ (body).extensions : undefined
  return {
    ...(typeof extensions?.receipt === 'string' ? { receipt: extensions.receipt } : {}),
    ...(typeof extensions?.receiptSalt === 'string' ? { salt: extensions.receiptSalt } : {}),
  }
}

/**
 * Checks a receipt, the response it was given with and, when supplied, the request: the
 * signature under the key it names (from the JWKS or the key history), the receipt's time inside
 * that key's signing period, the response's hash, the request's hash. The first failure is
 * returned, named (`failed`) and explained (`reason`); nothing throws on bad input.
 * @param {{
 *   response: string | Uint8Array | object,
 *   receipt?: string,
 *   request?: { method: string, target: string, body?: unknown, purpose?: string | null, caseId?: string | null, salt?: string | null },
 *   keys: unknown,
 * }} input `response`: the body as kept (text, bytes or parsed JSON); `receipt`: when kept apart
 *   from the body (the `LGSP-Receipt` header), else read from `extensions.receipt`; `keys`: the
 *   JWKS, the key history, or both in a list
 * @returns {Promise<ReceiptVerdict>}
 */
export async function verifyReceipt(input) {
  const carried = receiptExtensions(input.response)
  const receipt = input.receipt ?? carried.receipt
  if (receipt === undefined) return { ok: false, failed: 'receipt', reason: 'no receipt: pass it, or keep the response with its extensions.receipt' }
  const decoded = decodeReceipt(receipt)
  if (!decoded)
    return { ok: false, failed: 'receipt', reason: 'the receipt is not a gateway receipt (a compact JWS, ES256, typ lgsp-receipt+jwt, with every claim)' }
  const { header, claims } = decoded
  // A key history entry (with its signing period) before a JWKS entry of the same kid (without one).
  const matching = keyList(input.keys).filter((key) => key && key.kid === header.kid && key.kty === 'EC' && key.crv === 'P-256')
  const jwk = matching.find((key) => key.activated_at !== undefined) ?? matching[0]
  if (!jwk) return { ok: false, failed: 'key', reason: `no key ${header.kid} in the keys given: fetch the gateway's key history`, claims }
  const [head, payload, signature] = /** @type {[string, string, string]} */ (receipt.trim().split('.'))
  if (!(await verifyEs256(jwk, `${head}.${payload}`, signature))) {
    return {
      ok: false,
      failed: 'signature',
      reason: `the receipt's signature does not verify under key ${header.kid}: the receipt was altered, or not signed by the gateway`,
      claims,
    }
  }
  const from = seconds(jwk.activated_at)
  const until = seconds(jwk.retired_at)
  if ((from !== null && claims.iat < from - KEY_PERIOD_TOLERANCE_S) || (until !== null && claims.iat > until + KEY_PERIOD_TOLERANCE_S)) {
    return {
      ok: false,
      failed: 'key',
      reason: `the receipt is dated ${new Date(claims.iat * 1000).toISOString()}, outside the period key ${header.kid} signed in (${jwk.activated_at ?? '…'} to ${jwk.retired_at ?? 'now'})`,
      claims,
    }
  }
  let response
  try {
    response = await responseHash(/** @type {string | Uint8Array | object} */ (input.response), claims.response_form)
  } catch (error) {
    // The strict reading says what differs (a key twice, a number rewritten); anything else is just not JSON.
    const why = error instanceof TypeError && claims.response_form === 'json' && !error.message.startsWith('responseHash') ? `: ${error.message}` : ''
    return {
      ok: false,
      failed: 'response',
      reason: `the response is not ${claims.response_form === 'json' ? 'JSON' : 'text or bytes'} as the gateway wrote it, as the receipt says it was${why}`,
      claims,
    }
  }
  if (response !== claims.response_sha256) {
    return { ok: false, failed: 'response', reason: 'the response differs from the one the gateway answered: its hash does not match the receipt', claims }
  }
  if (input.request) {
    const request = await requestHash({ ...input.request, salt: input.request.salt ?? carried.salt ?? null })
    if (request !== claims.request_sha256) {
      return { ok: false, failed: 'request', reason: 'the request differs from the one the receipt answers (method, target, body, purpose or case id)', claims }
    }
  }
  return { ok: true, claims, kid: header.kid }
}

/**
 * What the gateway's audit event keeps of a receipt: its SHA-256 in hex, so an auditor holding
 * the trail can tell which receipt the event gave, and a receipt names its event (`audit_event`).
 * @param {string} receipt
 * @returns {Promise<string>}
 */
export async function receiptAuditHash(receipt) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(receipt.trim())))
  return [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}
