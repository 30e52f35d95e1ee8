/**
 * The gateway key file's format (`lgsp-gateway-keys`, version 1) and how it is read back, apart
 * from where it is kept: the Node entry keeps it in DATA_DIR, the Workers entry is given its
 * text as a secret. With GATEWAY_KEYS_PASSPHRASE the private keys are sealed (scrypt →
 * AES-256-GCM, each bound to its kid); the cipher is the runtime's, injected.
 */
import type { JWK } from 'jose'
import { z } from 'zod'
import { KeyStoreError } from './key-store.js'
import { parseKeySet, type KeySet, type StoredKey } from './keyset.js'

export const KEY_FILE_FORMAT = 'lgsp-gateway-keys'
/** Sealed with the passphrase's key: a wrong passphrase is told apart from an altered key. */
export const KEY_FILE_CHECK_TEXT = 'lgsp-gateway-keys passphrase check'
/**
 * scrypt takes 128·N·r bytes: at most 64 MiB, twice what the gateway writes (N 2^15, r 8), so a
 * mistaken or hostile file cannot exhaust a process, or an isolate allowed 128 MB in all.
 */
export const MAX_SCRYPT_COST = 2 ** 19

const b64 = z.string().regex(/^[A-Za-z0-9_-]*$/)
export const sealedSchema = z.object({ iv: b64, data: b64, tag: b64 })
export type Sealed = z.infer<typeof sealedSchema>
export const keyFileSchema = z.object({
  format: z.literal(KEY_FILE_FORMAT),
  version: z.literal(1),
  protection: z.enum(['passphrase', 'file-permissions']),
  kdf: z
    .object({
      name: z.literal('scrypt'),
      salt: b64,
      N: z
        .number()
        .int()
        .min(2 ** 14),
      r: z.number().int().min(1).max(32),
      p: z.number().int().min(1).max(16),
    })
    .refine((kdf) => kdf.N * kdf.r <= MAX_SCRYPT_COST, { message: `scrypt's N·r is over ${MAX_SCRYPT_COST} (more than 64 MiB of memory)` })
    .optional(),
  check: sealedSchema.optional(),
  keys: z.array(z.looseObject({ kid: z.string(), privateJwk: z.unknown().optional(), sealedPrivateJwk: sealedSchema.optional() })),
  /** Public keys of removed keys (checked by parseKeySet), for verifying old audit checkpoints. */
  archive: z.array(z.record(z.string(), z.unknown())).optional(),
})
export type KeyFile = z.infer<typeof keyFileSchema>
export type Kdf = NonNullable<KeyFile['kdf']>

/** What `save` writes: the stored keys with their private part either in clear or sealed. */
export type KeyFileOut = Omit<KeyFile, 'keys'> & {
  keys: Array<Omit<StoredKey, 'privateJwk'> & ({ privateJwk: JWK } | { sealedPrivateJwk: Sealed })>
}

/** Opens sealed parts with the passphrase's key for `kdf`: the plaintext, or null when authentication fails. */
export type Unsealer = (kdf: Kdf, sealed: Sealed, aad: string) => Promise<string | null>

export const checkAad = `${KEY_FILE_FORMAT}:check`
export const keyAad = (kid: string) => `${KEY_FILE_FORMAT}:key:${kid}`

/** The file's text parsed and checked against the format; `where` names it in messages. */
export function parseKeyFile(text: string, where: string): KeyFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new KeyStoreError(`${where} is not valid JSON. It was left untouched: restore it from a backup or move it away to start with new keys`)
  }
  const parsed = keyFileSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new KeyStoreError(`${where} is not a gateway key file (${issue?.path.join('.') || 'root'}: ${issue?.message}). It was left untouched`)
  }
  return parsed.data
}

/**
 * The key set a file holds. `unseal` is absent when no passphrase is configured: an encrypted file
 * is then refused, naming the setting. A wrong passphrase or an altered key is refused too.
 */
export async function decodeKeyFile(file: KeyFile, where: string, unseal: Unsealer | undefined): Promise<KeySet> {
  const archive = file.archive ? { archive: file.archive } : {}
  if (file.protection === 'file-permissions') return parseKeySet({ version: 1, keys: file.keys, ...archive })
  const { kdf, check } = file
  if (!kdf || !check) throw new KeyStoreError(`${where}: an encrypted key file needs "kdf" and "check"`)
  if (!unseal) throw new KeyStoreError(`${where} is encrypted: set GATEWAY_KEYS_PASSPHRASE to the passphrase it was written with`)
  if ((await unseal(kdf, check, checkAad)) !== KEY_FILE_CHECK_TEXT) {
    throw new KeyStoreError(`${where}: GATEWAY_KEYS_PASSPHRASE is wrong (or the file was altered); the keys were not loaded`)
  }
  const keys = await Promise.all(
    file.keys.map(async ({ sealedPrivateJwk, privateJwk: _ignored, ...rest }) => {
      if (!sealedPrivateJwk) throw new KeyStoreError(`${where}: key ${rest.kid} has no encrypted private part`)
      const plaintext = await unseal(kdf, sealedPrivateJwk, keyAad(rest.kid))
      if (plaintext === null) throw new KeyStoreError(`${where}: the private part of key ${rest.kid} was altered (authentication failed)`)
      return { ...rest, privateJwk: JSON.parse(plaintext) as JWK }
    }),
  )
  return parseKeySet({ version: 1, keys, ...archive })
}
