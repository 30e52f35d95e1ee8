/**
 * A list root field's arguments, as GraphQL gives them, into the operation's query parameters by
 * the plan. A caller's value the source cannot take (a province code of the wrong length, digits
 * expected) is the caller's error, said in GraphQL's words; nothing malformed reaches the source.
 */
import { userInputError } from '../kit/index.js'
import type { ListPlan } from './plan.js'
import { valueAt } from './record-map.js'
import { applyTextSteps } from './values.js'

export function listParameters(list: ListPlan, args: Readonly<Record<string, unknown>>): Record<string, string | number> {
  refuseUnplanned(list, args)
  const parameters: Record<string, string | number> = {}
  for (const argument of list.arguments) {
    const name = argument.path.join('.')
    const value = valueAt(args, argument.path)
    if (value === null || value === undefined) continue
    if (argument.codes) {
      const code = typeof value === 'string' ? argument.codes.get(value) : undefined
      if (code === undefined) throw userInputError(`${name} is not a value the source knows`)
      parameters[argument.parameter] = code
      continue
    }
    if (typeof value !== 'string' && typeof value !== 'number') throw userInputError(`${name} must be text`)
    let text = String(value)
    if (argument.text) text = applyTextSteps(text, argument.text)
    // Text empty after its steps asks for nothing: the filter is not sent.
    if (text === '') continue
    if (argument.length !== undefined && [...text].length !== argument.length) throw userInputError(`${name} must be ${argument.length} characters`)
    if (argument.integer) {
      if (!/^\d{1,15}$/.test(text)) throw userInputError(`${name} must be a whole number`)
      parameters[argument.parameter] = Number(text)
    } else parameters[argument.parameter] = text
  }
  return parameters
}

/**
 * An argument the plan does not send would be dropped, and the source would answer more than was
 * asked: refused (the plan requires every argument, so this holds if the schema and plan drift).
 */
function refuseUnplanned(list: ListPlan, args: Readonly<Record<string, unknown>>): void {
  const planned = new Set(list.arguments.map((argument) => argument.path.join('.')))
  // The group's key chooses the group: the resolver reads it.
  if (list.byGroup) planned.add(list.byGroup.argument)
  const walk = (value: unknown, prefix: string) => {
    if (value === null || value === undefined) return
    if (typeof value === 'object' && !Array.isArray(value) && !planned.has(prefix)) {
      for (const [name, inner] of Object.entries(value)) walk(inner, prefix ? `${prefix}.${name}` : name)
      return
    }
    if (prefix !== 'first' && prefix !== 'after' && !planned.has(prefix)) throw userInputError(`${prefix} cannot be asked of this source`)
  }
  walk(args, '')
}
