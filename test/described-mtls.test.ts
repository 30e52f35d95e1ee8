/**
 * A source connected by description that asks for a client certificate (mutual TLS, as X-Road
 * members and many ministry systems do): an HTTPS server on 127.0.0.1 that requires a certificate
 * from its own authority, with certificates made by openssl for this run. The gateway presents the
 * one its settings name, on a pool of its own, and trusts only the authority it is told to; the
 * settings are checked before start, naming the setting and never a file's content.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalCatalog, ConnectorFilesError, createDescribedConnector, loadDescribedConnector } from '../connectors/described/index.js'
import { createPooledTransport, type PooledTransport, type PooledTransportOptions } from '../connectors/kit/pooled-transport.node.js'
import { NAME, PIN, RECORD, restDescription, restMapping } from '../connectors/described/rest-source.fixture.js'
import { ConfigError } from '../gateway/config.js'
import { readClientCertificate } from '../gateway/entry/client-certificate.js'
import { typeDefs } from '../schemas/index.js'

const DESCRIPTION = restDescription(
  `components:
  securitySchemes:
    mtls: { type: mutualTLS }
security: [{ mtls: [] }]`,
  '3.1.0',
)
const MAPPING = restMapping('auth: { kind: none }\nclientCertificate: true')
const load = (mapping = MAPPING) =>
  loadDescribedConnector(
    {
      folder: 'ho-so',
      mapping: { file: 'mapping.yaml', text: mapping },
      readDescription: (name) => (name === 'openapi.yaml' ? { file: 'openapi.yaml', text: DESCRIPTION } : undefined),
    },
    canonicalCatalog(typeDefs),
  )

let dir: string
let server: Server
let base: string
const pools: PooledTransport[] = []
const seenSubjects: Array<string | undefined> = []

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
/** A key and a certificate signed by `ca` (or self-signed when it is the authority). */
function issue(name: string, subject: string, ca?: string, extension?: string): void {
  openssl(
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  )
  if (extension) writeFileSync(join(dir, `${name}.ext`), extension)
  const signing = ca ? ['-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial'] : ['-signkey', `${name}.key`]
  openssl('x509', '-req', '-in', `${name}.csr`, '-out', `${name}.crt`, '-days', '2', ...signing, ...(extension ? ['-extfile', `${name}.ext`] : []))
}
const file = (name: string) => join(dir, name)
const pem = (name: string) => readFileSync(file(name), 'utf8')

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lgsp-mtls-'))
  issue('ca', '/CN=Synthetic registry CA', undefined, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n')
  issue('server', '/CN=127.0.0.1', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
  issue('gateway', '/CN=lgsp-gateway', 'ca', 'extendedKeyUsage=clientAuth\n')
  issue('stranger-ca', '/CN=Another CA', undefined, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n')
  issue('stranger', '/CN=lgsp-gateway', 'stranger-ca', 'extendedKeyUsage=clientAuth\n')
  server = createServer({ key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const subject = (req.socket as TLSSocket).getPeerCertificate().subject?.CN
    seenSubjects.push(subject === undefined ? undefined : String(subject))
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(req.url === `/ho-so/${PIN}` ? JSON.stringify(RECORD) : '{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 60_000)
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()))
  await new Promise((resolve) => server.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

const connectWith = (tls: PooledTransportOptions['tls']) => {
  const pool = createPooledTransport({ tls })
  pools.push(pool)
  return createDescribedConnector(load(), { baseUrl: base, timeoutMs: 3000, tlsTransport: pool.send })
}
const scope = { requestId: 'req-mtls' }

describe('a source asking for a client certificate', () => {
  it('is read with the certificate the settings name, its server checked against the authority given', async () => {
    const certificate = readClientCertificate('ho-so', { cert: file('gateway.crt'), key: file('gateway.key'), ca: file('ca.crt') })
    const source = connectWith(certificate)
    expect((await source.lookup('caseFile', PIN, scope))?.name).toBe(NAME)
    expect(seenSubjects.at(-1)).toBe('lgsp-gateway')
    expect(await source.health()).toMatchObject({ ok: true })
  })

  it.each([
    ['no certificate', { ca: 'ca.crt' }],
    ['a certificate of another authority', { cert: 'stranger.crt', key: 'stranger.key', ca: 'ca.crt' }],
    ['a server its authority does not vouch for', { cert: 'gateway.crt', key: 'gateway.key', ca: 'stranger-ca.crt' }],
  ])('is unavailable with %s', async (_name, names) => {
    const tls = Object.fromEntries(Object.entries(names).map(([part, name]) => [part, pem(name)]))
    await expect(connectWith(tls).lookup('caseFile', PIN, scope)).rejects.toMatchObject({ connector: 'ho-so', code: 'UPSTREAM_UNAVAILABLE' })
  })

  it('refuses to start without a transport presenting the certificate, and a mapping that ignores the description asking for one', () => {
    expect(() => createDescribedConnector(load(), { baseUrl: base })).toThrow(/client certificate/)
    expect(() => load(MAPPING.replace('clientCertificate: true\n', ''))).toThrow(ConnectorFilesError)
    expect(() => load(MAPPING.replace('clientCertificate: true\n', ''))).toThrow(/asks for a client certificate \(mutualTLS\): clientCertificate: true/)
  })

  it.each([
    [
      'a key that is not the certificate’s',
      { cert: 'gateway.crt', key: 'stranger.key' },
      /UPSTREAM_HO_SO_CLIENT_KEY: is not the key of UPSTREAM_HO_SO_CLIENT_CERT/,
    ],
    ['a file that cannot be read', { cert: 'missing.crt', key: 'gateway.key' }, /UPSTREAM_HO_SO_CLIENT_CERT: cannot be read \(ENOENT\)/],
    ['a certificate that is not one', { cert: 'gateway.key', key: 'gateway.key' }, /UPSTREAM_HO_SO_CLIENT_CERT: is not a PEM certificate/],
    ['an authority that is not one', { cert: 'gateway.crt', key: 'gateway.key', ca: 'gateway.csr' }, /UPSTREAM_HO_SO_CA: is not a PEM certificate/],
  ])('refuses settings with %s, naming the setting and not the content', (_name, names, problem) => {
    const files = Object.fromEntries(Object.entries(names).map(([part, name]) => [part, file(name)])) as { cert: string; key: string; ca?: string }
    const failure = (() => {
      try {
        readClientCertificate('ho-so', files)
      } catch (error) {
        return error
      }
    })()
    expect(failure).toBeInstanceOf(ConfigError)
    const message = (failure as ConfigError).problems.join('\n')
    expect(message).toMatch(problem)
    expect(message).not.toMatch(/BEGIN|PRIVATE/)
  })

  it('refuses an encrypted key: nobody is there to type its passphrase', () => {
    openssl('pkey', '-in', 'gateway.key', '-aes256', '-passout', 'pass:a-passphrase', '-out', 'encrypted.key')
    expect(() => readClientCertificate('ho-so', { cert: file('gateway.crt'), key: file('encrypted.key') })).toThrow(ConfigError)
  })
})
