import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { decodeReceipt, receiptAuditHash, verifyReceipt, type ReceiptVerdict } from '../../verify/index.js'
import { parseConfig } from '../config.js'
import { openDatabase } from '../entry/database.js'
import { readKeyHistory } from './key-history.js'
import { verifyUsage } from './usage.js'

interface Check {
  name: 'receipt' | 'key' | 'signature' | 'response' | 'request' | 'audit'
  ok: boolean
  detail: string
}

/** Whether the audit event the receipt names is in the trail and records this receipt. */
async function auditCheck(receipt: string): Promise<Check> {
  const claims = decodeReceipt(receipt)?.claims
  if (!claims) return { name: 'audit', ok: false, detail: 'no receipt to look up' }
  const db = await openDatabase(parseConfig(process.env))
  try {
    const rows = await db.query<{ body: string }>('select body from audit_events where id = $1', [claims.audit_event])
    const body = rows[0] ? (JSON.parse(rows[0].body) as { receipt?: string }) : undefined
    if (!body) return { name: 'audit', ok: false, detail: `no audit event ${claims.audit_event} in the trail (removed by retention, or never recorded)` }
    const expected = await receiptAuditHash(receipt)
    if (body.receipt !== expected) return { name: 'audit', ok: false, detail: `audit event ${claims.audit_event} records another receipt` }
    return { name: 'audit', ok: true, detail: `audit event ${claims.audit_event} records this receipt (run \`lgsp audit verify\` to check its chain)` }
  } finally {
    await db.close()
  }
}

function describe(verdict: ReceiptVerdict): Check[] {
  const order: Check['name'][] = ['receipt', 'key', 'signature', 'response', 'request']
  if (verdict.ok) {
    return [
      { name: 'signature', ok: true, detail: `signed by the gateway under key ${verdict.kid} at ${new Date(verdict.claims.iat * 1000).toISOString()}` },
      { name: 'response', ok: true, detail: `the answer is the one given (status ${verdict.claims.status}, request ${verdict.claims.request_id})` },
    ]
  }
  return order
    .slice(0, order.indexOf(verdict.failed))
    .map<Check>((name) => ({ name, ok: true, detail: 'ok' }))
    .concat({ name: verdict.failed, ok: false, detail: verdict.reason })
}

/** `lgsp verify`: checks a kept answer and its receipt, offline or against the trail. */
export async function verifyCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      response: { type: 'string' },
      receipt: { type: 'string' },
      request: { type: 'string' },
      keys: { type: 'string' },
      audit: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    strict: true,
  })
  if (!values.response) {
    process.stderr.write(`Usage:\n${verifyUsage}`)
    return 2
  }
  const response = await readFile(values.response)
  const receipt = values.receipt ? (await readFile(values.receipt, 'utf8')).trim() : undefined
  const request = values.request ? JSON.parse(await readFile(values.request, 'utf8')) : undefined
  const verdict = await verifyReceipt({
    response: new Uint8Array(response),
    keys: await readKeyHistory(values.keys),
    ...(receipt !== undefined ? { receipt } : {}),
    ...(request !== undefined ? { request } : {}),
  })
  const checks = describe(verdict)
  if (verdict.ok && request !== undefined) checks.push({ name: 'request', ok: true, detail: 'the request is the one answered' })
  const kept =
    receipt ??
    (() => {
      try {
        return (JSON.parse(response.toString('utf8')) as { extensions?: { receipt?: string } }).extensions?.receipt
      } catch {
        return undefined
      }
    })()
  if (verdict.ok && values.audit && kept) checks.push(await auditCheck(kept))
  const ok = checks.every((check) => check.ok)
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ok, checks, claims: 'claims' in verdict ? verdict.claims : undefined }, null, 2)}\n`)
  } else {
    for (const check of checks) process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}\n`)
    process.stdout.write(`${ok ? 'VERIFIED' : 'NOT VERIFIED'}\n`)
  }
  return ok ? 0 : 1
}
