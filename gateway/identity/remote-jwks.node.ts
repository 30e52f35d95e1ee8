import { lookup } from 'node:dns/promises'
import { createLocalJWKSet, createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose'
import type { Logger } from '../logger.js'
import { isInternalAddress, jwksUrlProblem, type JwksGuardOptions } from './jwks-guard.js'

/**
 * Remote key sets behind the SSRF guard: the URL is checked when the client or issuer is
 * registered (a refused one can never verify anything: deny, not guess), and in production every
 * address its host resolves to is checked again before each fetch, so a public name pointing at
 * an internal address is refused too. Redirects are not followed.
 */
export function createGuardedRemoteKeySet(options: JwksGuardOptions, logger?: Logger): (url: URL) => JWTVerifyGetKey {
  const guardedFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    if (options.production) {
      const addresses = await lookup(url.hostname, { all: true })
      const internal = addresses.find((entry) => isInternalAddress(entry.address))
      if (internal) throw new Error(`jwksUri host ${url.hostname} resolves to an internal address`)
    }
    return fetch(url, { ...init, redirect: 'error' })
  }
  return (url) => {
    const problem = jwksUrlProblem(url, options)
    if (problem) {
      logger?.error({ jwksUri: url.origin }, `jwksUri refused: ${problem}`)
      return createLocalJWKSet({ keys: [] })
    }
    return createRemoteJWKSet(url, { timeoutDuration: 2000, cooldownDuration: 30_000, [customFetch]: guardedFetch })
  }
}
