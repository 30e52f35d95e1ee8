import { base64url, createLocalJWKSet, errors, importJWK, type JWK, type JWTVerifyGetKey, type LocalJWKSet } from 'jose'
import type { KeyStore } from './key-store.js'
import {
  ensureKeySet,
  historicJwks,
  keyHistoryDocument,
  prune,
  publicJwks,
  rotate,
  signingKey,
  type KeySet,
  type PublishedHistoryKey,
  type StoredKey,
} from './keyset.js'

export interface GatewayKeysOptions {
  store: KeyStore
  now?: () => number
  /** Longest lifetime of an access token the gateway signs. @default 300000 */
  maxTokenTtlMs?: number
  /** Clock tolerance of verifiers. @default 30000 */
  clockSkewMs?: number
  /**
   * How often the store is checked for a rotation made elsewhere (the CLI, another instance).
   * 0 turns the timer off (call `refresh()` yourself, e.g. on Workers). @default 2000
   */
  refreshMs?: number
  /** Receives errors of background refreshes; the last good key set stays in use. @default ignore */
  onError?: (error: unknown) => void
  /** Called when the signing key changes after init (a rotation here or picked up from the store). */
  onSignerChange?: (kid: string, previous: string) => void
}

/** Symmetric keys derived from the gateway keys, for values only the gateway reads back. */
export interface SealingKeys {
  /**
   * AES-256-GCM keys for values only the gateway reads back (paging cursors), derived with HKDF
   * from each live key's private half under `label`: the signing key's first (it seals), then
   * the retiring ones (they still open). They rotate with the keys they come from: a value sealed
   * before `lgsp keys rotate` opens until the retired key is removed, then no more.
   */
  sealingKeys(label: string): Promise<CryptoKey[]>
}

export interface GatewayKeys extends SealingKeys {
  /** Loads the stored key set, or creates the first key and saves it. Call once before use. */
  init(): Promise<void>
  /** The key that signs new tokens. The CryptoKey is imported once per kid and not extractable. */
  signingKey(): { kid: string; privateKey: CryptoKey }
  /** The public keys for `/.well-known/jwks.json`: the active key and any retiring ones. */
  jwks(): { keys: JWK[] }
  /** Every public key this set ever signed with (live and archived), for audit checkpoints. */
  historicJwks(): JWK[]
  /** Every key ever used with the period it signed in, for `/.well-known/lgsp-key-history.json`. */
  keyHistory(): { keys: PublishedHistoryKey[] }
  /** A key resolver for jose `jwtVerify`; an unknown kid triggers one (rate-limited) refresh. */
  verificationKeySet(): JWTVerifyGetKey
  /** Adds a new active key and retires the current one; saved to the store at once. */
  rotate(): Promise<{ kid: string; retiring: string | null }>
  /** Re-reads the store when its revision changed and prunes expired keys. True when the set changed. */
  refresh(): Promise<boolean>
  /** Stops the refresh timer. */
  close(): void
}

interface State {
  set: KeySet
  revision: string | null
  signer: { kid: string; privateKey: CryptoKey }
  verifier: LocalJWKSet
}

/** An unknown kid may refresh the set at most this often, so forged kids cannot hammer the store. */
const UNKNOWN_KID_REFRESH_INTERVAL_MS = 1000

/**
 * The gateway's own signing keys, kept in a KeyStore shared by every instance. Rotation retires
 * the old key but keeps publishing it until every token it signed has expired; instances notice
 * a rotation made elsewhere within `refreshMs`, and at once when a token names a kid they lack.
 *
 * @example
 * const keys = createGatewayKeys({ store: createMemoryKeyStore() })
 * await keys.init()
 * const { kid, privateKey } = keys.signingKey()
 */
export function createGatewayKeys(options: GatewayKeysOptions): GatewayKeys {
  const { store } = options
  const now = options.now ?? Date.now
  const maxTokenTtlMs = options.maxTokenTtlMs ?? 300_000
  const clockSkewMs = options.clockSkewMs ?? 30_000
  const refreshMs = options.refreshMs ?? 2_000
  const onError = options.onError ?? (() => {})
  if (!(maxTokenTtlMs > 0) || !(clockSkewMs >= 0) || !(refreshMs >= 0)) {
    throw new Error('createGatewayKeys needs maxTokenTtlMs > 0, clockSkewMs >= 0 and refreshMs >= 0')
  }
  // An instance may keep signing with a retired key until its next refresh: the overlap covers that too.
  const rotateOptions = { maxTokenTtlMs, clockSkewMs: clockSkewMs + refreshMs }

  let state: State | undefined
  let initializing: Promise<void> | undefined
  let refreshing: Promise<boolean> | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  let lastUnknownKidRefresh = Number.NEGATIVE_INFINITY
  const privateKeys = new Map<string, CryptoKey>()
  /** Derived sealing keys per kid, then per label. */
  const sealing = new Map<string, Map<string, Promise<CryptoKey>>>()
  let queue: Promise<unknown> = Promise.resolve()

  /** Store reads and writes run one at a time, so a refresh never overwrites a rotation in this process. */
  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task)
    queue = run.catch(() => {})
    return run
  }

  function current(): State {
    if (!state) throw new Error('Gateway keys are not initialised: call init() first')
    return state
  }

  async function privateKeyFor(set: KeySet): Promise<{ kid: string; privateKey: CryptoKey }> {
    const key = signingKey(set)
    let privateKey = privateKeys.get(key.kid)
    if (!privateKey) {
      const imported = await importJWK(key.privateJwk, 'ES256', { extractable: false })
      if (imported instanceof Uint8Array) throw new Error(`Gateway key ${key.kid} is not an EC key`)
      privateKey = imported
      privateKeys.set(key.kid, privateKey)
    }
    return { kid: key.kid, privateKey }
  }

  /** Makes `set` current; builds everything first so a failure leaves the previous state intact. */
  async function adopt(set: KeySet, revision: string | null): Promise<void> {
    const signer = await privateKeyFor(set)
    const verifier = createLocalJWKSet(publicJwks(set))
    const kids = new Set(set.keys.map((key) => key.kid))
    for (const kid of privateKeys.keys()) if (!kids.has(kid)) privateKeys.delete(kid)
    for (const kid of sealing.keys()) if (!kids.has(kid)) sealing.delete(kid)
    const previous = state?.signer.kid
    state = { set, revision, signer, verifier }
    if (previous !== undefined && previous !== signer.kid) options.onSignerChange?.(signer.kid, previous)
  }

  /** Saves `set` and returns the store's revision after the write. */
  async function persist(set: KeySet): Promise<string | null> {
    await store.save(set)
    return store.revision()
  }

  async function doInit(): Promise<void> {
    await exclusive(async () => {
      // Revision before load: a write landing in between only causes one extra reload later.
      const revision = await store.revision()
      const loaded = await store.load()
      const ensured = prune(await ensureKeySet(loaded, now()), now())
      if (ensured === loaded) return adopt(ensured, revision)
      await store.save(ensured)
      // Two instances starting on an empty store both create a key: adopt whichever write won.
      const savedRevision = await store.revision()
      const saved = await store.load()
      await adopt(saved ?? ensured, saved ? savedRevision : null)
    })
    if (refreshMs > 0 && !timer) {
      timer = setInterval(() => void refresh().catch(onError), refreshMs)
      ;(timer as { unref?: () => void }).unref?.()
    }
  }

  async function doRefresh(): Promise<boolean> {
    const known = current()
    const revision = await store.revision()
    let set = known.set
    let changed = false
    if (revision !== known.revision && revision !== null) {
      const loaded = await store.load()
      if (loaded) {
        set = loaded
        changed = true
      }
    }
    const pruned = prune(set, now())
    let nextRevision = changed ? revision : known.revision
    if (pruned !== set) {
      changed = true
      // Save only if nobody wrote since we read; otherwise the next refresh picks up their version.
      if ((await store.revision()) === nextRevision) nextRevision = await persist(pruned)
    }
    if (changed) await adopt(pruned, nextRevision)
    return changed
  }

  function refresh(): Promise<boolean> {
    current()
    refreshing ??= exclusive(doRefresh).finally(() => {
      refreshing = undefined
    })
    return refreshing
  }

  function sealingKey(key: StoredKey, label: string): Promise<CryptoKey> {
    let byLabel = sealing.get(key.kid)
    if (!byLabel) sealing.set(key.kid, (byLabel = new Map()))
    let derived = byLabel.get(label)
    if (!derived) {
      const encoder = new TextEncoder()
      const d = key.privateJwk.d
      // Never derive from empty material: a key set without private halves seals nothing.
      if (!d) return Promise.reject(new Error(`Gateway key ${key.kid} has no private part`))
      derived = crypto.subtle.importKey('raw', new Uint8Array(base64url.decode(d)), 'HKDF', false, ['deriveKey']).then((secret) =>
        crypto.subtle.deriveKey(
          // The kid as salt: each key of the set gives its own sealing key.
          { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(key.kid), info: encoder.encode(label) },
          secret,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt'],
        ),
      )
      byLabel.set(label, derived)
      derived.catch(() => byLabel.delete(label))
    }
    return derived
  }

  async function sealingKeys(label: string): Promise<CryptoKey[]> {
    const { set, signer } = current()
    // Keys past retireAfter open nothing, even before a refresh has pruned them.
    const live = prune(set, now()).keys
    const ordered = [
      ...live.filter((key) => key.kid === signer.kid),
      ...live.filter((key) => key.kid !== signer.kid).sort((a, b) => b.activatedAt - a.activatedAt),
    ]
    return Promise.all(ordered.map((key) => sealingKey(key, label)))
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    const before = current()
    try {
      return await before.verifier(header, token)
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || typeof header.kid !== 'string') throw error
      if (now() - lastUnknownKidRefresh < UNKNOWN_KID_REFRESH_INTERVAL_MS) throw error
      lastUnknownKidRefresh = now()
      await refresh().catch(onError)
      const after = current()
      if (after === before) throw error
      return after.verifier(header, token)
    }
  }

  return {
    init() {
      initializing ??= doInit().catch((error: unknown) => {
        initializing = undefined
        throw error
      })
      return initializing
    },
    signingKey: () => current().signer,
    jwks: () => publicJwks(current().set, now()),
    historicJwks: () => historicJwks(current().set),
    keyHistory: () => keyHistoryDocument(current().set),
    verificationKeySet: () => getKey,
    sealingKeys,
    rotate: () =>
      exclusive(async () => {
        const loaded = (await store.load()) ?? state?.set ?? null
        const base = loaded ? prune(loaded, now()) : null
        const retiring = base?.keys.some((key) => key.retiringAt === null) ? signingKey(base).kid : null
        const next = retiring && base ? await rotate(base, now(), rotateOptions) : await ensureKeySet(base, now())
        const revision = await persist(next)
        await adopt(next, revision)
        return { kid: signingKey(next).kid, retiring }
      }),
    refresh,
    close() {
      if (timer) clearInterval(timer)
      timer = undefined
    },
  }
}
