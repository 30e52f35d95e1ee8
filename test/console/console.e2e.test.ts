/**
 * The console in a real browser: an operator suspends a client and edits a
 * policy, the simulator and real requests follow; an auditor finds that request in the audit
 * log; separation of duties, CSRF and session fixation hold; screenshots of each main view.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { AUDITOR, OPERATOR, startConsoleGateway } from './console-gateway.js'
import { testKeyedHash } from '../harness.js'
import { launchChromium, shoot, unlabelledControls } from './browser.js'
import { CONSOLE_CSP } from '../../gateway/admin/console/index.js'

// A browser on two shared cores: a view can take seconds when the rest of the suite runs beside it.
vi.setConfig({ testTimeout: 90_000 })

let browser: Browser
let env: Awaited<ReturnType<typeof startConsoleGateway>>
let operator: BrowserContext
let op: Page
let forbiddenRequestId = ''
const desktop = { width: 1280, height: 800 }
const phone = { width: 390, height: 844 }

async function logIn(page: Page, account: { name: string; password: string }) {
  await page.goto(`${env.url}/admin/login`)
  await page.fill('#name', account.name)
  await page.fill('#password', account.password)
  await Promise.all([page.waitForURL(/\/admin\/(agencies|audit)/), page.click('button[type=submit] >> text=/Đăng nhập|Log in/')])
}

const query = () => `{ citizen(pin: "${env.gw.world.examples.representativePin}") { pin name { full } } }`
const simulate = (page: Page, run = false) =>
  page
    .goto(`${env.url}/admin/simulator?agency=test-agency&purpose=KIEM_THU${run ? '&run=on' : ''}&query=${encodeURIComponent(query())}`)
    .then(() => page.getAttribute('[data-decision]', 'data-decision'))

beforeAll(async () => {
  browser = await launchChromium()
  env = await startConsoleGateway()
  operator = await browser.newContext({ viewport: desktop })
  op = await operator.newPage()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await env?.close()
})

describe('operator', () => {
  it('logs in (keyboard only, every control labelled) and lands on agencies', async () => {
    await op.goto(`${env.url}/admin/login`)
    await shoot(op, 'login-desktop')
    expect(await unlabelledControls(op)).toEqual([])
    // Skip link, then the nav links, then the form: reach the name field by Tab alone.
    for (let i = 0; i < 12 && (await op.evaluate(() => document.activeElement?.id)) !== 'name'; i++) await op.keyboard.press('Tab')
    await op.keyboard.type(OPERATOR.name)
    await op.keyboard.press('Tab')
    await op.keyboard.type(OPERATOR.password)
    await Promise.all([op.waitForURL(/\/admin\/agencies/), op.keyboard.press('Enter')])
    await shoot(op, 'agencies-desktop')
    expect(await op.textContent('main')).toContain('victim-client')
    expect(await unlabelledControls(op)).toEqual([])
  })

  it('suspends a client after confirming: its token is refused by /graphql at once', async () => {
    const token = await env.gw.identity.token(env.victim)
    expect((await env.graphql(token, query())).status).toBe(200)
    await Promise.all([op.waitForURL(/\/admin\/agencies\/suspend\?/), op.click('button[aria-label$="victim-client"]')])
    await shoot(op, 'suspend-confirm-desktop')
    await Promise.all([op.waitForURL(/applied=/), op.click('#confirm-suspend')])
    expect(await op.textContent('tr[data-client="victim-client"]')).toMatch(/Tạm dừng|Suspended/)
    const refused = await env.graphql(token, query())
    expect(refused.status).toBe(401)
  })

  it('edits a policy: problems shown at their line; then the simulator and a real request both change', async () => {
    const token = await env.gw.identity.token()
    expect(await simulate(op, true)).toBe('allowed')
    expect(await op.textContent('#masked-result')).toContain(env.gw.world.examples.representativePin)
    await shoot(op, 'simulator-desktop')
    expect((await env.graphql(token, query())).body.data?.citizen?.pin).toBe(env.gw.world.examples.representativePin)

    await op.goto(`${env.url}/admin/policies/edit?file=agencies/test-agency.yaml`)
    const original = await op.inputValue('#text')
    expect(original).toContain('- Citizen.*')
    await op.fill('#text', original.replace('- Citizen.*', '- Citizen.noSuchField'))
    await op.click('button[type=submit] >> text=/Kiểm tra và xem trước|Validate and preview/')
    await op.waitForSelector('.problem[role=alert]')
    expect(await op.textContent('pre[aria-label="agencies/test-agency.yaml"]')).toMatch(/Citizen\.noSuchField[\s\S]*↑/)
    await shoot(op, 'policy-problems-desktop')

    // Without Citizen.*, the grant reads no legacy id number, and a grant may not show plainly a
    // class it does not read: both lines go.
    await op.fill('#text', original.replace(/\n\s*- Citizen\.\*/, '').replace(/\n\s*- legacyIdNumber/, ''))
    // Previewed first (the diff against the active version), applied only on the confirmation.
    await Promise.all([op.waitForSelector('#preview-diff'), op.click('button[type=submit] >> text=/Kiểm tra và xem trước|Validate and preview/')])
    await shoot(op, 'policy-preview-desktop')
    expect((await env.graphql(token, query())).body.data?.citizen?.pin).toBe(env.gw.world.examples.representativePin)
    await Promise.all([op.waitForURL(/\/admin\/policies\/apply$/), op.click('#confirm-apply')])
    await op.waitForSelector('p.ok[role=status]')
    expect(await simulate(op)).toBe('refused')
    const denied = await env.graphql(token, query())
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    forbiddenRequestId = denied.requestId
    await op.goto(`${env.url}/admin/policies`)
    await shoot(op, 'policies-desktop')
    await op.goto(`${env.url}/admin/health`)
    await shoot(op, 'health-desktop')
  })

  it('is refused the audit explorer (separation of duties)', async () => {
    const res = await op.goto(`${env.url}/admin/audit`)
    expect(res?.status()).toBe(403)
    expect((await op.goto(`${env.url}/admin/audit/export?format=csv`))?.status()).toBe(403)
  })

  it('refuses a state change without the CSRF token or from another origin', async () => {
    await op.goto(`${env.url}/admin/agencies`)
    // Same origin, with the session cookie, no token: refused by the synchronizer token. (Through
    // the browser context's own requests: the page's policy lets no script of the page fetch.)
    const noToken = await op.request.post(`${env.url}/admin/agencies/suspend`, {
      headers: { origin: env.url },
      form: { agency: 'test-agency', client: 'test-client', suspended: 'true' },
      maxRedirects: 0,
    })
    expect(noToken.status()).toBe(403)
    // The right token, but posted by another origin (a forged form): refused by the Origin check.
    const csrf = await op.inputValue('input[name=_csrf] >> nth=0')
    const cookie = (await operator.cookies()).find((c) => c.name === 'lgsp_admin')!
    const forged = await fetch(`${env.url}/admin/agencies/suspend`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example', cookie: `lgsp_admin=${cookie.value}` },
      body: new URLSearchParams({ _csrf: csrf, agency: 'test-agency', client: 'test-client', suspended: 'true' }),
      redirect: 'manual',
    })
    expect(forged.status).toBe(403)
    expect(cookie.httpOnly && cookie.sameSite === 'Strict').toBe(true)
    expect((await env.graphql(await env.gw.identity.token(), '{ __typename }')).status).toBe(200)
  })
})

describe('session fixation', () => {
  it('a session id planted before login is never the one used after it', async () => {
    const context = await browser.newContext({ viewport: desktop })
    const planted = 'attacker-chosen-session-id-0123456789ab'
    await context.addCookies([{ name: 'lgsp_admin', value: planted, url: env.url, httpOnly: true, sameSite: 'Strict' }])
    const page = await context.newPage()
    await logIn(page, OPERATOR)
    const after = (await context.cookies()).find((c) => c.name === 'lgsp_admin')
    expect(after?.value).toBeTruthy()
    expect(after?.value).not.toBe(planted)
    const withPlanted = await fetch(`${env.url}/admin/agencies`, { headers: { cookie: `lgsp_admin=${planted}` }, redirect: 'manual' })
    expect(withPlanted.status).toBe(303)
    expect(withPlanted.headers.get('location')).toBe('/admin/login')
    // Logging in again replaces the session: the earlier id stops working.
    await logIn(page, OPERATOR)
    const again = (await context.cookies()).find((c) => c.name === 'lgsp_admin')
    expect(again?.value).not.toBe(after?.value)
    expect((await fetch(`${env.url}/admin/agencies`, { headers: { cookie: `lgsp_admin=${after!.value}` }, redirect: 'manual' })).status).toBe(303)
    await context.close()
  })
})

describe('auditor', () => {
  it('searches by a PIN without the PIN reaching the address bar, the history or the page', async () => {
    const context = await browser.newContext({ viewport: desktop })
    const page = await context.newPage()
    await logIn(page, AUDITOR)
    const pin = env.gw.world.examples.representativePin
    await page.fill('#subject', pin)
    await Promise.all([page.waitForURL(/subjectHash=/), page.click('button[type=submit] >> text=/Lọc|Filter/')])
    expect(page.url()).not.toContain(pin)
    expect(page.url()).toContain(`subjectHash=${testKeyedHash(pin)}`)
    // The operator's simulated run read this citizen: found by the hash alone.
    expect(await page.locator('#events tbody tr').count()).toBeGreaterThan(0)
    expect(await page.content()).not.toContain(pin)
    // A PIN put into the address by hand is refused, saying to use the form.
    const typed = await page.goto(`${env.url}/admin/audit?subject=${pin}`)
    expect(typed?.status()).toBe(400)
    expect(await page.textContent('main')).toMatch(/biểu mẫu|search form/)
    await context.close()
  })

  it('filters the audit log down to the refused request and opens it', async () => {
    const context = await browser.newContext({ viewport: desktop })
    const page = await context.newPage()
    await logIn(page, AUDITOR)
    await shoot(page, 'audit-desktop')
    expect(await unlabelledControls(page)).toEqual([])
    await page.fill('#requestId', forbiddenRequestId)
    await page.selectOption('#decision', 'denied')
    await Promise.all([page.waitForURL(/requestId=/), page.click('button[type=submit] >> text=/Lọc|Filter/')])
    const rows = page.locator('#events tbody tr')
    expect(await rows.count()).toBe(1)
    expect(await rows.first().textContent()).toContain('FORBIDDEN')
    await Promise.all([page.waitForURL(/\/admin\/audit\/events\//), rows.first().locator('a').click()])
    expect(await page.textContent('#event')).toContain(forbiddenRequestId)
    await shoot(page, 'audit-event-desktop')
    await page.goto(`${env.url}/admin/audit/charts`)
    expect(await page.locator('svg[role=img]').count()).toBeGreaterThan(0)
    await shoot(page, 'charts-desktop')
    await page.goto(`${env.url}/admin/audit/verify`)
    expect(await page.textContent('#verify-status')).toMatch(/nguyên vẹn|intact/)
    await shoot(page, 'verify-desktop')
    const csv = await (await page.request.get(`${env.url}/admin/audit/export?format=csv&kind=access.graphql`)).text()
    expect(csv.split('\n')[0]).toContain('requestId')
    // An auditor cannot change a policy.
    expect((await page.goto(`${env.url}/admin/policies/edit`))?.status()).toBe(403)
    await context.close()
  })

  it('sees the console in English on request', async () => {
    const context = await browser.newContext({ viewport: desktop })
    const page = await context.newPage()
    await page.goto(`${env.url}/admin/login?lang=en`)
    expect(await page.textContent('h1')).toBe('Log in')
    await page.goto(`${env.url}/admin/login`)
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    await context.close()
  })
})

describe('strict pages', () => {
  it('every page has a doctype and the console policy, and the browser finds nothing it refuses', async () => {
    const context = await browser.newContext({ viewport: desktop })
    const page = await context.newPage()
    const refused: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text())
    })
    const check = async (path: string) => {
      const res = await page.goto(`${env.url}${path}`)
      expect(res?.headers()['content-security-policy'], path).toBe(CONSOLE_CSP)
      expect(await page.evaluate(() => document.compatMode), path).toBe('CSS1Compat')
      expect(await page.evaluate(() => document.doctype?.name), path).toBe('html')
      // The styles applied: the header is laid out as the console's own sheet says.
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('header')!).display), path).toBe('flex')
    }
    await check('/transparency')
    await check('/admin/login')
    await logIn(page, OPERATOR)
    for (const path of ['/admin/agencies', '/admin/policies', '/admin/simulator', '/admin/health']) await check(path)
    expect(refused).toEqual([])
    await context.close()
  })
})

describe('public transparency page and the phone layout', () => {
  it('shows counts per agency and registry without login', async () => {
    const context = await browser.newContext({ viewport: desktop })
    const page = await context.newPage()
    const res = await page.goto(`${env.url}/transparency`)
    expect(res?.status()).toBe(200)
    expect(await page.textContent('main')).toContain('test-agency')
    await shoot(page, 'transparency-desktop')
    await context.close()
  })

  it('fits a 390-px phone without sideways scrolling of the page', async () => {
    const context = await browser.newContext({ viewport: phone, isMobile: true, hasTouch: true })
    const page = await context.newPage()
    await page.goto(`${env.url}/admin/login`)
    await shoot(page, 'login-phone')
    await logIn(page, OPERATOR)
    for (const [path, name] of [
      ['/admin/agencies', 'agencies-phone'],
      ['/admin/simulator', 'simulator-phone'],
      ['/admin/policies/edit', 'policy-edit-phone'],
    ] as const) {
      await page.goto(`${env.url}${path}`)
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width)
      await shoot(page, name)
    }
    const auditorPage = await (await browser.newContext({ viewport: phone, isMobile: true })).newPage()
    await logIn(auditorPage, AUDITOR)
    expect(await auditorPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width)
    await shoot(auditorPage, 'audit-phone')
    await page.goto(`${env.url}/transparency`)
    await shoot(page, 'transparency-phone')
    await context.close()
  })
})
