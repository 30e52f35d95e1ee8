import { createLocalJWKSet, createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose'
import { fetchWithoutRedirects } from '../../connectors/index.js'
import type { Logger } from '../logger.js'
import { jwksUrlProblem, type JwksGuardOptions } from './jwks-guard.js'

/**
 * Remote key sets behind the SSRF guard: the URL is checked when the client or issuer is
 * registered (a refused one can never verify anything: deny, not guess), `checkHost` runs before
 * each fetch (the Node entry checks every address the host resolves to; a runtime that cannot
 * resolve names relies on the URL rules alone), and redirects are not followed.
 */
export function createUrlGuardedRemoteKeySet(
  options: JwksGuardOptions,
  logger?: Logger,
  checkHost: (url: URL) => Promise<void> = async () => undefined,
): (url: URL) => JWTVerifyGetKey {
  const guardedFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    await checkHost(url)
    return fetchWithoutRedirects(fetch, url, init)
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
