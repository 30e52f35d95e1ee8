import { lookup } from 'node:dns/promises'
import type { JWTVerifyGetKey } from 'jose'
import type { Logger } from '../logger.js'
import { isInternalAddress, type JwksGuardOptions } from './jwks-guard.js'
import { createUrlGuardedRemoteKeySet } from './remote-jwks.js'

/**
 * Remote key sets behind the SSRF guard, with names resolved: in production every address the
 * host resolves to is checked before each fetch, so a public name pointing at an internal
 * address is refused too.
 */
export function createGuardedRemoteKeySet(options: JwksGuardOptions, logger?: Logger): (url: URL) => JWTVerifyGetKey {
  return createUrlGuardedRemoteKeySet(options, logger, async (url) => {
    if (!options.production) return
    const addresses = await lookup(url.hostname, { all: true })
    const internal = addresses.find((entry) => isInternalAddress(entry.address))
    if (internal) throw new Error(`jwksUri host ${url.hostname} resolves to an internal address`)
  })
}
