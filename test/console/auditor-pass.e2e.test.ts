/**
 * The console from an auditor's and an operator's pass, in Chromium through the real pages (one
 * gateway, one browser): charts with labelled axes, Vietnam-time hours, a legend and the console's
 * one vocabulary; "today" starting at 00:00 Vietnam time and times shown in it; staff's own reads
 * kept out of the default audit view; Vietnamese validation messages; a confirmation page before a
 * client is suspended; a policy edit previewed, and applied only as previewed; the transparency
 * page with agency names and the period it covers.
 *
 * Vietnam time is computed here with Intl's Asia/Ho_Chi_Minh zone, not with the console's own
 * functions, so the two are checked against each other.
 */
import { randomUUID } from 'node:crypto'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { AuditEvent } from '../../gateway/audit/index.js'
import { STAFF_KINDS } from '../../gateway/admin/console/vocabulary.js'
import { openPolicyStore } from '../../gateway/entry/policies.js'
import { testKeyedHash } from '../harness.js'
import { launchChromium, shoot, unlabelledControls } from './browser.js'
import { AUDITOR, OPERATOR, startConsoleGateway } from './console-gateway.js'

vi.setConfig({ testTimeout: 90_000 })

const AGENCY_NAME = 'Sở Thử nghiệm Hà Nội'
const ZONE = 'Asia/Ho_Chi_Minh'
const DAY = 86_400_000
const desktop = { width: 1280, height: 800 }

/** The wall clock in Vietnam at `ms`, by the platform's time-zone data. */
function vnParts(ms: number) {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
  return Object.fromEntries(format.formatToParts(ms).map((part) => [part.type, part.value])) as Record<
    'year' | 'month' | 'day' | 'hour' | 'minute' | 'second',
    string
  >
}
const vnDate = (ms: number) => {
  const p = vnParts(ms)
  return `${p.day}/${p.month}/${p.year}`
}
const vnDateTime = (ms: number) => {
  const p = vnParts(ms)
  return `${vnDate(ms)} ${p.hour}:${p.minute}:${p.second}`
}
const vnMidnight = (ms: number) => {
  const p = vnParts(ms)
  return Date.parse(`${p.year}-${p.month}-${p.day}T00:00:00+07:00`)
}

let browser: Browser
let env: Awaited<ReturnType<typeof startConsoleGateway>>
let auditor: BrowserContext
let au: Page
let operator: BrowserContext
let op: Page
let todayStart = 0
let deniedRequestId = ''
let grantedRequestId = ''
/** Synthetic events either side of today's 00:00 in Vietnam, with their instants. */
const synthetic = { yesterday: { id: 'tong-hop-hom-qua', at: 0 }, today: { id: 'tong-hop-hom-nay', at: 0 } }

async function record(at: number, fields: Partial<AuditEvent>) {
  const id = randomUUID()
  await env.gw.writer!.record({
    v: 1,
    id,
    at: new Date(at).toISOString(),
    kind: 'access.graphql',
    requestId: id,
    instance: 'test',
    decision: 'granted',
    status: 200,
    subjects: [],
    latencyMs: 1,
    ...fields,
  })
}

async function dataRequest(purpose: string | null) {
  const token = await env.gw.identity.token()
  const res = await fetch(`${env.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(purpose ? { 'x-purpose': purpose } : {}) },
    body: JSON.stringify({ query: `{ citizen(pin: "${env.gw.world.examples.representativePin}") { name { full } } }` }),
  })
  await res.text()
  return res.headers.get('x-request-id') ?? ''
}

async function logIn(page: Page, account: { name: string; password: string }) {
  await page.goto(`${env.url}/admin/login`)
  await page.fill('#name', account.name)
  await page.fill('#password', account.password)
  await Promise.all([page.waitForURL(/\/admin\/(agencies|audit)/), page.click('button[type=submit] >> text=/Đăng nhập|Log in/')])
}

const policyStore = () => openPolicyStore(env.db)
const versionCount = async () => (await policyStore().list()).length
const cells = (page: Page, column: number) => page.locator(`#events tbody tr td:nth-child(${column})`).allTextContents()

beforeAll(async () => {
  browser = await launchChromium()
  env = await startConsoleGateway({ agencyName: AGENCY_NAME })
  const now = Date.now()
  todayStart = vnMidnight(now)
  // Another agency's reads either side of today's 00:00 in Vietnam: which day each falls in is
  // what a UTC day would get wrong for half of every day.
  synthetic.yesterday.at = todayStart - 30 * 60_000
  synthetic.today.at = todayStart + 30 * 60_000
  await record(synthetic.yesterday.at, {
    agency: 'so-khac',
    requestId: synthetic.yesterday.id,
    subjects: ['y1', 'y2', 'y3'].map(testKeyedHash).sort(),
  })
  await record(synthetic.today.at, { agency: 'so-khac', requestId: synthetic.today.id, subjects: ['t1', 't2'].map(testKeyedHash).sort() })
  // An agency no longer in the policies, which read 40 days ago: inside a 90-day period, not a 30-day one.
  await record(now - 40 * DAY, { agency: 'so-cu', requestId: 'doc-40-ngay-truoc' })
  grantedRequestId = await dataRequest('KIEM_THU')
  deniedRequestId = await dataRequest(null)
  const [denied] = await env.db.query<{ decision: string; code: string }>('select decision, code from audit_events where request_id = $1', [deniedRequestId])
  expect(denied).toEqual({ decision: 'denied', code: 'PURPOSE_REQUIRED' })
  auditor = await browser.newContext({ viewport: desktop })
  au = await auditor.newPage()
  await logIn(au, AUDITOR)
  operator = await browser.newContext({ viewport: desktop })
  op = await operator.newPage()
  await logIn(op, OPERATOR)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await env?.close()
})

describe('charts', () => {
  it('have a count axis, a time axis in Vietnam hours, the period, a legend and a table', async () => {
    const before = Date.now()
    await au.goto(`${env.url}/admin/audit/charts`)
    const after = Date.now()
    await shoot(au, 'charts-axes-desktop')
    const chart = au.locator('#chart-decisions')
    expect(await chart.locator('[data-axis=y]').textContent()).toContain('Số yêu cầu')
    expect(await chart.locator('[data-axis=y] text').first().textContent()).toBe('0')
    expect(await chart.locator('[data-axis=x]').textContent()).toContain('Giờ (giờ Việt Nam, UTC+7)')
    // The last interval is the current hour, labelled as a Vietnamese clock shows it.
    const last = chart.locator('[data-axis=x] [data-tick-time]').last()
    expect([`${vnParts(before).hour}:00`, `${vnParts(after).hour}:00`]).toContain(await last.textContent())
    expect(await last.getAttribute('data-tick-time')).toMatch(/\+07:00$/)
    expect(await chart.locator('figcaption .period').textContent()).toMatch(
      /^Từ \d\d\/\d\d\/\d{4} \d\d:\d\d đến \d\d\/\d\d\/\d{4} \d\d:\d\d \(giờ Việt Nam, UTC\+7\)$/,
    )
    expect(await chart.locator('[data-legend=granted]').textContent()).toBe('Cho phép')
    expect(await chart.locator('[data-legend=denied]').textContent()).toBe('Từ chối')
    expect(Number(await chart.locator('rect[data-series=denied]').first().getAttribute('data-value'))).toBeGreaterThanOrEqual(1)
    expect(await chart.locator('details table').count()).toBe(1)
    // Agencies by name (and id, which the log is searched by).
    expect(await au.locator('#chart-agencies [data-legend=test-agency]').textContent()).toBe(`${AGENCY_NAME} (test-agency)`)
    expect(await au.locator('#chart-totals [data-axis=x]').textContent()).toContain('Số yêu cầu')
  })

  it('count "today" from 00:00 Vietnam time', async () => {
    await au.goto(`${env.url}/admin/audit/charts`)
    const unusual = au.locator('#chart-unusual')
    expect(await unusual.locator('figcaption .period').textContent()).toContain(`từ 00:00 ngày ${vnDate(Date.now())} (giờ Việt Nam, UTC+7)`)
    // Today: the two subjects read after 00:00; the three read at 23:30 were yesterday (median 0).
    const bar = unusual.locator('[data-bar="so-khac (0)"]')
    expect(await bar.locator('[data-value]').getAttribute('data-value')).toBe('2')
  })
})

describe('the audit explorer', () => {
  it('"today" starts at 00:00 Vietnam time, and times are shown in Vietnam time', async () => {
    await au.goto(`${env.url}/admin/audit`)
    expect(await au.textContent('#time-note')).toContain('UTC+7')
    expect(await au.textContent('#events thead')).toContain('Thời điểm (giờ VN)')
    await Promise.all([au.waitForURL(/from=/), au.click('#range-today')])
    expect(await au.inputValue('#from')).toBe(vnDate(Date.now()))
    const ids = await cells(au, 9)
    expect(ids).toContain(synthetic.today.id)
    expect(ids).toContain(grantedRequestId)
    expect(ids).not.toContain(synthetic.yesterday.id)
    const row = au.locator('#events tbody tr', { hasText: synthetic.today.id })
    expect(await row.locator('td').first().textContent()).toBe(vnDateTime(synthetic.today.at))
    expect(await row.locator('time').getAttribute('datetime')).toBe(new Date(synthetic.today.at).toISOString())

    // A date alone as "to" covers that whole day, in Vietnam time: yesterday, up to 23:59:59.
    await au.goto(`${env.url}/admin/audit`)
    await au.fill('#agency', 'so-khac')
    await au.fill('#to', vnDate(todayStart - DAY))
    await Promise.all([au.waitForURL(/to=/), au.click('button[type=submit] >> text=/Lọc|Filter/')])
    expect(await cells(au, 9)).toEqual([synthetic.yesterday.id])
  })

  it("leaves staff's own successful actions out by default, keeps their refusals, with one choice to include them", async () => {
    // A failed console login is a staff event, refused: what an auditor looks for first.
    expect((await env.login({ name: 'khong-co-ai', password: 'khong-phai-mat-khau' })).status).toBe(401)
    await au.goto(`${env.url}/admin/audit?limit=500`)
    const staffKinds: readonly string[] = STAFF_KINDS
    const rows = await au
      .locator('#events tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.children[1]?.textContent ?? '', tr.children[5]?.getAttribute('data-decision') ?? '']))
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.filter(([kind, decision]) => staffKinds.includes(kind!) && decision === 'ok')).toEqual([])
    expect(rows).toContainEqual(['admin.action', 'unauthenticated'])
    expect(await au.inputValue('#scope')).toBe('requests')
    expect(await au.textContent('#scope-note')).toContain('ẩn thao tác của cán bộ')
    await Promise.all([au.waitForURL(/scope=all/), au.click('#show-staff')])
    const all = await cells(au, 2)
    expect(all).toContain('audit.searched')
    expect(all).toContain('access.graphql')

    await au.selectOption('#scope', 'staff')
    await Promise.all([au.waitForURL(/scope=staff/), au.click('button[type=submit] >> text=/Lọc|Filter/')])
    const staff = await cells(au, 2)
    expect(staff.length).toBeGreaterThan(0)
    expect(staff.filter((kind) => !staffKinds.includes(kind))).toEqual([])
    // The export follows the same view.
    const exported = await (await au.request.get(`${env.url}/admin/audit/export?format=jsonl`)).text()
    const exportedKinds = new Set(
      exported
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as AuditEvent).kind),
    )
    const exportedStaff = exported
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent)
      .filter((event) => staffKinds.includes(event.kind))
    expect(exportedStaff.filter((event) => event.decision === 'ok')).toEqual([])
    expect(exportedKinds.has('access.graphql')).toBe(true)
  })

  it('names decisions and codes with the same words in the filters, the table and the charts', async () => {
    await au.goto(`${env.url}/admin/audit`)
    const deniedWord = await au.locator('#decision option[value=denied]').textContent()
    const codeWords = await au.locator('#code option[value=PURPOSE_REQUIRED]').textContent()
    expect(deniedWord).toBe('Từ chối')
    expect(codeWords).toBe('Thiếu mục đích (PURPOSE_REQUIRED)')
    await au.fill('#requestId', deniedRequestId)
    await au.selectOption('#decision', 'denied')
    await Promise.all([au.waitForURL(/requestId=/), au.click('button[type=submit] >> text=/Lọc|Filter/')])
    expect(await cells(au, 6)).toEqual([deniedWord])
    expect(await cells(au, 7)).toEqual([codeWords])
    expect(await cells(au, 3)).toEqual([`${AGENCY_NAME} (test-agency)`])

    await au.goto(`${env.url}/admin/audit/charts`)
    expect(await au.locator('#chart-decisions [data-legend=denied]').textContent()).toBe(deniedWord)
    expect(await au.locator(`#chart-refusals [data-bar="${codeWords}"]`).count()).toBe(1)
  })

  it('explains mistakes in Vietnamese beside their fields, and never puts a PIN-like value in the address or the page', async () => {
    const notAPin = '00108500010'
    await au.goto(`${env.url}/admin/audit`)
    await au.fill('#from', '31/02/2026')
    await au.fill('#subject', notAPin)
    await au.fill('#limit', '9999')
    const [response] = await Promise.all([au.waitForResponse((r) => r.request().method() === 'POST'), au.click('button[type=submit] >> text=/Lọc|Filter/')])
    expect(response.status()).toBe(400)
    await shoot(au, 'audit-validation-desktop')
    expect(await au.textContent('#problem-from')).toBe(
      'Từ ngày/giờ: ngày giờ không hợp lệ — nhập dạng 31/12/2026, 2026-12-31 hoặc 31/12/2026 08:30 (giờ Việt Nam)',
    )
    expect(await au.textContent('#problem-subject')).toContain('số định danh gồm đúng 12 chữ số')
    expect(await au.textContent('#problem-limit')).toBe('Số dòng: phải là số nguyên từ 1 đến 500')
    expect(await au.getAttribute('#from', 'aria-invalid')).toBe('true')
    expect(await au.getAttribute('#from', 'aria-describedby')).toContain('problem-from')
    expect(au.url()).not.toContain(notAPin)
    expect(await au.content()).not.toContain(notAPin)
    expect(await unlabelledControls(au)).toEqual([])

    // "From" after "To", by hand in the address: the same words.
    const reversed = await au.goto(`${env.url}/admin/audit?from=04%2F12%2F2026&to=01%2F12%2F2026`)
    expect(reversed?.status()).toBe(400)
    expect(await au.textContent('#problem-to')).toBe('Đến hết ngày/giờ: “Từ” phải trước “Đến”')

    // The language the console is read in decides: the same mistake in English.
    const english = await browser.newContext({ viewport: desktop })
    const page = await english.newPage()
    await page.goto(`${env.url}/admin/login?lang=en`)
    await logIn(page, AUDITOR)
    await page.fill('#from', 'yesterday')
    await page.click('button[type=submit] >> text=/Filter/')
    expect(await page.textContent('#problem-from')).toContain('not a valid date or time')
    await english.close()
  })
})

describe('suspending a client', () => {
  it('goes through a page naming the agency and the client; only the confirmed post suspends', async () => {
    const token = await env.gw.identity.token(env.victim)
    const versions = await versionCount()
    await op.goto(`${env.url}/admin/agencies`)
    await Promise.all([op.waitForURL(/\/admin\/agencies\/suspend\?agency=test-agency&client=victim-client$/), op.click('button[aria-label$="victim-client"]')])
    await shoot(op, 'suspend-confirm-desktop')
    const confirm = await op.textContent('#suspend-confirm')
    expect(confirm).toContain(`Tạm dừng ứng dụng victim-client của ${AGENCY_NAME} (mã cơ quan test-agency)?`)
    expect(confirm).toContain('bị từ chối (401)')
    expect(await op.evaluate(() => document.querySelector('#suspend-confirm form')?.getAttribute('method'))).toBe('post')
    // Nothing has changed yet.
    expect(await versionCount()).toBe(versions)
    expect(
      (
        await fetch(`${env.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'KIEM_THU' },
          body: '{"query":"{ __typename }"}',
        })
      ).status,
    ).toBe(200)

    const csrf = await op.inputValue('#suspend-confirm input[name=_csrf]')
    const form = { agency: 'test-agency', client: 'victim-client', suspended: 'true' }
    // The agencies page's old single post, without the confirmation: answered with the confirmation page.
    const unconfirmed = await op.request.post(`${env.url}/admin/agencies/suspend`, {
      headers: { origin: env.url },
      form: { _csrf: csrf, ...form },
      maxRedirects: 0,
    })
    expect(unconfirmed.status()).toBe(200)
    expect(unconfirmed.headers()['cache-control']).toBe('no-store')
    expect(await unconfirmed.text()).toContain('id="suspend-confirm"')
    // A confirmation for another client does not confirm this one.
    const mismatched = await op.request.post(`${env.url}/admin/agencies/suspend`, {
      headers: { origin: env.url },
      form: { _csrf: csrf, ...form, confirm: 'test-agency/test-client' },
      maxRedirects: 0,
    })
    expect(mismatched.status()).toBe(200)
    // The confirmation without the session's CSRF token: refused.
    const forged = await op.request.post(`${env.url}/admin/agencies/suspend`, {
      headers: { origin: env.url },
      form: { ...form, confirm: 'test-agency/victim-client' },
      maxRedirects: 0,
    })
    expect(forged.status()).toBe(403)
    expect(await versionCount()).toBe(versions)

    await Promise.all([op.waitForURL(/applied=/), op.click('#confirm-suspend')])
    expect(await op.textContent('tr[data-client="victim-client"]')).toContain('Tạm dừng')
    expect(await versionCount()).toBe(versions + 1)
    const refused = await fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'KIEM_THU' },
      body: '{"query":"{ __typename }"}',
    })
    expect(refused.status).toBe(401)
  })

  it('refuses a key that is not JSON in Vietnamese', async () => {
    await op.goto(`${env.url}/admin/agencies`)
    const row = op.locator('tr[data-client="victim-client"]')
    await row.locator('summary').click()
    await row.locator('textarea').fill('không phải JSON')
    await row.locator('button >> text=/Thêm khóa/').click()
    expect(await op.textContent('main [role=alert]')).toBe('Khóa JWK: không phải JSON hợp lệ.')
  })
})

describe('the transparency page', () => {
  it('names agencies, states its period (30 days by default) and offers others', async () => {
    const context = await browser.newContext({ viewport: desktop })
    const page = await context.newPage()
    const res = await page.goto(`${env.url}/transparency`)
    expect(res?.status()).toBe(200)
    await shoot(page, 'transparency-period-desktop')
    expect(await page.inputValue('#days')).toBe('30')
    expect(await page.textContent('#period')).toMatch(
      new RegExp(
        `^Số liệu từ 00:00 ngày ${vnDate(todayStart - 29 * DAY).replace(/\//g, '\\/')} đến \\d\\d\\/\\d\\d\\/\\d{4} \\d\\d:\\d\\d \\(giờ Việt Nam, UTC\\+7\\)\\.$`,
      ),
    )
    const agencies = await page.locator('#per-agency tbody td:first-child').allTextContents()
    expect(agencies).toContain(AGENCY_NAME)
    expect(agencies).not.toContain('test-agency')
    expect(agencies).not.toContain('so-cu')
    await page.selectOption('#days', '90')
    await Promise.all([page.waitForURL(/days=90/), page.click('#period-form button')])
    expect(await page.locator('#per-agency tbody td:first-child').allTextContents()).toContain('so-cu')
    expect(await page.textContent('#period')).toContain(`từ 00:00 ngày ${vnDate(todayStart - 89 * DAY)}`)
    const bad = await page.goto(`${env.url}/transparency?days=5`)
    expect(bad?.status()).toBe(400)
    expect(await page.textContent('main')).toContain('Khoảng thời gian không hợp lệ')
    await context.close()
  })
})

describe('editing a policy', () => {
  it('explains a bad edit in Vietnamese, keeping the validator’s words', async () => {
    await op.goto(`${env.url}/admin/policies/edit?file=agencies/test-agency.yaml`)
    const original = await op.inputValue('#text')
    // A field the schema does not have, beside the grant's other fields.
    await op.fill('#text', original.replace(/^( *)- Citizen\.\*$/m, '$1- Citizen.*\n$1- Citizen.noSuchField'))
    const versions = await versionCount()
    const [response] = await Promise.all([op.waitForResponse((r) => r.request().method() === 'POST'), op.click('#edit-form button[type=submit]')])
    expect(response.status()).toBe(422)
    const problem = op.locator('.problem[role=alert]', { hasText: 'noSuchField' })
    expect(await problem.textContent()).toContain('Kiểu Citizen không có trường noSuchField trong lược đồ — ')
    expect(await problem.textContent()).toContain('Citizen has no field noSuchField')
    // Every problem of the edit is in Vietnamese first, the validator's sentence after it.
    for (const text of await op.locator('.problem[role=alert]').allTextContents()) expect(text).not.toMatch(/: Nội dung không hợp lệ — /)
    expect(await versionCount()).toBe(versions)
  })

  it('previews the diff first; a confirmation after the active version moved is refused with the new diff; the confirmed preview applies', async () => {
    const store = policyStore()
    await op.goto(`${env.url}/admin/policies/edit?file=agencies/test-agency.yaml`)
    const original = await op.inputValue('#text')
    expect(original).toContain(`name: ${AGENCY_NAME}\n`)
    await op.fill('#text', original.replace(`name: ${AGENCY_NAME}\n`, `name: ${AGENCY_NAME} (đã sửa)\n`))
    await op.fill('#message', 'đổi tên hiển thị')
    const base = (await store.activeVersion())!
    await Promise.all([op.waitForSelector('#preview-diff'), op.click('#edit-form button[type=submit]')])
    await shoot(op, 'policy-preview-desktop')
    expect(await op.textContent('#preview-valid')).toContain('Hợp lệ')
    expect(await op.textContent('#preview-against')).toBe(`Thay đổi so với phiên bản đang dùng ${base}`)
    expect(await op.locator('#preview-diff .del').allTextContents()).toEqual([`-name: ${AGENCY_NAME}\n`])
    expect(await op.locator('#preview-diff .add').allTextContents()).toEqual([`+name: ${AGENCY_NAME} (đã sửa)\n`])
    expect(await store.activeVersion()).toBe(base)
    expect(await op.inputValue('#apply-form input[name=base]')).toBe(String(base))

    // What the preview carries is what applies: the same post with another text is refused.
    const fields = Object.fromEntries(
      await Promise.all(
        ['_csrf', 'file', 'text', 'message', 'base', 'digest'].map(async (name) => [name, await op.inputValue(`#apply-form input[name=${name}]`)]),
      ),
    ) as Record<string, string>
    expect(fields.text).toBe(original.replace(`name: ${AGENCY_NAME}\n`, `name: ${AGENCY_NAME} (đã sửa)\n`))
    const tampered = await op.request.post(`${env.url}/admin/policies/apply`, {
      headers: { origin: env.url },
      form: { ...fields, text: fields.text!.replace('(đã sửa)', '(khác)') },
      maxRedirects: 0,
    })
    expect(tampered.status()).toBe(409)
    expect(await tampered.text()).toContain('khác với bản đã xem trước')
    const { _csrf: _, ...withoutToken } = fields
    expect((await op.request.post(`${env.url}/admin/policies/apply`, { headers: { origin: env.url }, form: withoutToken, maxRedirects: 0 })).status()).toBe(403)
    expect(await store.activeVersion()).toBe(base)

    // Meanwhile someone else (the CLI) applies another change.
    const active = (await store.active())!
    const purposes = active.files.find((f) => f.name === 'purposes.yaml')!
    const other = await store.apply(
      [
        ...active.files.filter((f) => f.name !== 'purposes.yaml'),
        { name: 'purposes.yaml', text: purposes.text.replace('test suite only', 'test suite only (sửa từ CLI)') },
      ],
      { author: 'cli:test' },
    )
    expect(other.version).toBe(base + 1)

    const [stale] = await Promise.all([op.waitForResponse((r) => r.url().endsWith('/admin/policies/apply')), op.click('#confirm-apply')])
    expect(stale.status()).toBe(409)
    expect(await op.textContent('#preview-notice')).toContain(`đã đổi từ ${base} sang ${base + 1}`)
    expect(await op.textContent('#preview-against')).toBe(`Thay đổi so với phiên bản đang dùng ${base + 1}`)
    // The new diff is against the new version: only this edit, not a reversal of the other.
    expect(await op.locator('#preview-diff .del').allTextContents()).toEqual([`-name: ${AGENCY_NAME}\n`])
    expect(await store.activeVersion()).toBe(base + 1)
    // The trail records the refused confirmation as such, not as the preview shown in its place.
    const staleId = stale.headers()['x-request-id']
    const [staleEvent] = await env.db.query<{ body: string }>('select body from audit_events where request_id = $1', [staleId])
    expect(JSON.parse(staleEvent!.body)).toMatchObject({ status: 409, detail: { action: 'policy.apply_stale', base, active: base + 1 } })

    await Promise.all([op.waitForURL(/\/admin\/policies\/apply$/), op.click('#confirm-apply')])
    expect(await op.textContent('p.ok[role=status]')).toBe(`Đã áp dụng phiên bản ${base + 2}.`)
    const applied = (await store.active())!
    expect(applied.version).toBe(base + 2)
    expect(applied.files.find((f) => f.name === 'agencies/test-agency.yaml')?.text).toContain(`name: ${AGENCY_NAME} (đã sửa)\n`)
    expect(applied.files.find((f) => f.name === 'purposes.yaml')?.text).toContain('(sửa từ CLI)')
    const version = await store.get(base + 2)
    expect(version).toMatchObject({ author: `operator:${OPERATOR.name}`, message: 'đổi tên hiển thị' })
  })
})
