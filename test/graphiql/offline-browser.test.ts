/**
 * GraphiQL on a network without internet: Debian's Chromium loads the page from the gateway with
 * every request off loopback refused, runs a query with a token, and shows the answer; the page
 * breaks none of its Content-Security-Policy and has a doctype. Then a developer takes a token
 * from the page's development token helper, for an agency with a development client, and runs a
 * query with it, within the same policy.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { launchChromium, offlinePage, shoot } from '../console/browser.js'
import { nodeClientIp } from '../../gateway/entry/rate-limiter.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { serveOnLoopback } from '../serve-loopback.js'
import { agencyDocument } from '../identity.js'
import { TEST_PURPOSE, testPolicySet } from '../policies.js'
import { devAgency } from './dev-agency.js'

let gw: TestGateway
let browser: Browser
let server: Awaited<ReturnType<typeof serveOnLoopback>>
let origin: string

beforeAll(async () => {
  // The test agency (its token typed in), and an agency with a development client (the helper's).
  gw = await createTestGateway({
    policies: (identity) => testPolicySet([agencyDocument('test-agency', [identity.client]), devAgency]),
    clientIp: nodeClientIp,
  })
  server = await serveOnLoopback(gw.app.fetch)
  origin = server.origin
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await gw?.close()
})

/** A page with the network cut off; its problems: CSP refusals in the console, and uncaught errors. */
async function offline() {
  const { context, page, refused, errors } = await offlinePage(browser, origin, { consoleError: (text) => /Content Security Policy|Refused to/i.test(text) })
  return { context, page, refused, problems: errors }
}

/** Types `query` into the operation editor, runs it and answers the response pane's text. */
async function run(page: Page, query: string, expected: string): Promise<string> {
  const queryEditor = page.locator('.monaco-editor[data-uri*="operation"]')
  await queryEditor.click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.press('Delete')
  await page.keyboard.insertText(query)
  await page.locator('button.graphiql-execute-button').click()
  await page.locator('.graphiql-response').getByText(expected).waitFor({ timeout: 30_000 })
  // Monaco lays out with non-breaking spaces: compared as plain text.
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText keeps the editor's line breaks, textContent runs lines together
  return (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ')
}

it('loads and runs a query with everything off loopback cut off, within its CSP', async () => {
  const { context, page, refused, problems } = await offline()
  const res = await page.goto(`${origin}/graphql`)
  expect(res?.status()).toBe(200)
  // GraphiQL's script and the token helper's, each by its hash; nothing else.
  expect(res?.headers()['content-security-policy']).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*' 'sha256-[A-Za-z0-9+/]+=*'; /)
  expect((await res!.text()).slice(0, 15).toLowerCase()).toBe('<!doctype html>')

  const token = await gw.identity.token()
  await page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 })
  // The headers tab, then the query, typed as a person would.
  await page.getByRole('button', { name: 'Headers' }).click()
  const headersEditor = page.locator('.monaco-editor[data-uri*="headers"]')
  await headersEditor.click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.press('Delete')
  await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}`, 'X-Purpose': TEST_PURPOSE }))
  const answer = await run(page, '{ administrativeUnit(code: "01") { code name } }', '"administrativeUnit"')
  await shoot(page, 'graphiql-offline')
  expect(answer).toContain('"administrativeUnit": { "code": "01", "name": "Hà Nội" }')
  expect(refused).toEqual([])
  expect(problems).toEqual([])
  await context.close()
}, 120_000)

it('takes a development token from the page, for an agency with a development client, and runs a query with it', async () => {
  const { context, page, refused, problems } = await offline()
  await page.goto(`${origin}/graphql`)
  await page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 })
  const helper = page.getByRole('form', { name: 'Development token' })
  await helper.getByLabel('Agency').selectOption('dev-agency')
  await helper.getByLabel('Purpose').selectOption(TEST_PURPOSE)
  const before = gw.audit.events.filter((event) => event.kind === 'token.issued' && event.actor === 'graphiql').length
  await helper.getByRole('button', { name: 'Use a development token' }).click()
  await helper.getByText('A token of dev-client is in the Headers tab').waitFor({ timeout: 30_000 })

  // The token is in the headers GraphiQL sends: the query runs as the development agency.
  await page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 })
  await page.getByRole('button', { name: 'Headers' }).click()
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText keeps the editor's line breaks, textContent runs lines together
  const headers = (await page.locator('.monaco-editor[data-uri*="headers"]').innerText()).replace(/\s+/g, ' ')
  expect(headers).toContain('"Authorization": "Bearer ey')
  expect(headers).toContain(`"X-Purpose": "${TEST_PURPOSE}"`)
  const answer = await run(page, '{ administrativeUnit(code: "01") { name } }', '"administrativeUnit"')
  await shoot(page, 'graphiql-dev-token')
  expect(answer).toContain('"administrativeUnit": { "name": "Hà Nội" }')
  const issued = gw.audit.events.filter((event) => event.kind === 'token.issued' && event.actor === 'graphiql')
  expect(issued.length).toBe(before + 1)
  expect(issued.at(-1)).toMatchObject({ agency: 'dev-agency', client: 'dev-client', status: 200 })
  expect(gw.audit.events.at(-1)).toMatchObject({ kind: 'access.graphql', agency: 'dev-agency', client: 'dev-client', purpose: TEST_PURPOSE })
  // Never kept in the browser's storage.
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain('Bearer ey')
  expect(refused).toEqual([])
  expect(problems).toEqual([])
  await context.close()
}, 120_000)
