/**
 * The REST API's reference page on a network without internet: Debian's Chromium loads `/docs`
 * from the gateway with every request off loopback refused, and the page shows every operation of
 * `/openapi.json` and opens one, breaking none of its Content-Security-Policy (every violation is
 * caught by a listener the test puts in the page before its own scripts run) and having a doctype.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DOCUMENTED_ROUTES } from '../../gateway/discovery/index.js'
import { launchChromium, offlinePage, shoot } from '../console/browser.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { serveOnLoopback } from '../serve-loopback.js'

let gw: TestGateway
let browser: Browser
let server: Awaited<ReturnType<typeof serveOnLoopback>>
let origin: string

beforeAll(async () => {
  gw = await createTestGateway()
  server = await serveOnLoopback(gw.app.fetch)
  origin = server.origin
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await gw?.close()
})

it('renders every operation with everything off loopback cut off, within its CSP', async () => {
  const {
    context,
    page,
    refused,
    asked,
    errors: problems,
  } = await offlinePage(browser, origin, {
    // Before any script of the page: every CSP violation, whatever reports it or not to the console.
    init: () => {
      const seen: string[] = []
      Object.assign(window, { cspViolations: seen })
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective}: ${event.blockedURI}`))
    },
  })

  const res = await page.goto(`${origin}/docs`)
  expect(res?.status()).toBe(200)
  const csp = res?.headers()['content-security-policy'] ?? ''
  expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*' 'sha256-[A-Za-z0-9+/]+=*'; style-src 'sha256-/)
  expect(csp).not.toContain('unsafe')
  expect((await res!.text()).slice(0, 15).toLowerCase()).toBe('<!doctype html>')

  // One block per documented operation, each with its method and path.
  await page.locator('.opblock').first().waitFor({ timeout: 30_000 })
  await expect.poll(() => page.locator('.opblock').count(), { timeout: 30_000 }).toBe(DOCUMENTED_ROUTES.length)
  for (const route of DOCUMENTED_ROUTES) {
    const block = page.locator(`.opblock-${route.method}`).filter({ has: page.locator(`[data-path="${route.path}"]`) })
    expect(await block.count(), `${route.method} ${route.path}`).toBe(1)
  }
  // Opening one shows its form fields and its answers; and no "Try it out": the page only reads.
  const token = page.locator('.opblock-post').filter({ has: page.locator('[data-path="/oauth/token"]') })
  await token.locator('.opblock-summary').click()
  await token.getByText('client_assertion_type').first().waitFor({ timeout: 10_000 })
  await token.locator('.responses-table').getByText('temporarily_unavailable').first().waitFor({ timeout: 10_000 })
  expect(await page.locator('.try-out__btn').count()).toBe(0)
  await shoot(page, 'openapi-reference')

  expect(asked.filter((path) => path === '/openapi.json').length).toBeGreaterThan(0)
  expect(refused).toEqual([])
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([])
  expect(problems).toEqual([])
  await context.close()
}, 120_000)
