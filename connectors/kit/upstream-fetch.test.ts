import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConnectorError } from './connector-error.js'
import { createSandboxApp, serveSandbox, type SandboxServer } from './sandbox/index.js'
import { createUpstream, fillPathTemplate, type UpstreamCall } from './upstream-fetch.js'

let server: SandboxServer
let lastRequestId: string | undefined
beforeAll(async () => {
  const sandbox = createSandboxApp()
  sandbox.app.get('/ok', (c) => {
    lastRequestId = c.req.header('x-request-id')
    return c.json({ value: 42 })
  })
  sandbox.app.get('/wrong-shape', (c) => c.json({ value: 'forty-two' }))
  sandbox.app.get('/not-json', (c) => c.text('<html>oops</html>'))
  sandbox.app.get('/missing', (c) => c.json({ error: 'nope' }, 404))
  sandbox.app.get('/bad-request', (c) => c.json({ error: 'bad' }, 400))
  sandbox.app.get('/html-404', (c) => c.html('<h1>Not Found</h1>', 404))
  sandbox.app.get('/huge', (c) => c.text('x'.repeat(64 * 1024)))
  sandbox.app.get('/denied', (c) => c.json({ error: 'key' }, 401))
  // The same failures under a path that carries an identifier, for the leak table below.
  sandbox.app.get('/people/:pin/ok', (c) => c.json({ value: Number(c.req.param('pin').length) }))
  sandbox.app.get('/people/:pin/wrong-shape', (c) => c.json({ value: c.req.param('pin') }))
  sandbox.app.get('/people/:pin/not-json', (c) => c.text('<html>'))
  sandbox.app.get('/people/:pin/down', (c) => c.json({ error: 'down' }, 503))
  sandbox.app.get('/people/:pin/html-404', (c) => c.html('<h1>Not Found</h1>', 404))
  sandbox.app.get('/people/:pin/hang', () => new Promise<Response>(() => undefined))
  sandbox.app.get('/slow-body', () => {
    // Headers now, body never: the deadline must still fire while reading the body.
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"value":'))
      },
    })
    return new Response(stream, { headers: { 'content-type': 'application/json' } })
  })
  server = await serveSandbox('test', sandbox)
})
afterAll(() => server.close())

const schema = z.object({ value: z.number() })
const upstream = () => createUpstream({ connector: 'business', baseUrl: server.url, timeoutMs: 300, maxBodyBytes: 32 * 1024 })

describe('createUpstream', () => {
  it('parses a payload and forwards the request id', async () => {
    const calls: UpstreamCall[] = []
    const result = await upstream().json('/ok', schema, { operation: 'ok' }, { requestId: 'req-42', recordCall: (c) => calls.push(c) })
    expect(result).toEqual({ value: 42 })
    expect(lastRequestId).toBe('req-42')
    expect(calls).toMatchObject([{ connector: 'business', operation: 'ok', status: 200 }])
  })

  it.each([
    ['/wrong-shape', 'UPSTREAM_BAD_RESPONSE'],
    ['/not-json', 'UPSTREAM_BAD_RESPONSE'],
    ['/bad-request', 'UPSTREAM_BAD_RESPONSE'],
    ['/denied', 'UPSTREAM_UNAVAILABLE'],
    ['/slow-body', 'UPSTREAM_TIMEOUT'],
    ['/html-404', 'UPSTREAM_BAD_RESPONSE'],
    ['/huge', 'UPSTREAM_BAD_RESPONSE'],
  ])('%s → %s naming the connector', async (path, code) => {
    const error = await upstream()
      .json(path, schema, {}, { requestId: 'r' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectorError)
    expect(error).toMatchObject({ code, connector: 'business' })
    expect((error as ConnectorError).publicMessage).not.toMatch(/127\.0\.0\.1|\//)
  })

  it('resolves a 404 to null', async () => {
    expect(await upstream().json('/missing', schema, {}, { requestId: 'r' })).toBeNull()
  })

  it('times out a hanging registry within the deadline', async () => {
    server.setFaults({ hang: true })
    const started = performance.now()
    const error = await upstream()
      .json('/ok', schema, {}, { requestId: 'r' })
      .catch((e: unknown) => e)
    server.setFaults({ hang: false })
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    expect(performance.now() - started).toBeLessThan(800)
  })

  it('stops when the caller aborts, without waiting for the deadline', async () => {
    server.setFaults({ hang: true })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const started = performance.now()
    const error = await createUpstream({ connector: 'land', baseUrl: server.url, timeoutMs: 5000 })
      .json('/ok', schema, {}, { requestId: 'r', signal: controller.signal })
      .catch((e: unknown) => e)
    server.setFaults({ hang: false })
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'land' })
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('reports a closed port as UPSTREAM_UNAVAILABLE', async () => {
    const closed = createUpstream({ connector: 'population', baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 })
    await expect(closed.json('/ok', schema, {}, { requestId: 'r' })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
  })

  it('refuses a non-positive timeout at creation', () => {
    expect(() => createUpstream({ connector: 'land', baseUrl: server.url, timeoutMs: 0 })).toThrow(/timeoutMs/)
  })
})

describe('paths that carry identifiers', () => {
  const PIN = '001085999001'
  it.each([
    ['/people/{pin}', { pin: PIN }, `/people/${PIN}`],
    ['/a/{x}/b/{y}', { x: 'một hai', y: 'a/b' }, '/a/m%E1%BB%99t%20hai/b/a%2Fb'],
    ['/api/v1/health', {}, '/api/v1/health'],
  ])('fills %s', (template, params, filled) => expect(fillPathTemplate('business', template, params)).toBe(filled))
  it.each([
    ['/people/{pin}', { pin: '..' }],
    ['/people/{pin}', { pin: '%2E%2e' }],
    ['/people/{pin}', { pin: '.' }],
    [`/people/${PIN}`, {}],
    ['/people/0123456', {}],
    ['/people/{pin}', {}],
  ])('refuses %s with %j (an identifier written in, a value missing, or a dot segment)', (template, params) =>
    expect(() => fillPathTemplate('business', template, params)).toThrow(),
  )

  // Every way a call can fail: the error, its context and the recorded call name the template,
  // never the value (they go to logs and metrics).
  it.each(['ok-but-wrong-key', 'wrong-shape', 'not-json', 'down', 'html-404', 'hang'])('a %s failure carries the template only', async (route) => {
    const calls: UpstreamCall[] = []
    const path = `/people/{pin}/${route === 'ok-but-wrong-key' ? 'ok' : route}`
    const error = await upstream()
      .json(
        path,
        route === 'ok-but-wrong-key' ? z.object({ value: z.literal(0) }) : schema,
        { params: { pin: PIN } },
        { requestId: 'r', recordCall: (c) => calls.push(c) },
      )
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(ConnectorError)
    const shown = JSON.stringify({ message: (error as Error).message, context: (error as ConnectorError).context, calls })
    expect(shown).toContain('/people/{pin}/')
    expect(shown).not.toContain(PIN)
  })
})

it('never sends a request outside the base URL, whatever the path', async () => {
  const sent: string[] = []
  const transport = async (request: { url: URL }) => {
    sent.push(request.url.href)
    return { status: 200, contentType: 'application/json', text: '{}' }
  }
  const client = createUpstream({ connector: 'business', baseUrl: 'https://registry.example.test/api', transport })
  for (const path of ['//evil.example/x', '/../admin', '/a/%2e%2e/%2e%2e/b'])
    await expect(client.send(path, {}, { requestId: 'r' })).rejects.toThrow(/leaves the registry's base URL/)
  await client.send('/a/b', {}, { requestId: 'r' })
  expect(sent).toEqual(['https://registry.example.test/api/a/b'])
})
