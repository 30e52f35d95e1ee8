import { describe, expect, it } from 'vitest'
import { buildEnvelope, buildFault, parseXml, soapActionOf, XmlSyntaxError } from './soap.js'

describe('soap helpers', () => {
  it('builds a SOAP 1.1 envelope in the service namespace, escaping text', () => {
    const xml = buildEnvelope({ TraCuuThuaDat: { MaThuaDat: '00097.12.345 & <x>' } }, { ThongTinYeuCau: { MaYeuCau: 'req-1' } })
    expect(xml).toContain('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">')
    expect(xml).toContain('<TraCuuThuaDat xmlns="http://datdai.gov.vn/">')
    expect(xml).toContain('<ThongTinYeuCau xmlns="http://datdai.gov.vn/"><MaYeuCau>req-1</MaYeuCau>')
    expect(xml).toContain('00097.12.345 &amp; &lt;x&gt;')
    expect(parseXml(xml)).toEqual({
      Envelope: {
        Header: { ThongTinYeuCau: { MaYeuCau: 'req-1' } },
        Body: { TraCuuThuaDat: { MaThuaDat: '00097.12.345 & <x>' } },
      },
    })
  })

  it('leaves out undefined values', () => {
    const xml = buildEnvelope({ Op: { A: 'a', B: undefined } })
    expect(xml).not.toContain('<B')
  })

  it('reads a fault', () => {
    expect(parseXml(buildFault('soap:Client', 'Sai'))).toEqual({ Envelope: { Body: { Fault: { faultcode: 'soap:Client', faultstring: 'Sai' } } } })
  })

  it.each([
    ['a truncated document', buildEnvelope({ Op: { A: 'a' } }).slice(0, 90)],
    ['text that is not XML', 'Service Unavailable <'],
    ['mismatched tags', '<a><b></a></b>'],
  ])('rejects %s', (_name, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError)
  })

  it('quotes the SOAPAction', () => {
    expect(soapActionOf('KiemTraKetNoi')).toBe('"http://datdai.gov.vn/KiemTraKetNoi"')
  })
})
