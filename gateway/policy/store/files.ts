import { createTwoFilesPatch } from 'diff'
import type { PolicyFile } from '../../../policies/index.js'

/** Files sorted by name (code-unit order, the same on every runtime); duplicate names refused. */
export function canonicalFiles(files: readonly PolicyFile[]): PolicyFile[] {
  const sorted = files.map((file) => ({ name: file.name, text: file.text })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.name === sorted[i - 1]?.name) throw new Error(`policy file ${sorted[i]?.name} is given twice`)
  }
  return sorted
}

/**
 * The text whose SHA-256 is a version's digest: unambiguous (JSON escapes the separators), so two
 * file sets share a digest only when every name and every byte of text agree.
 */
export const digestInput = (files: readonly PolicyFile[]): string => JSON.stringify(canonicalFiles(files).map((file) => [file.name, file.text]))

/**
 * A unified diff of two file sets, file by file in name order: added files against /dev/null,
 * removed ones to /dev/null, unchanged ones left out. Empty when the sets are equal.
 */
export function diffFileSets(before: readonly PolicyFile[], after: readonly PolicyFile[]): string {
  const old = new Map(before.map((file) => [file.name, file.text]))
  const next = new Map(after.map((file) => [file.name, file.text]))
  const names = [...new Set([...old.keys(), ...next.keys()])].sort()
  const parts: string[] = []
  for (const name of names) {
    const a = old.get(name)
    const b = next.get(name)
    if (a === b) continue
    const patch = createTwoFilesPatch(
      a === undefined ? '/dev/null' : `a/${name}`,
      b === undefined ? '/dev/null' : `b/${name}`,
      a ?? '',
      b ?? '',
      undefined,
      undefined,
      { context: 3 },
    )
    // The library opens each patch with a row of '=' (its "Index:" style); git-style diffs have none.
    parts.push(patch.replace(/^=+\n/, ''))
  }
  return parts.join('')
}
