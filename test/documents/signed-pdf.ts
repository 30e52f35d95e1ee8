/**
 * Test PDFs made with pdf-lib: an unsigned scan, and a PDF signed the way PAdES signers do it:
 * a signature dictionary with a fixed-size `/Contents <00…>` placeholder and a
 * `/ByteRange [0 /********** …]` placeholder saved into the file, then the byte range written in
 * (padded to the placeholder's width, so no offset moves) and the CMS over the two ranges
 * hex-written into the placeholder.
 */
import { PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString, StandardFonts } from 'pdf-lib'
import { type SandboxSigner, type SignOptions, signDetachedCms } from '../../gateway/documents/sandbox-pki.js'

const FIXED_DATE = new Date('2026-01-05T02:00:00Z')
const latin1 = new TextDecoder('latin1')
const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0))

/** A one-page PDF with visible ASCII text and no signature: what a scanner produces. */
export async function unsignedPdf(text = 'Giay khai sinh - mau thu'): Promise<Uint8Array> {
  const doc = await page(text)
  return doc.save({ useObjectStreams: false })
}

async function page(text: string): Promise<PDFDocument> {
  const doc = await PDFDocument.create()
  // Fixed metadata: the same text gives the same bytes before signing.
  doc.setCreationDate(FIXED_DATE)
  doc.setModificationDate(FIXED_DATE)
  doc.setProducer('lgsp-gateway test fixtures')
  const font = await doc.embedFont(StandardFonts.Helvetica)
  doc.addPage([595, 842]).drawText(text, { x: 50, y: 780, size: 18, font })
  return doc
}

export interface SignedPdf {
  pdf: Uint8Array
  /** [a, b, c, d] as written into /ByteRange. */
  byteRange: [number, number, number, number]
  /** The CMS as signed (without the zero padding). */
  cms: Uint8Array
  /** Where the CMS's first hex digit sits in `pdf` (just after the `<`). */
  cmsHexOffset: number
}

export interface SignPdfOptions extends SignOptions {
  text?: string
  /** Bytes reserved for the CMS (the hex placeholder is twice as long). Default 12 KiB. */
  placeholderBytes?: number
  /** Replaces the CMS maker, to sign with something else (a broken CMS, a foreign signer). */
  sign?: (signedBytes: Uint8Array) => Promise<Uint8Array>
}

/** A PDF with one signature made by `signer` over its byte ranges. */
export async function signedPdf(signer: SandboxSigner, options: SignPdfOptions = {}): Promise<SignedPdf> {
  const placeholderBytes = options.placeholderBytes ?? 12 * 1024
  const doc = await page(options.text ?? 'Giay khai sinh - mau thu')
  const pageRef = doc.getPage(0).ref
  const { context } = doc
  const signature = context.register(
    context.obj({
      Type: 'Sig',
      Filter: 'Adobe.PPKLite',
      SubFilter: 'ETSI.CAdES.detached',
      ByteRange: context.obj([PDFNumber.of(0), PDFName.of('**********'), PDFName.of('**********'), PDFName.of('**********')]),
      Contents: PDFHexString.of('0'.repeat(placeholderBytes * 2)),
      Reason: PDFString.of('Ky so mau thu'),
      M: PDFString.fromDate(options.signingTime ?? FIXED_DATE),
    }),
  )
  const widget = context.register(
    context.obj({ Type: 'Annot', Subtype: 'Widget', FT: 'Sig', Rect: [0, 0, 0, 0], V: signature, T: PDFString.of('Signature1'), F: 4, P: pageRef }),
  )
  doc.getPage(0).node.set(PDFName.of('Annots'), context.obj([widget]))
  doc.catalog.set(PDFName.of('AcroForm'), context.obj({ SigFlags: 3, Fields: [widget] }))
  const pdf = await doc.save({ useObjectStreams: false })

  const text = latin1.decode(pdf)
  const placeholder = /\/ByteRange\s*\[\s*0\s+\/\*{10}\s+\/\*{10}\s+\/\*{10}\s*\]/.exec(text)
  if (!placeholder) throw new Error('pdf-lib did not write the /ByteRange placeholder as expected')
  const hexStart = text.indexOf(`<${'0'.repeat(64)}`, placeholder.index - placeholderBytes * 2 - 64)
  if (hexStart < 0) throw new Error('pdf-lib did not write the /Contents placeholder as expected')
  const b = hexStart
  const c = hexStart + placeholderBytes * 2 + 2
  const byteRange: [number, number, number, number] = [0, b, c, pdf.length - c]
  const written = `/ByteRange [${byteRange.join(' ')}]`
  if (written.length > placeholder[0].length) throw new Error('the byte range does not fit its placeholder')
  pdf.set(ascii(written.padEnd(placeholder[0].length, ' ')), placeholder.index)

  const signedBytes = new Uint8Array(b + byteRange[3])
  signedBytes.set(pdf.subarray(0, b), 0)
  signedBytes.set(pdf.subarray(c), b)
  const cms = options.sign ? await options.sign(signedBytes) : await signDetachedCms(signedBytes, signer, options)
  if (cms.length > placeholderBytes) throw new Error(`the CMS (${cms.length} bytes) does not fit the ${placeholderBytes}-byte placeholder`)
  pdf.set(ascii(toHex(cms)), b + 1)
  return { pdf, byteRange, cms, cmsHexOffset: b + 1 }
}

export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}
