/**
 * A sandbox vendor system acting on what it is sent, as a real one would: a department handed a
 * dossier fetches its documents by hash, checks them, adds its progress and finishes it; a desk
 * handed a processed dossier fetches the result and returns it; a desk told to (the kit's
 * `/__sandbox/start-dossier`) receives, accepts and transfers a new one. It calls the gateway it
 * is connected to (`/__sandbox/act`: in the conformance kit, the kit's relay) with its own client,
 * and can be told to get the contract wrong the ways vendors do.
 */
import type { JWK } from 'jose'
import {
  createGatewayClient,
  newIdempotencyKey,
  sha256Hex,
  stepOperation,
  SUBMIT_MUTATION,
  type GatewayClient,
  type StepRequest,
  versionAfter,
} from '../gateway-client.js'

export type ActorRole = 'desk' | 'department'

/** The agency a sandbox system acts for, and its client's key pair (the private half stays here). */
export interface ActorIdentity {
  role: ActorRole
  agency: string
  clientId: string
  privateKey: JWK
  /** @default GIAI_QUYET_TTHC */
  purpose?: string
}

/** The ways a vendor's system gets the calling half of the contract wrong. */
export interface ActorFaults {
  /** Takes one step the state machine does not allow: a department adds progress after finishing; a desk withdraws a processed dossier. */
  illegalTransitions: boolean
  /** Sends a step again after a 429 or 503 under a new Idempotency-Key, not the one it first sent. */
  newKeyOnRetry: boolean
  /** Sends steps without `expectedVersion`. */
  noExpectedVersion: boolean
  /** Sends a step again at once after a 429 or 503, whatever Retry-After said. */
  ignoreRetryAfter: boolean
  /** Takes a downloaded document without checking it against its hash. */
  skipHashCheck: boolean
}

export const NO_ACTOR_FAULTS: ActorFaults = {
  illegalTransitions: false,
  newKeyOnRetry: false,
  noExpectedVersion: false,
  ignoreRetryAfter: false,
  skipHashCheck: false,
}

/** One call the system made, for `/__sandbox/received`. */
export interface ActorAction {
  dossier: string
  action: string
  status: number
  error: string | null
}

/** A synthetic applicant (never a real person's PIN). */
const SANDBOX_APPLICANT = '001085000101'

export function createPartnerActor(identity: ActorIdentity, faults: () => ActorFaults) {
  let client: GatewayClient | null = null
  const actions: ActorAction[] = []
  const busy = new Set<string>()
  const note = (dossier: string, action: string, status: number, error: string | null) => actions.push({ dossier, action, status, error })

  /** Sends one operation as the faults say, and notes what the gateway answered. */
  async function sendOperation(gateway: GatewayClient, code: string, label: string, operation: { query: string; variables: Record<string, unknown> }) {
    const f = faults()
    const answer = await gateway.step(operation, newIdempotencyKey(), { ignoreRetryAfter: f.ignoreRetryAfter, newKeyOnRetry: f.newKeyOnRetry })
    note(code, label, answer.status, answer.error ? `${answer.error.code}: ${answer.error.message}` : null)
    return { answer, version: versionAfter(answer) }
  }

  /** One step on a dossier the system last saw at `version`; returns the version after it, or null when refused. */
  const send = (gateway: GatewayClient, request: StepRequest, version: number) =>
    sendOperation(gateway, request.code, request.step, stepOperation({ ...request, ...(faults().noExpectedVersion ? {} : { expectedVersion: version }) }))

  /** Fetches every part and checks it against its hash (again, up to three times, when it does not match). */
  async function fetchParts(gateway: GatewayClient, code: string, parts: ReadonlyArray<{ sha256: string }>): Promise<boolean> {
    for (const part of parts) {
      let good = false
      for (let attempt = 0; attempt < 3 && !good; attempt++) {
        const { status, bytes } = await gateway.download(part.sha256)
        good = status === 200 && (faults().skipHashCheck || (await sha256Hex(bytes)) === part.sha256)
        note(code, `download ${part.sha256.slice(0, 12)}`, status, good ? null : 'does not match its hash')
      }
      if (!good) return false
    }
    return true
  }

  /** What the system does when it holds `code`: the department's work, or the desk's return of the result. */
  async function act(gateway: GatewayClient, code: string): Promise<void> {
    const dossier = await gateway.dossier(code)
    if (!dossier || dossier.holder !== identity.agency) return
    const illegal = faults().illegalTransitions
    if (identity.role === 'department' && dossier.status === 'PROCESSING') {
      if (!(await fetchParts(gateway, code, dossier.parts))) return
      const progressed = await send(gateway, { step: 'addProgress', code, note: 'Đang thẩm định hồ sơ' }, dossier.version)
      if (progressed.version === null) return
      const finished = await send(gateway, { step: 'finish', code, note: 'Đã giải quyết xong' }, progressed.version)
      if (illegal && finished.version !== null) await send(gateway, { step: 'addProgress', code, note: 'Đã trả kết quả về Một cửa' }, finished.version)
    }
    if (identity.role === 'desk' && dossier.status === 'PROCESSED') {
      if (!(await fetchParts(gateway, code, dossier.parts))) return
      if (illegal) await send(gateway, { step: 'withdraw', code, note: 'Công dân xin rút hồ sơ' }, dossier.version)
      await send(gateway, { step: 'returnResult', code, note: 'Đã trả kết quả cho công dân' }, dossier.version)
    }
  }

  return {
    actions,
    /** Calls `gateway` from now on (null: stops acting). */
    connect(target: { gateway: string; issuer: string } | null): void {
      client = target
        ? createGatewayClient({
            gateway: target.gateway,
            issuer: target.issuer,
            clientId: identity.clientId,
            privateKey: identity.privateKey,
            purpose: identity.purpose ?? 'GIAI_QUYET_TTHC',
            endUser: `can-bo-${identity.agency.slice(0, 16)}`,
          })
        : null
    },
    get connected(): boolean {
      return client !== null
    },
    /** Told of a message it applied: acts on the dossier in the background (the acknowledgement does not wait). */
    applied(code: string): void {
      const gateway = client
      if (!gateway || busy.has(code)) return
      busy.add(code)
      act(gateway, code)
        .catch((error: unknown) => note(code, 'act', 0, error instanceof Error ? error.message : String(error)))
        .finally(() => busy.delete(code))
    },
    /** A desk receives a new dossier with one part, accepts it and transfers it to `to`; in the background. */
    startDossier(request: { procedure: string; to: string }): string | null {
      const gateway = client
      if (!gateway || identity.role !== 'desk') return null
      const code = `SBX.${crypto.randomUUID().slice(0, 6).toUpperCase()}-20261204-${String(actions.length + 1).padStart(4, '0')}`
      void (async () => {
        const sha256 = await gateway.upload(new TextEncoder().encode(`Đơn đề nghị (bản quét) ${code}`))
        const input = {
          code,
          procedure: request.procedure,
          channel: 'ONLINE',
          applicantPin: SANDBOX_APPLICANT,
          parts: [{ name: 'Đơn đề nghị', copyType: 'ORIGINAL', sha256 }],
        }
        const submitted = await sendOperation(gateway, code, 'submit', { query: SUBMIT_MUTATION, variables: { input } })
        if (submitted.version === null) return
        const accepted = await send(gateway, { step: 'accept', code, note: 'Hồ sơ hợp lệ' }, submitted.version)
        if (accepted.version === null) return
        await send(gateway, { step: 'transfer', code, note: 'Chuyển cơ quan giải quyết', to: request.to }, accepted.version)
      })().catch((error: unknown) => note(code, 'start', 0, error instanceof Error ? error.message : String(error)))
      return code
    },
  }
}

export type PartnerActor = ReturnType<typeof createPartnerActor>
