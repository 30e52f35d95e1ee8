import type DataLoader from 'dataloader'
import type { Citizen, Enterprise, Household, LandParcel } from './canonical.js'

/**
 * Per-request batch loaders, one set per GraphQL request. Cross-registry links resolve through
 * them, so a query touching twenty legal representatives costs one population call per batch,
 * not twenty. Each connector builds its own part; the gateway merges them into the context.
 * Connectors never import each other: they meet only through this contract.
 */
export interface RegistryLoaders {
  /** population: citizen by PIN; `null` when the registry has no such citizen. */
  citizen: DataLoader<string, Citizen | null>
  /** population: household by id. */
  household: DataLoader<string, Household | null>
  /** land: parcels held, keyed by `holderKey()`. */
  parcelsByHolder: DataLoader<string, LandParcel[]>
  /** business: enterprise (or branch) by tax code in canonical form. */
  enterprise: DataLoader<string, Enterprise | null>
  /** described connectors (connectors/described): `<connector>:<root field>` → its record by key. */
  readonly [described: `${string}:${string}`]: DataLoader<string, unknown>
}

export type HolderRef = { pin: string } | { taxCode: string }

/** The loader key of a land holder: `pin:<12 digits>` or `tax:<tax code>`. */
export function holderKey(holder: HolderRef): string {
  return 'pin' in holder ? `pin:${holder.pin}` : `tax:${holder.taxCode}`
}

export function parseHolderKey(key: string): HolderRef {
  return key.startsWith('pin:') ? { pin: key.slice(4) } : { taxCode: key.slice(4) }
}
