/**
 * Where a validation problem is in its YAML file: the line of the node at the problem's path,
 * so the editor can show the message under that line rather than in a list at the top.
 */
import { LineCounter, parseDocument } from 'yaml'
import type { LoadProblem } from '../../../policies/index.js'

export function problemLines(text: string, problems: LoadProblem[]): Map<number, string[]> {
  const lines = new Map<number, string[]>()
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter })
  for (const problem of problems) {
    let line = 1
    const yamlError = doc.errors[0]
    if (problem.path === '(document)' && yamlError?.linePos) line = yamlError.linePos[0].line
    else {
      // Walk down the path as far as it exists: a missing key is reported at its parent.
      const parts = problem.path
        .split('.')
        .filter(Boolean)
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
      for (let depth = parts.length; depth > 0; depth--) {
        const node = doc.getIn(parts.slice(0, depth), true) as { range?: [number, number, number] } | undefined
        if (node?.range) {
          line = counter.linePos(node.range[0]).line
          break
        }
      }
    }
    lines.set(line, [...(lines.get(line) ?? []), `${problem.path}: ${problem.message}`])
  }
  return lines
}
