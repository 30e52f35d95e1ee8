/**
 * What both runtimes of the black-box suites share: one PostgreSQL (the gateway's database: its
 * policy versions and audit trail), the sandbox registries, the gateway's key file and hash
 * secret, and the agencies' test clients. The policies are applied to the database before any
 * gateway starts, and each runtime serves the active version it finds there, so the Node entry
 * and the Workers entry are two instances of one gateway. Clients are registered by their public
 * keys: the Workers runtime has no data directory for development keys.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import pg from 'pg'
import { startReplaySandboxes, startSandboxes, type ReplaySandboxes, type Sandboxes } from '../../connectors/sandboxes.js'
import { requestAccessToken } from '../../connectors/index.js'
import { servedCanonical } from '../../gateway/entry/canonical.js'
import { PROCEDURES_FILE, PURPOSES_FILE, type AgencyDocument, type Grant, type PolicyFile } from '../../policies/index.js'
import { fixtureGrants, fixturePurposes } from '../policy/fixture.js'
import { startPostgres, type PostgresService } from '../services/postgres.js'
import { registrySettings } from '../services/registry-settings.js'
import { applyPolicies, writeGatewayKeyFile } from '../workers/gateway-worker.js'

export interface BlackBoxClient {
  clientId: string
  agencyId: string
  privateJwk: JWK
}

/** Communes the reading agency may see: 00097 and the communes merged into it in 2025. */
export const JURISDICTION = new Set(['00097', '00073', '00094'])
/** The limited agency's rate: a burst of 3, then one unit per 10 s. */
export const LIMITED_RATE = { perMinute: 6, burst: 3 }

export interface Person {
  pin: string
  /** As the population registry spells it, for verifyCitizen. */
  name: string
  birthDate: string
}

export interface BlackBoxWorld {
  /** The settings both entries take (the Node entry as its environment, the Workers entry as bindings). */
  settings: Record<string, string>
  /** The Node entry's data directory, holding the key file GATEWAY_KEYS repeats. */
  dataDir: string
  clients: {
    /** Reads citizens in its jurisdiction for CU_TRU (case id required, PIN masked), and more. */
    reader: BlackBoxClient
    /** The reader agency's second client, suspended. */
    suspended: BlackBoxClient
    /** Verifies citizens (XAC_MINH) under a rate of LIMITED_RATE. */
    limited: BlackBoxClient
    /** An agency with no grant at all. */
    noGrant: BlackBoxClient
    /** A second reader agency client, suspended and reinstated by `setSuspended` mid-run. */
    revocable: BlackBoxClient
  }
  /** The gateway's own signing key (the key file is in clear here), to sign tokens with one claim wrong. */
  gatewayKey: JWK & { kid: string }
  /** Applies a new policy version in which `client` is suspended, or reinstated. */
  setSuspended(client: BlackBoxClient, suspended: boolean): Promise<void>
  /** Synthetic citizens: one inside the reader's jurisdiction, one outside. */
  people: { inside: Person; outside: Person }
  /**
   * An access token from the target's token endpoint, one per client and target for the whole run
   * (they live five minutes): the endpoint limits attempts per client, and a suite that asked
   * for one per case would meet that limit instead of what it tests.
   */
  token(client: BlackBoxClient, target: { url: string; issuer: string }): Promise<string>
  /** Rows from the gateway's database. */
  sql<R>(text: string, params?: unknown[]): Promise<R[]>
  /** From now on PostgreSQL refuses every audit event (a trigger that raises), until restored. */
  breakAudit(): Promise<void>
  restoreAudit(): Promise<void>
  stop(): Promise<void>
}

async function newClient(clientId: string, agencyId: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const kid = `${clientId}-1`
  return {
    client: { clientId, agencyId, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' } },
    entry: { id: clientId, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] } },
  }
}

/** Verification answers whether what the caller holds matches: the PIN it sent, shown as sent. */
const VERIFY: Grant = {
  id: 'xac-minh',
  purposes: ['XAC_MINH'],
  legalBasis: 'NĐ 118/2025 Điều 9',
  allow: ['Query.verifyCitizen', 'CitizenVerification.*'],
  plain: ['pin'],
  require: { caseId: false, endUser: false, signedContext: false },
} as Grant
/** Residence for CU_TRU as the enforcement tests grant it (jurisdiction only, case id, PIN by its last four), households left out. */
const cuTru = fixtureGrants.find((grant) => grant.id === 'cu-tru')!
const RESIDENCE: Grant = { ...cuTru, allow: cuTru.allow.filter((coordinate) => !/household/i.test(coordinate)) }

const agency = (id: string, clients: object[], extra: Partial<AgencyDocument>): AgencyDocument =>
  ({ agency: id, name: `Black-box agency ${id}`, jurisdiction: { provinces: ['01'], communes: ['00097'] }, clients, ...extra }) as AgencyDocument

export async function startBlackBoxWorld(): Promise<BlackBoxWorld> {
  const stoppers: Array<() => Promise<unknown>> = []
  const stop = async () => {
    for (const close of stoppers.reverse()) await close().catch(() => undefined)
  }
  try {
    const postgres: PostgresService = await startPostgres()
    stoppers.push(() => postgres.stop())
    const database = await postgres.createDatabase('blackbox')
    const sandboxes: Sandboxes = await startSandboxes({ seed: 2026, citizens: 200, parcels: 60, enterprises: 60, host: '127.0.0.1' })
    stoppers.push(() => sandboxes.close())
    const { plans } = servedCanonical()
    const replays: ReplaySandboxes = await startReplaySandboxes(plans)
    stoppers.push(() => replays.close())

    const reader = await newClient('bb-reader-system', 'bb-reader')
    const suspended = await newClient('bb-reader-old-system', 'bb-reader')
    const limited = await newClient('bb-limited-system', 'bb-limited')
    const noGrant = await newClient('bb-no-grant-system', 'bb-no-grant')
    const revocable = await newClient('bb-reader-desk-system', 'bb-reader')
    const files = (revoked: boolean): PolicyFile[] => [
      { name: PURPOSES_FILE, text: JSON.stringify({ purposes: fixturePurposes }) },
      { name: PROCEDURES_FILE, text: JSON.stringify({ procedures: [] }) },
      {
        name: 'agencies/bb-reader.yaml',
        text: JSON.stringify(
          agency('bb-reader', [reader.entry, { ...suspended.entry, suspended: true }, { ...revocable.entry, suspended: revoked }], {
            grants: [VERIFY, RESIDENCE],
          }),
        ),
      },
      {
        name: 'agencies/bb-limited.yaml',
        text: JSON.stringify(agency('bb-limited', [limited.entry], { limits: { rate: LIMITED_RATE }, grants: [VERIFY] })),
      },
      { name: 'agencies/bb-no-grant.yaml', text: JSON.stringify(agency('bb-no-grant', [noGrant.entry], {})) },
    ]
    await applyPolicies(database.url, files(false), { author: 'black-box', message: 'the black-box agencies' })

    const dataDir = await mkdtemp(join(tmpdir(), 'lgsp-black-box-'))
    stoppers.push(() => rm(dataDir, { recursive: true, force: true }))
    const gatewayKeys = await writeGatewayKeyFile(dataDir)
    const gatewayKey = (JSON.parse(gatewayKeys) as { keys: Array<{ privateJwk: JWK & { kid: string } }> }).keys[0]?.privateJwk
    if (!gatewayKey?.d) throw new Error('the key file holds no private key in clear')

    const settings: Record<string, string> = {
      NODE_ENV: 'test',
      DATABASE_URL: database.configUrl,
      PGUSER: 'postgres',
      HASH_SECRET: 'black-box-hash-secret-black-box-hash-secret',
      GATEWAY_KEYS: gatewayKeys,
      // A refusal when the store is down comes within a second, not the default two.
      AUDIT_COMMIT_TIMEOUT_MS: '1000',
      ...registrySettings({ population: sandboxes.population.url, land: sandboxes.land.url, business: sandboxes.business.url }, { plans, replays }),
    }
    const person = (found: (typeof sandboxes.world.people)[number] | undefined): Person => {
      if (!found) throw new Error('the sandbox world has no such citizen')
      return { pin: found.pin, name: [found.family, found.middle, found.given].filter(Boolean).join(' '), birthDate: found.birthDate }
    }
    const inside = person(sandboxes.world.people.find((p) => JURISDICTION.has(p.permanent.communeCode)))
    const outside = person(sandboxes.world.people.find((p) => !JURISDICTION.has(p.permanent.communeCode)))

    const tokens = new Map<string, string>()
    const sql = async <R>(text: string, params: unknown[] = []) => {
      const client = new pg.Client({ connectionString: database.url })
      await client.connect()
      try {
        return (await client.query(text, params)).rows as R[]
      } finally {
        await client.end()
      }
    }
    return {
      settings,
      dataDir,
      clients: { reader: reader.client, suspended: suspended.client, limited: limited.client, noGrant: noGrant.client, revocable: revocable.client },
      gatewayKey,
      async setSuspended(client, suspended) {
        if (client.clientId !== revocable.client.clientId) throw new Error('only the revocable client is suspended mid-run')
        await applyPolicies(database.url, files(suspended), { author: 'black-box', message: suspended ? 'suspend the desk' : 'reinstate the desk' })
      },
      people: { inside, outside },
      async token(client, target) {
        const key = `${target.url} ${client.clientId}`
        let token = tokens.get(key)
        if (!token) {
          token = (await requestAccessToken({ gateway: target.url, issuer: target.issuer, clientId: client.clientId, privateKey: client.privateJwk })).token
          tokens.set(key, token)
        }
        return token
      },
      sql,
      async breakAudit() {
        await sql(`create or replace function black_box_refuse() returns trigger language plpgsql as $$
          begin raise exception 'the audit store refuses writes (black-box test)'; end $$`)
        await sql('create trigger black_box_refuse before insert on audit_events for each statement execute function black_box_refuse()')
      },
      async restoreAudit() {
        await sql('drop trigger if exists black_box_refuse on audit_events')
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
