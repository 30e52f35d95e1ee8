/**
 * For the unit tests of what clients sign (client assertions, request contexts): a registered
 * client with its key pair, objects signed with exactly the claims a case needs (including ones
 * jose's builder cannot write, such as `1e999`), and a replay store that records each claim.
 */
import { beforeAll } from 'vitest'
import { CompactSign, createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose'
import type { SharedStore } from '../shared-store/index.js'
import type { AgencyRegistry, ClientEntry } from './agency-registry.js'

export interface SigningClient {
  entry: ClientEntry
  privateKey: CryptoKey
  publicJwk: JWK
  alg: 'ES256' | 'EdDSA' | 'ES384'
}

export async function signingClient(clientId: string, alg: SigningClient['alg'] = 'ES256'): Promise<SigningClient> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid: `${clientId}-1` }
  const entry: ClientEntry = {
    clientId,
    agencyId: 'thue-ha-noi',
    agencyName: 'Thuế Hà Nội',
    jurisdiction: { provinces: ['01'], communes: ['00097'] },
    keys: createLocalJWKSet({ keys: [publicJwk] }),
  }
  return { entry, privateKey, publicJwk, alg }
}

/** A compact JWS over exactly these claims (absent members left out), signed by `client`. */
export function signClaims(client: SigningClient, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return signText(client, JSON.stringify(claims), header)
}

/** A compact JWS over this JSON text as it is (numbers such as `1e999` kept). */
export function signText(client: SigningClient, json: string, header: Record<string, unknown> = {}): Promise<string> {
  return new CompactSign(new TextEncoder().encode(json))
    .setProtectedHeader({ alg: client.alg, kid: client.publicJwk.kid, ...header } as never)
    .sign(client.privateKey)
}

/** A registry of these clients, all active. */
export function registryOf(...clients: SigningClient[]): AgencyRegistry {
  const byId = new Map(clients.map((client) => [client.entry.clientId, client.entry]))
  return { client: (id) => byId.get(id) ?? null, activeClient: (id) => byId.get(id) ?? null, replace: () => {}, devClientIds: () => [] }
}

/** A single-use claim store that remembers what it was asked: `claims` in order, as [key, ttlMs]. */
export function recordingStore(): SharedStore & { claims: Array<[string, number]> } {
  const claimed = new Set<string>()
  const claims: Array<[string, number]> = []
  const store = {
    claims,
    async claimOnce(key: string, ttlMs: number) {
      claims.push([key, ttlMs])
      if (claimed.has(key)) return false
      claimed.add(key)
      return true
    },
  }
  // Only claimOnce is reached by what signs and verifies claims; the rest of the port fails loudly.
  return new Proxy(store, {
    get(target, name) {
      if (name in target) return target[name as keyof typeof target]
      if (typeof name === 'symbol' || name === 'then') return undefined
      throw new Error(`recordingStore: ${String(name)} is not part of this fixture`)
    },
  }) as SharedStore & { claims: Array<[string, number]> }
}

/** Every test's pinned instant: nothing depends on the machine's clock or speed. */
export const SIGNED_AT_MS = Date.UTC(2026, 5, 9, 1, 0, 0)
export const SIGNED_AT_S = SIGNED_AT_MS / 1000

export interface SigningClients {
  /** The registered client under test (ES256). */
  main: SigningClient
  /** A client signing with EdDSA. */
  ed: SigningClient
  /** A client signing with ES384, which clients may not use. */
  es384: SigningClient
  /** Someone with a key of their own, claiming to be `main`. */
  stranger: SigningClient
}

/**
 * The clients a table of cases signs with, made in a `beforeAll`: read them inside a case (the
 * table itself is built before the keys exist). `ed` and `es384` take the ids given.
 */
export function signingClients(ids: { main: string; ed: string; es384: string }): SigningClients {
  const clients = {} as SigningClients
  beforeAll(async () => {
    ;[clients.main, clients.ed, clients.es384, clients.stranger] = await Promise.all([
      signingClient(ids.main),
      signingClient(ids.ed, 'EdDSA'),
      signingClient(ids.es384, 'ES384'),
      signingClient(ids.main),
    ])
  })
  return clients
}
