/**
 * The conformance run: the province's side played against a vendor's receiving system, case by
 * case, each with a verdict, its evidence and, when it fails, what the vendor's engineer must fix.
 */
import { partnerWire, type PushSigningKey, type WireName } from '../../connectors/index.js'
import { FLOWS, flowMessages, kitDossierCode } from './flows.js'
import { CALLBACK_CASES, runCallbackCases, type CallbackOptions } from './callback.js'
import type { CaseResult } from './case-result.js'
import { foreignKey, push, type PushAttempt, type Pusher, type Spoil } from './push.js'

export type { CaseResult } from './case-result.js'

export type ConformanceRole = 'desk' | 'department' | 'portal'

/** The wire each role speaks unless told otherwise: the portal has its own, every other system the contract's. */
export const DEFAULT_WIRE: Record<ConformanceRole, WireName> = { desk: 'canonical', department: 'canonical', portal: 'portal' }

export interface RunOptions {
  role: ConformanceRole
  /** The receiving system's base URL (the wire adds its path). */
  target: string
  wire?: WireName
  /** The gateway's signing key: the receiver checks pushes against the gateway's published keys. */
  key: PushSigningKey
  /** How long the gateway waits for an acknowledgement. @default 3000 */
  deadlineMs?: number
  /** Told of each case as it ends (progress on the terminal). */
  onCase?: (result: CaseResult, index: number, total: number) => void
  fetch?: typeof fetch
  now?: () => Date
  /**
   * The cases where the system calls the gateway (desk and department roles): the kit's relay
   * the system calls through, and the kit's own client playing the province's side.
   */
  callback?: Omit<CallbackOptions, 'role' | 'target' | 'code' | 'fetch'>
}

/** What the target tells of what it applied, when it offers it (the sandboxes do, at `/__sandbox/received`). */
type Observed = { applied: Array<{ messageId: string }>; duplicates: number } | null

async function observe(target: string, fetcher: typeof fetch): Promise<Observed> {
  try {
    const res = await fetcher(new URL('/__sandbox/received', target), { signal: AbortSignal.timeout(2000) })
    if (!res.ok) return null
    const body = (await res.json()) as Observed
    return body && Array.isArray(body.applied) ? body : null
  } catch {
    return null
  }
}

const evidenceOf = (step: string, attempt: PushAttempt) => ({
  step,
  url: attempt.url,
  status: attempt.status,
  ms: attempt.ms,
  outcome: attempt.outcome.ok ? 'acknowledged' : `${attempt.outcome.permanent ? 'refused' : 'failed'}: ${attempt.outcome.error}`,
  answer: attempt.answer,
})

/** The signature cases: each spoils a fresh, otherwise valid message one way. */
const SIGNATURE_CASES: ReadonlyArray<{ spoil: Exclude<Spoil, 'none'>; id: string; title: string; titleVi: string; what: string }> = [
  {
    spoil: 'unsigned',
    id: 'refuses-unsigned',
    title: 'refuses a push with no signature',
    titleVi: 'Từ chối bản tin không có chữ ký',
    what: 'without a signature',
  },
  {
    spoil: 'tampered-body',
    id: 'refuses-tampered-body',
    title: 'refuses a push whose body was changed after signing',
    titleVi: 'Từ chối bản tin bị sửa sau khi ký',
    what: 'whose body no longer matches its Content-Digest',
  },
  {
    spoil: 'wrong-key',
    id: 'refuses-wrong-key',
    title: 'refuses a push signed with a key the gateway does not publish',
    titleVi: 'Từ chối bản tin ký bằng khóa không do LGSP công bố',
    what: "signed with a key that is not in the gateway's JWKS (same kid, other key)",
  },
  {
    spoil: 'expired',
    id: 'refuses-expired',
    title: 'refuses a push whose signature has expired',
    titleVi: 'Từ chối bản tin có chữ ký đã hết hạn',
    what: 'whose signature expired (its `expires` is in the past)',
  },
  {
    spoil: 'other-target',
    id: 'refuses-replayed-to-another-system',
    title: 'refuses a push signed for another system (replayed)',
    titleVi: 'Từ chối bản tin ký cho hệ thống khác (phát lại)',
    what: 'signed for another @target-uri, as a push captured elsewhere and replayed here would be',
  },
]

/**
 * Runs every case against the receiving system at `options.target` and returns the results in
 * order. The system must be reachable; what it answers is judged by the rules the gateway reads
 * answers with (`readAnswer`): 2xx read by the wire, 401 a refused signature, another 4xx a payload
 * refused for good.
 */
export async function runConformance(options: RunOptions): Promise<CaseResult[]> {
  const fetcher = options.fetch ?? fetch
  const now = options.now ?? (() => new Date())
  const deadlineMs = options.deadlineMs ?? 3000
  const wire = partnerWire(options.wire ?? DEFAULT_WIRE[options.role])
  const pusher: Pusher = { target: options.target, wire, key: options.key, timeoutMs: Math.max(10_000, deadlineMs * 3), fetch: fetcher }
  const run = crypto.randomUUID().replace(/-/g, '').slice(0, 8)
  const callback = options.callback && options.role !== 'portal' ? { ...options.callback, role: options.role } : null
  const total = 4 + SIGNATURE_CASES.length + (callback ? CALLBACK_CASES.length : 0)
  const results: CaseResult[] = []
  const record = (result: CaseResult) => {
    results.push(result)
    options.onCase?.(result, results.length, total)
  }

  // 1. Every step of the state machine, in legal order, each acknowledged.
  const flows = FLOWS.map((steps, i) => flowMessages(kitDossierCode(run, i), steps, now()))
  const timings: number[] = []
  const evidence: unknown[] = []
  let firstFailure: string | undefined
  for (const message of flows.flat()) {
    const attempt = await push(pusher, message)
    timings.push(attempt.ms)
    evidence.push(evidenceOf(message.step, attempt))
    if (!attempt.outcome.ok && !firstFailure) firstFailure = `${message.step} (dossier ${message.dossier}, step ${message.seq}): ${attempt.outcome.error}`
  }
  const steps = new Set(flows.flat().map((m) => m.step)).size
  record({
    id: 'acknowledges-every-step',
    title: 'acknowledges every kind of step message',
    titleVi: 'Xác nhận mọi loại bản tin bước xử lý',
    verdict: firstFailure ? 'fail' : 'pass',
    message: firstFailure ? `not acknowledged: ${firstFailure}` : `${evidence.length} messages of ${steps} kinds, all acknowledged`,
    ...(firstFailure
      ? { fix: `Accept and acknowledge every valid, signed step message the contract defines (${wire.name} wire: ${acknowledgement(wire.name)}).` }
      : {}),
    evidence,
  })

  // 2. Within the deadline the gateway waits for.
  const slowest = Math.max(...timings)
  record({
    id: 'answers-within-deadline',
    title: `answers within the gateway's deadline (${deadlineMs} ms)`,
    titleVi: `Trả lời trong thời hạn LGSP chờ (${deadlineMs} ms)`,
    verdict: slowest <= deadlineMs ? 'pass' : 'fail',
    message: `slowest answer ${slowest} ms, median ${median(timings)} ms`,
    ...(slowest > deadlineMs
      ? {
          fix: `Answer within ${deadlineMs} ms: acknowledge once the message is stored, and do the work after answering; a late answer is a failed delivery, retried.`,
        }
      : {}),
    evidence: [{ slowestMs: slowest, medianMs: median(timings), deadlineMs }],
  })

  // 3. A redelivery: acknowledged again, applied once.
  const first = flows[0]![0]!
  const before = await observe(options.target, fetcher)
  const again = await push(pusher, first)
  const after = await observe(options.target, fetcher)
  const appliedTimes = after ? after.applied.filter((m) => m.messageId === first.messageId).length : null
  const dedupOk = again.outcome.ok && (appliedTimes === null || appliedTimes === 1)
  record({
    id: 'deduplicates-redelivery',
    title: 'acknowledges a redelivered message and applies it once',
    titleVi: 'Bản tin gửi lại được xác nhận và chỉ áp dụng một lần',
    verdict: dedupOk ? 'pass' : 'fail',
    message: !again.outcome.ok
      ? `the redelivery was not acknowledged: ${again.outcome.error}`
      : appliedTimes === null
        ? 'the redelivery was acknowledged (the system does not show what it applied, so applying once could not be observed)'
        : `the redelivery was acknowledged; message applied ${appliedTimes} time(s)`,
    ...(dedupOk
      ? {}
      : {
          fix: 'Deduplicate on the Idempotency-Key (the message id): the gateway delivers at least once, so a message already applied must be acknowledged again and change nothing.',
        }),
    evidence: [evidenceOf(first.step, again), { appliedTimes, duplicatesBefore: before?.duplicates ?? null, duplicatesAfter: after?.duplicates ?? null }],
  })

  // 4. The signature cases, each on a fresh dossier's first message (a receiver may hold any
  // other step of an unknown dossier against it; the first one it must take).
  const foreign = await foreignKey(options.key.kid)
  for (const [i, spec] of SIGNATURE_CASES.entries()) {
    const [message] = flowMessages(kitDossierCode(run, 10 + i), ['submit'], now())
    const attempt = await push(pusher, message!, spec.spoil, { foreign })
    const refused = attempt.status === 401 && !attempt.outcome.ok
    record({
      id: spec.id,
      title: spec.title,
      titleVi: spec.titleVi,
      verdict: refused ? 'pass' : 'fail',
      message: refused
        ? 'refused with 401'
        : `a push ${spec.what} was answered ${attempt.status ?? 'with nothing'}${attempt.outcome.ok ? ' and acknowledged' : ''}`,
      ...(refused
        ? {}
        : {
            fix: `Check every push before acting on it: its Content-Digest against the body, then its RFC 9421 signature (label lgsp, tag lgsp-exchange, covering @method, @target-uri, content-digest, content-type and idempotency-key) under the gateway's published keys, its expiry and that @target-uri is your own endpoint; answer 401 when any of it fails.`,
          }),
      evidence: [evidenceOf(message!.step, attempt)],
    })
  }

  // 5. A payload that breaks the contract, correctly signed: refused for good.
  const [valid] = flowMessages(kitDossierCode(run, 20), ['submit'], now())
  const malformedBody = wire.encode(valid!).split(valid!.dossier).join('KHONG HOP LE')
  const malformed = await push(pusher, valid!, 'none', { body: malformedBody })
  const permanent = !malformed.outcome.ok && malformed.outcome.permanent === true
  record({
    id: 'refuses-malformed-payload',
    title: 'refuses a payload that breaks the contract, with the documented error',
    titleVi: 'Từ chối bản tin sai cấu trúc với mã lỗi theo quy định',
    verdict: permanent ? 'pass' : 'fail',
    message: permanent
      ? `refused with ${malformed.status}: ${malformed.outcome.ok ? '' : malformed.outcome.error}`
      : `a malformed payload (an invalid dossier code) was answered ${malformed.status ?? 'with nothing'}${malformed.outcome.ok ? ' and acknowledged' : ', which the gateway reads as a failure to retry'}`,
    ...(permanent
      ? {}
      : { fix: `Refuse a payload that breaks the contract with ${refusal(wire.name)}, so the gateway stops retrying it and sets it aside for an operator.` }),
    evidence: [evidenceOf('malformed', malformed)],
  })

  // 6. The system's own calls: steps back under the state machine, documents, 429 and 503.
  if (callback) {
    for (const result of await runCallbackCases({ ...callback, target: options.target, code: kitDossierCode(run, 30), fetch: fetcher })) record(result)
  }
  return results
}

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

function acknowledgement(wire: WireName): string {
  switch (wire) {
    case 'igate':
      return '200 with error_code "0"'
    case 'opencps':
      return '200 with status SUCCESS'
    case 'soap':
      return '200 with KetQua 1'
    case 'portal':
      return '200 with error_code 0'
    default:
      return 'any 2xx'
  }
}

function refusal(wire: WireName): string {
  return wire === 'soap' ? 'a soap:Client fault' : 'a 4xx other than 401, 408 or 429 (400 or 422)'
}
