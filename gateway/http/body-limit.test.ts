import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bodyLimit } from './body-limit.js'

/** Over real HTTP: the declared-length shortcut only holds with Node's parser in front. */
const LIMIT = 1000
let server: Server
let port: number

beforeAll(async () => {
  const app = new Hono()
  app.use('*', bodyLimit({ maxSize: LIMIT, onError: (c) => c.text('too large', 413) }))
  app.post('/echo', async (c) => c.text(String((await c.req.text()).length)))
  app.get('/echo', (c) => c.text('get'))
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server
  })
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** Sends `chunks` either with a Content-Length or chunked; answers status and body. */
function send(chunks: string[], framing: 'length' | 'chunked', method = 'POST'): Promise<{ status: number; body: string }> {
  const total = chunks.join('')
  const headers: Record<string, string> = framing === 'length' ? { 'content-length': String(Buffer.byteLength(total)) } : { 'transfer-encoding': 'chunked' }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/echo', method, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as NodeJS.ErrnoException).code === 'EPIPE'
        ? resolve({ status: 413, body: 'reset' })
        : reject(error),
    )
    for (const chunk of chunks) req.write(chunk)
    req.end()
  })
}

describe('bodyLimit', () => {
  it.each([
    { name: 'declared length under the limit', chunks: ['x'.repeat(LIMIT)], framing: 'length' as const, status: 200, body: String(LIMIT) },
    { name: 'declared length over the limit', chunks: ['x'.repeat(LIMIT + 1)], framing: 'length' as const, status: 413 },
    { name: 'chunked, under the limit in total', chunks: ['x'.repeat(400), 'y'.repeat(400)], framing: 'chunked' as const, status: 200, body: '800' },
    { name: 'chunked, over the limit only in total', chunks: ['x'.repeat(600), 'y'.repeat(600)], framing: 'chunked' as const, status: 413 },
  ])('$name → $status', async ({ chunks, framing, status, body }) => {
    const res = await send(chunks, framing)
    expect(res.status).toBe(status)
    if (body !== undefined) expect(res.body).toBe(body)
  })

  it('lets GET through untouched', async () => {
    expect(await send([], 'length', 'GET')).toEqual({ status: 200, body: 'get' })
  })
})
