import { parse, validate, type GraphQLSchema } from 'graphql'
import { decide, describeDenial, type Decision, type DeclaredContext, type PolicySet } from '../../policies/index.js'
import { collectCoordinates } from '../coordinates/index.js'
import { dataClassesOf } from '../../schemas/index.js'
import { indexPolicies } from './runtime.js'

export interface ExplainInput {
  schema: GraphQLSchema
  set: PolicySet
  agency: string
  context: DeclaredContext
  query: string
  operationName?: string
  now?: Date
}

export type Explanation = { ok: true; decision: Decision; text: string } | { ok: false; text: string }

/**
 * What the gateway would decide for an agency, a purpose and a query, coordinate by coordinate:
 * `lgsp policy explain` and the console's simulator. The same collector and evaluator as the
 * request path, so the explanation cannot drift from the enforcement.
 */
export function explain(input: ExplainInput): Explanation {
  let document
  try {
    document = parse(input.query)
  } catch (error) {
    return { ok: false, text: `The query does not parse: ${error instanceof Error ? error.message : String(error)}` }
  }
  const errors = validate(input.schema, document)
  if (errors.length > 0) return { ok: false, text: `The query is not valid: ${errors.map((e) => e.message).join('; ')}` }
  const collected = collectCoordinates(input.schema, document, input.operationName)
  if (!collected.ok) return { ok: false, text: collected.reason }
  const active = indexPolicies(input.set, 0)
  const agency = active.agencies.get(input.agency)
  if (!agency) return { ok: false, text: `No agency ${input.agency} in this policy set` }
  const decision = decide({
    agency,
    purposes: active.purposes,
    context: input.context,
    coordinates: collected.coordinates.filter((c) => c !== 'Query.__schema' && c !== 'Query.__type'),
    variables: active.variables.get(agency.agency) ?? {},
    now: input.now ?? new Date(),
    dataClasses: dataClassesOf(input.schema),
  })
  const lines = [`agency ${agency.agency}, purpose ${input.context.purpose ?? '(none)'}: ${decision.allowed ? 'ALLOWED' : `REFUSED ${decision.code}`}`]
  if (!decision.allowed && decision.coordinates.length === 0) lines.push(`  ${decision.message}`)
  for (const c of decision.coordinates) {
    if (c.allowed) {
      const mask = c.mask ? `  mask ${typeof c.mask === 'string' ? c.mask : JSON.stringify(c.mask)}` : c.dataClass ? '  plain' : ''
      lines.push(`  allow  ${c.coordinate}${c.grants.length ? `  (${c.grants.join(', ')})` : ''}${mask}${c.dataClass ? ` (class ${c.dataClass})` : ''}`)
    } else lines.push(`  deny   ${describeDenial(c)}`)
  }
  if (decision.allowed) {
    for (const [typeName] of decision.rowFilters) lines.push(`  rows   ${typeName}: only records within the grants' where`)
    for (const [coordinate, cap] of decision.maxRecords) lines.push(`  cap    ${coordinate}: at most ${cap} records`)
  }
  return { ok: true, decision, text: lines.join('\n') }
}
