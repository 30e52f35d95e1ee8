/**
 * The relay as a listening server (Node): the vendor's system is pointed at its URL for a run.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Relay } from './relay.js'

export interface RelayServer {
  url: string
  close(): Promise<void>
}

export async function serveRelay(relay: Relay, listen: { host: string; port: number }): Promise<RelayServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: relay.handle, port: listen.port, hostname: listen.host }, () => resolve(started as Server)) as Server
    started.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
