/**
 * The console's dossier-flow page: operators see deliveries per receiving system, the dead
 * letters with their reasons and the overdue dossiers per agency, and redeliver a dead letter
 * only on a confirmed request; auditors do not get the page; every view and redelivery is audited.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildReport, createReportStore, signReport } from '../../gateway/conformance/index.js'
import { AUDITOR, OPERATOR, startConsoleGateway } from './console-gateway.js'

let env: Awaited<ReturnType<typeof startConsoleGateway>>
let operator: Awaited<ReturnType<typeof env.session>>
let deadId = ''

beforeAll(async () => {
  env = await startConsoleGateway()
  operator = await env.session(OPERATOR)
  const { store, outbox } = env.exchange
  // A dossier due yesterday, held by the desk; its first message to the portal refused for good.
  await store.submit(
    { code: 'G09.20-20261201-0000001', procedure: '1.004227', channel: 1, applicant: '001085000101', dueAt: new Date(Date.now() - 86_400_000).toISOString() },
    { actor: 'test-agency' },
  )
  const [message] = await outbox.claim(10)
  await outbox.failed(message!.id, 'portal: refused (HTTP 400): {"error_code":-1,"message":"NoiDungXuLy: too long"}', { permanent: true })
  deadId = message!.id
}, 60_000)
afterAll(async () => {
  await env?.close()
})

const page = (cookie: string) => fetch(`${env.url}/admin/exchange`, { headers: { cookie } })
const redeliver = (fields: Record<string, string>) =>
  fetch(`${env.url}/admin/exchange/redeliver`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: env.url, cookie: operator.cookie },
    body: new URLSearchParams({ _csrf: operator.csrf, ...fields }),
  })

it('shows the operator each receiver, the dead letter with its reason, and the overdue dossier', async () => {
  const res = await page(operator.cookie)
  expect(res.status).toBe(200)
  const html = await res.text()
  expect(html).toContain('Luân chuyển hồ sơ liên thông')
  expect(html).toContain('Cổng Dịch vụ công quốc gia')
  expect(html).toContain('NoiDungXuLy: too long')
  expect(html).toContain(`name="id" value="${deadId}"`)
  expect(html).toContain('G09.20-20261201-0000001')
  expect(html).toContain('Hồ sơ quá hạn theo cơ quan đang giữ')
  expect(html).toMatch(/href="\/admin\/exchange"/)
})

it('shows each partner’s latest conformance report, its contract flagged when older', async () => {
  const reports = createReportStore(env.db)
  const base = buildReport({
    agency: 'test-agency',
    role: 'department',
    wire: 'opencps',
    target: 'http://127.0.0.1:9/o/rest',
    startedAt: '',
    finishedAt: '2026-12-04T08:00:00.000Z',
    deadlineMs: 3000,
    cases: [],
  })
  const key = env.gw.identity.keys.signingKey()
  await reports.record(
    'test-agency',
    await signReport({ ...base, contractVersion: '2026-11-20', green: true, summary: { passed: 9, failed: 0 } }, key),
    'cli:kiem-thu',
  )
  const html = await (await page(operator.cookie)).text()
  expect(html).toContain('Kiểm thử tuân thủ của hệ thống đối tác')
  expect(html).toContain('http://127.0.0.1:9/o/rest (department, opencps)')
  expect(html).toContain('2026-11-20 (cũ, cần kiểm thử lại)')
  expect(html).toContain('Đạt (9/9)')
})

it('is not an auditor’s page', async () => {
  const auditor = await env.session(AUDITOR)
  expect((await page(auditor.cookie)).status).toBe(403)
})

it('redelivers only on a confirmed request, once, and records it', async () => {
  expect((await redeliver({ id: deadId })).status).toBe(400)
  expect((await redeliver({ id: 'not-an-id', confirm: 'yes' })).status).toBe(400)
  expect((await env.exchange.outbox.deadLetters()).map((d) => d.id)).toEqual([deadId])
  const done = await redeliver({ id: deadId, confirm: 'yes' })
  expect(done.status).toBe(303)
  expect(await env.exchange.outbox.deadLetters()).toEqual([])
  expect((await redeliver({ id: deadId, confirm: 'yes' })).status).toBe(409)
  await env.gw.writer!.flush()
  const events = await env.db.query<{ body: string }>("select body from audit_events where kind = 'admin.action' and body like '%exchange.redelivered%'")
  expect(events.length).toBe(2)
  expect(events.map((e) => JSON.parse(e.body).actor)).toEqual([`operator:${OPERATOR.name}`, `operator:${OPERATOR.name}`])
})
