/**
 * Where the gateway takes its trust list from: TRUST_LIST_DIR when set; in production nothing
 * else (every signed part UNTRUSTED, and the log says so); outside production the sandbox
 * hierarchy, generated once into DATA_DIR/sandbox-pki and read back on later starts, with sample
 * signers whose signatures (made by openssl, as a developer would) check VALID.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { parseConfig } from '../../gateway/config.js'
import { checkDocumentSignature } from '../../gateway/documents/index.js'
import { documentTrust } from '../../gateway/entry/trust-list.js'
import type { Logger } from '../../gateway/logger.js'

const work = mkdtempSync(join(tmpdir(), 'lgsp-trust-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const log = (_obj: unknown, msg?: string) => void lines.push(String(msg ?? _obj))
  const logger = { lines, trace: log, debug: log, info: log, warn: log, error: log, fatal: log, child: () => logger }
  return logger as unknown as Logger & { lines: string[] }
}

it('outside production: generates the sandbox hierarchy once, reads it back later, and an openssl signature by its signer is VALID', async () => {
  const config = parseConfig({ DATA_DIR: join(work, 'dev') })
  const first = documentTrust(config, recordingLogger())
  // Generated in the background: nothing is trusted until it is ready.
  expect(first.trust().roots).toEqual([])
  await first.ready
  expect(first.trust().roots).toHaveLength(2)
  const dir = join(work, 'dev', 'sandbox-pki')
  expect(statSync(join(dir, 'signers', 'government.key')).mode & 0o777).toBe(0o600)
  const later = documentTrust(config, recordingLogger())
  await later.ready
  // The same roots read back, certificate for certificate: not a second hierarchy generated.
  const serials = (trust: ReturnType<typeof later.trust>) => trust.roots.map((root) => Buffer.from(root.serialNumber.valueBlock.valueHexView).toString('hex'))
  expect(serials(later.trust())).toEqual(serials(first.trust()))
  const part = join(work, 'part.jpg')
  writeFileSync(part, 'anh chan dung mau thu')
  execFileSync('openssl', [
    'cms',
    '-sign',
    '-binary',
    '-outform',
    'DER',
    '-in',
    part,
    '-signer',
    join(dir, 'signers', 'government.crt'),
    '-inkey',
    join(dir, 'signers', 'government.key'),
    '-out',
    `${part}.p7s`,
  ])
  const checked = await checkDocumentSignature({
    content: readFileSync(part),
    mediaType: 'image/jpeg',
    signature: readFileSync(`${part}.p7s`),
    trust: later.trust(),
  })
  expect(checked).toMatchObject({ status: 'VALID', signer: 'Nguyễn Văn Thử' })
})

it('in production without TRUST_LIST_DIR: trusts nothing, and says so in the log', async () => {
  const logger = recordingLogger()
  const config = parseConfig({
    NODE_ENV: 'production',
    DATA_DIR: join(work, 'prod'),
    UPSTREAM_POPULATION_URL: 'https://dancu.example.test',
    UPSTREAM_POPULATION_API_KEY: 'a-registry-key-0001',
    UPSTREAM_LAND_URL: 'https://datdai.example.test',
    UPSTREAM_LAND_USERNAME: 'lgsp-gateway',
    UPSTREAM_LAND_PASSWORD: 'a real land password',
    UPSTREAM_BUSINESS_URL: 'https://dkdn.example.test',
    UPSTREAM_BUSINESS_API_KEY: 'a-real-dkdn-key',
    GATEWAY_ISSUER: 'https://lgsp.example.test',
    GATEWAY_KEYS_PASSPHRASE: 'a-long-passphrase-for-tests',
    HASH_SECRET: 'x'.repeat(40),
    JWKS_ALLOWED_HOSTS: 'idp.example.test',
    PORTAL_URL: 'https://dichvucong.example.test/sync',
  })
  const trust = documentTrust(config, logger)
  await trust.ready
  expect(trust.trust().roots).toEqual([])
  expect(trust.source).toBe('none')
  expect(logger.lines.join('\n')).toMatch(/every signed dossier part is recorded as UNTRUSTED/)
})

it('TRUST_LIST_DIR: read at start; a file that is no certificate stops the start, naming it', () => {
  const dir = join(work, 'dev', 'sandbox-pki', 'trust')
  expect(documentTrust(parseConfig({ TRUST_LIST_DIR: dir }), recordingLogger()).trust().roots).toHaveLength(2)
  const bad = mkdtempSync(join(work, 'bad-'))
  writeFileSync(join(bad, 'root.pem'), 'not a certificate')
  expect(() => documentTrust(parseConfig({ TRUST_LIST_DIR: bad }), recordingLogger())).toThrow(/root\.pem/)
})
