/**
 * The two primitives signatures and receipts are made of: ES256 and SHA-256. WebCrypto by
 * default, which every runtime has; a runtime with something cheaper per call hands its own in
 * (the Node entry: node:crypto, synchronous, about a third of WebCrypto's cost per signature and
 * a tenth per digest — it counts on every signed answer).
 */
export interface SignatureCrypto {
  /** The ES256 signature of `data` (text: its UTF-8) under `privateKey`: r‖s, 64 bytes (the form JWS and RFC 9421 use). */
  es256(privateKey: CryptoKey, data: string | Uint8Array): Uint8Array | Promise<Uint8Array>
  /** The SHA-256 of `data` (text: its UTF-8). */
  sha256(data: string | Uint8Array): Uint8Array | Promise<Uint8Array>
}

const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const
const bytesOf = (data: string | Uint8Array) => (typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data))

export const webSignatureCrypto: SignatureCrypto = {
  es256: async (privateKey, data) => new Uint8Array(await crypto.subtle.sign(ECDSA, privateKey, bytesOf(data))),
  sha256: async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytesOf(data))),
}
