import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveSandbox, type SandboxServer } from '../kit/sandbox/index.js'
import { readOpenApi } from './openapi.js'
import { createReplaySandbox } from './replay-sandbox.js'

const document = `
openapi: 3.0.3
info: { title: Replay test, version: '1' }
security: [{ key: [] }]
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - name: id
          in: path
          required: true
          schema: { type: string }
          examples:
            apple: { value: a-1 }
            pear: { value: 'p 2' }
            gone: { value: x-9 }
            expired: { value: e-1 }
        - name: lang
          in: query
          schema: { type: string }
          examples:
            pear: { value: vi }
      responses:
        '200':
          description: found
          content:
            application/json:
              examples:
                apple: { value: { id: a-1, name: Apple } }
                pear: { value: { id: 'p 2', name: Lê } }
        '404':
          description: not found
          content:
            application/json:
              examples:
                gone: { value: { error: gone } }
                expired: { value: { error: expired } }
  /items/search:
    get:
      operationId: searchItems
      parameters:
        - name: q
          in: query
          schema: { type: string }
          examples: { apples: { value: apple } }
        - name: limit
          in: query
          schema: { type: integer }
          examples: { apples: { value: 10 } }
      responses:
        '200':
          description: found
          content: { application/json: { examples: { apples: { value: [{ id: a-1 }] } } } }
  /orders:
    post:
      operationId: createOrder
      parameters:
        - name: X-Channel
          in: header
          schema: { type: string }
          examples: { big: { value: web } }
      requestBody:
        required: true
        content:
          application/json:
            examples:
              small: { value: { items: [a-1], qty: 1 } }
              big: { value: { items: [a-1, 'p 2'], qty: 5, note: { gift: true } } }
      responses:
        '201':
          description: created
          content:
            application/json:
              examples:
                small: { value: { order: 1 } }
                big: { value: { order: 2 } }
  /health:
    get:
      operationId: health
      responses:
        '200':
          description: up
          content: { application/json: { example: { ok: true } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
`

const description = readOpenApi(document, 'replay-test.yaml')
let server: SandboxServer
let anyKey: SandboxServer

beforeAll(async () => {
  server = await serveSandbox('replay', createReplaySandbox(description, { apiKey: 'secret' }))
  anyKey = await serveSandbox('replay-any-key', createReplaySandbox(description))
})
afterAll(async () => {
  await server?.close()
  await anyKey?.close()
})

async function call(base: SandboxServer, path: string, init: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers }
  if (init.key !== null) headers['x-key'] = init.key ?? 'secret'
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${base.url}${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers,
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  })
  const text = await response.text()
  return { status: response.status, type: response.headers.get('content-type'), body: text === '' ? undefined : JSON.parse(text) }
}

describe('replay sandbox, examples paired by name', () => {
  it('answers the example named like the path parameter example', async () => {
    expect(await call(server, '/items/a-1')).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: { id: 'a-1', name: 'Apple' } })
  })

  it('needs every parameter example of a name: path (decoded) and query together', async () => {
    expect(await call(server, '/items/p%202?lang=vi')).toMatchObject({ status: 200, body: { id: 'p 2', name: 'Lê' } })
    expect(await call(server, '/items/p%202?lang=en')).toMatchObject({ status: 404, body: { error: 'gone' } })
    expect(await call(server, '/items/p%202')).toMatchObject({ status: 404, body: { error: 'gone' } })
  })

  it('compares query values as text, examples written as numbers included', async () => {
    expect(await call(server, '/items/search?q=apple&limit=10')).toMatchObject({ status: 200, body: [{ id: 'a-1' }] })
    expect(await call(server, '/items/search?q=apple&limit=11')).toMatchObject({ status: 404 })
  })

  it('routes a concrete path before a templated one, whatever the document order', async () => {
    expect(await call(server, '/items/search?limit=10&q=apple')).toMatchObject({ status: 200, body: [{ id: 'a-1' }] })
  })

  it('answers a 404 example by name, else the first 404 example, else a plain 404', async () => {
    expect(await call(server, '/items/e-1')).toMatchObject({ status: 404, body: { error: 'expired' } })
    expect(await call(server, '/items/zzz')).toMatchObject({ status: 404, body: { error: 'gone' } })
    expect(await call(server, '/items/search?q=kiwi')).toEqual({ status: 404, type: 'application/json; charset=utf-8', body: { error: 'no example matches' } })
  })

  it('pairs by body, deep-equal whatever the key order, and by header', async () => {
    expect(await call(server, '/orders', { body: { qty: 1, items: ['a-1'] } })).toMatchObject({ status: 201, body: { order: 1 } })
    const big = { note: { gift: true }, qty: 5, items: ['a-1', 'p 2'] }
    expect(await call(server, '/orders', { body: big, headers: { 'x-channel': 'web' } })).toMatchObject({ status: 201, body: { order: 2 } })
    expect(await call(server, '/orders', { body: big })).toMatchObject({ status: 404, body: { error: 'no example matches' } })
    expect(await call(server, '/orders', { body: { ...big, items: ['p 2', 'a-1'] }, headers: { 'x-channel': 'web' } })).toMatchObject({ status: 404 })
    expect(await call(server, '/orders', { body: { qty: 1, items: ['a-1'], extra: null } })).toMatchObject({ status: 404 })
  })

  it('refuses a body that is not JSON with a 400', async () => {
    expect(await call(server, '/orders', { body: '{"qty": 1,' })).toEqual({
      status: 400,
      type: 'application/json; charset=utf-8',
      body: { error: 'request body is not JSON' },
    })
    expect(await call(server, '/orders', { body: '' })).toMatchObject({ status: 400 })
  })

  it('answers an example with no request side to any request', async () => {
    expect(await call(server, '/health')).toMatchObject({ status: 200, body: { ok: true } })
  })

  it('answers a path no operation has with a JSON 404', async () => {
    expect(await call(server, '/nothing/here')).toMatchObject({ status: 404, body: { error: 'no operation at this path' } })
  })

  it('asks for the API key header: its value when one is configured, else only its presence', async () => {
    const unauthorized = { status: 401, type: 'application/json; charset=utf-8', body: { error: 'unauthorized' } }
    expect(await call(server, '/health', { key: null })).toEqual(unauthorized)
    expect(await call(server, '/health', { key: 'guess' })).toEqual(unauthorized)
    expect(await call(server, '/orders', { key: null, body: 'not even JSON' })).toEqual(unauthorized)
    expect(await call(anyKey, '/health', { key: 'anything' })).toMatchObject({ status: 200 })
    expect(await call(anyKey, '/health', { key: null })).toEqual(unauthorized)
  })

  it('applies injected faults and counts hits like every sandbox', async () => {
    server.resetHits()
    server.setFaults({ errorRate: 1 })
    try {
      const response = await fetch(`${server.url}/items/a-1`, { headers: { 'x-key': 'secret' } })
      expect(response.status).toBe(503)
      await response.text()
    } finally {
      server.setFaults({ errorRate: 0 })
    }
    expect(await call(server, '/items/a-1')).toMatchObject({ status: 200 })
    expect(server.hits()).toBe(2)
    expect(createReplaySandbox(description, { faults: { latencyMs: 7 } }).state.faults).toMatchObject({ latencyMs: 7, errorRate: 0 })
  })
})

describe('replay sandbox routes', () => {
  it('matches templates inside a segment, literal colons and non-ASCII literals', async () => {
    const { app } = createReplaySandbox(
      readOpenApi(
        `openapi: 3.1.0
info: { title: t, version: '1' }
paths:
  /files/{name}.json:
    get:
      operationId: file
      parameters: [{ name: name, in: path, required: true, examples: { report: { value: 'báo cáo' } } }]
      responses: { '200': { description: ok, content: { application/json: { examples: { report: { value: 1 } } } } } }
  /v1/items:batchGet:
    get:
      operationId: batch
      responses: { '200': { description: ok, content: { application/json: { example: 2 } } } }
  /xã/{id}:
    get:
      operationId: commune
      parameters: [{ name: id, in: path, required: true }]
      responses: { '200': { description: ok, content: { application/json: { example: 3 } } } }
`,
        'routes.yaml',
      ),
    )
    const answers = await Promise.all(
      ['/files/b%C3%A1o%20c%C3%A1o.json', '/files/x.xml', '/v1/items:batchGet', '/v1/items:other', '/x%C3%A3/1'].map(async (path) => {
        const response = await app.request(path)
        return [response.status, await response.json()]
      }),
    )
    expect(answers).toEqual([
      [200, 1],
      [404, { error: 'no operation at this path' }],
      [200, 2],
      [404, { error: 'no operation at this path' }],
      [200, 3],
    ])
  })
})

describe('replay sandbox of the social insurance (BHXH) description', () => {
  const text = readFileSync(new URL('../social-insurance/openapi.yaml', import.meta.url), 'utf8')
  let bhxh: SandboxServer
  const key = 'bhxh-test-key'

  beforeAll(async () => {
    bhxh = await serveSandbox('social-insurance', createReplaySandbox(readOpenApi(text, 'openapi.yaml'), { apiKey: key }))
  })
  afterAll(async () => {
    await bhxh?.close()
  })

  const get = (path: string, headers: Record<string, string> = { 'X-API-Key': key }) =>
    fetch(`${bhxh.url}${path}`, { headers }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }))
  const post = (path: string, body: unknown) =>
    fetch(`${bhxh.url}${path}`, { method: 'POST', headers: { 'X-API-Key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as any }),
    )

  it('finds a book with a full birth date and an ongoing period', async () => {
    const { status, body } = await get('/apiBHXH/v1/so-bhxh/001085999001')
    expect(status).toBe(200)
    expect(body).toMatchObject({ maLoi: '00', duLieu: { soDinhDanh: '001085999001', hoTen: 'NGUYỄN VĂN THỬ', ngaySinh: '19850315', loaiNgaySinh: 0 } })
    expect(body.duLieu.quaTrinhThamGia.at(-1)).toMatchObject({ denThang: null, loaiBaoHiem: 'BHXH_BB' })
  })

  it('finds a book with a year-only birth date, leading zeros kept', async () => {
    const { status, body } = await get('/apiBHXH/v1/so-bhxh/001190999002')
    expect(status).toBe(200)
    expect(body.duLieu).toMatchObject({ hoTen: 'TRẦN THỊ MẪU', ngaySinh: '1990', loaiNgaySinh: 1, maSoBhxh: '0199990002', maXaKs: '00097', gioiTinh: 2 })
  })

  it('answers not found with maLoi 04, for the example PIN and for any other', async () => {
    const notFound = { status: 404, body: { maLoi: '04', moTaLoi: 'Không tìm thấy sổ BHXH' } }
    expect(await get('/apiBHXH/v1/so-bhxh/001099999999')).toEqual(notFound)
    expect(await get('/apiBHXH/v1/so-bhxh/001085000000')).toEqual(notFound)
  })

  it('answers a batch with the books found, the missing PIN left out', async () => {
    const { status, body } = await post('/apiBHXH/v1/so-bhxh/tra-cuu-lo', { danhSachSoDinhDanh: ['001085999001', '001099999999', '001190999002'] })
    expect(status).toBe(200)
    expect(body.maLoi).toBe('00')
    expect(body.duLieu.map((book: { soDinhDanh: string }) => book.soDinhDanh).sort()).toEqual(['001085999001', '001190999002'])
    expect(await post('/apiBHXH/v1/so-bhxh/tra-cuu-lo', { danhSachSoDinhDanh: ['001099999999'] })).toEqual({
      status: 200,
      body: { maLoi: '00', moTaLoi: 'Thành công', duLieu: [] },
    })
  })

  it('answers the connectivity check, and 401 without the key', async () => {
    expect(await get('/apiBHXH/v1/kiem-tra-ket-noi')).toEqual({ status: 200, body: { maLoi: '00', moTaLoi: 'OK' } })
    expect(await get('/apiBHXH/v1/kiem-tra-ket-noi', {})).toEqual({ status: 401, body: { error: 'unauthorized' } })
    expect(await get('/apiBHXH/v1/so-bhxh/001085999001', { 'X-API-Key': 'wrong' })).toMatchObject({ status: 401 })
  })
})
