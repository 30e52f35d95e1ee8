/**
 * A policy validation problem in the console's language. The validator writes English and quotes
 * the exact names at fault; in Vietnamese the console says what kind of problem it is in its own
 * words first and keeps the validator's sentence beside them, so nothing it named is lost.
 */
import type { LoadProblem } from '../../../policies/index.js'
import { fill, type Dictionary } from './i18n/index.js'

type Kind = keyof Dictionary['policies']['problem']

/**
 * What the validator's sentences look like (policies/, gateway/policy/check-coordinates.ts), in
 * order: the first that matches names the kind, its groups the names to fill in.
 */
const PATTERNS: Array<[RegExp, Kind, string[]]> = [
  [/^file name: /, 'fileName', []],
  [/\b(\w+) has no field (\w+)/, 'noField', ['type', 'field']],
  [/no object type (\w+) in the schema/, 'noType', ['type']],
  [/purpose (\S+) is not in purposes\.yaml/, 'purpose', ['purpose']],
  [/^Unrecognized key/i, 'unknownKey', []],
  [/^Invalid option/i, 'option', []],
  [/^Invalid input/i, 'required', []],
  [/also defined in|defined twice|listed twice/, 'duplicate', []],
  [/unknown data class/, 'unknownClass', []],
  [/data class (\w+) .*but reads none of its fields/, 'classUnread', ['class']],
  [/\(data class (\w+)\) without saying how it is shown/, 'classHow', ['class']],
  [/both masks data class (\w+)|masks data class (\w+) in more than one way|^data class (\w+) is masked by/, 'classTreatment', ['class']],
  // The YAML parser's own errors say where they are.
  [/at line \d+, column \d+/, 'yaml', []],
]

function classify(message: string): { kind: Kind; values: Record<string, string> } {
  for (const [pattern, kind, names] of PATTERNS) {
    const match = pattern.exec(message)
    if (!match) continue
    // Alternatives capture in different groups: take the groups that matched, in order.
    const groups = match.slice(1).filter((group): group is string => group !== undefined)
    return { kind, values: Object.fromEntries(names.map((name, i) => [name, groups[i] ?? ''])) }
  }
  return { kind: 'other', values: {} }
}

export function problemText(t: Dictionary, problem: Pick<LoadProblem, 'message'>): string {
  if (t.lang !== 'vi') return problem.message
  const { kind, values } = classify(problem.message)
  return `${fill(t.policies.problem[kind], values)} — ${problem.message}`
}

/** The problems with their messages in the console's language, for the editor and its line marks. */
export const translateProblems = <P extends LoadProblem>(t: Dictionary, problems: P[]): P[] =>
  problems.map((problem) => ({ ...problem, message: problemText(t, problem) }))
