/**
 * Where the gateway may fetch a JSON Web Key Set from (`jwksUri` of a client or a trusted issuer):
 * an SSRF guard. Pure rules, so the entry can apply them to the URL and again to every
 * address the host name resolves to.
 */

export interface JwksGuardOptions {
  /** Host names allowed; empty: any (development only). */
  allowedHosts: readonly string[]
  /** Production: an allow-list is required and internal addresses are refused. */
  production: boolean
}

/** Loopback, private (RFC 1918, ULA), link-local, CGNAT, unspecified and documentation ranges. */
export function isInternalAddress(address: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address.replace(/^::ffff:/i, ''))
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])]
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    )
  }
  const v6 = address.toLowerCase().replace(/^\[|\]$/g, '')
  if (!v6.includes(':')) return false
  return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || /^ff/.test(v6) || v6.startsWith('2001:db8')
}

/** Why `url` may not be fetched, or null when it may. */
export function jwksUrlProblem(url: URL, options: JwksGuardOptions): string | null {
  if (url.protocol !== 'https:') return 'jwksUri must be https'
  if (url.username || url.password) return 'jwksUri must not carry credentials'
  const host = url.hostname.toLowerCase()
  if (options.allowedHosts.length > 0 && !options.allowedHosts.includes(host)) return `jwksUri host ${host} is not in JWKS_ALLOWED_HOSTS`
  if (options.production) {
    if (options.allowedHosts.length === 0) return 'production requires JWKS_ALLOWED_HOSTS for jwksUri clients and issuers'
    if (host === 'localhost' || host.endsWith('.localhost') || isInternalAddress(host)) return `jwksUri host ${host} is internal`
  }
  return null
}
