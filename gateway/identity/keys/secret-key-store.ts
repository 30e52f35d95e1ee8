/**
 * The gateway key set given as a secret (the Workers entry's GATEWAY_KEYS): the text of the key
 * file the Node entry and `lgsp keys` write, sealed with GATEWAY_KEYS_PASSPHRASE, or in clear
 * only where no passphrase is set (never in production, where the passphrase is required): a
 * passphrase promises sealed keys, and this store cannot seal them as the file store does.
 * Read only: keys given this way rotate by replacing the secret (a prune is kept in memory).
 * Runtime-neutral: scrypt in JavaScript, AES-GCM from WebCrypto.
 */
import { scryptAsync } from '@noble/hashes/scrypt.js'
import { KeyStoreError, type KeyStore } from './key-store.js'
import type { KeySet } from './keyset.js'
import { decodeKeyFile, parseKeyFile, type Kdf, type Unsealer } from './key-file.js'

export interface SecretKeyStoreOptions {
  /** The key file's text. */
  text: string
  /** The passphrase it was sealed with, if it was. */
  passphrase?: string
  /** How the secret is named in messages. @default 'GATEWAY_KEYS' */
  name?: string
}

const utf8 = new TextEncoder()

function fromBase64url(text: string, name: string): Uint8Array<ArrayBuffer> {
  let binary: string
  try {
    binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  } catch {
    throw new KeyStoreError(`${name} holds a sealed part that is not base64url (the file was altered); the keys were not loaded`)
  }
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** AES-256-GCM under the passphrase's scrypt key, as the Node store seals (tag kept apart). */
function webUnsealer(passphrase: string, name: string): Unsealer {
  const keys = new Map<string, Promise<CryptoKey>>()
  const keyFor = (kdf: Kdf) => {
    const id = `${kdf.salt}:${kdf.N}:${kdf.r}:${kdf.p}`
    let key = keys.get(id)
    if (!key) {
      key = scryptAsync(utf8.encode(passphrase.normalize('NFC')), fromBase64url(kdf.salt, name), {
        N: kdf.N,
        r: kdf.r,
        p: kdf.p,
        dkLen: 32,
        maxmem: 256 * kdf.N * kdf.r,
      }).then((raw) => crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, ['decrypt']))
      keys.set(id, key)
    }
    return key
  }
  return async (kdf, sealed, aad) => {
    const data = fromBase64url(sealed.data, name)
    const tag = fromBase64url(sealed.tag, name)
    const iv = fromBase64url(sealed.iv, name)
    const joined = new Uint8Array(data.length + tag.length)
    joined.set(data)
    joined.set(tag, data.length)
    try {
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: utf8.encode(aad), tagLength: 128 }, await keyFor(kdf), joined)
      return new TextDecoder().decode(plain)
    } catch {
      return null
    }
  }
}

export function createSecretKeyStore(options: SecretKeyStoreOptions): KeyStore {
  const name = options.name ?? 'GATEWAY_KEYS'
  const unseal = options.passphrase ? webUnsealer(options.passphrase, name) : undefined
  let held: KeySet | undefined
  const read = () => {
    const file = parseKeyFile(options.text, name)
    if (unseal && file.protection !== 'passphrase') {
      throw new KeyStoreError(
        `${name} holds private keys in clear, but GATEWAY_KEYS_PASSPHRASE is set: give it the sealed file (\`lgsp keys\` writes one when the passphrase is set)`,
      )
    }
    return decodeKeyFile(file, name, unseal)
  }
  return {
    load: async () => (held ? structuredClone(held) : read()),
    /**
     * Only a set whose keys the secret already holds (keys past retirement pruned), kept for this
     * isolate: a new key made here would sign what no other isolate can verify.
     */
    async save(set) {
      const known = held ?? (await read())
      const kids = new Set(known.keys.map((key) => key.kid))
      if (!set.keys.every((key) => kids.has(key.kid))) {
        throw new KeyStoreError(
          `${name} is read only here: rotate with \`lgsp keys rotate\` where the key file is kept, then replace the secret with the new file`,
        )
      }
      held = structuredClone(set)
    },
    // Never changes while this isolate lives: a new secret comes with a new deployment.
    revision: async () => 'secret',
  }
}
