/**
 * The client certificate a described source asks for (mutual TLS), read from the PEM files its
 * settings name and checked before the gateway starts: a certificate, a private key that is its
 * own (not encrypted: nobody is there to type a passphrase), and the authorities the source's
 * server certificate must chain to. A problem names the setting, never a file's content.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfigError, type DescribedUpstreamSetting, upstreamPrefix } from '../config.js'

export interface ClientCertificate {
  cert: string
  key: string
  ca?: string
}

export function readClientCertificate(connector: string, files: NonNullable<DescribedUpstreamSetting['certificateFiles']>): ClientCertificate {
  const prefix = upstreamPrefix(connector)
  const problems: string[] = []
  const read = (suffix: string, path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8')
    } catch (error) {
      problems.push(`${prefix}_${suffix}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
      return undefined
    }
  }
  const cert = read('CLIENT_CERT', files.cert)
  const key = read('CLIENT_KEY', files.key)
  const ca = files.ca === undefined ? undefined : read('CA', files.ca)
  let certificate: X509Certificate | undefined
  if (cert !== undefined) {
    try {
      certificate = new X509Certificate(cert)
      if (Date.parse(certificate.validTo) < Date.now()) problems.push(`${prefix}_CLIENT_CERT: the certificate has expired`)
    } catch {
      problems.push(`${prefix}_CLIENT_CERT: is not a PEM certificate`)
    }
  }
  if (key !== undefined) {
    if (/ENCRYPTED/.test(key)) problems.push(`${prefix}_CLIENT_KEY: is encrypted; give the key unencrypted, readable by the gateway only`)
    else
      try {
        const privateKey = createPrivateKey(key)
        if (certificate && !certificate.checkPrivateKey(privateKey)) problems.push(`${prefix}_CLIENT_KEY: is not the key of ${prefix}_CLIENT_CERT`)
      } catch {
        problems.push(`${prefix}_CLIENT_KEY: is not a PEM private key`)
      }
  }
  if (ca !== undefined) {
    try {
      new X509Certificate(ca)
    } catch {
      problems.push(`${prefix}_CA: is not a PEM certificate`)
    }
  }
  if (problems.length || cert === undefined || key === undefined) throw new ConfigError(problems)
  return { cert, key, ...(ca === undefined ? {} : { ca }) }
}
