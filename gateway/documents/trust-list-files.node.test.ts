import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pemBlocks } from './pem.js'
import { createSandboxPki, type SandboxPki } from './sandbox-pki.js'
import { readTrustList } from './trust-list-files.node.js'
import { TrustListError } from './trust-list.js'

let pki: SandboxPki
const dirs: string[] = []
const directory = (files: Record<string, string | Uint8Array>) => {
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-trust-'))
  dirs.push(dir)
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data)
  return dir
}

beforeAll(async () => {
  pki = await createSandboxPki(new Date('2026-03-15T03:00:00Z'))
})
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('reading a trust-list directory', () => {
  it('reads PEM files, DER certificates and DER CRLs, and ignores other files', () => {
    const [governmentRoot, intermediate, publicRoot, governmentCrl, publicCrl] = pki.trustPems
    const dir = directory({
      '01-ban-co-yeu-root.pem': governmentRoot!,
      '02-cuc-chung-thuc-so.crt': pemBlocks(intermediate!)[0]!.der,
      '03-public-root.crt': publicRoot!,
      'cuc-chung-thuc-so.crl': pemBlocks(governmentCrl!)[0]!.der,
      'public.crl': publicCrl!,
      'README.txt': 'not read',
    })
    const trust = readTrustList(dir)
    expect([trust.roots.length, trust.intermediates.length, trust.crls.length]).toEqual([2, 1, 2])
  })

  it('names the file that does not parse', () => {
    const dir = directory({ 'root.pem': pki.trustPems[0]!, 'broken.pem': 'nothing here' })
    expect(() => readTrustList(dir)).toThrow(TrustListError)
    expect(() => readTrustList(dir)).toThrow(`${join(dir, 'broken.pem')}: holds no PEM block`)
  })

  it('says when the directory cannot be read', () => {
    expect(() => readTrustList(join(tmpdir(), 'lgsp-no-such-trust-dir'))).toThrow(/cannot read the trust-list directory/)
  })
})
