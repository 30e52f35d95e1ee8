import type { ClientEntry } from './agency-registry.js'
import type { RequestContext } from './request-context.js'

/** The verified caller of a request: a registered, active client of an agency. */
export interface Caller {
  clientId: string
  agencyId: string
  agencyName: string
  jurisdiction: ClientEntry['jurisdiction']
  /** jti of the access token (for the audit trail; never the token itself). */
  tokenId: string
  issuer: string
  client: ClientEntry
}

export type { RequestContext }
