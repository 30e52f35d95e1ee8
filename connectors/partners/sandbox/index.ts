/**
 * The sandbox exchange partners (Node only: used by `npm start` and tests): an iGate-style
 * one-stop desk, an OpenCPS-style department system, a SOAP department system and the national
 * public-service portal, each a real HTTP server on loopback checking the gateway's signatures.
 */
import { serveSandbox, type SandboxServer } from '../../kit/sandbox/index.js'
import type { ActorIdentity } from './actor.js'
import { createPartnerSandbox, type PartnerSandboxOptions, type PartnerSandboxState } from './partner-sandbox.js'
import { igateProtocol, opencpsProtocol, portalProtocols, soapProtocol } from './protocols.js'

export { NO_ACTOR_FAULTS, type ActorFaults, type ActorIdentity, type ActorRole } from './actor.js'
export { createPartnerSandbox, type ExchangeFaults, type PartnerProtocol, type PartnerSandboxState, type ReceivedMessage } from './partner-sandbox.js'
export { igateProtocol, opencpsProtocol, PORTAL_NOTE_MAX, portalProtocols, soapProtocol } from './protocols.js'

export interface PartnerSandboxServer extends SandboxServer {
  exchange: PartnerSandboxState
}

export interface PartnerSandboxes {
  igate: PartnerSandboxServer
  opencps: PartnerSandboxServer
  soap: PartnerSandboxServer
  portal: PartnerSandboxServer
  close(): Promise<void>
}

export const PARTNER_SANDBOXES = ['igate', 'opencps', 'soap', 'portal'] as const

export interface PartnerSandboxesOptions extends Omit<PartnerSandboxOptions, 'actor'> {
  host?: string
  /** The agencies the desk and department systems act for, with their client keys: they then take their own steps once connected. */
  actors?: Partial<Record<(typeof PARTNER_SANDBOXES)[number], ActorIdentity>>
}

export async function startPartnerSandboxes(options: PartnerSandboxesOptions = {}): Promise<PartnerSandboxes> {
  const host = options.host ?? '127.0.0.1'
  const protocols = { igate: igateProtocol, opencps: opencpsProtocol, soap: soapProtocol, portal: portalProtocols() }
  const started = await Promise.allSettled(
    PARTNER_SANDBOXES.map(async (name) => {
      const actor = options.actors?.[name]
      const sandbox = createPartnerSandbox(protocols[name], { ...options, ...(actor ? { actor } : {}) })
      const server = await serveSandbox(`partner:${name}`, { app: sandbox.app, state: sandbox.state.faults }, { host })
      return Object.assign(server, { exchange: sandbox.state })
    }),
  )
  const failure = started.find((result) => result.status === 'rejected')
  if (failure) {
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)))
    throw failure.reason
  }
  const [igate, opencps, soap, portal] = started.map((result) => (result as PromiseFulfilledResult<PartnerSandboxServer>).value) as [
    PartnerSandboxServer,
    PartnerSandboxServer,
    PartnerSandboxServer,
    PartnerSandboxServer,
  ]
  return { igate, opencps, soap, portal, close: async () => void (await Promise.all([igate.close(), opencps.close(), soap.close(), portal.close()])) }
}
