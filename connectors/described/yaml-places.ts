/**
 * A YAML (or JSON) file read with the place of every key kept, so that a problem found later, in
 * the parsed value, can still be reported as `file:line:column`. Runtime-neutral: text in, no fs.
 * Shared by the mapping loader and the OpenAPI reader.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml'
import type { SourcePlace } from './description.js'

type Path = ReadonlyArray<string | number>

export interface PlacedYaml {
  value: unknown
  /** Where a path of the value is written: a map entry at its key, a list item at the item; undefined if it is not. */
  placeOf(path: Path): SourcePlace | undefined
  /** The place of the path, or of the longest part of it that is written (a missing key: its parent). */
  nearestPlaceOf(path: Path): SourcePlace | undefined
}

/** Thrown for text that is not YAML, with the parser's own place. */
export class YamlSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly place?: SourcePlace,
  ) {
    super(problem)
    this.name = 'YamlSyntaxError'
  }
}

/** Far more than a hand-written file needs; beyond it, alias expansion is a resource attack. */
const MAX_ALIAS_COUNT = 100

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '')
}

function rangeStart(node: unknown): number | undefined {
  return (node as { range?: readonly number[] | null } | null)?.range?.[0]
}

function locate(doc: Document, lineCounter: LineCounter, path: Path): SourcePlace | undefined {
  let node: unknown = doc.contents
  let offset = rangeStart(node)
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc)
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment))
      if (!pair) return undefined
      offset = rangeStart(pair.key)
      node = pair.value
    } else if (isSeq(node)) {
      const index = typeof segment === 'number' ? segment : /^[0-9]+$/.test(segment) ? Number(segment) : -1
      if (index < 0 || index >= node.items.length) return undefined
      node = node.items[index]
      offset = rangeStart(node)
    } else {
      return undefined
    }
  }
  if (offset === undefined) return undefined
  const { line, col } = lineCounter.linePos(offset)
  return { line, column: col }
}

export function readPlacedYaml(text: string): PlacedYaml {
  const lineCounter = new LineCounter()
  // uniqueKeys: a key written twice is a mistake in a hand-edited file, not "the last one wins".
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true })
  const placeAt = (offset: number | undefined): SourcePlace | undefined => {
    if (offset === undefined) return undefined
    const { line, col } = lineCounter.linePos(offset)
    return { line, column: col }
  }
  const syntax = doc.errors[0]
  if (syntax) {
    const at = syntax.linePos?.[0]
    throw new YamlSyntaxError(`not YAML or JSON: ${firstLine(syntax.message)}`, at ? { line: at.line, column: at.col } : undefined)
  }
  let unresolved: { source: string; offset: number | undefined } | undefined
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined
      unresolved = { source: alias.source, offset: alias.range?.[0] }
      return visit.BREAK
    },
  })
  if (unresolved) throw new YamlSyntaxError(`not YAML or JSON: alias *${unresolved.source} has no anchor before it`, placeAt(unresolved.offset))
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (error) {
    throw new YamlSyntaxError(`not YAML or JSON: ${firstLine(error instanceof Error ? error.message : String(error))}`)
  }
  const placeOf = (path: Path) => locate(doc, lineCounter, path)
  return {
    value,
    placeOf,
    nearestPlaceOf(path) {
      for (let length = path.length; length >= 0; length--) {
        const place = placeOf(path.slice(0, length))
        if (place) return place
      }
      return undefined
    },
  }
}
