/**
 * Reads a trust-list directory: every `*.pem`, `*.crt` and `*.crl` file, in name order. A `.crt`
 * or `.crl` file in DER (as CAs publish CRLs) is read as one certificate or one CRL.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { toPem } from './pem.js'
import { parseTrustList, type TrustList, TrustListError } from './trust-list.js'

const EXTENSIONS = /\.(pem|crt|crl)$/i

export function readTrustList(dir: string): TrustList {
  let names: string[]
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && EXTENSIONS.test(entry.name))
      .map((entry) => entry.name)
      .sort()
  } catch (error) {
    throw new TrustListError(`cannot read the trust-list directory ${dir}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const pems = names.map((name) => {
    const bytes = readFileSync(join(dir, name))
    if (bytes.includes('-----BEGIN ')) return bytes.toString('utf8')
    if (/\.pem$/i.test(name)) return bytes.toString('utf8') // reported as holding no PEM block
    return toPem(/\.crl$/i.test(name) ? 'X509 CRL' : 'CERTIFICATE', new Uint8Array(bytes))
  })
  return parseTrustList(pems, { sources: names.map((name) => join(dir, name)) })
}
