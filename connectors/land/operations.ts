/**
 * What the land registry offers the resolvers beyond the per-request loaders: the connector
 * implements it, the resolvers call it. Its own module, so neither imports the other for it.
 */
import type { ConnectorError, HolderRef, LandParcel, ListWindow, RequestScope } from '../kit/index.js'

/** The land registry's reads, as resolvers and loaders use them. */
export interface LandQueries {
  /** A parcel by `MX.SB.ST` key; `null` when the registry has none (or the key is malformed). */
  parcel(key: string, scope: RequestScope): Promise<LandParcel | null>
  /**
   * Parcels per holder, in the order of `holders`: a list (empty when the holder has none), or a
   * `ConnectorError` for a holder whose records could not be read, so one bad record fails only
   * that holder. Chunks at `maxBatchSize`; a failed call rejects the whole promise.
   */
  parcelsByHolders(holders: readonly HolderRef[], scope: RequestScope): Promise<Array<LandParcel[] | ConnectorError>>
  /**
   * One window of the parcels whose map-sheet commune or current address commune is
   * `communeCode`, in the registry's order (the resolver's pager cuts pages from windows).
   */
  parcelsByCommune(communeCode: string, page: { offset: number; limit: number }, scope: RequestScope): Promise<ListWindow<LandParcel>>
}
