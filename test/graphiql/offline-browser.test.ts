/**
 * GraphiQL on a network without internet: Debian's Chromium loads the page from the gateway with
 * every request off loopback refused, runs a query with a token, and shows the answer; the page
 * breaks none of its Content-Security-Policy and has a doctype.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { launchChromium, shoot } from '../console/browser.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { TEST_PURPOSE } from '../policies.js'

let gw: TestGateway
let browser: Browser
let server: Server
let origin: string

beforeAll(async () => {
  gw = await createTestGateway()
  server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: gw.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server)) as Server
  })
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
  await gw?.close()
})

it('loads and runs a query with everything off loopback cut off, within its CSP', async () => {
  const context = await browser.newContext()
  const refused: string[] = []
  // The network cut off: only the gateway itself (and what the page makes in memory) answers.
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (url.startsWith(origin) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue()
    refused.push(url)
    return route.abort('internetdisconnected')
  })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))

  const res = await page.goto(`${origin}/graphql`)
  expect(res?.status()).toBe(200)
  expect(res?.headers()['content-security-policy']).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'; /)
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
  const queryEditor = page.locator('.monaco-editor[data-uri*="operation"]')
  await queryEditor.click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.press('Delete')
  await page.keyboard.insertText('{ administrativeUnit(code: "01") { code name } }')
  await page.locator('button.graphiql-execute-button').click()
  await page.locator('.graphiql-response').getByText('"administrativeUnit"').waitFor({ timeout: 30_000 })
  // Monaco lays out with non-breaking spaces: compared as plain text.
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText keeps the editor's line breaks, textContent runs lines together
  const answer = (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ')
  await shoot(page, 'graphiql-offline')
  expect(answer).toContain('"administrativeUnit": { "code": "01", "name": "Hà Nội" }')
  expect(refused).toEqual([])
  expect(problems).toEqual([])
  await context.close()
}, 120_000)
