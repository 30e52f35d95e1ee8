/**
 * The kit's relay: the vendor's system is pointed at it instead of the gateway for a run. It
 * forwards every call to the gateway and notes what it was (the step, its dossier, its
 * Idempotency-Key and expectedVersion) and what the gateway answered, and it plays the gateway's
 * bad moments on purpose: the vendor's first step answered 429, then 503 when sent again, each
 * with Retry-After, and the first download of a document the kit names changed in transit.
 */
import { type DocumentNode, Kind, type OperationDefinitionNode, parse, valueFromASTUntyped } from 'graphql'
import { STEP_FIELDS } from '../../connectors/index.js'

const STEP_MUTATION_FIELDS: ReadonlySet<string> = new Set(Object.values(STEP_FIELDS))

export interface RelayedCall {
  /** When the call arrived and when it was answered, ms on the kit's clock. */
  at: number
  answeredAt: number
  method: string
  path: string
  /** The mutation it called (a dossier step), if any. */
  field: string | null
  /** The dossier it named (`code`, or `input.code` for a submission). */
  code: string | null
  /** The agency a transfer named. */
  to: string | null
  idempotencyKey: string | null
  /** The version the step said it saw; null when it gave none. */
  expectedVersion: number | null
  status: number
  /** The first GraphQL error's code and message. */
  error: { code: string; message: string } | null
  /** What the kit answered or changed itself instead of the gateway. */
  injected: 'rate-limited' | 'unavailable' | 'corrupted' | null
  retryAfter: number | null
}

export interface RelayPlan {
  /** Retry-After (s) of the 429 the vendor's first step gets. */
  rateLimitedRetryAfterS: number
  /** Retry-After (s) of the 503 the same step gets when sent again. */
  unavailableRetryAfterS: number
  /** Documents whose first download the kit changes (one bit of the first byte). */
  corruptOnce: Set<string>
  /**
   * Set by the kit when it hands the system the dossier under test: only from then on, and only
   * on a dossier step (on that dossier, once known), is a call answered 429 and 503. Before, the
   * system may be acknowledging messages or working on other dossiers.
   */
  armed?: boolean
  dossier?: string
}

interface StepInfo {
  field: string
  code: string | null
  to: string | null
  expectedVersion: number | null
}

/** The first mutation field of a GraphQL request and the arguments that matter, or null. */
export function stepOf(body: string): StepInfo | null {
  let request: { query?: unknown; variables?: unknown; operationName?: unknown }
  let document: DocumentNode
  try {
    request = JSON.parse(body) as typeof request
    if (typeof request.query !== 'string') return null
    document = parse(request.query)
  } catch {
    return null
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
  const operation = operations.find((o) => o.name?.value === request.operationName) ?? operations[0]
  if (operation?.operation !== 'mutation') return null
  const field = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD)
  if (field?.kind !== Kind.FIELD) return null
  const variables = request.variables !== null && typeof request.variables === 'object' ? (request.variables as Record<string, unknown>) : {}
  const args = Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)]))
  const input = args.input !== null && typeof args.input === 'object' ? (args.input as Record<string, unknown>) : {}
  const code = typeof args.code === 'string' ? args.code : typeof input.code === 'string' ? input.code : null
  return {
    field: field.name.value,
    code,
    to: typeof args.to === 'string' ? args.to : null,
    expectedVersion: typeof args.expectedVersion === 'number' ? args.expectedVersion : null,
  }
}

/**
 * Headers that describe one hop, not the message: never copied across the relay, nor any header
 * a `Connection` header names. `expect` too: the relay reads the whole body before forwarding.
 */
const HOP_HEADERS = [
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-authorization',
  'proxy-authenticate',
  'proxy-connection',
]
const copyHeaders = (from: Headers, direction: 'request' | 'response') => {
  const skip = new Set([...HOP_HEADERS, ...(from.get('connection') ?? '').split(',').map((name) => name.trim().toLowerCase())])
  // fetch hands over an answer's body decoded: its content-encoding no longer describes it.
  if (direction === 'response') skip.add('content-encoding')
  const to = new Headers()
  from.forEach((value, name) => {
    if (!skip.has(name)) to.set(name, value)
  })
  return to
}

/** What a vendor's system may call through the relay: the routes of the contract, nothing else. */
const RELAYED = /^(?:\/graphql|\/oauth\/token|\/v1\/blobs\/[0-9a-f]{64}|\/\.well-known\/[a-z0-9.-]+)$/

/** The exchange's own refusals, whose messages the gateway composes: nothing of the request in them. */
const OWN_WORDS = new Set([
  'INVALID_TRANSITION',
  'FORBIDDEN',
  'VERSION_CONFLICT',
  'IDEMPOTENCY_CONFLICT',
  'NOT_FOUND',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'UNAUTHENTICATED',
  'PAYLOAD_TOO_LARGE',
])

/** An error as the report may keep it: another code's message can echo the request (an applicant's PIN), so it is withheld. */
export const reportableError = (code: string, message: string) => ({
  code,
  message: OWN_WORDS.has(code) ? message.slice(0, 300) : '(message withheld: it may repeat what the request held)',
})

/** A document part's limit and some room for a request around it. */
const RELAY_BODY_MAX = 11 * 1024 * 1024

const BLOB_PATH = /^\/v1\/blobs\/([0-9a-f]{64})$/

export function createRelay(options: { gateway: string; plan: RelayPlan; fetch?: typeof fetch; now?: () => number }) {
  const fetcher = options.fetch ?? fetch
  const now = options.now ?? (() => Date.now())
  const base = options.gateway.replace(/\/$/, '')
  const calls: RelayedCall[] = []
  const corrupted = new Set<string>()
  let firstStep: string | null = null
  let rateLimited = false
  let unavailable = false

  async function handle(request: Request): Promise<Response> {
    const at = now()
    const url = new URL(request.url)
    const body = request.method === 'GET' || request.method === 'HEAD' ? null : new Uint8Array(await request.arrayBuffer())
    if (body && body.length > RELAY_BODY_MAX)
      return Response.json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'Over the contract’s 10 MB' } }, { status: 413 })
    const step = url.pathname === '/graphql' && body ? stepOf(new TextDecoder().decode(body)) : null
    const call: RelayedCall = {
      at,
      answeredAt: at,
      method: request.method,
      path: url.pathname,
      field: step?.field ?? null,
      code: step?.code ?? null,
      to: step?.to ?? null,
      idempotencyKey: request.headers.get('idempotency-key'),
      expectedVersion: step?.expectedVersion ?? null,
      status: 0,
      error: null,
      injected: null,
      retryAfter: null,
    }
    calls.push(call)
    if (!RELAYED.test(url.pathname)) {
      Object.assign(call, { status: 404, answeredAt: now() })
      return Response.json({ error: { code: 'NOT_FOUND', message: 'The conformance relay passes only the routes of the partner contract' } }, { status: 404 })
    }
    // The system's first step: its first attempt answered 429, its second 503, then forwarded.
    // One step is enough for both, so a system that takes a single step is judged on both.
    const isStep = step !== null && STEP_MUTATION_FIELDS.has(step.field) && options.plan.armed === true
    const stepKey = isStep && (options.plan.dossier === undefined || step.code === options.plan.dossier) ? `${step.field} ${step.code}` : null
    if (stepKey) firstStep ??= stepKey
    const plan = options.plan
    let injected: { status: number; code: string; message: string; retryAfter: number; kind: 'rate-limited' | 'unavailable' } | null = null
    if (stepKey !== null && stepKey === firstStep && !rateLimited) {
      rateLimited = true
      injected = { status: 429, code: 'RATE_LIMITED', message: 'Rate limit exceeded', retryAfter: plan.rateLimitedRetryAfterS, kind: 'rate-limited' }
    } else if (stepKey !== null && stepKey === firstStep && !unavailable) {
      unavailable = true
      injected = { status: 503, code: 'UNAVAILABLE', message: 'Service temporarily unavailable', retryAfter: plan.unavailableRetryAfterS, kind: 'unavailable' }
    }
    if (injected) {
      Object.assign(call, {
        status: injected.status,
        error: { code: injected.code, message: injected.message },
        injected: injected.kind,
        retryAfter: injected.retryAfter,
        answeredAt: now(),
      })
      return Response.json(
        { errors: [{ message: injected.message, extensions: { code: injected.code } }] },
        { status: injected.status, headers: { 'retry-after': String(injected.retryAfter) } },
      )
    }
    let answer: Response
    try {
      answer = await fetcher(`${base}${url.pathname}${url.search}`, {
        method: request.method,
        headers: copyHeaders(request.headers, 'request'),
        ...(body ? { body } : {}),
        signal: AbortSignal.timeout(30_000),
      })
    } catch (error) {
      Object.assign(call, { status: 502, error: { code: 'RELAY', message: error instanceof Error ? error.message : String(error) }, answeredAt: now() })
      return Response.json(
        { errors: [{ message: 'The conformance kit could not reach the gateway', extensions: { code: 'UPSTREAM_UNAVAILABLE' } }] },
        { status: 502 },
      )
    }
    let bytes = new Uint8Array(await answer.arrayBuffer())
    const blob = BLOB_PATH.exec(url.pathname)?.[1]
    if (blob && request.method === 'GET' && answer.status === 200 && plan.corruptOnce.has(blob) && !corrupted.has(blob) && bytes.length > 0) {
      corrupted.add(blob)
      bytes = Uint8Array.from(bytes)
      bytes[0] = bytes[0]! ^ 0x01
      call.injected = 'corrupted'
    }
    call.status = answer.status
    call.retryAfter = answer.headers.get('retry-after') === null ? null : Number(answer.headers.get('retry-after'))
    if (step) call.error = errorOf(bytes)
    call.answeredAt = now()
    return new Response(bytes, { status: answer.status, headers: copyHeaders(answer.headers, 'response') })
  }

  return { handle, calls }
}

export type Relay = ReturnType<typeof createRelay>

function errorOf(bytes: Uint8Array): { code: string; message: string } | null {
  try {
    const body = JSON.parse(new TextDecoder().decode(bytes)) as { errors?: Array<{ message?: string; extensions?: { code?: string } }> }
    const first = body.errors?.[0]
    return first ? reportableError(first.extensions?.code ?? 'UNKNOWN', first.message ?? '') : null
  } catch {
    return { code: 'UNREADABLE', message: 'the answer was not JSON' }
  }
}
