/**
 * PEM blocks (RFC 7468) to DER and back, with atob/btoa so it runs on any runtime. Strict: a block
 * whose END label differs, or whose body is not base64, is an error rather than skipped, so a
 * damaged trust-list file is noticed when it is read.
 */
export interface PemBlock {
  label: string
  der: Uint8Array<ArrayBuffer>
}

export class PemError extends Error {
  override readonly name = 'PemError'
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g

/** Every PEM block in `text`, in order. Text between blocks (comments, `openssl x509 -text` output) is ignored. */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = []
  for (const match of text.matchAll(BEGIN)) {
    const label = match[1]!
    const bodyStart = match.index + match[0].length
    const end = text.indexOf('-----END ', bodyStart)
    if (end < 0) throw new PemError(`the ${label} block has no END line`)
    const endLabel = /^-----END ([A-Z0-9 ]+)-----/.exec(text.slice(end))?.[1]
    if (endLabel !== label) throw new PemError(`the ${label} block ends with END ${endLabel ?? '(unreadable)'}`)
    const body = text.slice(bodyStart, end)
    if (body.includes('-----BEGIN ')) throw new PemError(`the ${label} block has no END line before the next BEGIN`)
    blocks.push({ label, der: base64ToBytes(body, label) })
  }
  return blocks
}

function base64ToBytes(body: string, label: string): Uint8Array<ArrayBuffer> {
  // RFC 7468 allows explanatory headers only in legacy blocks we do not read; whitespace only.
  const compact = body.replace(/[\s]+/g, '')
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new PemError(`the ${label} block's body is not base64`)
  }
  const binary = atob(compact)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** DER as a PEM block, 64 characters a line. */
export function toPem(label: string, der: Uint8Array | ArrayBuffer): string {
  const bytes = der instanceof Uint8Array ? der : new Uint8Array(der)
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  const lines = btoa(binary).match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}
