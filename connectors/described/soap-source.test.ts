/**
 * A SOAP registry connected by description: a civil status service (hộ tịch) that answers birth
 * records by PIN, described by its WSDL and a mapping, served over HTTP on 127.0.0.1 by a small
 * SOAP 1.1 server written here. The engine builds the envelope from the WSDL's schema, reads the
 * answer back by it, and holds it to the same rules as a REST source: the record asked for or
 * none, faults as the service failing or the request refused, never wrong data.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { typeDefs } from '../../schemas/index.js'
import { canonicalCatalog } from './canonical-catalog.js'
import { createDescribedConnector, type DescribedConnector } from './connector.js'
import { ConnectorFilesError } from './description.js'
import { loadDescribedConnector } from './load.js'
import { createReplaySandbox, ReplayUnavailableError } from './replay-sandbox.js'
import { ACCOUNT, MAPPING, MAPPING_WITH_ACCOUNT, NS, WSDL, WSDL_WITH_ACCOUNT } from './soap-source.fixture.js'

const load = (mapping = MAPPING, wsdl = WSDL) =>
  loadDescribedConnector(
    {
      folder: 'ho-tich',
      mapping: { file: 'mapping.yaml', text: mapping },
      readDescription: (name) => (name === 'service.wsdl' ? { file: 'service.wsdl', text: wsdl } : undefined),
    },
    canonicalCatalog(typeDefs),
  )

/** Synthetic people: a province code no province has (099). */
const PEOPLE: Record<string, string> = {
  '099085000123':
    '<SoDinhDanh>099085000123</SoDinhDanh><HoTen>TRẦN  THỊ MẪU</HoTen><NgaySinh>15/03/1985</NgaySinh><GioiTinh>2</GioiTinh><MaXaDangKy>97</MaXaDangKy>',
  '099090000456': '<SoDinhDanh>099090000456</SoDinhDanh><HoTen>LÊ VĂN THỬ</HoTen><NgaySinh>1990</NgaySinh><GioiTinh>1</GioiTinh>',
}

type Mode = 'normal' | 'client-fault' | 'server-fault' | 'garbage' | 'another-person' | 'bad-date' | 'not-found-page'
let mode: Mode = 'normal'
const seen: Array<{ action: string | undefined; body: string }> = []

const envelope = (body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${body}</soap:Body></soap:Envelope>`
const fault = (code: string) => envelope(`<soap:Fault><faultcode>${code}</faultcode><faultstring>Không tìm thấy 099085000123</faultstring></soap:Fault>`)

/** The service's account check: with an account configured, a call without it is a client fault. */
let requiredAccount: typeof ACCOUNT | undefined

function answer(action: string, body: string): { status: number; text: string } {
  if (requiredAccount) {
    const field = (name: string) => new RegExp(`<(?:\\w+:)?${name}>([^<]*)<`).exec(body)?.[1]
    if (field('TenDangNhap') !== requiredAccount.username || field('MatKhau') !== requiredAccount.password) return { status: 400, text: fault('soap:Client') }
  }
  if (mode === 'client-fault') return { status: 400, text: fault('soap:Client') }
  if (mode === 'server-fault') return { status: 500, text: fault('soap:Server') }
  if (mode === 'garbage') return { status: 200, text: '<soap:Envelope><soap:Body><TraCuu' }
  if (mode === 'not-found-page') return { status: 404, text: '<html>Not Found</html>' }
  if (action === `"${NS}KiemTraKetNoi"`)
    return { status: 200, text: envelope(`<KiemTraKetNoiResponse xmlns="${NS}"><TrangThai>OK</TrangThai></KiemTraKetNoiResponse>`) }
  const pin = /<(?:\w+:)?SoDinhDanh>([^<]*)</.exec(body)?.[1] ?? ''
  let record = PEOPLE[pin]
  if (record && mode === 'another-person') record = PEOPLE['099090000456']
  if (record && mode === 'bad-date') record = record.replace('15/03/1985', '31/02/1985')
  const result = record ? `<TraCuuKhaiSinhResult><KhaiSinh>${record}</KhaiSinh></TraCuuKhaiSinhResult>` : '<TraCuuKhaiSinhResult/>'
  return { status: 200, text: envelope(`<TraCuuKhaiSinhResponse xmlns="${NS}">${result}</TraCuuKhaiSinhResponse>`) }
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })

let server: Server
let baseUrl: string
let hoTich: DescribedConnector
const scope = () => ({ requestId: `soap-${Math.random().toString(36).slice(2)}` })

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req)
    const action = typeof req.headers.soapaction === 'string' ? req.headers.soapaction : undefined
    seen.push({ action, body })
    const { status, text } = req.method === 'POST' && req.url === '/ws/HoTich.asmx' ? answer(action ?? '', body) : { status: 404, text: 'no' }
    res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' }).end(text)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  hoTich = createDescribedConnector(load(), { baseUrl, timeoutMs: 5000 })
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
afterEach(() => {
  mode = 'normal'
  requiredAccount = undefined
  seen.length = 0
})

describe('a SOAP registry connected by its WSDL and a mapping', () => {
  it('sends the envelope the WSDL describes and maps the answer', async () => {
    const record = await hoTich.lookup('birthRecord', '099085000123', scope())
    expect(record).toEqual({ pin: '099085000123', name: 'Trần Thị Mẫu', birthDate: '1985-03-15', sex: 'FEMALE', communeCode: '00097' })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.action).toBe(`"${NS}TraCuuKhaiSinh"`)
    // The request element and its field in the service's namespace, the key as text.
    expect(seen[0]!.body).toMatch(new RegExp(`<(\\w+:)?TraCuuKhaiSinh xmlns(:\\w+)?="${NS.replaceAll('.', '\\.')}"`))
    expect(seen[0]!.body).toMatch(/<(\w+:)?SoDinhDanh>099085000123<\/(\w+:)?SoDinhDanh>/)
  })

  it('reads a partial date and an absent optional field', async () => {
    expect(await hoTich.lookup('birthRecord', '099090000456', scope())).toEqual({
      pin: '099090000456',
      name: 'Lê Văn Thử',
      birthDate: '1990',
      sex: 'MALE',
      communeCode: null,
    })
  })

  it('a record left out is none; a key that is no PIN never reaches the service', async () => {
    expect(await hoTich.lookup('birthRecord', '099085999999', scope())).toBeNull()
    expect(await hoTich.lookup('birthRecord', 'not-a-pin', scope())).toBeNull()
    expect(seen).toHaveLength(1)
  })

  it.each<[Mode, string, RegExp | undefined]>([
    ['client-fault', 'UPSTREAM_BAD_RESPONSE', /SOAP fault soap:Client/],
    ['server-fault', 'UPSTREAM_UNAVAILABLE', undefined],
    ['garbage', 'UPSTREAM_BAD_RESPONSE', /not a SOAP answer/],
    ['not-found-page', 'UPSTREAM_UNAVAILABLE', /not a SOAP answer/],
    ['another-person', 'UPSTREAM_BAD_RESPONSE', /another key/],
    ['bad-date', 'UPSTREAM_BAD_RESPONSE', /birthDate/],
  ])('%s → %s, without the PIN or the fault text in the error', async (fault, code, detail) => {
    mode = fault
    const error = await hoTich.lookup('birthRecord', '099085000123', scope()).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code, connector: 'ho-tich' })
    const shown = JSON.stringify({ message: (error as Error).message, context: (error as { context?: unknown }).context })
    if (detail) expect(shown).toMatch(detail)
    expect(shown).not.toContain('099085000123')
    expect(shown).not.toContain('Không tìm thấy')
  })

  it('has no replay sandbox: one answering JSON to a SOAP client would be wrong, so its URL is required', () => {
    expect(() => createReplaySandbox(load().source)).toThrow(ReplayUnavailableError)
  })

  it('health asks the operation that takes nothing', async () => {
    expect(await hoTich.health()).toMatchObject({ ok: true })
    expect(seen[0]!.action).toBe(`"${NS}KiemTraKetNoi"`)
    mode = 'server-fault'
    expect(await hoTich.health()).toMatchObject({ ok: false, detail: 'UPSTREAM_UNAVAILABLE' })
  })

  it.each<[string, string, RegExp]>([
    ['a key into a request field that does not exist', MAPPING.replace('to: SoDinhDanh', 'to: MaDinhDanh'), /TraCuuKhaiSinh's request has no field MaDinhDanh/],
    [
      'a batch of a SOAP operation',
      MAPPING.replace('    key: SoDinhDanh\n', '    key: SoDinhDanh\n    batch: { operation: TraCuuKhaiSinh, keys: SoDinhDanh, result: x, maxSize: 10 }\n'),
      /batches of a SOAP operation are not offered yet/,
    ],
    [
      'health that takes a field',
      MAPPING.replace('health: { operation: KiemTraKetNoi }', 'health: { operation: TraCuuKhaiSinh }'),
      /TraCuuKhaiSinh requires parameters/,
    ],
  ])('refuses %s at load', (_label, mapping, message) => {
    let problems: string[] = []
    try {
      load(mapping)
    } catch (error) {
      if (!(error instanceof ConnectorFilesError)) throw error
      problems = error.problems.map((p) => p.message)
    }
    expect(
      problems.some((p) => message.test(p)),
      problems.join('\n'),
    ).toBe(true)
  })
})

describe('a SOAP registry that takes an account in a header', () => {
  it('sends the configured account and the request id in the header the WSDL declares', async () => {
    requiredAccount = ACCOUNT
    const withAccount = createDescribedConnector(load(MAPPING_WITH_ACCOUNT, WSDL_WITH_ACCOUNT), { baseUrl, timeoutMs: 5000, credentials: ACCOUNT })
    expect(await withAccount.lookup('birthRecord', '099085000123', { requestId: 'req-ho-tich-7' })).toMatchObject({ pin: '099085000123' })
    expect(seen[0]!.body).toMatch(/<(\w+:)?ThongTinYeuCau[^>]*><(\w+:)?MaYeuCau>req-ho-tich-7<\/(\w+:)?MaYeuCau><(\w+:)?TenDangNhap>gateway-lgsp</)
    expect(await withAccount.health()).toMatchObject({ ok: true })
  })

  it('a wrong account is refused by the service, and never shown in the error', async () => {
    requiredAccount = ACCOUNT
    const wrong = createDescribedConnector(load(MAPPING_WITH_ACCOUNT, WSDL_WITH_ACCOUNT), {
      baseUrl,
      credentials: { ...ACCOUNT, password: 'another-password' },
    })
    const error = await wrong.lookup('birthRecord', '099085000123', scope()).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
    expect(JSON.stringify({ message: (error as Error).message, context: (error as { context?: unknown }).context })).not.toContain('another-password')
  })

  it('needs the account configured, and a header the WSDL declares', () => {
    expect(() => createDescribedConnector(load(MAPPING_WITH_ACCOUNT, WSDL_WITH_ACCOUNT), { baseUrl })).toThrow(/asks for an account in a SOAP header/)
    const problems = (mapping: string, wsdl: string) => {
      try {
        load(mapping, wsdl)
        return []
      } catch (error) {
        if (!(error instanceof ConnectorFilesError)) throw error
        return error.problems.map((p) => p.message)
      }
    }
    expect(problems(MAPPING_WITH_ACCOUNT, WSDL).join('\n')).toMatch(/TraCuuKhaiSinh declares no SOAP header ThongTinYeuCau/)
    expect(problems(MAPPING_WITH_ACCOUNT.replace('password: MatKhau', 'password: MatMa'), WSDL_WITH_ACCOUNT).join('\n')).toMatch(
      /MatMa is not a text field of TraCuuKhaiSinh's header ThongTinYeuCau/,
    )
  })
})
