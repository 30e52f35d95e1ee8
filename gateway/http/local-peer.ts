import type { Context } from 'hono'

/** The loopback addresses a client on this machine connects from (IPv4, IPv6, IPv4-mapped IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false
  return address === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/i.test(address)
}

/** A URL's host is this machine's loopback (`127.x.x.x`, `[::1]`, `localhost`). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || isLoopbackAddress(hostname.replace(/^\[(.*)\]$/, '$1'))
}

/**
 * A request a proxy passed on. Its socket peer is the proxy, which is loopback when the proxy
 * runs on the same machine (nginx, a mesh sidecar): loopback then says nothing of the client.
 */
export const isForwarded = (c: Context) => ['forwarded', 'x-forwarded-for', 'x-real-ip', 'via'].some((name) => c.req.header(name) !== undefined)

/** A client on this machine, talking to the gateway directly: a loopback peer, and no proxy between. */
export const fromLocalPeer = (c: Context, clientIp: (c: Context) => string | undefined) => isLoopbackAddress(clientIp(c)) && !isForwarded(c)
