/**
 * No outgoing call follows a redirect, on any runtime: every redirect status is refused before the
 * target is reached, other answers pass. That no source asks `fetch` for `redirect: 'error'`
 * (which workerd refuses outright) is checked with the import rules, in test/architecture.test.ts.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchWithoutRedirects, RedirectRefusedError } from './no-redirect.js'

let target: Server
let origin: Server
let targetHits = 0
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const listen = (server: Server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))

beforeAll(async () => {
  target = createServer((_req, res) => {
    targetHits++
    res.end('moved here')
  })
  await listen(target)
  origin = createServer((req, res) => {
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status'))
    res.writeHead(status, { location: `${urlOf(target)}/elsewhere` }).end(status === 204 || status === 304 ? undefined : 'body')
  })
  await listen(origin)
})
afterAll(async () => {
  await Promise.all([target, origin].map((server) => new Promise((resolve) => server.close(resolve))))
})

describe('fetch without redirects', () => {
  it.each([301, 302, 303, 307, 308])('refuses a %i without reaching its target', async (status) => {
    const before = targetHits
    await expect(fetchWithoutRedirects(fetch, `${urlOf(origin)}/?status=${status}`)).rejects.toBeInstanceOf(RedirectRefusedError)
    await expect(fetchWithoutRedirects(fetch, `${urlOf(origin)}/?status=${status}`, { method: 'POST', body: 'x' })).rejects.toThrow(/redirect/)
    expect(targetHits).toBe(before)
  })

  it.each([200, 204, 304, 400, 404, 500, 503])('passes a %i through as it came', async (status) => {
    const response = await fetchWithoutRedirects(fetch, `${urlOf(origin)}/?status=${status}`)
    expect(response.status).toBe(status)
    await response.body?.cancel()
  })
})
