/**
 * The land registry connected by description (`described/`: its WSDL and mapping, no code),
 * behind the hand-written connector's interface, so the same connector tests run against both:
 * the engine must answer every case the hand-written client does.
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { canonicalCatalog, createDescribedConnector, type DescribedConnector } from '../described/index.js'
import { readDescribedFolder } from '../described/folders.node.js'
import { holderKey, type LandParcel, type RegistryLoaders } from '../kit/index.js'
import { typeDefs } from '../../schemas/index.js'
import type { LandConnector, LandConnectorOptions } from './connector.js'

/** The plan of `described/`, loaded as the gateway loads a described folder. */
export const describedLandPlan = () => readDescribedFolder(dirname(fileURLToPath(import.meta.url)), 'described', canonicalCatalog(typeDefs), 'land')

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
