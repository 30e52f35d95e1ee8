/**
 * What the business registry offers the resolvers beyond the per-request loaders: the connector
 * implements it, the resolvers call it. Its own module, so neither imports the other for it.
 */
import type { Enterprise, EnterpriseStatusCode, ListWindow, RequestScope } from '../kit/index.js'

export interface EnterpriseSearch {
  /** Part of the Vietnamese name; the registry matches case- and accent-insensitively. */
  name?: string
  /** GSO province code of the head office, 2 digits. */
  provinceCode?: string
  status?: EnterpriseStatusCode
  offset: number
  /** 1–100. */
  limit: number
}

/** What the resolvers need of the connector (the rest goes through `ctx.loaders`). */
export interface EnterpriseSearcher {
  search(query: EnterpriseSearch, scope: RequestScope): Promise<ListWindow<Enterprise>>
}
