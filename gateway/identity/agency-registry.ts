import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose'
import type { AgencyIdentity } from '../../policies/index.js'

/** A registered client system and the agency it acts for, as identity checks need them. */
export interface ClientEntry {
  clientId: string
  agencyId: string
  agencyName: string
  jurisdiction: AgencyIdentity['jurisdiction']
  /** The client's public keys, for its assertions and signed request contexts. */
  keys: JWTVerifyGetKey
}

export interface AgencyRegistry {
  /** The client, or null when unknown. Suspension is not checked here: see `activeClient`. */
  client(clientId: string): ClientEntry | null
  /** The client when it and its agency are registered and not suspended, else null. */
  activeClient(clientId: string): ClientEntry | null
  /** Swaps in a new set of documents (policy roll-out); lookups after this see it at once. */
  replace(agencies: AgencyIdentity[]): void
  /** Agencies whose clients are development clients (production refuses to start with any). */
  devClientIds(): string[]
}

export interface AgencyRegistryOptions {
  /** Public keys of `dev: true` clients, generated at first start into the data directory. */
  devClientKeys?: ReadonlyMap<string, JWK>
  /** Fetch for `jwksUri` clients (timeouts and host allow-lists are added by hardening). */
  remoteKeySet?: (url: URL) => JWTVerifyGetKey
}

interface Entry extends ClientEntry {
  suspended: boolean
}

/**
 * The registry of agencies and their clients, built from the policy documents. Lookups are Map
 * reads, so checking suspension on every request costs nothing, and a suspension applied by a
 * policy roll-out takes effect on the next request even for tokens that have not expired.
 */
export function createAgencyRegistry(agencies: AgencyIdentity[], options: AgencyRegistryOptions = {}): AgencyRegistry {
  const remote = options.remoteKeySet ?? ((url: URL) => createRemoteJWKSet(url, { timeoutDuration: 2000, cooldownDuration: 30_000 }))
  let entries = new Map<string, Entry>()
  let dev: string[] = []

  function build(documents: AgencyIdentity[]): void {
    const next = new Map<string, Entry>()
    const nextDev: string[] = []
    for (const agency of documents) {
      for (const client of agency.clients) {
        let keys: JWTVerifyGetKey
        if (client.jwks) keys = createLocalJWKSet(client.jwks as JSONWebKeySet)
        else if (client.jwksUri) keys = remote(new URL(client.jwksUri))
        else {
          nextDev.push(client.id)
          const devKey = options.devClientKeys?.get(client.id)
          // A dev client without a generated key can never authenticate: deny, do not guess.
          keys = createLocalJWKSet({ keys: devKey ? [devKey] : [] })
        }
        next.set(client.id, {
          clientId: client.id,
          agencyId: agency.agency,
          agencyName: agency.name,
          jurisdiction: agency.jurisdiction,
          keys,
          suspended: agency.suspended || client.suspended,
        })
      }
    }
    entries = next
    dev = nextDev
  }
  build(agencies)

  return {
    client: (clientId) => entries.get(clientId) ?? null,
    activeClient(clientId) {
      const entry = entries.get(clientId)
      return entry && !entry.suspended ? entry : null
    },
    replace: build,
    devClientIds: () => [...dev],
  }
}
