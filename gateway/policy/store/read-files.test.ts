import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_POLICY_FILE_BYTES, readPolicyFiles } from './read-files.node.js'

let root: string
let dir: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lgsp-policy-files-'))
  dir = join(root, 'policies')
  mkdirSync(join(dir, 'agencies'), { recursive: true })
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

describe('readPolicyFiles', () => {
  it('reads agencies/*.yaml in name order, then purposes.yaml, and nothing else', async () => {
    writeFileSync(join(dir, 'agencies', 'b.yaml'), 'b')
    writeFileSync(join(dir, 'agencies', 'a.yml'), 'a')
    writeFileSync(join(dir, 'agencies', 'notes.txt'), 'ignored')
    writeFileSync(join(dir, 'purposes.yaml'), 'p')
    writeFileSync(join(dir, 'README.md'), 'ignored')
    expect(await readPolicyFiles(dir)).toEqual([
      { name: 'agencies/a.yml', text: 'a' },
      { name: 'agencies/b.yaml', text: 'b' },
      { name: 'purposes.yaml', text: 'p' },
    ])
  })

  it('reads a directory without purposes.yaml or agencies/ (the validator reports what is missing)', async () => {
    rmSync(join(dir, 'agencies'), { recursive: true })
    expect(await readPolicyFiles(dir)).toEqual([])
  })

  it('follows a symlink inside the directory', async () => {
    writeFileSync(join(dir, 'shared.yaml'), 'inside')
    symlinkSync(join(dir, 'shared.yaml'), join(dir, 'agencies', 'x.yaml'))
    expect(await readPolicyFiles(dir)).toEqual([{ name: 'agencies/x.yaml', text: 'inside' }])
  })

  it.each([
    [
      'a symlink to a file outside the directory',
      () => {
        writeFileSync(join(root, 'secret'), 'outside')
        symlinkSync(join(root, 'secret'), join(dir, 'agencies', 'x.yaml'))
      },
      'leads outside the policy directory',
    ],
    [
      'a symlinked purposes.yaml outside',
      () => {
        writeFileSync(join(root, 'purposes.yaml'), 'outside')
        symlinkSync(join(root, 'purposes.yaml'), join(dir, 'purposes.yaml'))
      },
      'leads outside the policy directory',
    ],
    ['a file over 1 MiB', () => writeFileSync(join(dir, 'agencies', 'big.yaml'), 'x'.repeat(MAX_POLICY_FILE_BYTES + 1)), 'larger than'],
    ['a directory named like a policy file', () => mkdirSync(join(dir, 'agencies', 'd.yaml')), 'not a regular file'],
  ])('refuses %s', async (_, arrange, message) => {
    arrange()
    await expect(readPolicyFiles(dir)).rejects.toThrow(message)
  })
})
