import { describe, expect, it } from 'vitest'
import { landWsdl } from '../land/sandbox/wsdl.js'
import { LAND_NS, LAND_OPERATIONS } from '../land/sandbox/soap.js'
import { answerSchemaOf } from './answer-schema.js'
import { DescriptionError, type DescribedOperation, type JsonSchema } from './description.js'
import { propertyAt } from './json-schema.js'
import { readWsdl } from './wsdl.js'

const LAND_TEXT = landWsdl('http://127.0.0.1:1/ws/DatDai.asmx')
const land = readWsdl(LAND_TEXT, 'DatDai.wsdl')
const operation = (id: string) => land.operations.get(id) as DescribedOperation
const answerOf = (id: string) => operation(id).responses.find((r) => r.status === 200)?.schema as JsonSchema
const at = (schema: JsonSchema, path: string) => {
  const found = propertyAt(schema, path.split('.'))
  if (typeof found === 'string') throw new Error(found)
  return found
}
const thuaDat = () => at(answerOf('TraCuuThuaDat'), 'TraCuuThuaDatResult.ThuaDat').schema
const DECIMAL = '^-?\\d+(\\.\\d+)?$'

describe('readWsdl: the land registry sandbox WSDL', () => {
  it('reads the service: kind, title from the documentation, no API keys', () => {
    expect(land).toMatchObject({ kind: 'wsdl', file: 'DatDai.wsdl', title: 'Cơ sở dữ liệu đất đai - tra cứu thửa đất (sandbox)', version: '', apiKeys: [] })
    expect([...land.operations.keys()]).toEqual([...LAND_OPERATIONS])
  })

  it.each(LAND_OPERATIONS)('reads %s as a POST to the service path, with its action, elements and header', (id) => {
    const op = operation(id)
    expect(op).toMatchObject({ id, method: 'POST', path: '/ws/DatDai.asmx', parameters: [] })
    expect(op.requestBody).toMatchObject({ mediaType: 'text/xml', required: true })
    expect(op.responses.map((r) => [r.status, r.mediaType])).toEqual([
      [200, 'text/xml'],
      [500, 'text/xml'],
    ])
    expect(op.soap).toMatchObject({ action: `${LAND_NS}${id}`, namespace: LAND_NS, qualified: true, requestElement: id, responseElement: `${id}Response` })
    expect(op.soap?.headers).toEqual([
      {
        element: 'ThongTinYeuCau',
        schema: { type: 'object', properties: { MaYeuCau: { type: 'string' }, TenDangNhap: { type: 'string' }, MatKhau: { type: 'string' } } },
      },
    ])
    // zod can take every answer schema: the engine builds its check at load.
    expect(() => answerSchemaOf(op)).not.toThrow()
  })

  it('places each operation at its binding operation', () => {
    for (const id of LAND_OPERATIONS) {
      const { place } = operation(id)
      expect(place.line).toBe(1)
      expect(LAND_TEXT.slice(place.column - 1)).toMatch(new RegExp(`^<wsdl:operation name="${id}"><soap:operation`))
      expect(land.placeOf(['definitions', 'binding[DatDaiSoap]', `operation[${id}]`])).toEqual(place)
    }
    expect(land.placeOf(['definitions', 'types', 'schema', 'complexType[ThuaDat]'])?.column).toBe(LAND_TEXT.indexOf('<s:complexType name="ThuaDat">') + 1)
  })

  it('reads ThuaDat: integers, text kept as text, decimals as text, lists, optional fields', () => {
    const schema = thuaDat()
    expect(schema.required).toEqual(['MaThuaDat', 'MaXa', 'SoToBanDo', 'SoThua', 'DienTich'])
    expect(at(schema, 'SoToBanDo').schema).toEqual({ type: 'integer', minimum: -2147483648, maximum: 2147483647 })
    expect(at(schema, 'MaXa').schema).toEqual({ type: 'string' })
    expect(at(schema, 'DienTich').schema).toEqual({ type: 'string', pattern: DECIMAL })
    expect(at(schema, 'MucDichSuDung').schema).toMatchObject({ type: 'array', items: { type: 'object', required: ['Ma', 'DienTich', 'ThoiHan'] } })
    expect(at(schema, 'MucDichSuDung').schema).not.toHaveProperty('maxItems')
    expect(at(schema, 'MucDichSuDung').present).toBe(false)
    expect(at(schema, 'DiaChi').present).toBe(false)
    expect(at(schema, 'DiaChi.MaXa').schema).toEqual({ type: 'string' })
    expect((at(schema, 'ChuSuDung').schema.items as JsonSchema).properties).toMatchObject({ LoaiChu: { type: 'string', enum: ['CA_NHAN', 'TO_CHUC'] } })
    // The sequence's order is the properties' order: the request writer follows it.
    expect(Object.keys(schema.properties as object)).toEqual([
      'MaThuaDat',
      'MaXa',
      'SoToBanDo',
      'SoThua',
      'DienTich',
      'MucDichSuDung',
      'NguonGoc',
      'HinhThucSuDung',
      'DiaChi',
      'ChuSuDung',
      'GiayChungNhan',
      'BienPhapBaoDam',
    ])
  })

  it('reads a bounded list with its sizes, and a single optional record', () => {
    const request = operation('TraCuuThuaDatTheoChuSuDung').requestBody?.schema as JsonSchema
    expect(at(request, 'DanhSachChuSuDung.ChuSuDung').schema).toMatchObject({ type: 'array', minItems: 1, maxItems: 100 })
    expect(at(request, 'DanhSachChuSuDung.ChuSuDung').present).toBe(true)
    expect(at(answerOf('TraCuuThuaDat'), 'TraCuuThuaDatResult.ThuaDat').schema.type).toBe('object')
    expect(at(answerOf('TraCuuThuaDatTheoXa'), 'TraCuuThuaDatTheoXaResult.TongSo').schema.type).toBe('integer')
    expect(operation('KiemTraKetNoi').requestBody?.schema).toEqual({ type: 'object', properties: {} })
  })

  it('describes a fault by its code only', () => {
    expect(operation('TraCuuThuaDat').responses[1]?.schema).toEqual({ type: 'object', properties: { faultcode: { type: 'string' } }, required: ['faultcode'] })
  })
})

/** A small WSDL, one line per part, so rows can change one line and messages can be placed. */
const base = [
  '<?xml version="1.0" encoding="utf-8"?>', // 1
  '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:test" targetNamespace="urn:test">', // 2
  '  <wsdl:types>', // 3
  '    <xs:schema elementFormDefault="qualified" targetNamespace="urn:test">', // 4
  '      <xs:complexType name="ThuaDat">', // 5
  '        <xs:sequence>', // 6
  '          <xs:element name="MaXa" type="xs:string"/>', // 7
  '          <xs:element name="SoThua" type="xs:int"/>', // 8
  '        </xs:sequence>', // 9
  '      </xs:complexType>', // 10
  '      <xs:element name="Lookup">', // 11
  '        <xs:complexType><xs:sequence><xs:element name="Key" type="xs:string"/></xs:sequence></xs:complexType>', // 12
  '      </xs:element>', // 13
  '      <xs:element name="LookupResponse">', // 14
  '        <xs:complexType><xs:sequence><xs:element minOccurs="0" name="ThuaDat" type="tns:ThuaDat"/></xs:sequence></xs:complexType>', // 15
  '      </xs:element>', // 16
  '    </xs:schema>', // 17
  '  </wsdl:types>', // 18
  '  <wsdl:message name="LookupIn"><wsdl:part name="parameters" element="tns:Lookup"/></wsdl:message>', // 19
  '  <wsdl:message name="LookupOut"><wsdl:part name="parameters" element="tns:LookupResponse"/></wsdl:message>', // 20
  '  <wsdl:portType name="Port"><wsdl:operation name="Lookup"><wsdl:input message="tns:LookupIn"/><wsdl:output message="tns:LookupOut"/></wsdl:operation></wsdl:portType>', // 21
  '  <wsdl:binding name="Binding" type="tns:Port">', // 22
  '    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>', // 23
  '    <wsdl:operation name="Lookup">', // 24
  '      <soap:operation soapAction="urn:test/Lookup" style="document"/>', // 25
  '      <wsdl:input><soap:body use="literal"/></wsdl:input>', // 26
  '      <wsdl:output><soap:body use="literal"/></wsdl:output>', // 27
  '    </wsdl:operation>', // 28
  '  </wsdl:binding>', // 29
  '  <wsdl:service name="Registry">', // 30
  '    <wsdl:port name="RegistrySoap" binding="tns:Binding"><soap:address location="https://registry.example/ws/Registry.asmx"/></wsdl:port>', // 31
  '  </wsdl:service>', // 32
  '</wsdl:definitions>', // 33
]
/** The base with line `n` (1-based) replaced. */
const withLine = (n: number, text: string) => base.map((line, i) => (i === n - 1 ? text : line)).join('\n')
const withLines = (lines: Record<number, string>) => base.map((line, i) => lines[i + 1] ?? line).join('\n')
const typeOf = (name: string) => withLine(8, `          <xs:element name="SoThua" type="${name}"/>`)

describe('readWsdl: a small WSDL', () => {
  it('reads the base: address path, action, places on their lines', () => {
    const description = readWsdl(base.join('\n'), 'registry.wsdl')
    const op = description.operations.get('Lookup') as DescribedOperation
    expect(description.title).toBe('Registry')
    expect(op).toMatchObject({ path: '/ws/Registry.asmx', place: { line: 24, column: 5 }, soap: { action: 'urn:test/Lookup', headers: [] } })
    expect(description.placeOf(['definitions', 'types', 'schema', 'complexType[ThuaDat]', 'sequence', 'element[SoThua]'])).toEqual({ line: 8, column: 11 })
  })

  /** Each row: the line-8 element's XML Schema type, and the JSON Schema it becomes. */
  it.each<[string, string, JsonSchema]>([
    ['string', 'xs:string', { type: 'string' }],
    ['int', 'xs:int', { type: 'integer', minimum: -2147483648, maximum: 2147483647 }],
    ['short', 'xs:short', { type: 'integer', minimum: -32768, maximum: 32767 }],
    ['long', 'xs:long', { type: 'integer' }],
    ['integer', 'xs:integer', { type: 'integer' }],
    ['decimal, as text so no digit is lost', 'xs:decimal', { type: 'string', pattern: DECIMAL }],
    ['boolean', 'xs:boolean', { type: 'boolean' }],
    ['date', 'xs:date', { type: 'string', pattern: '^-?\\d{4,}-\\d{2}-\\d{2}(Z|[+-]\\d{2}:\\d{2})?$' }],
  ])('converts xs:%s', (_name, type, expected) => {
    const schema = readWsdl(typeOf(type), 'r.wsdl').operations.get('Lookup')?.responses[0]?.schema as JsonSchema
    expect(at(schema, 'ThuaDat.SoThua').schema).toEqual(expected)
  })

  /** Each row: ThuaDat's elements (lines 7-8), the types declared after it, and what the ThuaDat schema holds. */
  it.each<[string, string, string, Record<string, unknown>]>([
    [
      'a text restriction keeps pattern, enumeration and lengths; an integer one its bounds',
      '<xs:element name="MaXa" type="tns:Ma"/><xs:element name="Loai" type="tns:Loai"/><xs:element name="Tuoi" type="tns:Tuoi"/>',
      '<xs:simpleType name="Ma"><xs:restriction base="xs:string"><xs:pattern value="\\d{5}"/><xs:minLength value="5"/><xs:maxLength value="5"/></xs:restriction></xs:simpleType>' +
        '<xs:simpleType name="Loai"><xs:restriction base="xs:string"><xs:enumeration value="A"/><xs:enumeration value="B"/></xs:restriction></xs:simpleType>' +
        '<xs:simpleType name="Tuoi"><xs:restriction base="xs:int"><xs:minInclusive value="0"/><xs:maxExclusive value="150"/></xs:restriction></xs:simpleType>',
      {
        properties: {
          MaXa: { type: 'string', pattern: '^(?:\\d{5})$', minLength: 5, maxLength: 5 },
          Loai: { type: 'string', enum: ['A', 'B'] },
          Tuoi: { type: 'integer', minimum: 0, maximum: 149 },
        },
        required: ['MaXa', 'Loai', 'Tuoi'],
      },
    ],
    [
      'lists: bounded, unbounded; optional: not required; nillable: nullable',
      '<xs:element minOccurs="0" maxOccurs="3" name="Ten" type="xs:string"/><xs:element maxOccurs="unbounded" name="So" type="xs:int" nillable="true"/><xs:element minOccurs="0" name="Ghi" type="xs:string" nillable="true"/>',
      '',
      {
        properties: {
          Ten: { type: 'array', items: { type: 'string' }, maxItems: 3 },
          So: { type: 'array', items: { type: 'integer', minimum: -2147483648, maximum: 2147483647, nullable: true }, minItems: 1 },
          Ghi: { type: 'string', nullable: true },
        },
        required: ['So'],
      },
    ],
    [
      'a restriction of a restriction keeps both patterns ($ a plain character); a ref reads the element',
      '<xs:element name="Ma" type="tns:Hep"/><xs:element ref="tns:Lookup"/>',
      '<xs:simpleType name="Rong"><xs:restriction base="xs:string"><xs:pattern value="[A-Z$]+"/></xs:restriction></xs:simpleType>' +
        '<xs:simpleType name="Hep"><xs:restriction base="tns:Rong"><xs:pattern value="A.*$"/><xs:pattern value="B.*"/></xs:restriction></xs:simpleType>',
      {
        properties: {
          Ma: { type: 'string', pattern: '^(?:[A-Z$]+)$', allOf: [{ type: 'string', pattern: '^(?:(?:A.*\\$)|(?:B.*))$' }] },
          Lookup: { type: 'object', properties: { Key: { type: 'string' } }, required: ['Key'] },
        },
        required: ['Ma', 'Lookup'],
      },
    ],
  ])('converts %s', (_name, elements, types, expected) => {
    const text = withLines({ 7: elements, 8: '', 10: `      </xs:complexType>${types}` })
    const schema = readWsdl(text, 'r.wsdl').operations.get('Lookup')?.responses[0]?.schema as JsonSchema
    expect(at(schema, 'ThuaDat').schema).toEqual({ type: 'object', ...expected })
  })

  it('reads xs:all like a sequence', () => {
    const text = withLines({ 6: '        <xs:all>', 9: '        </xs:all>' })
    const schema = readWsdl(text, 'r.wsdl').operations.get('Lookup')?.responses[0]?.schema as JsonSchema
    expect(Object.keys(at(schema, 'ThuaDat').schema.properties as object)).toEqual(['MaXa', 'SoThua'])
  })
})

const SCHEMA_PATH = 'definitions.types.schema.complexType[ThuaDat].sequence.element[SoThua]'
const BINDING_OPERATION = 'definitions.binding[Binding].operation[Lookup]'

/** Each row: what is wrong, the document, the message's expected text (file:line:column: path: problem). */
const refusals: [string, string, string | RegExp][] = [
  ['not XML', 'Service Unavailable', /^r\.wsdl:1:1: not well-formed XML: /],
  ['a truncated document', base.slice(0, 20).join('\n'), /^r\.wsdl:\d+:\d+: not well-formed XML: /],
  [
    'a DOCTYPE',
    `<!DOCTYPE x [<!ENTITY a "aaaa">]>\n${base.slice(1).join('\n')}`,
    'r.wsdl:1:1: not well-formed XML: a DOCTYPE is refused (its entities could expand without bound)',
  ],
  ['an undeclared prefix', withLine(7, '          <q:element name="MaXa"/>'), /^r\.wsdl:7:11: not well-formed XML: the prefix of q:element is not declared/],
  ['WSDL 2.0', '<description xmlns="http://www.w3.org/ns/wsdl"/>', 'r.wsdl:1:1: description: WSDL 2.0 is not read: only WSDL 1.1 (wsdl:definitions)'],
  ['not a WSDL', '<html><body/></html>', /^r\.wsdl:1:1: html: expected a WSDL 1\.1 document/],
  ['no targetNamespace', withLine(2, base[1]!.replace(' targetNamespace="urn:test"', '')), 'r.wsdl:2:1: definitions: definitions needs a targetNamespace'],
  [
    'rpc style on the operation',
    withLine(25, '      <soap:operation soapAction="urn:test/Lookup" style="rpc"/>'),
    `r.wsdl:25:7: ${BINDING_OPERATION}.soap:operation: operation Lookup: style rpc is not read: only document/literal`,
  ],
  [
    'rpc style on the binding',
    withLines({
      23: '    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" style="rpc"/>',
      25: '      <soap:operation soapAction="urn:test/Lookup"/>',
    }),
    /operation Lookup: style rpc is not read/,
  ],
  [
    'SOAP encoding',
    withLine(26, '      <wsdl:input><soap:body use="encoded" encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/></wsdl:input>'),
    `r.wsdl:26:19: ${BINDING_OPERATION}.input.soap:body: operation Lookup: use="encoded" (SOAP encoding) is not read: only literal`,
  ],
  [
    'a part with type= (rpc)',
    withLine(19, '  <wsdl:message name="LookupIn"><wsdl:part name="Key" type="xs:string"/></wsdl:message>'),
    'r.wsdl:19:33: definitions.message[LookupIn].part[Key]: part Key has type= (rpc style): a document/literal part names an element',
  ],
  [
    'two body parts',
    withLine(19, '  <wsdl:message name="LookupIn"><wsdl:part name="a" element="tns:Lookup"/><wsdl:part name="b" element="tns:Lookup"/></wsdl:message>'),
    /the input body has 2 parts: document\/literal carries exactly one, an element/,
  ],
  [
    'an external schema import',
    withLine(
      4,
      '    <xs:schema elementFormDefault="qualified" targetNamespace="urn:test"><xs:import namespace="urn:other" schemaLocation="https://other.example/types.xsd"/>',
    ),
    'r.wsdl:4:74: definitions.types.schema.import: xs:import of https://other.example/types.xsd is refused: an external schema is not read (no network); put its types in this schema',
  ],
  [
    'an include',
    withLine(4, '    <xs:schema elementFormDefault="qualified" targetNamespace="urn:test"><xs:include schemaLocation="types.xsd"/>'),
    /xs:include of types\.xsd is refused: an external schema is not read \(no network\)/,
  ],
  [
    'a wsdl:import',
    withLine(3, '  <wsdl:import namespace="urn:x" location="https://other.example/a.wsdl"/><wsdl:types>'),
    /wsdl:import of https:\/\/other\.example\/a\.wsdl is refused/,
  ],
  ['an unknown type', typeOf('tns:Nowhere'), `r.wsdl:8:11: ${SCHEMA_PATH}: unknown type tns:Nowhere: it is not declared in the inline schema`],
  [
    'an XML Schema type not read',
    typeOf('xs:float'),
    /^r\.wsdl:8:11: .*element\[SoThua\]: unknown type xs:float: the XML Schema types read are string, int, short, long, integer, decimal, boolean, date, dateTime$/,
  ],
  ['a type of no inline schema', typeOf('other:T" xmlns:other="urn:other'), /unknown type other:T/],
  ['recursion', typeOf('tns:ThuaDat'), `r.wsdl:8:11: ${SCHEMA_PATH}: recursive type: ThuaDat → ThuaDat (a type that contains itself is not read)`],
  [
    'recursion through another type',
    withLine(
      8,
      '          <xs:element name="Con" type="tns:Con"/></xs:sequence></xs:complexType><xs:complexType name="Con"><xs:sequence><xs:element name="Cha" type="tns:ThuaDat"/>',
    ),
    /recursive type: ThuaDat → Con → ThuaDat/,
  ],
  ['an element without type', withLine(8, '          <xs:element name="SoThua"/>'), /element SoThua has no type: its content \(xs:anyType\) cannot be checked/],
  [
    'an attribute',
    withLine(9, '        </xs:sequence><xs:attribute name="id" type="xs:string"/>'),
    /xs:attribute is not read: a value in an attribute would be lost/,
  ],
  [
    'a choice',
    withLine(12, '        <xs:complexType><xs:choice><xs:element name="Key" type="xs:string"/></xs:choice></xs:complexType>'),
    /xs:choice is not read/,
  ],
  ['xs:any', withLine(8, '          <xs:any/>'), /xs:any is not read/],
  [
    'a derived type',
    withLines({ 6: '        <xs:complexContent><xs:extension base="tns:X"><xs:sequence>', 9: '        </xs:sequence></xs:extension></xs:complexContent>' }),
    /xs:complexContent \(a type derived from another\) is not read/,
  ],
  ['two elements of one name', withLine(8, '          <xs:element name="MaXa" type="xs:int"/>'), /two elements named MaXa in one type/],
  [
    'a bound on a decimal',
    typeOf(
      'tns:Dt"/></xs:sequence></xs:complexType><xs:simpleType name="Dt"><xs:restriction base="xs:decimal"><xs:minInclusive value="0"/></xs:restriction></xs:simpleType><xs:complexType name="U"><xs:sequence><xs:element name="x" type="xs:string',
    ),
    /xs:minInclusive on a decimal is not read/,
  ],
  [
    'a Unicode class in a pattern',
    typeOf(
      'tns:P"/></xs:sequence></xs:complexType><xs:simpleType name="P"><xs:restriction base="xs:string"><xs:pattern value="\\p{L}+"/></xs:restriction></xs:simpleType><xs:complexType name="U"><xs:sequence><xs:element name="x" type="xs:string',
    ),
    /\\p\{…\} classes are not read/,
  ],
  [
    'types that expand exponentially',
    withLines({
      8: '          <xs:element name="SoThua" type="tns:A0"/>',
      10: `      </xs:complexType>${Array.from({ length: 17 }, (_, i) => `<xs:complexType name="A${i}"><xs:sequence><xs:element name="x" type="tns:A${i + 1}"/><xs:element name="y" type="tns:A${i + 1}"/></xs:sequence></xs:complexType>`).join('')}<xs:complexType name="A17"/>`,
    }),
    /the schema expands to more than 50000 elements once its types are inlined/,
  ],
  ['a bad maxOccurs', withLine(8, '          <xs:element name="SoThua" type="xs:int" maxOccurs="many"/>'), /maxOccurs="many" is not a count/],
  ['two schemas', withLine(17, '    </xs:schema><xs:schema targetNamespace="urn:other"/>'), /a second inline schema: only one is read/],
  [
    'a missing binding',
    withLine(31, '    <wsdl:port name="RegistrySoap" binding="tns:Nowhere"><soap:address location="https://registry.example/ws/Registry.asmx"/></wsdl:port>'),
    'r.wsdl:31:5: definitions.service[Registry].port[RegistrySoap]: port RegistrySoap names binding tns:Nowhere, which the document does not define',
  ],
  [
    'only a SOAP 1.2 binding',
    withLine(23, '    <soap12:binding xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" transport="http://schemas.xmlsoap.org/soap/http"/>'),
    'r.wsdl:30:3: definitions.service[Registry]: service Registry has no SOAP 1.1 port (a binding with soap:binding of http://schemas.xmlsoap.org/wsdl/soap/): SOAP 1.2 is not read',
  ],
  [
    'another transport',
    withLine(23, '    <soap:binding transport="http://example/smtp"/>'),
    /transport http:\/\/example\/smtp is not read: only SOAP over HTTP/,
  ],
  [
    'two services',
    withLine(32, '  </wsdl:service><wsdl:service name="Other"/>'),
    'r.wsdl:32:18: definitions.service[Other]: two services (Registry, Other): only one is read',
  ],
  ['no service', withLines({ 30: '', 31: '', 32: '' }), 'r.wsdl:2:1: definitions: no wsdl:service: the document does not say where the registry is'],
  [
    'a relative location',
    withLine(31, '    <wsdl:port name="RegistrySoap" binding="tns:Binding"><soap:address location="/ws/Registry.asmx"/></wsdl:port>'),
    /location \/ws\/Registry\.asmx is not an absolute URL/,
  ],
  [
    'a query in the location',
    withLine(31, '    <wsdl:port name="RegistrySoap" binding="tns:Binding"><soap:address location="https://r.example/ws?x=1"/></wsdl:port>'),
    /must not hold a query or a fragment/,
  ],
  [
    'a one-way operation',
    withLine(21, '  <wsdl:portType name="Port"><wsdl:operation name="Lookup"><wsdl:input message="tns:LookupIn"/></wsdl:operation></wsdl:portType>'),
    /operation Lookup is not request-response/,
  ],
  ['a bound operation the portType lacks', withLine(24, '    <wsdl:operation name="Other">'), /operation Other is not in portType Port/],
  ['a message not defined', withLine(20, ''), /message tns:LookupOut is not defined in the document/],
  [
    'a required extension',
    withLine(23, '    <soap:binding transport="http://schemas.xmlsoap.org/soap/http"/><wsp:Policy xmlns:wsp="urn:policy" wsdl:required="true"/>'),
    /wsp:Policy is required \(wsdl:required="true"\) and not read/,
  ],
]

describe('readWsdl: refusals', () => {
  it.each(refusals)('refuses %s', (_name, text, expected) => {
    let error: unknown
    try {
      readWsdl(text, 'r.wsdl')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(DescriptionError)
    const message = (error as DescriptionError).message
    if (typeof expected === 'string') expect(message).toBe(expected)
    else expect(message).toMatch(expected)
  })
})
