/**
 * The verification module as a department's browser page uses it: `verify/index.js` served as it
 * is in the repo, imported by a page in Debian's Chromium, checks a real answer and its receipt
 * against the gateway's key history, and names what fails when the answer was changed.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { launchChromium } from '../console/browser.js'
import { repoRoot } from '../gateway-process.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { TEST_PURPOSE } from '../policies.js'

let gw: TestGateway
let browser: Browser
let server: Server
let origin: string
let answer: string
let keys: unknown

beforeAll(async () => {
  gw = await createTestGateway()
  const res = await gw.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.identity.token()}`, 'x-purpose': TEST_PURPOSE, prefer: 'receipt' },
    body: JSON.stringify({ query: '{ administrativeUnit(code: "01") { code name } }' }),
  })
  answer = await res.text()
  keys = await (await gw.app.request('/.well-known/lgsp-key-history.json')).json()
  const module = readFileSync(`${repoRoot}/verify/index.js`, 'utf8')
  server = createServer((req, reply) => {
    if (req.url === '/verify/index.js') reply.writeHead(200, { 'content-type': 'text/javascript' }).end(module)
    else reply.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>kiểm tra</title>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
  await gw?.close()
})

it('verifies a kept answer in the browser, and names the change in an altered one', async () => {
  const page = await browser.newPage()
  await page.goto(origin)
  // A string, not a function: the test runner would rewrite a function's import() for Node.
  const verdicts = await page.evaluate(`(async () => {
    const { verifyReceipt } = await import('/verify/index.js')
    const answer = ${JSON.stringify(answer)}
    const keys = ${JSON.stringify(keys)}
    const kept = await verifyReceipt({ response: answer, keys })
    const altered = await verifyReceipt({ response: answer.replace('"01"', '"79"'), keys })
    return { kept: kept.ok, altered: altered.ok ? 'ok' : altered.failed }
  })()`)
  expect(verdicts).toEqual({ kept: true, altered: 'response' })
})
