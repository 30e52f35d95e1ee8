/**
 * The gateway's signing keys as data, and the pure rules of their lifecycle. No I/O and nothing
 * runtime-specific: jose and WebCrypto only, so the same code runs on Node and Workers.
 */
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { z } from 'zod'

export interface StoredKey {
  kid: string
  alg: 'ES256'
  /** ms since epoch */
  createdAt: number
  /** When it started signing (ms). */
  activatedAt: number
  /** When it stopped signing (ms); null while it is the active key. */
  retiringAt: number | null
  /** When it may be removed (ms): retiringAt + maxTokenTtlMs + clockSkewMs. */
  retireAfter: number | null
  privateJwk: JWK
  publicJwk: JWK
}

export interface KeySet {
  version: 1
  keys: StoredKey[]
  /**
   * Public keys of removed keys, kept for good: audit checkpoints and receipts they signed must
   * still verify years later, long after tokens they signed have expired. Published only in the
   * key history, with the period each key signed in; never in the JWKS tokens are checked with.
   */
  archive?: ArchivedKey[]
}

/** A removed key's public half, with when it signed (absent for keys archived before this was kept). */
export type ArchivedKey = JWK & { activatedAt?: number; retiredAt?: number }

/** One key the gateway has signed with, and the period it signed in (ms; null: unknown, or still signing). */
export interface KeyHistoryEntry {
  jwk: JWK
  activatedAt: number | null
  retiredAt: number | null
}

export interface RotateOptions {
  /** Longest lifetime of a token signed by the gateway. */
  maxTokenTtlMs: number
  /** Tolerance verifiers allow on `exp`, plus any lag before every signer sees the rotation. */
  clockSkewMs: number
}

/** Members of an EC public key that may be published; everything else is dropped. */
const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'] as const

export class KeySetError extends Error {
  override name = KeySetError.name
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Only the public members of a key, whatever the input holds. */
export function toPublicJwk(jwk: JWK): JWK {
  const out: JWK = {}
  for (const member of PUBLIC_MEMBERS) if (jwk[member] !== undefined) out[member] = jwk[member]
  return out
}

/**
 * A fresh ES256 key pair, exported as JWKs. The kid starts with the creation date
 * (`2026-11-22-1f3a9c0b`) so operators can tell keys apart at a glance.
 */
export async function generateKey(now: number): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const kid = `${new Date(now).toISOString().slice(0, 10)}-${randomHex(4)}`
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' }
  const publicJwk: JWK = { ...toPublicJwk(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }
  return { kid, alg: 'ES256', createdAt: now, activatedAt: now, retiringAt: null, retireAfter: null, privateJwk, publicJwk }
}

/** The key that signs: the newest one that has not been retired. Throws when there is none. */
export function signingKey(set: KeySet): StoredKey {
  let newest: StoredKey | undefined
  for (const key of set.keys) {
    if (key.retiringAt !== null) continue
    if (!newest || key.activatedAt > newest.activatedAt || (key.activatedAt === newest.activatedAt && key.createdAt > newest.createdAt)) newest = key
  }
  if (!newest) throw new KeySetError('The gateway key set has no active signing key')
  return newest
}

function hasActiveKey(set: KeySet): boolean {
  return set.keys.some((key) => key.retiringAt === null)
}

/**
 * Adds a new active key and retires every previously active one: it stops signing now and stays
 * published until tokens it signed have expired everywhere.
 */
export async function rotate(set: KeySet, now: number, options: RotateOptions): Promise<KeySet> {
  if (!(options.maxTokenTtlMs >= 0) || !(options.clockSkewMs >= 0)) throw new KeySetError('rotate needs non-negative maxTokenTtlMs and clockSkewMs')
  let fresh = await generateKey(now)
  while (set.keys.some((key) => key.kid === fresh.kid)) fresh = await generateKey(now)
  const retireAfter = now + options.maxTokenTtlMs + options.clockSkewMs
  const keys = set.keys.map((key) => (key.retiringAt === null ? { ...key, retiringAt: now, retireAfter } : key))
  return { version: 1, keys: [...keys, fresh], ...(set.archive ? { archive: set.archive } : {}) }
}

/** Removes keys whose retireAfter has passed. Returns the same object when nothing was removed. */
export function prune(set: KeySet, now: number): KeySet {
  const keys = set.keys.filter((key) => key.retireAfter === null || key.retireAfter > now)
  if (keys.length === set.keys.length) return set
  const removed = set.keys
    .filter((key) => !keys.includes(key))
    .map(
      (key): ArchivedKey => ({
        ...toPublicJwk(key.publicJwk),
        activatedAt: key.activatedAt,
        ...(key.retiringAt !== null ? { retiredAt: key.retiringAt } : {}),
      }),
    )
  return { version: 1, keys, archive: [...(set.archive ?? []), ...removed] }
}

/** Every public key the gateway ever signed with that the set still knows: live and archived. */
export function historicJwks(set: KeySet): JWK[] {
  return [...set.keys.map((key) => toPublicJwk(key.publicJwk)), ...(set.archive ?? []).map(toPublicJwk)]
}

/**
 * Every key the gateway has signed with, newest first, with the period it signed in: what a
 * receipt or a checkpoint from years ago is checked against, after any number of rotations.
 */
export function keyHistory(set: KeySet): KeyHistoryEntry[] {
  const live = set.keys.map((key) => ({ jwk: toPublicJwk(key.publicJwk), activatedAt: key.activatedAt, retiredAt: key.retiringAt }))
  const archived = (set.archive ?? []).map((key) => ({ jwk: toPublicJwk(key), activatedAt: key.activatedAt ?? null, retiredAt: key.retiredAt ?? null }))
  return [...live, ...archived].sort((a, b) => (b.activatedAt ?? 0) - (a.activatedAt ?? 0))
}

/** A key of the published history: a JWK with the period it signed in (ISO 8601; RFC 7517 allows members of one's own). */
export type PublishedHistoryKey = JWK & { activated_at?: string; retired_at: string | null }

/** The key history as published (`/.well-known/lgsp-key-history.json`): a JWK Set whose keys say when they signed. */
export function keyHistoryDocument(set: KeySet): { keys: PublishedHistoryKey[] } {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  return {
    keys: keyHistory(set).map(({ jwk, activatedAt, retiredAt }) => ({
      ...jwk,
      ...(activatedAt !== null ? { activated_at: iso(activatedAt)! } : {}),
      retired_at: iso(retiredAt),
    })),
  }
}

/**
 * The public keys verifiers need: every key not yet removed, so tokens signed by a retiring key
 * still verify during the overlap. With `now`, keys already past retireAfter are left out even
 * before `prune` has removed them.
 */
export function publicJwks(set: KeySet, now?: number): { keys: JWK[] } {
  const live = now === undefined ? set.keys : prune(set, now).keys
  return { keys: live.map((key) => toPublicJwk(key.publicJwk)) }
}

/**
 * The set to use: `set` itself when it has an active key, else one with a new active key added
 * (the first start, or a set whose keys were all retired). Returns the same object when unchanged.
 */
export async function ensureKeySet(set: KeySet | null, now: number): Promise<KeySet> {
  if (set && hasActiveKey(set)) return set
  const fresh = await generateKey(now)
  return { version: 1, keys: [...(set?.keys ?? []), fresh], ...(set?.archive ? { archive: set.archive } : {}) }
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/)
const publicJwkSchema = z.looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: base64url, y: base64url })
const storedKeySchema = z.object({
  kid: z.string().min(1).max(128),
  alg: z.literal('ES256'),
  createdAt: z.number(),
  activatedAt: z.number(),
  retiringAt: z.number().nullable(),
  retireAfter: z.number().nullable(),
  privateJwk: publicJwkSchema.extend({ d: base64url }),
  publicJwk: publicJwkSchema.refine((jwk) => !('d' in jwk), 'publicJwk must not hold private members'),
})
const archivedJwkSchema = publicJwkSchema
  .extend({ activatedAt: z.number().optional(), retiredAt: z.number().optional() })
  .refine((jwk) => !('d' in jwk), 'archived keys must not hold private members')
const keySetSchema = z.object({ version: z.literal(1), keys: z.array(storedKeySchema), archive: z.array(archivedJwkSchema).optional() })

/**
 * Checks a key set read from a store. Throws a KeySetError naming the first problem; the message
 * names paths only, never key material.
 */
export function parseKeySet(value: unknown): KeySet {
  const parsed = keySetSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new KeySetError(`Invalid gateway key set at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'malformed'}`)
  }
  const kids = new Set<string>()
  for (const key of parsed.data.keys) {
    if (kids.has(key.kid)) throw new KeySetError(`Invalid gateway key set: kid ${key.kid} appears twice`)
    kids.add(key.kid)
    if (key.privateJwk.x !== key.publicJwk.x || key.privateJwk.y !== key.publicJwk.y) {
      throw new KeySetError(`Invalid gateway key set: the public and private parts of ${key.kid} do not match`)
    }
  }
  return parsed.data as KeySet
}
