/**
 * The gateway key set in the data directory: `<dir>/keys/gateway-keys.json`, written atomically,
 * readable by the owner only, and with GATEWAY_KEYS_PASSPHRASE the private keys encrypted
 * (scrypt → AES-256-GCM). Node only: the core sees it as a KeyStore.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions } from 'node:crypto'
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { KeyStoreError, type KeySet, type KeyStore } from './index.js'
import {
  checkAad,
  decodeKeyFile,
  KEY_FILE_CHECK_TEXT,
  KEY_FILE_FORMAT,
  keyAad,
  parseKeyFile,
  type Kdf,
  type KeyFileOut,
  type Sealed,
  type Unsealer,
} from './key-file.js'

export interface FileKeyStoreOptions {
  /** The data directory (DATA_DIR); the file goes to `<dir>/keys/gateway-keys.json`. */
  dir: string
  /** Encrypts private keys when set (from GATEWAY_KEYS_PASSPHRASE). Without it: plaintext, mode 0600. */
  passphrase?: string
}

export interface FileKeyStore extends KeyStore {
  readonly path: string
  /** How this store writes private keys; production should refuse `file-permissions`. */
  readonly protection: Protection
}

type Protection = 'passphrase' | 'file-permissions'

const SCRYPT = { N: 2 ** 15, r: 8, p: 1 }

function deriveKey(passphrase: string, kdf: Kdf): Promise<Buffer> {
  const options: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r }
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64url'), 32, options, (error, key) => (error ? reject(error) : resolve(key))),
  )
}

/** Additional data binds a ciphertext to its place: a sealed key cannot be swapped onto another kid. */
function seal(key: Buffer, plaintext: string, aad: string): Sealed {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return { iv: iv.toString('base64url'), data: data.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') }
}

function unseal(key: Buffer, sealed: Sealed, aad: string): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'), { authTagLength: 16 })
    decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64url')), decipher.final()]).toString('utf8')
  } catch {
    return null
  }
}

/**
 * A KeyStore on the local file system, shared by every gateway process and the `lgsp` CLI that
 * use the same data directory. `revision()` changes with every save (inode, mtime, size), so
 * other processes notice a rotation on their next refresh.
 *
 * Never overwrites a file it cannot read: a corrupt or tampered file, or a wrong passphrase,
 * makes `load()` throw a KeyStoreError, and no new key is created in its place.
 *
 * @example
 * const store = createFileKeyStore({ dir: config.DATA_DIR, passphrase: config.GATEWAY_KEYS_PASSPHRASE })
 */
export function createFileKeyStore(options: FileKeyStoreOptions): FileKeyStore {
  const dir = join(options.dir, 'keys')
  const path = join(dir, 'gateway-keys.json')
  const passphrase = options.passphrase || undefined
  // Derived keys are cached by salt: scrypt is deliberately slow and refreshes reload the file.
  const derived = new Map<string, Promise<Buffer>>()
  let writeKdf: Kdf | undefined

  function keyFor(kdf: Kdf): Promise<Buffer> {
    const id = `${kdf.salt}:${kdf.N}:${kdf.r}:${kdf.p}`
    let key = derived.get(id)
    if (!key) {
      key = deriveKey(passphrase as string, kdf)
      derived.set(id, key)
      key.catch(() => derived.delete(id))
    }
    return key
  }

  async function ensureDir(): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await chmod(dir, 0o700)
  }

  const unsealWithPassphrase: Unsealer = async (kdf, sealed, aad) => unseal(await keyFor(kdf), sealed, aad)

  async function encode(set: KeySet): Promise<KeyFileOut> {
    if (!passphrase)
      return { format: KEY_FILE_FORMAT, version: 1, protection: 'file-permissions', keys: set.keys, ...(set.archive ? { archive: set.archive } : {}) }
    writeKdf ??= { name: 'scrypt', salt: randomBytes(16).toString('base64url'), ...SCRYPT }
    const key = await keyFor(writeKdf)
    return {
      format: KEY_FILE_FORMAT,
      version: 1,
      protection: 'passphrase',
      kdf: writeKdf,
      check: seal(key, KEY_FILE_CHECK_TEXT, checkAad),
      keys: set.keys.map(({ privateJwk, ...rest }) => ({ ...rest, sealedPrivateJwk: seal(key, JSON.stringify(privateJwk), keyAad(rest.kid)) })),
      ...(set.archive ? { archive: set.archive } : {}),
    }
  }

  async function writeAtomically(text: string): Promise<void> {
    await ensureDir()
    const temp = join(dir, `.gateway-keys.${randomBytes(6).toString('hex')}.tmp`)
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } catch (error) {
      await handle.close()
      await unlink(temp).catch(() => {})
      throw error
    }
    await handle.close()
    await rename(temp, path)
    // Make the rename itself durable; not every platform can fsync a directory.
    const dirHandle = await open(dir, 'r').catch(() => null)
    await dirHandle?.sync().catch(() => {})
    await dirHandle?.close()
  }

  async function save(set: KeySet): Promise<void> {
    await writeAtomically(`${JSON.stringify(await encode(set), null, 2)}\n`)
  }

  async function load(): Promise<KeySet | null> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    const file = parseKeyFile(text, path)
    if (file.protection === 'file-permissions' && process.platform !== 'win32') {
      const { mode } = await stat(path)
      if (mode & 0o077) throw new KeyStoreError(`${path} holds unencrypted private keys but is readable by others: chmod 600 it`)
    }
    const set = await decodeKeyFile(file, path, passphrase ? unsealWithPassphrase : undefined)
    // A later save seals with the file's KDF, whose key is already derived: once it proved right.
    if (file.kdf) writeKdf ??= file.kdf
    // A passphrase set after the file was written in plaintext: encrypt it now, not at the next rotation.
    if (passphrase && file.protection === 'file-permissions') await save(set)
    return set
  }

  async function revision(): Promise<string | null> {
    try {
      const info = await stat(path)
      return `${info.ino}:${info.mtimeMs}:${info.size}`
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  return { path, protection: passphrase ? 'passphrase' : 'file-permissions', load, save, revision }
}
