/**
 * The cases where the vendor's system calls the gateway: the kit plays the province's side of a
 * real dossier through the real gateway (with its own client: a desk when it tests a department,
 * a department when it tests a desk), the vendor's system calls through the kit's relay, and the
 * relay's notes are judged: every step allowed by the state machine, keyed and versioned as the
 * contract says, the documents fetched by hash and checked, and the gateway's 429 and 503 waited
 * out as Retry-After asked.
 */
import { newIdempotencyKey, stepOperation, SUBMIT_MUTATION, versionAfter, type GatewayClient, type StepRequest } from '../../connectors/index.js'
import type { Relay, RelayedCall, RelayPlan } from './relay.js'
import type { CaseResult } from './case-result.js'

export interface CallbackOptions {
  role: 'desk' | 'department'
  /** The vendor's system, for the sandboxes' controls (`/__sandbox/act`, `/__sandbox/start-dossier`). */
  target: string
  relay: Relay
  plan: RelayPlan
  /** Where the vendor's system must call for the run, and the gateway's issuer it must name. */
  relayUrl: string
  issuer: string
  /** The kit's own client at the gateway: the province's side of the dossier. */
  counterpart: GatewayClient
  /** The vendor system's agency (a department is transferred the dossier; a desk transfers it to the kit). */
  vendorAgency: string
  procedure: string
  /** A dossier code for the kit's dossier (department role). */
  code: string
  /** How long the vendor's system has to take its steps. @default 60000 */
  waitMs?: number
  /** Told what to do by hand when the system is not a sandbox the kit can steer. */
  onInstruction?: (text: string) => void
  fetch?: typeof fetch
  now?: () => number
}

/** The step the vendor's system ends its part with. */
const FINAL_STEP = { department: 'finishDossier', desk: 'returnDossierResult' } as const
/** Time for steps sent right after the final one (which must be judged too). */
const SETTLE_MS = 1500
/** A timer may fire a little early; a retry this close to Retry-After counts as waiting it. */
const TIMER_SLACK_MS = 50
const STATE_MACHINE_REFUSAL = /^(INVALID_TRANSITION|FORBIDDEN)$/
const SF_STRING = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*"$/

const SYNTHETIC_APPLICANT = '001085000101'

/** A step call of `field` (on `code`, when given) the gateway took. */
const succeeded = (field: string, code: string | null) => (c: RelayedCall) =>
  c.field === field && (code === null || c.code === code) && c.status === 200 && c.error === null

/** The ids of the cases, in the order they run. */
export const CALLBACK_CASES = [
  'fetches-documents-by-hash',
  'checks-fetched-documents',
  'follows-state-machine',
  'keys-steps-for-idempotency',
  'sends-expected-version',
  'honours-retry-after-429',
  'honours-retry-after-503',
] as const

export async function runCallbackCases(options: CallbackOptions): Promise<CaseResult[]> {
  const fetcher = options.fetch ?? fetch
  const now = options.now ?? (() => Date.now())
  const waitMs = options.waitMs ?? 60_000
  const sandbox = (path: string, method: string, body: unknown) =>
    fetcher(new URL(path, options.target), {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    }).then(
      (res) => res,
      () => null,
    )
  const connected = await sandbox('/__sandbox/act', 'PUT', { gateway: options.relayUrl, issuer: options.issuer })
  const steerable = connected?.status === 200
  if (!steerable)
    options.onInstruction?.(
      `Point your system's gateway URL at ${options.relayUrl} (issuer ${options.issuer}) for this run; the kit relays its calls to the gateway.`,
    )
  try {
    const flow = options.role === 'department' ? await departmentFlow() : await deskFlow()
    return judge(flow)
  } finally {
    if (steerable) await sandbox('/__sandbox/act', 'PUT', { gateway: null })
  }

  /** Waits until `done` holds, then `SETTLE_MS` more; or until the wait is over. */
  async function waitFor(done: () => boolean, withinMs: number): Promise<boolean> {
    const until = now() + withinMs
    while (!done() && now() < until) await new Promise((resolve) => setTimeout(resolve, 100))
    if (!done()) return false
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    // A call still in flight is judged by its answer, not as one without an error.
    const inFlight = now() + 10_000
    while (options.relay.calls.some((c) => c.status === 0) && now() < inFlight) await new Promise((resolve) => setTimeout(resolve, 50))
    return true
  }

  /** The kit's own step, straight to the gateway; throws with the gateway's words when refused. */
  async function kitStep(request: StepRequest | { submit: Record<string, unknown> }, label: string): Promise<number> {
    const operation = 'submit' in request ? { query: SUBMIT_MUTATION, variables: { input: request.submit } } : stepOperation(request)
    const answer = await options.counterpart.step(operation, newIdempotencyKey())
    const version = versionAfter(answer)
    if (answer.error || version === null) throw new Error(`${label}: ${answer.error?.code ?? answer.status} ${answer.error?.message ?? ''}`)
    return version
  }

  async function document(text: string): Promise<string> {
    const sha256 = await options.counterpart.upload(new TextEncoder().encode(text))
    options.plan.corruptOnce.add(sha256)
    return sha256
  }

  /** A department: the kit's desk receives, accepts and transfers a dossier with one part to it. */
  async function departmentFlow(): Promise<Flow> {
    const code = options.code
    try {
      const sha256 = await document(`Tờ khai kiểm thử tương thích ${code}`)
      const submitted = await kitStep(
        {
          submit: {
            code,
            procedure: options.procedure,
            channel: 'ONLINE',
            applicantPin: SYNTHETIC_APPLICANT,
            parts: [{ name: 'Tờ khai', copyType: 'ORIGINAL', sha256 }],
          },
        },
        'submitting the test dossier',
      )
      const accepted = await kitStep({ step: 'accept', code, note: 'Kiểm thử tương thích', expectedVersion: submitted }, 'accepting it')
      options.plan.dossier = code
      options.plan.armed = true
      const handedAt = now()
      await kitStep({ step: 'transfer', code, note: 'Kiểm thử tương thích', to: options.vendorAgency, expectedVersion: accepted }, 'transferring it')
      const done = await waitFor(() => options.relay.calls.some(succeeded(FINAL_STEP.department, code)), waitMs)
      return { code, parts: [sha256], handedAt, done }
    } catch (error) {
      return { code, parts: [], handedAt: now(), done: false, setup: error instanceof Error ? error.message : String(error) }
    }
  }

  /** A desk: it receives a dossier and transfers it to the kit's department, which finishes it with a result part. */
  async function deskFlow(): Promise<Flow> {
    let counterpartAgency: string
    try {
      counterpartAgency = await options.counterpart.agency()
    } catch (error) {
      return { code: null, parts: [], handedAt: now(), done: false, setup: error instanceof Error ? error.message : String(error) }
    }
    options.plan.armed = true
    const started = steerable ? await sandbox('/__sandbox/start-dossier', 'POST', { procedure: options.procedure, to: counterpartAgency }) : null
    if (started?.status !== 202)
      options.onInstruction?.(
        `In your system, receive a dossier of procedure ${options.procedure}, accept it and transfer it to ${counterpartAgency}; the kit waits ${Math.round(waitMs / 1000)} s.`,
      )
    const transferred = () => options.relay.calls.find((c) => succeeded('transferDossier', null)(c) && c.to === counterpartAgency)
    if (!(await waitFor(() => transferred() !== undefined, waitMs))) {
      return {
        code: null,
        parts: [],
        handedAt: now(),
        done: false,
        setup: `no dossier was transferred to ${counterpartAgency} within ${Math.round(waitMs / 1000)} s`,
      }
    }
    const code = transferred()!.code!
    try {
      const dossier = await options.counterpart.dossier(code)
      if (!dossier) throw new Error(`the kit's department cannot see dossier ${code}`)
      const sha256 = await document(`Kết quả giải quyết kiểm thử ${code}`)
      const progressed = await kitStep({ step: 'addProgress', code, note: 'Đang thẩm định', expectedVersion: dossier.version }, 'adding progress')
      const handedAt = now()
      await kitStep(
        { step: 'finish', code, note: 'Đã giải quyết', expectedVersion: progressed, parts: [{ name: 'Kết quả', copyType: 'ELECTRONIC', sha256 }] },
        'finishing it',
      )
      const done = await waitFor(() => options.relay.calls.some(succeeded(FINAL_STEP.desk, code)), waitMs)
      return { code, parts: [sha256], handedAt, done }
    } catch (error) {
      return { code, parts: [], handedAt: now(), done: false, setup: error instanceof Error ? error.message : String(error) }
    }
  }

  function judge(flow: Flow): CaseResult[] {
    const calls = options.relay.calls
    const steps = calls.filter((c) => c.field !== null && (flow.code === null || c.code === flow.code))
    const nextStep = steps.find((c) => c.at > flow.handedAt)
    const evidence = steps.map(stepEvidence)
    const results: CaseResult[] = []
    const add = (
      id: (typeof CALLBACK_CASES)[number],
      title: string,
      titleVi: string,
      failure: string | null,
      passMessage: string,
      fix: string,
      proof: unknown[],
    ) => results.push({ id, title, titleVi, verdict: failure ? 'fail' : 'pass', message: failure ?? passMessage, ...(failure ? { fix } : {}), evidence: proof })

    if (flow.setup || steps.length === 0) {
      const why = flow.setup ? `the kit could not play its side: ${flow.setup}` : `the system took no step within ${Math.round(waitMs / 1000)} s`
      for (const id of CALLBACK_CASES)
        add(
          id,
          titleOf[id][0],
          titleOf[id][1],
          why,
          '',
          flow.setup
            ? "Check the kit's client (--client, --key) holds the grants of the province's side for the procedure."
            : `Call the gateway (here, the kit's relay at ${options.relayUrl}) and take your steps on a dossier you are sent.`,
          evidence,
        )
      return results
    }

    // Documents: each part the kit added fetched by hash before the system's next step, and the
    // changed copy the relay served fetched again (checked against its hash) before acting.
    const downloads = (sha256: string) => calls.filter((c) => c.method === 'GET' && c.path === `/v1/blobs/${sha256}`)
    const before = nextStep?.at ?? Number.POSITIVE_INFINITY
    const missing = flow.parts.filter((sha) => !downloads(sha).some((c) => c.status === 200 && c.at < before))
    add(
      'fetches-documents-by-hash',
      ...titleOf['fetches-documents-by-hash'],
      missing.length
        ? `${missing.length} of ${flow.parts.length} document(s) sent with the dossier were not fetched before the next step (${missing.map((s) => s.slice(0, 12)).join(', ')})`
        : null,
      `every document sent with the dossier (${flow.parts.length}) was fetched by hash before the next step`,
      'Fetch every part a message names from GET /v1/blobs/{sha256} (with your token) before acting on the dossier.',
      flow.parts.map((sha) => ({
        sha256: sha,
        downloads: downloads(sha).map((c) => ({ at: c.at - flow.handedAt, status: c.status, changedByKit: c.injected === 'corrupted' })),
      })),
    )
    const unchecked = flow.parts.filter((sha) => {
      const seen = downloads(sha).filter((c) => c.at < before)
      const changed = seen.findIndex((c) => c.injected === 'corrupted')
      return changed === -1 || !seen.slice(changed + 1).some((c) => c.status === 200 && c.injected === null)
    })
    add(
      'checks-fetched-documents',
      ...titleOf['checks-fetched-documents'],
      unchecked.length ? `a copy of document ${unchecked[0]!.slice(0, 12)} changed in transit was taken: the system acted without fetching it again` : null,
      'the copy changed in transit was noticed and fetched again before acting',
      "Check each fetched document's SHA-256 against the hash in the message; when it differs, fetch it again and never act on a copy that does not match.",
      flow.parts.map((sha) => ({ sha256: sha, downloads: downloads(sha).map((c) => ({ status: c.status, changedByKit: c.injected === 'corrupted' })) })),
    )

    // The state machine: no step refused as not allowed from where the dossier stood (or by who held it).
    const refused = steps.filter((c) => c.error && STATE_MACHINE_REFUSAL.test(c.error.code))
    add(
      'follows-state-machine',
      ...titleOf['follows-state-machine'],
      refused.length ? refused.map((c) => `${c.field} was refused (${c.error!.code}: ${c.error!.message})`).join('; ') : null,
      `${distinctSteps(steps).join(' → ')}: every step allowed${flow.done ? '' : ' (the system had not finished its part when the wait ended)'}`,
      "Take only the steps the contract's transitions table allows from the dossier's status, and only while your agency holds the dossier (read `holder` and `status` in the message).",
      evidence,
    )

    // Idempotency: every step keyed with an RFC 8941 string; a step sent again (after 429/503)
    // under its first key; no key shared by two different steps.
    const keyProblems: string[] = []
    // The gateway's own bounds: 1–255 characters between the quotes.
    const wellFormed = (key: string | null): boolean => key !== null && key.length > 2 && key.length <= 257 && SF_STRING.test(key)
    for (const c of steps)
      if (!wellFormed(c.idempotencyKey))
        keyProblems.push(
          `${c.field} carried ${c.idempotencyKey ? `the key ${c.idempotencyKey.slice(0, 80)}, not an RFC 8941 string of 1–255 characters` : 'no Idempotency-Key'}`,
        )
    for (const [i, c] of steps.entries()) {
      if (!c.injected) continue
      const retry = steps.slice(i + 1).find((r) => r.field === c.field)
      if (retry && retry.idempotencyKey !== c.idempotencyKey) keyProblems.push(`${c.field} was sent again after ${c.status} under a new key`)
    }
    const owners = new Map<string, string>()
    for (const c of steps) {
      if (!c.idempotencyKey) continue
      const owner = owners.get(c.idempotencyKey)
      if (owner && owner !== c.field) keyProblems.push(`${owner} and ${c.field} shared the key ${c.idempotencyKey}`)
      owners.set(c.idempotencyKey, c.field!)
    }
    for (const c of steps) if (c.error?.code === 'IDEMPOTENCY_CONFLICT') keyProblems.push(`${c.field}: ${c.error.message}`)
    add(
      'keys-steps-for-idempotency',
      ...titleOf['keys-steps-for-idempotency'],
      keyProblems.length ? [...new Set(keyProblems)].join('; ') : null,
      `${steps.length} step call(s), each keyed; retries kept their key`,
      'Give each step its own Idempotency-Key (an RFC 8941 string, e.g. a quoted UUID), store it with the step, and send the same key every time that step is sent again.',
      evidence,
    )

    const unversioned = steps.filter((c) => c.field !== 'submitDossier' && c.expectedVersion === null)
    const conflicts = steps.filter((c) => c.error?.code === 'VERSION_CONFLICT')
    add(
      'sends-expected-version',
      ...titleOf['sends-expected-version'],
      unversioned.length
        ? `${[...new Set(unversioned.map((c) => c.field))].join(', ')} sent without expectedVersion`
        : conflicts.length
          ? `${conflicts[0]!.field}: ${conflicts[0]!.error!.message}`
          : null,
      'every step named the version it was decided on, and each matched',
      'Send expectedVersion with every step: the version of the dossier you read (the message carries it), so a step decided on a stale dossier is refused (VERSION_CONFLICT) rather than applied.',
      evidence,
    )

    for (const [id, kind] of [
      ['honours-retry-after-429', 'rate-limited'],
      ['honours-retry-after-503', 'unavailable'],
    ] as const) {
      const index = steps.findIndex((c) => c.injected === kind)
      const answered = steps[index]
      const retry = answered ? steps.slice(index + 1).find((c) => c.field === answered.field) : undefined
      const waited = answered && retry ? retry.at - answered.answeredAt : null
      const asked = (answered?.retryAfter ?? 0) * 1000
      add(
        id,
        ...titleOf[id],
        !answered
          ? kind === 'rate-limited'
            ? 'the system took no step for the kit to answer 429'
            : 'the step answered 429 was not sent again, so the kit could not answer it 503'
          : !retry
            ? `${answered.field} answered ${answered.status} was never sent again`
            : waited! + TIMER_SLACK_MS < asked
              ? `${answered.field} answered ${answered.status} with Retry-After: ${answered.retryAfter} was sent again after ${waited} ms`
              : null,
        `${answered?.field} answered ${answered?.status} with Retry-After: ${answered?.retryAfter} was sent again after ${waited} ms`,
        `On ${kind === 'rate-limited' ? '429' : '503'}, wait the seconds Retry-After gives, then send the same step again with the same Idempotency-Key.`,
        [answered, retry].filter(Boolean).map((c) => stepEvidence(c!)),
      )
    }
    return results
  }
}

interface Flow {
  code: string | null
  /** The documents the kit added, whose first download the relay changes. */
  parts: string[]
  /** When the kit handed the dossier to the system. */
  handedAt: number
  /** The system ended its part within the wait. */
  done: boolean
  /** Why the kit could not play its side. */
  setup?: string
}

const titleOf: Record<(typeof CALLBACK_CASES)[number], [string, string]> = {
  'fetches-documents-by-hash': ['fetches the documents it is sent, by hash', 'Tải các thành phần hồ sơ theo mã băm'],
  'checks-fetched-documents': ['checks a fetched document against its hash', 'Kiểm tra thành phần hồ sơ tải về theo mã băm'],
  'follows-state-machine': ['takes only the steps the state machine allows', 'Chỉ thực hiện bước xử lý hợp lệ theo quy trình'],
  'keys-steps-for-idempotency': [
    'keys every step for idempotency, and keeps the key on retries',
    'Gắn khóa Idempotency-Key cho mỗi bước và giữ nguyên khi gửi lại',
  ],
  'sends-expected-version': ['sends the version each step was decided on', 'Gửi phiên bản hồ sơ (expectedVersion) với mỗi bước'],
  'honours-retry-after-429': ['waits out a 429 as Retry-After asks', 'Chờ theo Retry-After khi bị giới hạn tần suất (429)'],
  'honours-retry-after-503': ['waits out a 503 as Retry-After asks', 'Chờ theo Retry-After khi LGSP tạm ngưng (503)'],
}

const stepEvidence = (c: RelayedCall) => ({
  step: c.field,
  idempotencyKey: c.idempotencyKey,
  expectedVersion: c.expectedVersion,
  status: c.status,
  // The relay keeps a message only where the gateway composed it (reportableError).
  error: c.error ? `${c.error.code}: ${c.error.message}` : null,
  injectedByKit: c.injected,
  retryAfter: c.retryAfter,
  atMs: c.at,
})

function distinctSteps(steps: readonly RelayedCall[]): string[] {
  const seen: string[] = []
  for (const c of steps) if (c.field && seen.at(-1) !== c.field) seen.push(c.field)
  return seen
}
