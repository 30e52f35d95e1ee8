/** The pure parts: PEM blocks, the PDF byte-range reading, media types, and the trust list's refusals. */
import { describe, expect, it } from 'vitest'
import { baseMediaType } from './check.js'
import { PemError, pemBlocks, toPem } from './pem.js'
import { signedParts } from './pdf-byte-range.js'
import { parseTrustList, TrustListError } from './trust-list.js'

const bytes = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0))
const text = (data: Uint8Array) => String.fromCharCode(...data)

describe('PEM blocks', () => {
  it('reads every block in order, ignoring text around them, and round-trips with toPem', () => {
    const one = toPem('CERTIFICATE', bytes('\x30\x03\x02\x01\x05'))
    const two = toPem('X509 CRL', new Uint8Array(200).fill(7))
    const blocks = pemBlocks(`subject=CN=x\n${one}\nnoise\n${two}`)
    expect(blocks.map((block) => block.label)).toEqual(['CERTIFICATE', 'X509 CRL'])
    expect([...blocks[0]!.der]).toEqual([0x30, 3, 2, 1, 5])
    expect(blocks[1]!.der).toEqual(new Uint8Array(200).fill(7))
    expect(two.split('\n')[1]).toHaveLength(64)
  })

  it.each([
    ['no END line', '-----BEGIN CERTIFICATE-----\nMAA=\n', /no END line/],
    ['another label at the end', '-----BEGIN CERTIFICATE-----\nMAA=\n-----END X509 CRL-----\n', /ends with END X509 CRL/],
    ['a body that is not base64', '-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n', /not base64/],
    ['an empty body', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n', /not base64/],
    ['a BEGIN inside a block', '-----BEGIN CERTIFICATE-----\nMAA=\n-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n', /before the next BEGIN/],
  ])('refuses %s', (_case, pem, message) => {
    expect(() => pemBlocks(pem)).toThrow(PemError)
    expect(() => pemBlocks(pem)).toThrow(message)
  })
})

/** A minimal file shaped like a signed PDF: the dictionary, the hex gap, the rest. */
function fakeSignedPdf(options: { hex?: string; tail?: string; key?: string; between?: string; lie?: (range: number[]) => number[] } = {}) {
  const hex = options.hex ?? '3003020105000000'
  const head = `%PDF-1.7\n7 0 obj\n<< /Type /Sig /ByteRange [0 ########## ########## ##########]${options.between ?? ''} ${options.key ?? '/Contents'} `
  const tail = options.tail ?? ' >>\nendobj\ntrailer\n%%EOF\n'
  const b = head.length
  const c = b + hex.length + 2
  const range = options.lie ? options.lie([0, b, c, tail.length]) : [0, b, c, tail.length]
  const fill = `[${range.join(' ')}]`.padEnd('[0 ########## ########## ##########]'.length, ' ')
  const file = `${head.replace('[0 ########## ########## ##########]', fill)}<${hex}>${tail}`
  return { file: bytes(file), range, b, c }
}

describe('the signed byte ranges of a PDF', () => {
  it('finds the ranges, the signed bytes and the decoded /Contents', () => {
    const { file, range, b, c } = fakeSignedPdf()
    const parts = signedParts(file)
    expect(parts.kind).toBe('signed')
    if (parts.kind !== 'signed') return
    expect(parts.byteRange).toEqual(range)
    expect(text(parts.signed)).toBe(text(file.subarray(0, b)) + text(file.subarray(c)))
    expect([...parts.contents]).toEqual([0x30, 3, 2, 1, 5, 0, 0, 0])
  })

  it('accepts /Contents before /ByteRange, hex in upper case and whitespace in the hex', () => {
    const hex = '30 03 02 01 05 00'
    const head = '%PDF-1.4\n9 0 obj\n<< /Contents '
    const middle = ' /ByteRange [0 ########## ########## ##########] >>\nendobj\n'
    const b = head.length
    const c = b + hex.length + 2
    const range = [0, b, c, middle.length]
    const file = bytes(`${head}<${hex.toUpperCase()}>${middle.replace('[0 ########## ########## ##########]', `[${range.join(' ')}]`.padEnd(36))}`)
    const parts = signedParts(file)
    expect(parts).toMatchObject({ kind: 'signed', byteRange: range })
  })

  it.each<[string, Uint8Array, RegExp | 'unsigned']>([
    ['a file without a signature', bytes('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n'), 'unsigned'],
    ['an empty signature field is not a signature', bytes('%PDF-1.7\n<< /FT /Sig /T (Signature1) >>\n%%EOF\n'), 'unsigned'],
    ['a file that is not a PDF', bytes('\x89PNG\r\n\x1a\n...'), /not a PDF \(no %PDF- header/],
    [
      'a signature dictionary without /ByteRange',
      bytes('%PDF-1.7\n<< /Type /Sig /Filter /Adobe.PPKLite /Contents <00> >>\n'),
      /signature dictionary \(\/Type \/Sig\) but no \/ByteRange/,
    ],
    ['a /ByteRange that is not four numbers', bytes('%PDF-1.7\n<< /ByteRange [0 /********** /********** /**********] >>'), /not an array of four numbers/],
    [
      'bytes appended after signing',
      bytes(`${text(fakeSignedPdf().file)}% appended\n`),
      /changed after it was signed \(the signed byte range ends at 132 of 143 bytes\)/,
    ],
    ['a cut file', fakeSignedPdf().file.subarray(0, 100), /shorter than what was signed \(the signed byte range ends at 132, the file has 100 bytes\)/],
    ['a range that does not start at 0', fakeSignedPdf({ lie: ([, b, c, d]) => [1, b! - 1, c!, d!] }).file, /does not start at the beginning/],
    ['a gap that is not the <hex>', fakeSignedPdf({ lie: ([a, b, c, d]) => [a!, b! + 1, c!, d!] }).file, /is not a <hex> string/],
    ['no gap at all', fakeSignedPdf({ lie: ([a, b, , d]) => [a!, b!, b!, d!] }).file, /leaves no gap/],
    ['a gap holding more than hex', fakeSignedPdf({ hex: '3003xx' }).file, /holds more than hex digits/],
    ['an odd number of hex digits', fakeSignedPdf({ hex: '300' }).file, /odd number/],
    ['an empty /Contents', fakeSignedPdf({ hex: '' }).file, /\/Contents is empty/],
    ['a gap that is not the value of /Contents', fakeSignedPdf({ key: '/Cert' }).file, /not the value of a \/Contents key/],
    ['/ByteRange and /Contents in two objects', fakeSignedPdf({ between: ' >>\nendobj\n8 0 obj\n<<' }).file, /not in one signature dictionary/],
  ])('%s', (_case, file, expected) => {
    const parts = signedParts(file)
    if (expected === 'unsigned') expect(parts).toEqual({ kind: 'unsigned' })
    else expect(parts).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(expected) })
  })

  it('reads the last /ByteRange when there are several', () => {
    const first = fakeSignedPdf()
    const parts = signedParts(bytes(`${text(first.file)}<< /ByteRange [0 1 2 3] >>\n`))
    expect(parts).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('[0 1 2 3]') })
  })
})

describe('media types', () => {
  it.each([
    ['application/pdf', 'application/pdf'],
    ['Application/PDF; name="giay-khai-sinh.pdf"', 'application/pdf'],
    ['  image/jpeg ', 'image/jpeg'],
    ['', ''],
  ])('%j is %j', (mediaType, base) => {
    expect(baseMediaType(mediaType)).toBe(base)
  })
})

describe('the trust list refuses what it cannot use', () => {
  it.each<[string, string[], RegExp]>([
    ['an entry with no PEM block', ['just text'], /trust list entry 1: holds no PEM block/],
    ['a private key', [toPem('PRIVATE KEY', new Uint8Array([0x30, 0]))], /holds a PRIVATE KEY block; a trust list has only CERTIFICATE and X509 CRL/],
    ['a certificate that does not parse', [toPem('CERTIFICATE', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]))], /the CERTIFICATE block does not parse/],
    ['a CRL that does not parse', [toPem('X509 CRL', new Uint8Array([0x04, 0x01, 0x00]))], /the X509 CRL block does not parse/],
    ['broken PEM', ['-----BEGIN CERTIFICATE-----\nMAA=\n'], /trust list entry 1: the CERTIFICATE block has no END line/],
  ])('%s', (_case, pems, message) => {
    expect(() => parseTrustList(pems)).toThrow(TrustListError)
    expect(() => parseTrustList(pems)).toThrow(message)
  })

  it('names the entry by its source when given one', () => {
    expect(() => parseTrustList(['x'], { sources: ['/etc/lgsp/trust/root.pem'] })).toThrow(/^\/etc\/lgsp\/trust\/root.pem: holds no PEM block/)
  })

  it('an empty list is allowed: every signature is then UNTRUSTED', () => {
    expect(parseTrustList([])).toEqual({ roots: [], intermediates: [], crls: [] })
  })
})
