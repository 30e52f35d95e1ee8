import type { Grant } from '../schema/grant.js'

export function typeOf(coordinate: string): string {
  return coordinate.slice(0, coordinate.indexOf('.'))
}

/** A grant's allow-list as sets, built once per grant object (documents are immutable). */
interface CompiledAllow {
  exact: ReadonlySet<string>
  wildcardTypes: ReadonlySet<string>
  /** Types with at least one allowed field (for `__typename`). */
  types: ReadonlySet<string>
}
const compiled = new WeakMap<Grant, CompiledAllow>()

function compile(grant: Grant): CompiledAllow {
  let entry = compiled.get(grant)
  if (!entry) {
    const exact = new Set<string>()
    const wildcardTypes = new Set<string>()
    const types = new Set<string>()
    for (const item of grant.allow) {
      const typeName = typeOf(item)
      types.add(typeName)
      if (item.endsWith('.*')) wildcardTypes.add(typeName)
      else exact.add(item)
    }
    entry = { exact, wildcardTypes, types }
    compiled.set(grant, entry)
  }
  return entry
}

/** Whether a grant's allow-list covers a coordinate (`Type.*` covers every field but none of another type). */
export function grantAllows(grant: Grant, coordinate: string): boolean {
  const allow = compile(grant)
  return allow.exact.has(coordinate) || allow.wildcardTypes.has(typeOf(coordinate))
}

export function grantCoversType(grant: Grant, typeName: string): boolean {
  return compile(grant).types.has(typeName)
}
