import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorld, type SandboxServer, serveSandbox, type WorldParcel } from '../kit/sandbox/index.js'
import { createLandSandbox, type LandSandbox } from '../land/sandbox/index.js'
import { parseXml } from '../land/sandbox/soap.js'
import { toThuaDat } from '../land/sandbox/wire.js'
import { answerSchemaOf } from './answer-schema.js'
import type { DescribedOperation, JsonSchema, SourceDescription } from './description.js'
import { buildSoapRequest, readSoapResponse, readXmlTree, SoapRequestError, SoapXmlError, XmlSyntaxError } from './soap-xml.js'
import { readWsdl } from './wsdl.js'

/** A SOAP operation with the given request and answer schemas, for the cases the land WSDL does not have. */
const operation = (answer: JsonSchema, request: JsonSchema = { type: 'object', properties: {} }, qualified = true): DescribedOperation => ({
  id: 'Op',
  method: 'POST',
  path: '/ws',
  parameters: [],
  requestBody: { mediaType: 'text/xml', required: true, schema: request, examples: {} },
  responses: [{ status: 200, mediaType: 'text/xml', schema: answer, examples: {} }],
  place: { line: 1, column: 1 },
  soap: { action: 'urn:t/Op', namespace: 'urn:t', qualified, requestElement: 'Op', responseElement: 'OpResponse', headers: [] },
})
const envelope = (body: string) => `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${body}</s:Body></s:Envelope>`
const answer = (content: string) => envelope(`<OpResponse xmlns="urn:t">${content}</OpResponse>`)

const record: JsonSchema = {
  type: 'object',
  properties: {
    Ma: { type: 'string' },
    So: { type: 'integer' },
    Co: { type: 'boolean' },
    Ten: { type: 'string' },
    Cac: { type: 'array', items: { type: 'string' } },
    Nil: { type: 'string', nullable: true },
    Con: { type: 'object', properties: { A: { type: 'string' } } },
  },
  required: ['Ma', 'So'],
}

describe('readSoapResponse: JSON by the schema', () => {
  const op = operation(record)
  it.each<[string, string, unknown]>([
    ['text as written, leading zeros kept', '<Ma>00097</Ma><So>12</So>', { Ma: '00097', So: 12, Cac: [] }],
    ['a list of one is a list', '<Ma>1</Ma><So>1</So><Cac>x</Cac>', { Ma: '1', So: 1, Cac: ['x'] }],
    ['a list of two, in order', '<Ma>1</Ma><So>1</So><Cac>x</Cac><Cac>y</Cac>', { Ma: '1', So: 1, Cac: ['x', 'y'] }],
    ['an empty optional element is absent', '<Ma>1</Ma><So>1</So><Ten/><Con></Con>', { Ma: '1', So: 1, Cac: [] }],
    ['an empty required text is empty text', '<Ma/><So>1</So>', { Ma: '', So: 1, Cac: [] }],
    ['xsi:nil is null', '<Ma>1</Ma><So>1</So><Nil xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/>', { Ma: '1', So: 1, Cac: [], Nil: null }],
    ['booleans, integers with spaces', '<Ma>1</Ma><So> -7 </So><Co>1</Co>', { Ma: '1', So: -7, Co: true, Cac: [] }],
    ['an integer that is not one stays text', '<Ma>1</Ma><So>12a</So>', { Ma: '1', So: '12a', Cac: [] }],
    ['an integer past 2^53 stays text', '<Ma>1</Ma><So>9007199254740993</So>', { Ma: '1', So: '9007199254740993', Cac: [] }],
    ['undescribed elements are left out', '<Ma>1</Ma><So>1</So><Khac>x</Khac>', { Ma: '1', So: 1, Cac: [] }],
    [
      'entities and references decoded, CDATA kept',
      '<Ma>a &amp; &lt;b&gt; &#x1EA1;&#13;</Ma><So>1</So><Ten><![CDATA[x &amp; <y>]]></Ten>',
      { Ma: 'a & <b> ạ\r', So: 1, Ten: 'x &amp; <y>', Cac: [] },
    ],
    ['nested objects', '<Ma>1</Ma><So>1</So><Con><A>a</A></Con>', { Ma: '1', So: 1, Cac: [], Con: { A: 'a' } }],
    [
      'pretty-printed: spaces around elements and numbers say nothing',
      '\n  <Ma> 1 </Ma>\n  <So>\n 1\n </So>\n  <Con>\n  </Con>\n',
      { Ma: ' 1 ', So: 1, Cac: [] },
    ],
  ])('reads %s', (_name, content, expected) => {
    expect(readSoapResponse(op, answer(content))).toEqual({ kind: 'answer', value: expected })
  })

  it.each<[string, string]>([
    ['an integer that is not one', '<Ma>1</Ma><So>12a</So>'],
    ['one value repeated', '<Ma>1</Ma><Ma>2</Ma><So>1</So>'],
    ['text where an object is described', '<Ma>1</Ma><So>1</So><Con>x</Con>'],
    ['an object where text is described', '<Ma><A>1</A></Ma><So>1</So>'],
    ['a required element missing', '<So>1</So>'],
    ['null where null is not allowed', '<Ma xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/><So>1</So>'],
  ])('leaves %s for the answer check to refuse', (_name, content) => {
    const read = readSoapResponse(op, answer(content))
    expect(read.kind).toBe('answer')
    expect(answerSchemaOf(op).safeParse((read as { value: unknown }).value).success).toBe(false)
  })

  it('reads elements named like JS object members as data', () => {
    const odd = operation({ type: 'object', properties: { constructor: { type: 'string' }, toString: { type: 'string' } } })
    expect(readSoapResponse(odd, answer('<constructor>c</constructor><toString>t</toString>'))).toEqual({
      kind: 'answer',
      value: { constructor: 'c', toString: 't' },
    })
  })

  it('reads a fault by its code, never its string', () => {
    const fault = envelope('<s:Fault><faultcode>s:Server</faultcode><faultstring>Không tìm thấy 001190999002</faultstring></s:Fault>')
    const read = readSoapResponse(op, fault)
    expect(read).toEqual({ kind: 'fault', code: 's:Server' })
    expect(JSON.stringify(read)).not.toContain('001190999002')
  })

  it.each<[string, string, typeof SoapXmlError | typeof XmlSyntaxError, RegExp]>([
    ['a truncated answer', answer('<Ma>1</Ma>').slice(0, 60), XmlSyntaxError, /^not well-formed XML/],
    ['text that is not XML', 'Service Unavailable', XmlSyntaxError, /^not well-formed XML/],
    ['a DOCTYPE', `<!DOCTYPE a [<!ENTITY x "${'x'.repeat(10)}">]>${answer('<Ma>&x;</Ma>')}`, XmlSyntaxError, /DOCTYPE is refused/],
    ['an unknown entity', answer('<Ma>&nbsp;</Ma>'), XmlSyntaxError, /unknown entity &nbsp;/],
    ['two roots', `${answer('')}<x/>`, XmlSyntaxError, /more than one root element/],
    ['not an envelope', '<html><body/></html>', SoapXmlError, /not a SOAP envelope/],
    ['another response element', envelope('<Other/>'), SoapXmlError, /the SOAP Body holds no OpResponse/],
    ['a fault without its code', envelope('<s:Fault><faultstring>x</faultstring></s:Fault>'), SoapXmlError, /without a faultcode/],
  ])('refuses %s', (_name, text, type, message) => {
    expect(() => readSoapResponse(op, text)).toThrow(type)
    expect(() => readSoapResponse(op, text)).toThrow(message)
  })

  it('places a syntax error', () => {
    expect(() => readXmlTree('<a>\n  <b></c>\n</a>')).toThrow(/line 2/)
  })
})

describe('buildSoapRequest', () => {
  const request: JsonSchema = {
    type: 'object',
    properties: {
      Ma: { type: 'string' },
      So: { type: 'integer' },
      Cac: { type: 'array', items: { type: 'string' }, maxItems: 2 },
      Co: { type: 'boolean' },
      Nil: { type: 'string', nullable: true },
    },
    required: ['Ma'],
  }
  const op = operation({}, request)

  it('writes the sequence order, not the object order, escaping text and repeating lists', () => {
    const xml = buildSoapRequest(op, { Co: false, Cac: ['a', 'b'], So: 7, Ma: '00097 & <x>\r' })
    expect(xml).toBe(
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
        '<soap:Body><Op xmlns="urn:t"><Ma>00097 &amp; &lt;x&gt;&#13;</Ma><So>7</So><Cac>a</Cac><Cac>b</Cac><Co>false</Co></Op></soap:Body></soap:Envelope>',
    )
    // What it writes reads back as written.
    const echo = operation(request)
    expect(readSoapResponse({ ...echo, soap: { ...echo.soap!, responseElement: 'Op' } }, xml)).toEqual({
      kind: 'answer',
      value: { Ma: '00097 & <x>\r', So: 7, Cac: ['a', 'b'], Co: false },
    })
  })

  it('leaves out absent optional fields, writes null as xsi:nil, and an empty request element', () => {
    expect(buildSoapRequest(op, { Ma: 'a', So: undefined, Nil: null })).toContain('<Op xmlns="urn:t"><Ma>a</Ma><Nil xsi:nil="true"/></Op>')
    expect(buildSoapRequest(operation({}), {})).toContain('<soap:Body><Op xmlns="urn:t"/></soap:Body>')
  })

  it('writes unqualified elements in no namespace', () => {
    expect(buildSoapRequest(operation({}, request, false), { Ma: 'a' })).toContain('<m:Op xmlns:m="urn:t"><Ma>a</Ma></m:Op>')
  })

  it.each<[string, unknown, string]>([
    ['an undescribed field', { Ma: 'a', Khac: 1 }, 'body.Khac: is not in the described request'],
    ['a required field missing', { So: 1 }, 'body.Ma: is required'],
    ['a number for a text', { Ma: 97 }, 'body.Ma: expects text (a number would lose leading zeros)'],
    ['a fraction for an integer', { Ma: 'a', So: 1.5 }, 'body.So: expects an integer'],
    ['one value for a list', { Ma: 'a', Cac: 'x' }, 'body.Cac: expects a list'],
    ['a list too long', { Ma: 'a', Cac: ['1', '2', '3'] }, 'body.Cac: holds at most 2 items'],
    ['a character XML cannot carry', { Ma: 'a\u0001' }, 'body.Ma: holds a character XML cannot carry'],
    ['not an object', 'x', 'body: expects an object'],
  ])('refuses %s, naming the path only', (_name, body, message) => {
    expect(() => buildSoapRequest(op, body)).toThrow(SoapRequestError)
    expect(() => buildSoapRequest(op, body)).toThrow(message)
  })

  it('refuses a header the operation does not declare', () => {
    expect(() => buildSoapRequest(op, { Ma: 'a' }, { Khac: {} })).toThrow('headers.Khac: Op declares no such SOAP header')
  })
})

// Against the land sandbox: what the described reading gives equals the hand-written client's reading.

const world = createWorld({ citizens: 400, parcels: 150, enterprises: 100 })
const keysHeldBy = (id: string) => world.parcels.filter((p) => p.holders.some((h) => h.id === id))
const holders = [...new Set(world.parcels.flatMap((p) => p.holders.filter((h) => h.kind === 'PERSON').map((h) => h.id)))]
const manyParcels = holders.find((pin) => keysHeldBy(pin).length >= 2) as string
const oneParcel = holders.find((pin) => keysHeldBy(pin).length === 1) as string
const noParcel = world.people.find((p) => keysHeldBy(p.pin).length === 0)?.pin as string
const zeroCommuneParcel = world.parcels.find((p) => p.sheetCommuneCode.startsWith('0')) as WorldParcel

/** The schema's integers, which the hand-written client keeps as text and converts later. */
const INTEGERS = new Set(['SoToBanDo', 'SoThua', 'TongSo', 'ViTri'])

/**
 * A hand-written reading in the described shape: the integers the WSDL declares as numbers, and
 * an optional text the hand-written schema reads as null absent (as the described reading leaves it).
 */
function described(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => described(item))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== null && item !== undefined)
        .map(([name, item]) => [name, described(item, name)]),
    )
  }
  return INTEGERS.has(key) && typeof value === 'string' ? Number(value) : value
}

let sandbox: LandSandbox
let server: SandboxServer
let land: SourceDescription
const op = (id: string) => land.operations.get(id) as DescribedOperation

async function call(
  id: string,
  body: unknown,
  headers?: Record<string, unknown>,
): Promise<{ status: number; text: string; read: ReturnType<typeof readSoapResponse> }> {
  const operation = op(id)
  const response = await fetch(`${server.url}${operation.path}`, {
    method: 'POST',
    headers: { soapaction: `"${operation.soap?.action}"`, 'content-type': 'text/xml; charset=utf-8' },
    body: buildSoapRequest(operation, body, headers),
  })
  const text = await response.text()
  return { status: response.status, text, read: readSoapResponse(operation, text) }
}

/** The answer, after checking it passes the operation's answer schema. */
function checked(id: string, read: ReturnType<typeof readSoapResponse>): Record<string, any> {
  expect(read.kind).toBe('answer')
  const value = (read as { value: unknown }).value
  const result = answerSchemaOf(op(id)).safeParse(value)
  expect(result.error).toBeUndefined()
  return value as Record<string, any>
}

beforeAll(async () => {
  sandbox = createLandSandbox(world)
  server = await serveSandbox('land', sandbox)
  // The WSDL the sandbox serves, as a new source would be connected from it.
  land = readWsdl(await (await fetch(`${server.url}/ws/DatDai.asmx?wsdl`)).text(), 'DatDai.wsdl')
})
afterAll(async () => {
  await server.close()
})

describe('against the land sandbox', () => {
  it('reads a parcel whose commune code has leading zeros, as the sandbox wrote it', async () => {
    const { status, text, read } = await call('TraCuuThuaDat', { MaThuaDat: zeroCommuneParcel.key }, { ThongTinYeuCau: { MaYeuCau: 'req-soap-xml' } })
    expect(status).toBe(200)
    expect(sandbox.lastRequest.maYeuCau).toBe('req-soap-xml')
    const value = checked('TraCuuThuaDat', read)
    const parcel = value.TraCuuThuaDatResult.ThuaDat
    expect(parcel.MaXa).toBe(zeroCommuneParcel.sheetCommuneCode)
    expect(parcel.MaXa).toMatch(/^0/)
    expect(parcel.SoToBanDo).toBe(zeroCommuneParcel.mapSheetNo)
    expect(parcel.DienTich).toBe(zeroCommuneParcel.area.toFixed(2))

    // Every field, as the sandbox rendered the world's parcel: nothing lost, nothing added.
    expect(parcel).toEqual(described(toThuaDat(zeroCommuneParcel)))
    expect(text).toContain(`<MaXa>${zeroCommuneParcel.sheetCommuneCode}</MaXa>`)
  })

  it('reads a parcel the registry does not have as an answer without a record', async () => {
    const { text, read } = await call('TraCuuThuaDat', { MaThuaDat: '00097.999.9999' })
    expect(checked('TraCuuThuaDat', read)).toEqual({})
    expect(text).not.toContain('<ThuaDat>')
  })

  it('reads the parcels of holders with many, one and no parcels as lists', async () => {
    const asked = [manyParcels, oneParcel, noParcel].map((SoGiayTo) => ({ SoGiayTo, LoaiChu: 'CA_NHAN' }))
    const { read } = await call('TraCuuThuaDatTheoChuSuDung', { DanhSachChuSuDung: { ChuSuDung: asked } })
    const groups = checked('TraCuuThuaDatTheoChuSuDung', read).TraCuuThuaDatTheoChuSuDungResult.KetQuaChuSuDung as Record<string, any>[]
    expect(groups.map((g) => [g.SoGiayTo, g.DanhSachThuaDat.ThuaDat.length])).toEqual([
      [manyParcels, keysHeldBy(manyParcels).length],
      [oneParcel, 1],
      [noParcel, 0],
    ])

    // Each parcel as the sandbox rendered the world's: nothing lost, nothing added.
    const byKey = new Map(world.parcels.map((p) => [p.key, described(toThuaDat(p))]))
    for (const group of groups) for (const parcel of group.DanhSachThuaDat.ThuaDat) expect(parcel).toEqual(byKey.get(parcel.MaThuaDat))
  })

  it('reads a commune page, the request written in the schema order', async () => {
    const commune = zeroCommuneParcel.sheetCommuneCode
    const { read } = await call('TraCuuThuaDatTheoXa', { SoLuong: 2, ViTri: 0, MaXa: commune })
    const result = checked('TraCuuThuaDatTheoXa', read).TraCuuThuaDatTheoXaResult
    expect(typeof result.TongSo).toBe('number')
    expect(result.ViTri).toBe(0)
    expect(result.DanhSachThuaDat.ThuaDat.length).toBe(Math.min(2, result.TongSo))

    expect(result.TongSo).toBe(world.parcels.filter((p) => p.sheetCommuneCode === commune || p.address.communeCode === commune).length)
    const byKey = new Map(world.parcels.map((p) => [p.key, described(toThuaDat(p))]))
    for (const parcel of result.DanhSachThuaDat.ThuaDat) expect(parcel).toEqual(byKey.get(parcel.MaThuaDat))
  })

  it('reads a commune without parcels as an empty list', async () => {
    const { read } = await call('TraCuuThuaDatTheoXa', { MaXa: '99999' })
    expect(checked('TraCuuThuaDatTheoXa', read).TraCuuThuaDatTheoXaResult).toEqual({ TongSo: 0, ViTri: 0, DanhSachThuaDat: { ThuaDat: [] } })
  })

  it('reads the health check', async () => {
    const { text, read } = await call('KiemTraKetNoi', {})
    const result = checked('KiemTraKetNoi', read).KiemTraKetNoiResult
    // The same answer read by another parser (the sandbox's own).
    const other = (parseXml(text) as Record<string, any>).Envelope.Body.KiemTraKetNoiResponse.KiemTraKetNoiResult
    expect({ TrangThai: result.TrangThai, PhienBan: result.PhienBan }).toEqual({ TrangThai: other.TrangThai, PhienBan: other.PhienBan })
    expect(typeof result.ThoiGian).toBe('string')
  })

  it("reads the sandbox's client fault by its code, without the fault string", async () => {
    const { status, text, read } = await call('TraCuuThuaDat', { MaThuaDat: 'not-a-parcel-key' })
    expect(status).toBe(400)
    expect(read).toEqual({ kind: 'fault', code: 'soap:Client' })
    const other = (parseXml(text) as Record<string, any>).Envelope.Body.Fault
    expect(read).toEqual({ kind: 'fault', code: other.faultcode })
    expect(JSON.stringify(read)).not.toContain(other.faultstring as string)
  })
})
