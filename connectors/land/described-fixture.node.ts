/**
 * The land registry connected by description (`described/`: its WSDL and mapping, no code),
 * behind the interface its tests call. The tests were written for the hand-written connector it
 * replaced, and hold the engine to every case.
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { canonicalCatalog, type ConnectorPlan, createDescribedConnector, type DescribedConnector } from '../described/index.js'
import { readDescribedFolder } from '../described/folders.node.js'
import {
  type ConnectorError,
  type HolderRef,
  holderKey,
  type LandParcel,
  type ListWindow,
  type RegistryClientOptions,
  type RegistryConnector,
  type RegistryLoaders,
  type RequestScope,
} from '../kit/index.js'
import { typeDefs } from '../../schemas/index.js'

/** Client options (kit/upstream-fetch.ts): deadline, resilience, transport; the base URL and the account. */
export interface LandConnectorOptions extends RegistryClientOptions {
  baseUrl: string
  /** Holders per call, at most the mapping's 100. */
  maxBatchSize?: number
  /** The account sent in the ThongTinYeuCau header; the sandbox takes any unless it was given one. */
  credentials?: { username: string; password: string }
}

/** The registry's reads as its tests call them: a parcel by key, parcels by holder, a commune's window. */
export interface LandConnector extends RegistryConnector<Pick<RegistryLoaders, 'parcelsByHolder'>> {
  parcel(key: string, scope: RequestScope): Promise<LandParcel | null>
  parcelsByHolders(holders: readonly HolderRef[], scope: RequestScope): Promise<Array<LandParcel[] | ConnectorError>>
  parcelsByCommune(communeCode: string, page: { offset: number; limit: number }, scope: RequestScope): Promise<ListWindow<LandParcel>>
}

/** The plan of `described/`, loaded as the gateway loads a described folder. */
let plan: ConnectorPlan | undefined
/** Read once per process: every connector a test makes shares the checked plan (the engine never changes it). */
export const describedLandPlan = () => (plan ??= readDescribedFolder(dirname(fileURLToPath(import.meta.url)), 'described', canonicalCatalog(typeDefs), 'land'))

/** The engine's records are checked against the canonical `LandParcel` by the plan; the cast only names that type for the tests. */
const asParcel = (record: Record<string, unknown> | null) => record as LandParcel | null

/** The sandbox takes any account when it has none configured; the engine always sends one. */
const SANDBOX_ACCOUNT = { username: 'sandbox', password: 'not-required' }

const asParcels = (records: Array<Record<string, unknown>>) => records.map(asParcel) as LandParcel[]

export function createDescribedLandConnector(options: LandConnectorOptions): LandConnector & { described: DescribedConnector } {
  const { credentials, ...client } = options
  const described = createDescribedConnector(describedLandPlan(), { ...client, credentials: credentials ?? SANDBOX_ACCOUNT })
  return {
    name: 'land',
    described,
    resolvers: described.resolvers,
    health: described.health,
    circuit: described.circuit,
    createLoaders: (scope) => described.createLoaders(scope) as Pick<RegistryLoaders, 'parcelsByHolder'>,
    parcel: async (key, scope) => asParcel(await described.lookup('landParcel', key, scope)),
    parcelsByHolders: async (holders, scope) =>
      (await described.groupMany('parcelsByHolder', holders.map(holderKey), scope)).map((r) => (r instanceof Error ? r : asParcels(r))),
    parcelsByCommune: async (communeCode, page, scope) => {
      const window = await described.list('landParcels', { commune: communeCode }, page, scope)
      return { items: window.items.map(asParcel), totalCount: window.totalCount }
    },
  }
}
