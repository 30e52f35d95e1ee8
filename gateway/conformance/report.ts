/**
 * The conformance report: what was run against which system under which contract, every case with
 * its evidence, signed by the gateway (a JWS with a detached payload, RFC 7515 Appendix F, over the
 * report's canonical JSON), so the province can check a report a vendor hands in was made by its
 * own kit and not edited since; and its HTML rendering, in Vietnamese by default.
 */
import { base64url, canonicalJson, fromBase64url, verifyEs256 } from '../../verify/index.js'
import { webSignatureCrypto, type PushSigningKey, type SignatureCrypto } from '../../connectors/index.js'
import { CONTRACT_VERSION } from '../contract/index.js'
import type { CaseResult, ConformanceRole } from './run.js'

export const REPORT_TYPE = 'lgsp-conformance+jws'

export interface ConformanceReport {
  kind: 'lgsp-conformance-report'
  contractVersion: string
  /** The partner agency whose system was tested, as its policy document names it: signed, so a report clears only that agency. */
  agency: string | null
  role: ConformanceRole
  wire: string
  target: string
  startedAt: string
  finishedAt: string
  deadlineMs: number
  cases: CaseResult[]
  summary: { passed: number; failed: number }
  /** Every case passed. */
  green: boolean
}

export interface SignedReport extends ConformanceReport {
  /** A compact JWS whose payload (the report without this member, as canonical JSON) is detached. */
  signature: string
}

export function buildReport(input: Omit<ConformanceReport, 'kind' | 'contractVersion' | 'summary' | 'green'>): ConformanceReport {
  const passed = input.cases.filter((c) => c.verdict === 'pass').length
  const failed = input.cases.length - passed
  return { kind: 'lgsp-conformance-report', contractVersion: CONTRACT_VERSION, ...input, summary: { passed, failed }, green: failed === 0 && passed > 0 }
}

const encoder = new TextEncoder()

/** Signs the report under the gateway's key. */
export async function signReport(report: ConformanceReport, key: PushSigningKey, primitives: SignatureCrypto = webSignatureCrypto): Promise<SignedReport> {
  const header = base64url(encoder.encode(JSON.stringify({ alg: 'ES256', kid: key.kid, typ: REPORT_TYPE, b64: true })))
  const payload = base64url(encoder.encode(canonicalJson(report)))
  const signature = base64url(await primitives.es256(key.privateKey, `${header}.${payload}`))
  return { ...report, signature: `${header}..${signature}` }
}

export type ReportVerdict = { ok: true; kid: string; current: true } | { ok: true; kid: string; current: false; reason: string } | { ok: false; reason: string }

/**
 * Checks a report: its signature under one of `keys` (the gateway's key history), over the report
 * as it now reads; then whether it was made under the contract in force (`current: false` flags a
 * report for an older contract, which the vendor must run again).
 */
export async function verifyReport(
  value: unknown,
  keys: ReadonlyArray<{ kid?: string; kty?: string; crv?: string; x?: string; y?: string }>,
): Promise<ReportVerdict> {
  if (value === null || typeof value !== 'object' || typeof (value as { signature?: unknown }).signature !== 'string') {
    return { ok: false, reason: 'not a signed conformance report (no signature member)' }
  }
  const { signature, ...report } = value as SignedReport
  const parts = signature.split('.')
  const [head, detached, sig] = parts
  if (parts.length !== 3 || head === undefined || detached !== '' || sig === undefined)
    return { ok: false, reason: 'the signature is not a compact JWS with a detached payload' }
  let header: { alg?: string; kid?: string; typ?: string }
  try {
    header = JSON.parse(new TextDecoder().decode(fromBase64url(head)))
  } catch {
    return { ok: false, reason: "the signature's header is unreadable" }
  }
  if (header.alg !== 'ES256' || header.typ !== REPORT_TYPE || typeof header.kid !== 'string')
    return { ok: false, reason: 'the signature is not an ES256 conformance-report JWS' }
  const jwk = keys.find((k) => k.kid === header.kid && k.kty === 'EC' && k.crv === 'P-256')
  if (!jwk) return { ok: false, reason: `no key ${header.kid} among the keys given: use the gateway's key history` }
  const valid = await verifyEs256(jwk, `${head}.${base64url(encoder.encode(canonicalJson(report)))}`, sig)
  if (!valid)
    return {
      ok: false,
      reason: `the signature does not verify under key ${header.kid}: the report was changed after it was signed, or not signed by this gateway`,
    }
  if (report.contractVersion !== CONTRACT_VERSION) {
    return {
      ok: true,
      kid: header.kid,
      current: false,
      reason: `made under contract ${report.contractVersion}; the contract in force is ${CONTRACT_VERSION}: run the kit again`,
    }
  }
  return { ok: true, kid: header.kid, current: true }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const WORDS = {
  vi: {
    title: 'Báo cáo kiểm thử tuân thủ LGSP',
    role: { desk: 'Bộ phận một cửa', department: 'Hệ thống chuyên ngành', portal: 'Cổng Dịch vụ công' },
    target: 'Hệ thống được kiểm thử',
    contract: 'Phiên bản hợp đồng tích hợp',
    when: 'Thời gian',
    green: 'ĐẠT: mọi trường hợp đều đạt',
    red: 'KHÔNG ĐẠT',
    pass: 'Đạt',
    fail: 'Không đạt',
    fix: 'Cần sửa',
    case: 'Trường hợp',
    verdict: 'Kết quả',
    seen: 'Ghi nhận',
    signed: 'Báo cáo được ký bởi LGSP; kiểm tra bằng',
  },
  en: {
    title: 'LGSP conformance report',
    role: { desk: 'One-stop desk', department: 'Department system', portal: 'Public-service portal' },
    target: 'System under test',
    contract: 'Contract version',
    when: 'Run',
    green: 'PASSED: every case passed',
    red: 'FAILED',
    pass: 'Pass',
    fail: 'Fail',
    fix: 'To fix',
    case: 'Case',
    verdict: 'Verdict',
    seen: 'Seen',
    signed: 'Signed by the LGSP gateway; check it with',
  },
} as const

/** The report as one HTML page (no scripts, no outside resources), Vietnamese unless asked otherwise. */
export function renderReportHtml(report: ConformanceReport, lang: 'vi' | 'en' = 'vi'): string {
  const w = WORDS[lang]
  const rows = report.cases
    .map(
      (c) =>
        `<tr class="${c.verdict}"><td>${escapeHtml(lang === 'vi' ? c.titleVi : c.title)}<br><code>${escapeHtml(c.id)}</code></td><td>${c.verdict === 'pass' ? w.pass : w.fail}</td><td>${escapeHtml(c.message)}${c.fix ? `<p><strong>${w.fix}:</strong> ${escapeHtml(c.fix)}</p>` : ''}</td></tr>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${w.title}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:.4rem;vertical-align:top;text-align:left}tr.fail td{background:#fde8e8}tr.pass td:nth-child(2){color:#0a6b2a}.green{color:#0a6b2a}.red{color:#a01515}</style>
</head><body>
<h1>${w.title}</h1>
<p class="${report.green ? 'green' : 'red'}"><strong>${report.green ? w.green : `${w.red}: ${report.summary.failed}/${report.cases.length}`}</strong></p>
<dl><dt>${w.target}</dt><dd>${escapeHtml(report.target)} (${escapeHtml(w.role[report.role])}, ${escapeHtml(report.wire)})</dd>
<dt>${w.contract}</dt><dd>${escapeHtml(report.contractVersion)}</dd>
<dt>${w.when}</dt><dd>${escapeHtml(report.startedAt)} → ${escapeHtml(report.finishedAt)}</dd></dl>
<table><thead><tr><th>${w.case}</th><th>${w.verdict}</th><th>${w.seen}</th></tr></thead><tbody>
${rows}
</tbody></table>
<p>${w.signed} <code>lgsp conformance verify</code>.</p>
</body></html>
`
}
