/**
 * Finds what a PDF's last signature signs, by hand: no maintained library verifies PAdES, and
 * the part needed is small. The last `/ByteRange [a b c d]` must start at 0, leave exactly the
 * `<hex>` of its dictionary's `/Contents` as the gap, and end at the end of the file; otherwise
 * something was changed (or cut) after signing. Text search over the bytes is sound here because
 * a signature dictionary cannot sit in a compressed object stream: its offsets are written
 * into the file as it is.
 */

export type SignedParts =
  | { kind: 'unsigned' }
  | { kind: 'invalid'; reason: string }
  | {
      kind: 'signed'
      /** [a, b, c, d]: bytes a..a+b and c..c+d are signed. */
      byteRange: [number, number, number, number]
      /** The two ranges, concatenated: what the CMS's messageDigest covers. */
      signed: Uint8Array
      /** The decoded /Contents: the CMS, usually followed by zero padding. */
      contents: Uint8Array
    }

const latin1 = new TextDecoder('latin1')
const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0))
const BYTE_RANGE = ascii('/ByteRange')
const CONTENTS = ascii('/Contents')
/** The header may follow up to 1024 bytes of junk (ISO 32000-1, 7.5.2 implementation note). */
const HEADER_WINDOW = 1024
/** A signature dictionary is small; /ByteRange and /Contents further apart are not one dictionary. */
const DICTIONARY_SPAN = 64 * 1024
/** What only a signature dictionary holds (ISO 32000-1, 12.8.1; ETSI EN 319 142-1). */
const SIGNATURE_MARKER =
  /\/Type[\0\t\n\f\r ]*\/(?:Sig|DocTimeStamp)\b|\/SubFilter[\0\t\n\f\r ]*\/(?:adbe\.pkcs7\.\w+|adbe\.x509\.\w+|ETSI\.CAdES\.detached|ETSI\.RFC3161)/
const isPdfWhitespace = (byte: number | undefined) => byte === 0x00 || byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d || byte === 0x20

export function lastIndexOf(haystack: Uint8Array, needle: Uint8Array, from = haystack.length - needle.length): number {
  outer: for (let i = Math.min(from, haystack.length - needle.length); i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}

export function signedParts(pdf: Uint8Array): SignedParts {
  if (lastIndexOf(pdf.subarray(0, HEADER_WINDOW + 5), ascii('%PDF-')) < 0) {
    return { kind: 'invalid', reason: `the content is not a PDF (no %PDF- header in its first ${HEADER_WINDOW} bytes)` }
  }
  const at = lastIndexOf(pdf, BYTE_RANGE)
  if (at < 0) {
    // A signature dictionary without its /ByteRange is a damaged signature, not an unsigned PDF.
    const marker = SIGNATURE_MARKER.exec(latin1.decode(pdf))
    return marker ? { kind: 'invalid', reason: `the PDF has a signature dictionary (${marker[0]}) but no /ByteRange` } : { kind: 'unsigned' }
  }
  const tail = latin1.decode(pdf.subarray(at + BYTE_RANGE.length, at + BYTE_RANGE.length + 200))
  const match = /^[\0\t\n\f\r ]*\[[\0\t\n\f\r ]*(\d{1,15})[\0\t\n\f\r ]+(\d{1,15})[\0\t\n\f\r ]+(\d{1,15})[\0\t\n\f\r ]+(\d{1,15})[\0\t\n\f\r ]*\]/.exec(tail)
  if (!match) return { kind: 'invalid', reason: `the last /ByteRange (at byte ${at}) is not an array of four numbers` }
  const [a, b, c, d] = [match[1], match[2], match[3], match[4]].map(Number) as [number, number, number, number]
  const byteRange: [number, number, number, number] = [a, b, c, d]
  const size = pdf.length
  const shown = `[${byteRange.join(' ')}]`
  if (a !== 0) return { kind: 'invalid', reason: `the signed byte range ${shown} does not start at the beginning of the file` }
  if (b === 0 || c <= a + b + 1) return { kind: 'invalid', reason: `the signed byte range ${shown} leaves no gap for the signature` }
  if (c + d < size) {
    return { kind: 'invalid', reason: `the PDF was changed after it was signed (the signed byte range ends at ${c + d} of ${size} bytes)` }
  }
  if (c + d > size) {
    return { kind: 'invalid', reason: `the PDF is shorter than what was signed (the signed byte range ends at ${c + d}, the file has ${size} bytes)` }
  }
  if (pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) {
    return { kind: 'invalid', reason: `the gap in the signed byte range ${shown} is not a <hex> string (bytes ${b} to ${c})` }
  }
  const contents = hexBytes(pdf.subarray(b + 1, c - 1))
  if (!contents) return { kind: 'invalid', reason: `the gap in the signed byte range ${shown} holds more than hex digits, or an odd number of them` }
  if (contents.length === 0) return { kind: 'invalid', reason: "the signature dictionary's /Contents is empty" }
  const dictionaryProblem = sameDictionaryProblem(pdf, at, b, c)
  if (dictionaryProblem) return { kind: 'invalid', reason: dictionaryProblem }
  const signed = new Uint8Array(b + d)
  signed.set(pdf.subarray(0, b), 0)
  signed.set(pdf.subarray(c, c + d), b)
  return { kind: 'signed', byteRange, signed, contents }
}

/** The gap must be the value of `/Contents` in the dictionary that holds the /ByteRange at `at`. */
function sameDictionaryProblem(pdf: Uint8Array, at: number, gapStart: number, gapEnd: number): string | undefined {
  let key = gapStart - 1
  while (key >= 0 && isPdfWhitespace(pdf[key])) key--
  const keyStart = key - CONTENTS.length + 1
  if (keyStart < 0 || lastIndexOf(pdf, CONTENTS, keyStart) !== keyStart) return 'the gap in the signed byte range is not the value of a /Contents key'
  const from = Math.min(at, keyStart)
  const to = Math.max(at, gapEnd)
  if (to - from - (gapEnd - gapStart) > DICTIONARY_SPAN) return 'the /ByteRange and the /Contents it leaves out are not in one signature dictionary'
  const between = at < keyStart ? pdf.subarray(at, keyStart) : pdf.subarray(gapEnd, at)
  if (/\bendobj\b|\bobj\b/.test(latin1.decode(between))) return 'the /ByteRange and the /Contents it leaves out are not in one signature dictionary'
  return undefined
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57
  return -1
}

/** Decodes straight into bytes: the gap is the signer's to size, up to the whole part. */
function hexBytes(hex: Uint8Array): Uint8Array | undefined {
  let count = 0
  for (const byte of hex) {
    if (isPdfWhitespace(byte)) continue
    if (hexValue(byte) < 0) return undefined
    count++
  }
  // An odd count means a final 0 (ISO 32000-1, 7.3.4.3); signers never write one, so it is refused.
  if (count % 2 !== 0) return undefined
  const bytes = new Uint8Array(count / 2)
  let digit = 0
  for (const byte of hex) {
    if (isPdfWhitespace(byte)) continue
    const value = hexValue(byte)
    if (digit % 2 === 0) bytes[digit >> 1] = value << 4
    else bytes[digit >> 1]! |= value
    digit++
  }
  return bytes
}
