/**
 * The credential file as the CLI reads it: believed only when the gateway could have written it,
 * for a live process, pointing at this machine's loopback; a file left by a dead process is none.
 */
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { credentialPath, readCredentialFile, removeCredentialFile, writeCredentialFile, type CredentialFile } from './credential-file.node.js'

const dirs: string[] = []
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-credential-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const content = (over: Partial<CredentialFile> = {}): CredentialFile => ({
  url: 'http://127.0.0.1:8080',
  credential: `lgsp-local-${'ab'.repeat(32)}`,
  pid: process.pid,
  startedAt: new Date().toISOString(),
  ...over,
})

describe('the operator credential file', () => {
  it('is written 0600 and read back while its process lives; removed only by that process', async () => {
    const dir = fresh()
    await writeCredentialFile(dir, content())
    expect(await readCredentialFile(dir)).toEqual(content({ startedAt: expect.any(String) as never }))
    await removeCredentialFile(dir, process.pid + 1)
    expect(await readCredentialFile(dir)).not.toBeNull()
    await removeCredentialFile(dir)
    expect(await readCredentialFile(dir)).toBeNull()
  })

  it('left by a process that is gone, it is no gateway', async () => {
    const dir = fresh()
    // A pid above the kernel's maximum never names a process.
    await writeCredentialFile(dir, content({ pid: 2 ** 22 + 1 }))
    expect(await readCredentialFile(dir)).toBeNull()
  })

  it.each([
    ['readable by others', (path: string) => chmodSync(path, 0o644), /mode 0600/],
    [
      'a symlink to another file',
      (path: string) => {
        rmSync(path)
        symlinkSync('/etc/hostname', path)
      },
      /regular file/,
    ],
    ['not JSON', (path: string) => writeFileSync(path, 'nope', { mode: 0o600 }), /not valid JSON/],
    ['without a pid', (path: string) => writeFileSync(path, JSON.stringify({ url: 'http://127.0.0.1:1', credential: 'x' }), { mode: 0o600 }), /lacks/],
    [
      'naming another machine',
      (path: string) => writeFileSync(path, JSON.stringify(content({ url: 'http://10.0.0.8:8080' })), { mode: 0o600 }),
      /not a loopback/,
    ],
    [
      'naming https elsewhere',
      (path: string) => writeFileSync(path, JSON.stringify(content({ url: 'https://evil.example' })), { mode: 0o600 }),
      /not a loopback/,
    ],
  ])('refused when %s, saying so', async (_name, spoil, message) => {
    const dir = fresh()
    await writeCredentialFile(dir, content())
    spoil(credentialPath(dir))
    await expect(readCredentialFile(dir)).rejects.toThrow(message)
  })
})
