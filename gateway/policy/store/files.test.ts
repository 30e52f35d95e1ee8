import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../support/index.js'
import { canonicalFiles, diffFileSets, digestInput } from './index.js'

const f = (name: string, text: string) => ({ name, text })

describe('canonicalFiles', () => {
  it('sorts by name and refuses a name given twice', () => {
    expect(canonicalFiles([f('purposes.yaml', 'p'), f('agencies/b.yaml', 'b'), f('agencies/a.yaml', 'a')]).map((x) => x.name)).toEqual([
      'agencies/a.yaml',
      'agencies/b.yaml',
      'purposes.yaml',
    ])
    expect(() => canonicalFiles([f('a', '1'), f('a', '2')])).toThrow('given twice')
  })
})

describe('digest', () => {
  it.each([
    ['order does not matter', [f('a', '1'), f('b', '2')], [f('b', '2'), f('a', '1')], true],
    ['text matters', [f('a', '1')], [f('a', '1 ')], false],
    ['names matter', [f('a', '1')], [f('b', '1')], false],
    ['the split between name and text matters', [f('ab', 'c')], [f('a', 'bc')], false],
  ])('%s', async (_, a, b, same) => {
    expect((await sha256Hex(digestInput(a))) === (await sha256Hex(digestInput(b)))).toBe(same)
  })

  it('is SHA-256 hex', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })
})

describe('diffFileSets', () => {
  it.each([
    ['equal sets', [f('a', 'x\n')], [f('a', 'x\n')], ''],
    ['a changed line', [f('a', 'x\ny\nz\n')], [f('a', 'x\nY\nz\n')], '--- a/a\n+++ b/a\n@@ -1,3 +1,3 @@\n x\n-y\n+Y\n z\n'],
    ['an added file', [], [f('n', 'one\n')], '--- /dev/null\n+++ b/n\n@@ -0,0 +1,1 @@\n+one\n'],
    ['a removed file', [f('gone', 'bye\n')], [], '--- a/gone\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-bye\n'],
  ])('%s', (_, before, after, expected) => {
    expect(diffFileSets(before, after)).toBe(expected)
  })

  it('lists files in name order and leaves unchanged ones out', () => {
    const diff = diffFileSets([f('b', '1\n'), f('a', '1\n'), f('same', 's\n')], [f('a', '2\n'), f('b', '2\n'), f('same', 's\n')])
    expect(diff.indexOf('a/a')).toBeLessThan(diff.indexOf('a/b'))
    expect(diff).not.toContain('same')
  })
})
