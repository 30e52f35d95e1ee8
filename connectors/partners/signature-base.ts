/**
 * Signs an HTTP message by RFC 9421 for the few shapes the gateway sends: a list of covered
 * components with their values (derived ones such as `@status`, `@method`, `@target-uri`, and
 * header fields, lower-cased), the signature parameters, one label. The signature base is built
 * here rather than by http-message-signatures, which parses and re-serialises every structured
 * field on the way and cost about twice the ECDSA signature itself on every signed answer (it
 * measured ≈ 60 µs a response against ≈ 29 µs for the signature). That library still checks
 * every signature the gateway receives, and the tests check every kind the gateway makes with it.
 */
import type { SignatureCrypto } from './signature-crypto.js'

export interface SignatureParams {
  created: number
  expires?: number
  keyid: string
  alg: string
  tag: string
}

/** Standard base64 with padding, as Structured Fields write a byte sequence. */
export function base64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** A Structured Field String: printable ASCII only, `"` and `\` escaped. */
function sfString(value: string): string {
  if (!/^[\x20-\x7E]*$/.test(value)) throw new TypeError('a signature parameter must be printable ASCII')
  return `"${value.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`
}

/** The `@signature-params` value: the covered components as an inner list, then the parameters in a fixed order. */
function signatureParams(names: readonly string[], params: SignatureParams): string {
  let out = `(${names.map(sfString).join(' ')});created=${params.created}`
  if (params.expires !== undefined) out += `;expires=${params.expires}`
  return `${out};keyid=${sfString(params.keyid)};alg=${sfString(params.alg)};tag=${sfString(params.tag)}`
}

/** The signature base (RFC 9421 §2.5): one line per covered component, then `@signature-params`, no trailing newline. */
export function signatureBase(components: ReadonlyArray<readonly [string, string]>, params: SignatureParams): { base: string; input: string } {
  const input = signatureParams(
    components.map(([name]) => name),
    params,
  )
  let base = ''
  for (const [name, value] of components) {
    if (/[\r\n]/.test(value)) throw new TypeError(`the value of ${name} spans lines`)
    base += `"${name}": ${value.trim()}\n`
  }
  return { base: `${base}"@signature-params": ${input}`, input }
}

/** `Signature-Input` and `Signature` under `label` for the covered components, signed with ES256. */
export async function signComponents(
  label: string,
  components: ReadonlyArray<readonly [string, string]>,
  params: SignatureParams,
  privateKey: CryptoKey,
  primitives: SignatureCrypto,
): Promise<{ 'signature-input': string; signature: string }> {
  const { base, input } = signatureBase(components, params)
  const signature = await primitives.es256(privateKey, base)
  return { 'signature-input': `${label}=${input}`, signature: `${label}=:${base64(new Uint8Array(signature))}:` }
}
