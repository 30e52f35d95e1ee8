/**
 * The keyed hash (HMAC-SHA-256 under HASH_SECRET) where node:crypto is not at hand (workerd):
 * synchronous, as masks call it per value, so WebCrypto's promise-based HMAC cannot serve. Same
 * output as the Node entry's (keyed-hash.node.ts): base64url, 22 characters (128 bits).
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { KeyedHash } from '../../../policies/index.js'

const utf8 = new TextEncoder()

function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function keyedHashWithSecret(secret: string): KeyedHash {
  const key = utf8.encode(secret)
  return (value) => base64url(hmac(sha256, key, utf8.encode(value))).slice(0, 22)
}
